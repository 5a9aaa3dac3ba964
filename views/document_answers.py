"""Answering a generated 附件: the Word/Excel file, its PDF at once, or — for a long document whose PDF is not made
yet — a background job making it (202 for the API, the job's page for a screen). And the meeting's and talk's own
附件 (app.exports.records) on their pages and through REST, beside the inspection's (views.preparation)."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import expose
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import has_access, protect

from app.audit import DOWNLOAD, record_read
from app.commands import CommandError
from app.commands.clues import records_in
from app.commands.documents import Generated, generate_record, record_menu, start_document_pdf
from app.errors import BadRequest
from app.exports.pdf import PDF_SYNC_MAX_RECORDS, document_pdf, pdf_cached, renders_in_job
from app.permissions import READ
from app.storage import content_disposition
from app.uow import transaction

from .archive import send_document

JOB_MESSAGE = "文书较长，PDF 已转为后台任务生成，完成后可在「后台任务」中下载"


def wants_pdf() -> bool:
    """?format=pdf asks for the PDF; no format (or the file's own, docx/xlsx) for the Word/Excel file."""
    fmt = request.args.get("format", "")
    if fmt not in ("", "pdf", "docx", "xlsx"):
        raise BadRequest(f"参数 format 只能是 pdf、docx 或 xlsx，收到「{fmt[:20]}」", "format")
    return fmt == "pdf"


def send_pdf(doc):
    """The document as PDF (app.exports.pdf, LibreOffice), its download logged like the file's (send_document)."""
    data, name = document_pdf(doc)
    for model, ids in records_in(doc).items():
        record_read(model, ids, DOWNLOAD)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


def answer(generated: Generated, pdf: bool, job_answer):
    """The file, or its PDF: at once when short or already rendered, else `job_answer(job)` for the job making it
    (app.exports.pdf.renders_in_job)."""
    doc = generated.document
    if not pdf:
        return send_document(doc)
    limit = current_app.config.get("PDF_SYNC_MAX_RECORDS", PDF_SYNC_MAX_RECORDS)
    if renders_in_job(generated.records, pdf_cached(doc.sha256), limit):
        from jobs import submit

        return job_answer(start_document_pdf(doc, g.user, submit))
    return send_pdf(doc)


def screen_job(job):
    flash(JOB_MESSAGE, "info")
    return redirect(url_for("JobView.show", pk=job.id))


def api_job(api):
    return lambda job: api.response(202, message=JOB_MESSAGE, job_id=job.id, state=job.state,
                                    url=url_for("JobApi.get", pk=job.id))


class RecordDocumentScreen:
    """A meeting's or talk's page: its own 附件 (8, 9, 10 or 14) with a 生成 button, PDF beside it, its versions."""

    show_template = "xct/record_show.html"

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            record = self.datamodel.get(kwargs["pk"])
            kwargs["record_document"] = record_menu(record) if record is not None else None
        return super().render_template(template, **kwargs)

    @expose("/document/<int:pk>/<int:n>")
    @has_access
    def record_document(self, pk, n):
        """附件n of this meeting or talk, ?format=pdf as PDF (a long one through a job)."""
        record = self.datamodel.get(pk)
        if record is None:
            abort(404)
        try:
            pdf = wants_pdf()
            with transaction():
                generated = generate_record(record, n, g.user)
            return answer(generated, pdf, screen_job)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".show", pk=pk))


class RecordDocumentApi:
    """`GET /api/v1/<meeting|talk>/<id>/export/<n>`: the record's own 附件, as the inspection's export endpoint."""

    @expose("/<int:pk>/export/<int:n>", methods=["GET"])
    @protect()
    @safe
    def record_document(self, pk, n):
        """附件n of this meeting (8 听取汇报, 9 列席会议, 10 座谈会) or talk (14) as .docx, or as PDF with ?format=pdf
        (202 with the job for a long one); 404 for a record outside the caller's scope or of another 附件, 403 when
        its content comes from records the caller may not read."""
        record = self.datamodel.get(pk, self._base_filters)
        if record is None:
            return self.response_404()
        try:
            pdf = wants_pdf()
            with transaction():
                generated = generate_record(record, n, g.user)
            return answer(generated, pdf, api_job(self))
        except CommandError as exc:
            return self.command_error(exc)


def record_permissions(base: dict) -> dict:
    """The view's method permissions with the record's 附件 as a read."""
    return {**base, "record_document": READ}
