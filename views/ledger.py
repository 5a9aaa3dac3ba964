"""六（一） 整改台账 on screens and in the API: a row's steps (开始整改 … 审核销号, 退回, 认定反弹), its evidence, and
the unit's Excel round trip (download, fill offline, upload, preview, confirm).

The rows are found through the caller's scope (a liaison reaches only their unit's ledger); each step is one use
case of app.commands.rectification.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from app.commands import CommandError
from app.commands import rectification as ledger
from app.commands.status import open_moves
from app.extensions import db
from app.permissions import READ, WRITE
from app.scope import scope_criterion
from app.storage import content_disposition
from schema import Inspection, RectificationItem, Round

from .base import XctSQLAInterface, document_answer, uploaded
from .disposal import UploadForm, _step, scoped
from .imports import import_flow

ITEMS = XctSQLAInterface(RectificationItem)
INSPECTIONS = XctSQLAInterface(Inspection)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MoveForm(FlaskForm):
    note = TextAreaField("说明（退回、认定反弹时必填）", validators=[Length(max=500)])


def item_page(item: RectificationItem) -> dict:
    """The steps open to the reader, and the evidence, for the row's page."""
    return {"moves": [(t.action, url_for("LedgerView.move", pk=item.id, to=t.to_status))
                      for t in open_moves(item, g.user)],
            "evidence": item.evidence,
            "upload_url": url_for("LedgerView.evidence", pk=item.id) if item.status != "已销号" else None}


# 六（一） the unit fills in its ledger: its liaison's home page links straight to the download and the upload
# (issue 14 item 6: two clicks at most), newest inspection first.
SHORTCUT_ROLES = frozenset({"UnitLiaison"})
SHORTCUT_LIMIT = 3


def ledger_shortcuts(user) -> list[dict]:
    """[{label, download, upload}] of the reader's (scoped) inspections, for a liaison's home page; [] for others."""
    roles = {r.name for r in getattr(user, "roles", None) or []}
    if not roles & SHORTCUT_ROLES:
        return []
    stmt = sa.select(Inspection).join(Inspection.round).order_by(Round.year.desc(), Inspection.id.desc())
    crit = scope_criterion(Inspection, user)
    if crit is not None:
        stmt = stmt.where(crit)
    return [{"label": f"{i.round.name} · {i.unit.name}",
             "download": url_for("LedgerView.download", pk=i.id), "upload": url_for("LedgerView.upload", pk=i.id)}
            for i in db.session.scalars(stmt.limit(SHORTCUT_LIMIT))]


def _ledger_file(inspection: Inspection):
    from flask import Response

    response = Response(ledger.ledger_xlsx(inspection), mimetype=XLSX)
    response.headers["Content-Disposition"] = content_disposition(f"整改台账（{inspection.unit.name}）.xlsx")
    return response


class LedgerView(BaseView):
    route_base = "/ledger"
    class_permission_name = "RectificationItem"
    method_permission_name = {"move": WRITE, "evidence": WRITE, "download": READ, "upload": WRITE}

    @expose("/move/<pk>/<to>", methods=["GET", "POST"])
    @has_access
    def move(self, pk, to):
        item = scoped(ITEMS, pk)
        return _step(self, MoveForm(), lambda f: ledger.move_item(item, to, g.user, f.note.data),
                     title=f"{item.status} → {to}：{item.task[:40]}", submit="确认",
                     back=url_for("RectificationItemView.show", pk=item.id), done=f"已改为「{to}」")

    @expose("/evidence/<pk>", methods=["GET", "POST"])
    @has_access
    def evidence(self, pk):
        item = scoped(ITEMS, pk)

        def run(_form):
            data, filename = uploaded()
            ledger.add_evidence(item, g.user, data=data, filename=filename)

        return _step(self, UploadForm(), run, title=f"上传佐证材料：{item.task[:40]}",
                     back=url_for("RectificationItemView.show", pk=item.id), done="已上传佐证材料")

    @expose("/download/<pk>")
    @has_access
    def download(self, pk):
        return _ledger_file(scoped(INSPECTIONS, pk))

    @expose("/upload/<pk>", methods=["GET", "POST"])
    @has_access
    def upload(self, pk):
        """上传 → 预览（不保存）→ 确认（一个事务，全部或全不）: the shared flow of views.imports."""
        inspection = scoped(INSPECTIONS, pk)
        return import_flow(
            self, plan=lambda data: ledger.plan_ledger_upload(inspection, data), apply=lambda data: ledger.apply_ledger_upload(inspection, data, g.user),
            done=lambda c: f"整改台账已保存：新增 {c['added']} 行，修改 {c['changed']} 行",
            title=f"上传整改台账：{inspection.unit.name}", back=url_for("InspectionView.show", pk=inspection.id),
            template_url=url_for("LedgerView.download", pk=inspection.id),
            intro="先下载本单位整改台账，在 Excel 中填写后上传。编号列留空的行为新增事项；状态列只读，状态在系统中逐项办理。"
                  "上传后先预览，确认后才保存；任何一行有误都不保存。")


class LedgerApi:
    """/api/v1/rectification_item/<id>/move, /<id>/evidence and the ledger file (mixed into RectificationItemApi)."""

    @expose("/<int:pk>/move", methods=["POST"])
    @protect()
    @safe
    def move(self, pk):
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()

        def run():
            body = self.json_body()
            ledger.move_item(item, body.get("to"), g.user, body.get("note"))
            return {"result": {"status": item.status, "reviewed_on": item.reviewed_on and item.reviewed_on.isoformat()}}
        return self.run_command(run)

    @expose("/<int:pk>/evidence", methods=["POST"])
    @protect()
    @safe
    def evidence(self, pk):
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()

        def run():
            data, filename = uploaded()
            return document_answer(ledger.add_evidence(item, g.user, data=data, filename=filename))
        return self.run_command(run, 201)

    @expose("/ledger/<int:inspection_id>", methods=["GET"])
    @protect()
    @safe
    def ledger_file(self, inspection_id):
        """The unit's ledger as Excel, to fill in offline."""
        inspection = INSPECTIONS.get(inspection_id)
        return _ledger_file(inspection) if inspection is not None else self.response_404()

    @expose("/ledger/<int:inspection_id>", methods=["POST"])
    @protect()
    @safe
    def ledger_upload(self, inspection_id):
        """multipart `file`: the check of an upload (nothing saved), or with confirm=1 the upload saved, all rows or
        none."""
        inspection = INSPECTIONS.get(inspection_id)
        if inspection is None:
            return self.response_404()

        def run():
            data, _ = uploaded()
            if not data:
                raise CommandError("请上传整改台账文件（字段 file）", "file")
            if request.form.get("confirm") == "1":
                return {"result": ledger.apply_ledger_upload(inspection, data, g.user)}
            plan = ledger.plan_ledger_upload(inspection, data)
            return {"result": {"ok": plan.ok, "errors": plan.errors, "changes": [
                {**c, "fields": [list(f) for f in c["fields"]]} for c in plan.changes]}}
        return self.run_command(run)


SCREENS: list = []
HIDDEN = [LedgerView]
APIS: list = []
