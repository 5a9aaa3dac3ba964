"""Large list exports (app.exports.lists) as jobs: the list is rebuilt for the job's owner, as they asked for it."""

from __future__ import annotations

import time

from flask import current_app, g

from app.commands import CommandError

from . import in_app, run


@in_app
def list_export_job(job_id: int) -> None:
    run(job_id, _export)


def _export(job, tmp, progress):
    from app.exports.lists import list_export, write_workbook

    app = current_app._get_current_object()
    params = job.params
    view = next((v for v in app.appbuilder.baseviews if type(v).__name__ == params["view"]), None)
    user = app.appbuilder.sm.find_user(username=job.owner)
    if view is None or user is None or not user.is_active:
        raise CommandError("列表或用户已不存在，无法导出")
    delay = app.config.get("EXPORT_CHUNK_DELAY", 0)  # tests only: time to kill a worker mid-job

    def report(rows: int) -> None:
        progress(rows * 100 // max(export.count, 1))
        if delay:
            time.sleep(delay)

    # The same request the user made, for the same user: scope, filters and order are the list's.
    with app.test_request_context(params["path"], query_string=params["query"]):
        outer_user = g.get("user")  # in-process, this runs inside the user's own request
        g.user = user
        try:
            export = list_export(view)
            path = tmp / export.filename
            write_workbook(path, export, report, chunk=app.config.get("EXPORT_CHUNK_ROWS", 1000))
        finally:
            g.user = outer_user
    return path, export.filename


@in_app
def document_pdf_job(job_id: int) -> None:
    run(job_id, _document_pdf)


def _document_pdf(job, tmp, progress):
    """A long document's PDF (app.exports.pdf.renders_in_job). The result carries the 密级 and the records of the
    document, so that each download of it is a recorded read of them, like the document's own; its 页数 is noted on
    the document for the archive (附件24) when none was."""
    from app.commands.documents import records_of
    from app.exports.pdf import document_pdf, page_count
    from app.extensions import db
    from app.storage import storage_path
    from schema import Document

    doc = db.session.get(Document, job.params.get("document_id"))
    if doc is None or not storage_path(doc.storage_name).is_file():
        raise CommandError("文书已不存在或其文件已销毁，无法生成 PDF")
    progress(10)
    data, name = document_pdf(doc)
    if doc.page_count is None:
        doc.page_count = page_count(data)
    path = tmp / "document.pdf"
    path.write_bytes(data)
    found = records_of(doc)
    return path, name, {"is_confidential": doc.is_confidential, "classification": doc.classification,
                        "contents": {model.__tablename__: ids for model, ids in found.items()} or None}
