"""Stock Flask-AppBuilder over the same database, for benchmarks/load.py's side-by-side run (issue 18 item 2).

Not part of the application: what a generic admin panel gives on our tables. One plain ModelView and one plain
ModelRestApi per model the load mix reads, with FAB's defaults (every column listed, no row scope, no eager
loading of our own, FAB's own security), signed in through FAB's own login form against the same ab_user table.
Only the Admin role is given the stock views' permissions (FAB's update_perms), so every stock virtual user signs
in as `admin`.

    gunicorn "benchmarks.stock_fab:create_app()"   (DATABASE_URL and SECRET_KEY from the environment)
"""

from __future__ import annotations

import os

from flask import Flask
from flask_appbuilder import AppBuilder, ModelRestApi, ModelView
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.interface import SQLAInterface

import schema as m
from schema.base import Model

# the route's stem → model; views are /stock<stem>view/…, APIs /api/v1/stock<stem>/
MODELS = {"inspection": m.Inspection, "clue": m.Clue, "talk": m.Talk, "rectificationitem": m.RectificationItem,
          "transfer": m.Transfer, "deadline": m.Deadline}


def create_app(update_perms: bool = False) -> Flask:
    """The stock app; `update_perms` once (before gunicorn starts) writes the views' permissions for Admin."""
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"], SECRET_KEY=os.environ["SECRET_KEY"],
                      AUTH_TYPE=AUTH_DB, AUTH_ROLE_ADMIN="Admin", FAB_API_SWAGGER_UI=False)
    db = SQLA(metadata=Model.metadata)
    db.init_app(app)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=update_perms)
        appbuilder.init_app(app, db.session)
        for stem, model in MODELS.items():
            view = type(f"Stock{stem.capitalize()}View", (ModelView,), {"datamodel": SQLAInterface(model)})
            appbuilder.add_view(view, f"stock {model.__name__}", category="Stock")
            # signed in by the login form, as our REST APIs also accept (FAB's default answers 401 to a session)
            api = type(f"Stock{stem.capitalize()}Api", (ModelRestApi,), {
                "datamodel": SQLAInterface(model), "resource_name": f"stock{stem}", "allow_browser_login": True})
            appbuilder.add_api(api)
    return app
