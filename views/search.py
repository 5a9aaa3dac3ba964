"""检索: the results page behind the top bar's search box, and GET /api/v1/search?q= (issue 17 §3)."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi
from flask_appbuilder.security.decorators import protect

from app.commands.search import MODELS, TYPE_LABELS, SearchInvalid, search
from app.permissions import READ

RESOURCE = "Search"


def show_urls() -> dict[str, str]:
    """type → the URL pattern of its record's page (the screen whose model it is), "{id}" in place of the id."""
    urls = {}
    for view in current_app.appbuilder.baseviews:  # every registered screen (not views.screens: a wiring module)
        if not hasattr(view, "show"):
            continue
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        for name, searched in MODELS.items():
            if model is searched and name not in urls:
                urls[name] = url_for(f"{view.endpoint}.show", pk=0)[:-1] + "{id}"
    return urls


class SearchView(BaseView):
    """The results page: the hits of the box's words within the reader's scope, highlighted."""

    route_base = "/search"
    default_view = "index"
    class_permission_name = RESOURCE
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    def index(self):
        q = request.args.get("q", "")
        answer, error = {"count": 0, "more": False, "result": []}, None
        if q.strip():
            try:
                answer = search(g.user, q, request.args.get("limit"))
            except SearchInvalid as exc:
                error = exc.message
        return self.render_template("xct/search.html", q=q, answer=answer, error=error, labels=TYPE_LABELS,
                                    urls=show_urls())


class SearchApi(BaseApi):
    """GET /api/v1/search?q=<text>[&limit=N]: {"count": N, "more": bool, "result": [{"type", "id", "title",
    "snippet"}]}."""

    resource_name = "search"
    class_permission_name = RESOURCE
    method_permission_name = {"find": READ}
    allow_browser_login = True
    openapi_spec_tag = "检索"

    def response_401(self):
        return self.response(401, message="请先登录")

    def response_403(self):
        return self.response(403, message="没有权限检索")

    @expose("", methods=["GET"])
    @protect()
    def find(self):
        """Search.
        ---
        get:
          summary: 在本人查看范围内检索谈话、信访、线索、发现的问题、调阅资料、会议和文书
          parameters:
          - in: query
            name: q
            required: true
            schema:
              type: string
          - in: query
            name: limit
            schema:
              type: integer
          responses:
            200:
              description: 命中条数与排序后的结果（snippet 为转义后的 HTML，命中处以 mark 标出）
            400:
              description: 检索词不合要求
        """
        try:
            answer = search(g.user, request.args.get("q"), request.args.get("limit"))
        except SearchInvalid as exc:
            return self.response(400, message=exc.message, field=exc.field)
        return self.response(200, **answer)


SCREENS: list = []
HIDDEN = [SearchView, SearchApi]  # reached from the top bar's box, not the menu; no model, so not in the matrix
APIS: list = []
