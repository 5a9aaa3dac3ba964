"""A show page that renders its summary and loads each related tab on demand (issue 14: the inspection page
rendered all its tabs at once, 306 KB and ~1 s). The tab's fragment is FAB's own related list, built by the same
scoped data interface as before: the record through `datamodel.get` (404 outside the scope), the list through the
related view's filters, its reads logged by the list widget as on any list."""

from __future__ import annotations

from flask import abort, g, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args

from app.permissions import READ, VIEW_METHOD_PERMISSIONS


class LazyRelatedTabs:
    """Mix in before XctModelView; xct/show.html renders a placeholder per tab, views/static/xct/layout.js loads
    /<view>/related/<pk>/<RelatedView> when the tab is opened (and again for its paging and ordering links)."""

    def __init__(self, **kwargs):
        # reading a tab is reading the record: whatever method map the screen declares, plus this one
        self.method_permission_name = {**(self.method_permission_name or VIEW_METHOD_PERMISSIONS), "related_tab": READ}
        super().__init__(**kwargs)

    def _get_related_views_widgets(self, item, orders=None, pages=None, page_sizes=None, widgets=None, **args):
        # only the show page (xct/show.html) knows placeholders; FAB's edit page renders its related lists itself
        if g.get("xct_related_tab") or not (request.endpoint or "").endswith(".show"):
            return super()._get_related_views_widgets(item, orders, pages, page_sizes, widgets, **args)
        widgets = widgets or {}
        widgets["related_views"] = [None] * len(self._related_views)  # placeholders: loaded when opened
        return widgets

    @expose("/related/<pk>/<view>")
    @has_access
    def related_tab(self, pk, view):
        """One related tab's list, as HTML for the show page (no layout)."""
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk))
        related = next((v for v in self._related_views if type(v).__name__ == view), None)
        if item is None or related is None:
            abort(404)
        sm = self.appbuilder.sm
        if not sm.has_access("can_" + related.method_permission_name.get("list", "list"),
                             related.class_permission_name):
            abort(404)  # as on the show page, a tab the reader may not read does not exist
        order = get_order_args().get(view) or ("", "")
        g.xct_related_tab = True
        widget = self._get_related_view_widget(item, related, *order, page=get_page_args().get(view),
                                               page_size=get_page_size_args().get(view))
        return str(widget(pk=pk)), 200, {"Cache-Control": "no-store"}

