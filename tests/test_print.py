"""The 24 附件 of the demo's complete inspection (机械工程学院) as printed: each rendered to PDF through LibreOffice
by `GET /api/v1/inspection/<id>/export/<n>?format=pdf` and read back with Poppler (pdftotext, pdfinfo, pdftoppm).

Per 附件: a page count within the range its records call for, each Excel 附件 one page wide (fit to width in the
file, a landscape page in the PDF), no placeholder, "None", drafting note or English word in the printed text. The
PNG of page 1 of each is kept under tests/artifacts/print/ for a look. Without LibreOffice the test skips, saying
why; in CI (REQUIRE_PG set) it fails instead.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "print"
EXCEL = {11, 12, 15, 23, 24}
DRAFTING = ("起草说明", "定稿前删除", "【")
# Latin words that may be printed: none. Codes (XC2026-01-001), e-mail addresses and web addresses are not words.
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|www\.\S+")
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])")


def _tools_missing() -> str | None:
    from app.exports.pdf import office_binary

    if office_binary() is None:
        return "未安装 LibreOffice（soffice），无法把附件转换为 PDF：运行 scripts/install_office.sh 安装"
    missing = [t for t in ("pdftotext", "pdfinfo", "pdftoppm") if shutil.which(t) is None]
    return f"未安装 Poppler 工具（{'、'.join(missing)}，Debian 包 poppler-utils）" if missing else None


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    """A demo database of its own: the downloads here add documents the other modules do not expect."""
    yield from demo_world(databases, tmp_path_factory, "print")


@pytest.fixture(scope="module")
def app(world):
    return world[0]


@pytest.fixture(scope="module")
def tokens(world):
    return world[2]


def _mech(app) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == "机械工程学院"))


@pytest.fixture(scope="module")
def printed(app, tokens):
    """附件 n → (the Word/Excel file, the PDF), as 巡察办 downloads them."""
    reason = _tools_missing()
    if reason:
        if os.environ.get("REQUIRE_PG"):  # CI: printing is required there
            pytest.fail(f"打印测试无法运行：{reason}")
        pytest.skip(reason)
    pk = _mech(app)
    client = app.test_client()
    files = {}
    for n in range(1, 25):
        native = client.get(f"/api/v1/inspection/{pk}/export/{n}", headers=tokens("office"))
        pdf = client.get(f"/api/v1/inspection/{pk}/export/{n}?format=pdf", headers=tokens("office"))
        if pdf.status_code == 202:  # long (app.exports.pdf.renders_in_job): made by its job, in-process here
            pdf = client.get(f"/api/v1/job/{pdf.json['job_id']}/result", headers=tokens("office"))
        assert native.status_code == 200 and pdf.status_code == 200, (n, pdf.get_data(as_text=True)[:300])
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
        assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"] and ".pdf" in pdf.headers[
            "Content-Disposition"]
        files[n] = (native.data, pdf.data)
    return files


def _poppler(tool: str, pdf: Path, *args: str, out: str = "-") -> str:
    """pdftotext/pdfinfo/pdftoppm on `pdf`; `out`: pdftotext's output (stdout) or pdftoppm's file root."""
    command = [tool, *args, str(pdf)] + ([out] if tool != "pdfinfo" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def _expected_pages(app, n: int) -> tuple[int, int]:
    """The printed length each 附件's records call for; a per-record form is one record per page."""
    from app.extensions import db

    pk = _mech(app)
    with app.app_context():
        count = {14: m.Talk, 16: m.Visit}.get(n)
        records = db.session.scalar(sa.select(sa.func.count()).select_from(count).where(
            count.inspection_id == pk)) if count is not None else 0
    if records:
        return records, 2 * records
    return {17: (2, 8), 19: (2, 6)}.get(n, (1, 4))


def _without_intake_address(app, text: str) -> str:
    """附件7's 码上巡察 address, which a line may break in two (its random token then reads as a word): taken out
    of the text with the line breaks and spaces removed."""
    from app.extensions import db

    with app.app_context():
        token = db.session.scalar(sa.select(m.Inspection.intake_token).where(m.Inspection.id == _mech(app)))
    flat = re.sub(r"\s+", "", text)
    return re.sub(r"https?://[!-~]*?" + re.escape(token), "", flat) if token else flat


def test_every_attachment_prints(app, printed, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    from app.exports.pdf import page_count

    problems = []
    for n, (native, pdf) in printed.items():
        path = tmp_path / f"附件{n:02d}.pdf"
        path.write_bytes(pdf)
        pages = page_count(pdf)
        info = _poppler("pdfinfo", path)
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == pages, n
        low, high = _expected_pages(app, n)
        if not low <= pages <= high:
            problems.append(f"附件{n}：{pages} 页，应为 {low}～{high} 页")
        text = _poppler("pdftotext", path, "-layout")
        if not text.strip():
            problems.append(f"附件{n}：PDF 中没有文字")
        for bad in ("{{", "{%", "None", *DRAFTING):
            if bad in text:
                problems.append(f"附件{n}：打印内容含「{bad}」")
        words = WORD.findall(ADDRESS.sub("", _without_intake_address(app, text) if n == 7 else text))
        if words:
            problems.append(f"附件{n}：打印内容含英文词 {sorted(set(words))[:5]}")
        if n in EXCEL:
            book = openpyxl.load_workbook(io.BytesIO(native))
            for sheet in book.worksheets:
                if not (sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage):
                    problems.append(f"附件{n}「{sheet.title}」未设置按一页宽打印")
                if sheet.page_setup.orientation != "landscape" or not sheet.print_title_rows:
                    problems.append(f"附件{n}「{sheet.title}」未设置横向或标题行重复")
            # one page wide as printed: page 1 carries the header's first and last column (none spilt to a page of
            # its own)
            first_page = re.sub(r"\s+", "", text.split("\f")[0])
            sheet = book.worksheets[0]
            row = int(sheet.print_title_rows.split(":")[-1].lstrip("$"))
            header = [re.sub(r"\s+", "", c) for c in next(sheet.iter_rows(min_row=row, max_row=row, values_only=True))
                      if isinstance(c, str) and c.strip()]
            if not header or header[0] not in first_page or header[-1] not in first_page:
                problems.append(f"附件{n}：第1页未同时印出表头的首列与末列（{header[:1]}…{header[-1:]}）")
            width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
            if width <= height:
                problems.append(f"附件{n}：Excel 附件的 PDF 页面不是横向（{width}×{height}）")
        else:
            width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
            if (round(width * 25.4 / 72), round(height * 25.4 / 72)) != (210, 297):
                problems.append(f"附件{n}：Word 附件的 PDF 页面不是 A4 纵向（{width}×{height}）")
        _poppler("pdftoppm", path, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                 out=str(ARTIFACTS / f"附件{n:02d}"))
    assert not problems, "\n".join(problems)
    assert len(list(ARTIFACTS.glob("附件*.png"))) >= 24


def test_per_record_forms_and_confidential_marks(app, printed, tmp_path):
    """附件14 one talk per page with lines to sign; 附件14 carries 份号 and 密级 at the top left, 附件4 does not;
    附件12 one sheet per receiving department, its materials counted in 件."""
    path = tmp_path / "talks.pdf"
    path.write_bytes(printed[14][1])
    pages = _poppler("pdftotext", path).split("\f")
    filled = [p.replace(" ", "") for p in pages if p.strip()]
    talks = _expected_pages(app, 14)[0]  # one page at least per talk
    # each talk starts a page with its title, and ends with lines for the three to sign
    assert sum(p.lstrip("0123456789\n秘密").startswith("个别谈话记录表") for p in filled) == talks
    assert sum(p.count("谈话对象（签字）") for p in filled) == talks
    first = [line.strip() for line in filled[0].splitlines() if line.strip()]
    assert first[0] == "000001" and first[1] == "秘密"
    notice = tmp_path / "notice.pdf"
    notice.write_bytes(printed[4][1])
    assert "秘密" not in _poppler("pdftotext", notice)
    book = openpyxl.load_workbook(io.BytesIO(printed[12][0]))
    assert len(book.worksheets) == 3  # 纪委监察室, 审计室, 党委组织部
    cells = [c for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row if c]
    assert "件数" in cells and not any(isinstance(c, str) and ".txt" in c for c in cells)
    assert all(s.oddHeader.left.text == "秘密" for s in book.worksheets)


def test_pdf_without_libreoffice_is_a_chinese_503(app, tokens, monkeypatch):
    from app.exports import pdf

    monkeypatch.setattr(pdf, "office_binary", lambda: None)
    monkeypatch.setattr(pdf, "_work_dir", lambda: Path(app.config["STORAGE_DIR"]) / "tmp-empty")
    pk = _mech(app)
    resp = app.test_client().get(f"/api/v1/inspection/{pk}/export/2?format=pdf", headers=tokens("office"))
    assert resp.status_code == 503 and "LibreOffice" in resp.json["message"] and "PDF" in resp.json["message"]
    bad = app.test_client().get(f"/api/v1/inspection/{pk}/export/2?format=exe", headers=tokens("office"))
    assert bad.status_code == 400 and "format" in bad.json["message"]


def _latest(app, pk: int, n: int):
    from app.extensions import db

    with app.app_context():
        doc = db.session.scalar(sa.select(m.Document).where(m.Document.subject == f"inspection:{pk}:{n}")
                                .order_by(m.Document.version.desc()).limit(1))
        db.session.expunge(doc)
        return doc


def _uncache(app, doc) -> None:
    """Forget the document's rendered PDF (app.exports.pdf.cached_pdf): the next request must render it."""
    (Path(app.config["STORAGE_DIR"]) / "tmp" / "pdf" / f"{doc.sha256}.pdf").unlink(missing_ok=True)


@pytest.fixture()
def long_documents(app):
    """Every document with a record is "long" (app.exports.pdf.renders_in_job), for the length of a test."""
    app.config["PDF_SYNC_MAX_RECORDS"] = 0
    yield
    app.config.pop("PDF_SYNC_MAX_RECORDS")


def _job_row(app, job_id: int):
    from app.extensions import db

    with app.app_context():
        job = db.session.get(m.Job, job_id)
        db.session.expunge(job)
        return job


def _result_is_the_pdf(app, tokens, job_id: int, talks: int) -> None:
    """The job's result is the PDF, its owner's and Admin's/巡察办's only, a confidential document carrying its talks."""
    from app.exports.pdf import page_count
    from app.extensions import db

    client = app.test_client()
    got = client.get(f"/api/v1/job/{job_id}/result", headers=tokens("office"))
    assert got.status_code == 200 and got.data.startswith(b"%PDF") and ".pdf" in got.headers["Content-Disposition"]
    assert talks <= page_count(got.data) <= 2 * talks
    for user in ("leader", "zuyuan", "zuzhang"):
        assert client.get(f"/api/v1/job/{job_id}/result", headers=tokens(user)).status_code == 404, user
    with app.app_context():
        job = db.session.get(m.Job, job_id)
        assert job.kind == "document_pdf" and job.owner == "office"
        assert job.result.is_confidential and job.result.inspection_id is None
        assert len(job.result.contents["talk"]) == talks
        source = db.session.get(m.Document, job.params["document_id"])
        assert source.page_count == page_count(got.data)  # 页数 for 附件24


def test_a_long_documents_pdf_is_made_by_a_job(app, tokens, printed, long_documents):
    """Long (more records than PDF_SYNC_MAX_RECORDS) and not rendered yet: 202 and the job, run in-process without
    Redis; short, or rendered already: the PDF at once (README's `?format=pdf`)."""
    pk = _mech(app)
    talks = _expected_pages(app, 14)[0]
    client = app.test_client()
    _uncache(app, _latest(app, pk, 14))
    resp = client.get(f"/api/v1/inspection/{pk}/export/14?format=pdf", headers=tokens("office"))
    assert resp.status_code == 202, resp.get_data(as_text=True)[:300]
    assert resp.json["message"] and resp.json["url"].endswith(f"/api/v1/job/{resp.json['job_id']}")
    assert _job_row(app, resp.json["job_id"]).state == "完成"
    _result_is_the_pdf(app, tokens, resp.json["job_id"], talks)
    # rendered now: the PDF at once; a 附件 of no records (the notice) is never long
    again = client.get(f"/api/v1/inspection/{pk}/export/14?format=pdf", headers=tokens("office"))
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    _uncache(app, _latest(app, pk, 4))
    assert client.get(f"/api/v1/inspection/{pk}/export/4?format=pdf", headers=tokens("office")).status_code == 200
    # the screen: a flash and the job's page
    _uncache(app, _latest(app, pk, 14))
    from seeds.demo import DEMO_PASSWORD

    screen = app.test_client()
    screen.post("/login/", data={"username": "office", "password": DEMO_PASSWORD})
    page = screen.get(f"/inspectionview/export/{pk}/14?format=pdf")
    assert page.status_code == 302 and "/jobview/show/" in page.headers["Location"]
    shown = screen.get(page.headers["Location"]).get_data(as_text=True)
    assert "后台任务" in shown and "PDF" in shown


def test_with_redis_the_pdf_job_is_the_workers(redis_app, tokens, printed, long_documents):
    """On a real Redis the request only queues the job; an rq worker renders the PDF."""
    from rq import SimpleWorker

    from jobs import EXPORTS, queue

    app = redis_app
    pk = _mech(app)
    _uncache(app, _latest(app, pk, 14))
    resp = app.test_client().get(f"/api/v1/inspection/{pk}/export/14?format=pdf", headers=tokens("office"))
    assert resp.status_code == 202, resp.get_data(as_text=True)[:300]
    job_id = resp.json["job_id"]
    queued = _job_row(app, job_id)
    assert queued.state == "排队" and queued.rq_job_id == f"job-{job_id}"
    with app.app_context():
        q = queue(EXPORTS)
        SimpleWorker([q], connection=q.connection).work(burst=True)
    assert _job_row(app, job_id).state == "完成", _job_row(app, job_id).error
    _result_is_the_pdf(app, tokens, job_id, _expected_pages(app, 14)[0])


def test_a_batch_is_converted_by_one_libreoffice_run_each_pdf_its_own_file(app, printed, tmp_path, monkeypatch):
    """pdf.cached_pdfs (documents.finalize_all, the demo's archive): the files not rendered yet go to one soffice run,
    each PDF answers for its own file (same order, same pages as one by one), and a second call runs nothing."""
    import docx
    from app.exports import pdf as office

    runs = []
    popen = subprocess.Popen
    monkeypatch.setattr(office.subprocess, "Popen",
                        lambda cmd, **kw: ("--convert-to" in cmd and runs.append(cmd)) or popen(cmd, **kw))
    files = []
    for n, pages in enumerate((3, 1)):
        document = docx.Document()
        for page in range(pages):
            document.add_paragraph(f"批量转换第{n}份第{page + 1}页")
            if page < pages - 1:
                document.add_page_break()
        out = io.BytesIO()
        document.save(out)
        files.append((out.getvalue(), "docx"))
    files.append((printed[24][0], "xlsx"))  # 附件24, rendered already (the `printed` download): not converted again
    with app.app_context():
        pdfs = office.cached_pdfs(files)
        sources = [arg for arg in runs[0] if arg.endswith((".docx", ".xlsx"))] if len(runs) == 1 else runs
        assert [Path(s).suffix for s in sources] == [".docx", ".docx"]
        assert [office.page_count(p) for p in pdfs[:2]] == [3, 1]
        assert office.page_count(pdfs[2]) == office.page_count(printed[24][1])
        for n, data in enumerate(pdfs[:2]):
            (tmp_path / f"{n}.pdf").write_bytes(data)
            assert f"批量转换第{n}份第1页" in _poppler("pdftotext", tmp_path / f"{n}.pdf").replace(" ", "")
        assert office.cached_pdfs(files) == pdfs and len(runs) == 1


def test_a_batch_the_user_may_not_finalize_converts_nothing_and_is_refused(app, monkeypatch):
    """documents.finalize_all renders only the drafts the user may finalize: the inspected unit's liaison gets the
    same refusal as from finalize, and LibreOffice never starts for him."""
    from app.commands.documents import export_attachment, finalize_all
    from app.errors import CommandError
    from app.exports import pdf as office
    from app.extensions import db
    from tests.conftest import open_inspection

    runs = []
    monkeypatch.setattr(office.subprocess, "Popen", lambda cmd, **kw: runs.append(cmd))
    pk = open_inspection(app)
    with app.app_context():
        sm = app.appbuilder.sm
        drafts = [export_attachment(db.session.get(m.Inspection, pk), n, sm.find_user(username="office"))
                  for n in (4, 5)]
        db.session.flush()
        liaison = sm.find_user(username="liaison")
        assert [d.state for d in drafts] == ["草稿", "草稿"] and liaison
        with pytest.raises(CommandError) as refused:
            finalize_all(drafts, liaison)
        db.session.rollback()
    assert refused.value.status == 403 and "定稿须由本巡察组组长或巡察办确认" in refused.value.message and runs == []
