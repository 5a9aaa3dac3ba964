"""The landing page: for a signed-in user, their day's work (app.home); otherwise the login button."""

from flask import g
from flask_appbuilder import IndexView, expose

from app.home import home

from .ledger import ledger_shortcuts


class HomeView(IndexView):
    index_template = "xct/index.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        data = home(user) if user is not None and user.is_authenticated else None
        if data is not None:
            data["ledger"] = ledger_shortcuts(user)  # a liaison's two-click path to the unit's ledger (issue 14)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, home=data)
