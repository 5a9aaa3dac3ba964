"""领导看板: the charts of app.dashboards as a screen (ECharts, served from our own static files) and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, g
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi
from flask_appbuilder.security.decorators import protect

from app.dashboards import CHARTS, headline
from app.permissions import READ

# Vendored in git at the version package-lock.json pins (scripts/assets.sh refreshes it); served as a plain static
# file (cached by the browser, no Python per request), under the app's own origin like every other script.
ECHARTS_FILE = "xct/vendor/echarts.min.js"
INSTALL_HINT = ("图表组件 ECharts 尚未安装，图表无法显示。请在项目根目录运行 scripts/start.sh，或手动执行 "
                "npm ci --no-audit --no-fund 后将 node_modules/echarts/dist/echarts.min.js 复制到 "
                "views/static/xct/vendor/echarts.min.js。")
HEIGHT = {"heatmap": 40, "stacked_bar_horizontal": 36}  # px per row of a chart that grows with its rows
# The widest a category label is drawn (px), cut with "…" beyond (the tooltip names it in full): a fixed left margin
# plus labels as long as a unit's name left a phone's 390 px screen no room for the bars.
LABEL_WIDTH = {"row": 140, "column": 96}
GRID = {"left": 8, "right": 24, "top": 50, "containLabel": True}  # the labels inside the grid, whatever their length


def echarts_available() -> bool:
    return (Path(current_app.static_folder) / ECHARTS_FILE).is_file()


def echarts_option(chart: dict) -> dict:
    """The ECharts option of one chart's data (app.dashboards)."""
    kind, names = chart["kind"], [s["name"] for s in chart["series"]]
    base = {"title": {"text": chart["title"], "left": "center", "textStyle": {"fontSize": 15}},
            "tooltip": {"trigger": "item"}, "animation": False}
    if kind == "pie":
        empty = not any(chart["series"][0]["data"])  # ECharts draws equal slices for all zeros: say so instead
        title = {**base["title"], "subtext": "暂无数据" if empty else ""}
        return {**base, "title": title, "color": chart["colours"], "legend": {"bottom": 0},
                "series": [{"type": "pie", "radius": ["35%", "62%"], "name": names[0], "stillShowZeroSum": False,
                            # a zero slice draws nothing: no label or label line pointing at it either
                            "data": [{"name": c, "value": v, **({} if v else {"label": {"show": False},
                                                                               "labelLine": {"show": False}})}
                                     for c, v in zip(chart["categories"], chart["series"][0]["data"])]}]}
    if kind == "heatmap":
        return {**base, "grid": {**GRID, "bottom": 40},
                "xAxis": {"type": "category", "data": chart["categories"]},
                "yAxis": {"type": "category", "data": [f"{u}（本届未巡察）" if u in chart["never"] else u
                                                       for u in chart["units"]],
                          "axisLabel": {"width": LABEL_WIDTH["row"], "overflow": "truncate"}},
                "visualMap": {"type": "piecewise", "orient": "horizontal", "left": "center", "bottom": 0,
                              "pieces": [{"value": 0, "label": "未巡察", "color": "#f2dede"},
                                         {"gte": 1, "label": "已巡察", "color": "#5cb85c"}]},
                "series": [{"type": "heatmap", "name": names[0], "data": chart["series"][0]["data"],
                            "label": {"show": True}}]}
    horizontal = kind == "stacked_bar_horizontal"
    category_axis = {"type": "category", "data": chart["categories"],
                     "axisLabel": {"interval": 0, "overflow": "truncate",
                                   "width": LABEL_WIDTH["row" if horizontal else "column"],
                                   **({} if horizontal else {"rotate": 30})}}
    value_axis = {"type": "value", "minInterval": 1}
    series_type = "line" if kind == "line" else "bar"
    return {**base, "tooltip": {"trigger": "axis" if kind == "line" else "item"},
            "legend": {"bottom": 0, "type": "scroll"} if len(names) > 1 else {"show": False},
            "grid": {**GRID, "bottom": 40 if len(names) > 1 else 10},
            "xAxis": value_axis if horizontal else category_axis,
            "yAxis": category_axis if horizontal else value_axis,
            "series": [{"type": series_type, "name": s["name"], "data": s["data"],
                        **({"stack": "total"} if kind.startswith("stacked") else {})} for s in chart["series"]]}


def chart_element(chart: dict) -> dict:
    """What the template puts on the `<div class="xct-chart">` (views/static/xct/charts.js)."""
    rows = len(chart.get("units") or chart["categories"])
    height = max(320, 120 + HEIGHT[chart["kind"]] * rows) if chart["kind"] in HEIGHT else 360
    return {"option": json.dumps(echarts_option(chart), ensure_ascii=False),
            "links": json.dumps([s["links"] for s in chart["series"]], ensure_ascii=False),
            "height": height, "data": chart}


class DashboardView(BaseView):
    """领导看板 (DOMAIN.md §6 leading_group "reads dashboards"): every chart within the viewer's scope."""

    route_base = "/dashboard"
    default_view = "index"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    def index(self):
        charts = {name: chart_element(fn(g.user)) for name, fn in CHARTS.items()}
        return self.render_template("xct/dashboard.html", charts=charts, headline=headline(g.user),
                                    echarts=echarts_available(),
                                    echarts_file=ECHARTS_FILE, install_hint=INSTALL_HINT)


class DashboardApi(BaseApi):
    """GET /api/v1/dashboard/<chart>: the same data as the screen (app.dashboards), as JSON."""

    resource_name = "dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"chart": READ}
    allow_browser_login = True
    openapi_spec_tag = "领导看板"

    def response_401(self):
        return self.response(401, message="请先登录")

    def response_403(self):
        return self.response(403, message="没有权限查看领导看板")

    @expose("/<chart>", methods=["GET"])
    @protect()
    def chart(self, chart: str):
        """Chart data.
        ---
        get:
          summary: 领导看板的一个图表（findings, clues, rectification, deadlines, trends, coverage），或 headline（概览数字）
          parameters:
          - in: path
            name: chart
            required: true
            schema:
              type: string
          responses:
            200:
              description: 图表数据
            404:
              description: 没有这个图表
        """
        fn = {**CHARTS, "headline": headline}.get(chart)
        if fn is None:
            return self.response(404, message=f"没有图表“{chart}”，可用：{'、'.join([*CHARTS, 'headline'])}")
        return self.response(200, result=fn(g.user))


SCREENS = [(DashboardView, "领导看板", "", "fa-bar-chart")]
# The API is registered with the hidden views: it has no model, so the model matrix (tests/test_matrix.py) does not
# list it; tests/test_dashboards.py covers its roles.
HIDDEN = [DashboardApi]
APIS: list = []
