"""The 24 附件 as documents from data: every one generated from the demo 机械工程学院 inspection and read back, the
export endpoint's scope and file name, template upload (versions, broken placeholders, macros) and the sandbox."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import quote

import docx
import openpyxl
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn
from docx.shared import Twips

import schema as m
from schema.enums import ASPECTS
from schema.transfer import transfer_clue
from tests.conftest import open_inspection


def _text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = docx.Document(io.BytesIO(data))
    out = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                out.append(block.text)

    walk(document)
    return "\n".join(out)


def _cells(data: bytes) -> list:
    """Every filled cell of every sheet (附件12 has one sheet per receiving department)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
            if c not in (None, "")]


def _insp(app, unit: str) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == unit))


def _rows(app, stmt):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(stmt).all()


@pytest.fixture(scope="module")
def mech(app):
    return _insp(app, "机械工程学院")


@pytest.fixture(scope="module")
def exported(app, tokens, mech):
    """附件1…24 of the 机械工程学院 inspection as 巡察办 downloads them: n → (response headers, bytes)."""
    client = app.test_client()
    files = {}
    for n in range(1, 25):
        resp = client.get(f"/api/v1/inspection/{mech}/export/{n}", headers=tokens("office"))
        assert resp.status_code == 200, (n, resp.get_data(as_text=True)[:300])
        files[n] = (resp.headers, resp.data)
    return files


def test_every_attachment_has_a_chinese_file_name_and_its_format(exported):
    for n, (headers, data) in exported.items():
        disposition = headers["Content-Disposition"]
        match = re.search(r"filename\*=UTF-8''(\S+)", disposition)
        assert match and match.group(1).startswith(quote(f"附件{n} ")), disposition
        assert quote("（机械工程学院党委）") in match.group(1)
        if n in (11, 12, 15, 23, 24):
            assert match.group(1).endswith(".xlsx") and data[:2] == b"PK"
            openpyxl.load_workbook(io.BytesIO(data))
        else:
            assert match.group(1).endswith(".docx")
            docx.Document(io.BytesIO(data))


def test_generated_files_are_kept_as_documents(app, tokens, exported, mech):
    rows = _rows(app, sa.select(m.Document.attachment_no, m.Document.template_id, m.Document.is_generated,
                                m.Document.is_confidential, m.Document.transfer_id)
                 .where(m.Document.subject.like(f"inspection:{mech}:%"), m.Document.inspection_id == mech))
    by_no = {r.attachment_no: r for r in rows}
    assert set(by_no) == set(range(1, 25)) - {12}
    assert all(r.is_generated and r.template_id for r in rows)
    # confidential: the 附件 of talks, petitions, clues and materials, and the report, which carries the clues'
    # disposal (a generated document carries the visibility of the records it was made from, issue 13 item 3)
    assert {n for n, r in by_no.items() if r.is_confidential} == {11, 13, 14, 15, 17, 18}
    # 附件12 of three batches (纪委监察室, 审计室, 党委组织部) is filed under none of them nor the inspection: the
    # team keeps no copy and no department sees the others' clues; 巡察办 lists it
    listing = _rows(app, sa.select(m.Document.id, m.Document.inspection_id, m.Document.transfer_id,
                                   m.Document.is_confidential).where(m.Document.subject == f"inspection:{mech}:12"))
    assert [(r.inspection_id, r.is_confidential) for r in listing] == [(None, True)]
    client = app.test_client()
    for user, status in (("zuyuan", 404), ("jiwei", 404), ("office", 200)):
        assert client.get(f"/api/v1/document/{listing[0].id}", headers=tokens(user)).status_code == status, user


def test_notice_and_meeting_forms(app, exported, mech):
    notice = _text(exported[4][1])
    assert "关于对机械工程学院党委开展巡察的通知" in notice
    assert "校巡通〔2026〕1号" in notice and "2026年3月16日至2026年4月15日" in notice
    assert "王建国" in notice and "朱丽娜" in notice and notice.rstrip().endswith("2026年3月10日")

    briefings = _rows(app, sa.select(m.Unit.name, m.Briefing.briefer)
                      .join(m.Unit, m.Unit.id == m.Briefing.department_id)
                      .where(m.Briefing.inspection_id == mech))
    text = _text(exported[3][1])
    assert briefings and all(dept in text and briefer in text for dept, briefer in briefings)

    for n, kind in ((8, "听取汇报"), (9, "列席会议"), (10, "座谈会")):
        titles = [t for (t,) in _rows(app, sa.select(m.Meeting.title).where(m.Meeting.inspection_id == mech,
                                                                           m.Meeting.kind == kind))]
        text = _text(exported[n][1])
        assert titles and all(t in text for t in titles), (n, titles)
    mobilisation = _rows(app, sa.select(m.Meeting.expected_count, m.Meeting.present_count).where(
        m.Meeting.inspection_id == mech, m.Meeting.kind == "动员会"))[0]
    text = _text(exported[5][1])
    assert str(mobilisation.expected_count) in text and str(mobilisation.present_count) in text
    assert "教职工总人数186人" in text
    # 附件6 is the questionnaire to answer: the kind said once, lines for an open question, no results (附件23)
    questionnaire = _text(exported[6][1])
    assert "（可多选）（多选）" not in questionnaire and "（可多选）" in questionnaire
    assert "_" * 40 in questionnaire and "回收" not in questionnaire
    results = openpyxl.load_workbook(io.BytesIO(exported[23][1]))["问卷统计"]
    figures = {row[2]: row[3] for row in results.iter_rows(min_row=4, values_only=True) if row[2]}
    assert figures["发放份数"] == 150 and figures["回收份数"] == 138
    assert f"回收{figures['回收份数']}份" in figures["说明"]
    assert "010-62334101" in _text(exported[7][1])
    agenda = _text(exported[1][1])
    assert "2026年第一轮巡察动员部署会" in agenda and "陈志远" in agenda
    assert "第一巡察组（组长：王建国）" in agenda and "第二巡察组" in agenda
    for n, word in ((2, "党的领导方面"), (21, "班子反馈")):
        assert word in _text(exported[n][1])


def test_fieldwork_registers(app, exported, mech):
    codes = [c for (c,) in _rows(app, sa.select(m.Petition.code).where(m.Petition.inspection_id == mech))]
    cells = _cells(exported[11][1])
    assert len(codes) == 5 and all(c in cells for c in codes)
    assert "序号" in cells and "来信" in cells

    talks = _rows(app, sa.select(m.Person.name).join(m.Talk, m.Talk.interviewee_id == m.Person.id)
                  .where(m.Talk.inspection_id == mech))
    record = _text(exported[14][1])
    assert talks and all(name in record for (name,) in talks)
    assert "原汁原味" in record and "王建国（2026年3月19日）" in record

    names = [n for (n,) in _rows(app, sa.select(m.Material.name).where(m.Material.inspection_id == mech))]
    cells = _cells(exported[15][1])
    assert names and all(n in cells for n in names)

    sent = [c for (c,) in _rows(app, sa.select(m.Clue.code).join(transfer_clue).join(m.Transfer).where(
        m.Transfer.inspection_id == mech, m.Transfer.transferred_on.is_not(None)))]
    cells = _cells(exported[12][1])
    assert sent and all(c in cells for c in sent)
    assert "机电工程实验中心" in _text(exported[16][1])
    assert "谈话对象类别：领导班子成员" in _text(exported[13][1])


def test_report_has_the_six_aspects_each_finding_and_its_length(app, exported, mech):
    report = _text(exported[17][1])
    headings = ["（一）党的领导方面", "（二）党的建设方面", "（三）全面从严治党方面",
                "（四）党风廉政建设和反腐败斗争方面",
                "（五）重点领域风险防控方面", "（六）落实上一轮巡视（督查）整改情况方面"]
    positions = [report.index(h) for h in headings]
    assert positions == sorted(positions)
    findings = _rows(app, sa.select(m.Finding.aspect, m.Finding.summary, m.Finding.detail).where(
        m.Finding.inspection_id == mech))
    assert len(findings) == 6
    for aspect, summary, detail in findings:
        where = report.index(summary)
        heading = headings[ASPECTS.index(aspect)]
        assert report.index(heading) < where  # under its own aspect
        assert detail.splitlines()[0] in report
    for (text,) in _rows(app, sa.select(m.Recommendation.text).where(m.Recommendation.inspection_id == mech)):
        assert text in report
    assert "针对问题1、问题2" in report
    # the drafting note is the template's comment, never the document's text
    assert "起草说明" not in report and "定稿前删除" not in report
    from app.exports.attachments import a17
    from app.extensions import db

    with app.app_context():
        context = a17(db.session.get(m.Inspection, mech))
    assert 300 < context["word_count"] < 2400 and "偏短" in context["length_note"]
    # the drafter's "个别谈话52人次" says the counted figure too: one number on the page
    said = set(re.findall(r"个别谈话(\d+)人次", report))
    assert len(said) == 1, said
    talks = _rows(app, sa.select(sa.func.count()).select_from(m.Talk).where(m.Talk.inspection_id == mech))[0][0]
    assert f"共个别谈话{talks}人次" in report


def test_feedback_documents(app, exported, mech):
    doc_no = _rows(app, sa.select(m.Feedback.doc_no).where(m.Feedback.inspection_id == mech))[0][0]
    opinion = _text(exported[19][1])
    assert doc_no and doc_no in opinion
    for (summary,) in _rows(app, sa.select(m.Finding.summary).where(m.Finding.inspection_id == mech)):
        assert summary in opinion
    # feedback on 2026-04-29: plan within 10 days, report within 2 months
    assert "2026年5月9日" in opinion and "2026年6月29日" in opinion
    plan = _text(exported[20][1])
    assert all(k in plan for k in ("个别反馈", "班子反馈", "大会反馈"))
    receipt = _text(exported[22][1])
    for role, name in (("巡察组组长", "王建国"), ("被巡察党组织主要负责人", "孙志刚"), ("巡察办负责人", "赵立新")):
        assert role in receipt and name in receipt
    assert "2026年4月29日" in receipt
    talk_report = _text(exported[18][1])
    assert "个别谈话情况报告" in talk_report and "孙志刚" in talk_report


def test_statistics_and_archive_list(app, exported, mech):
    sheet = openpyxl.load_workbook(io.BytesIO(exported[23][1])).active
    values = {row[2]: row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]}

    def count(model):
        return _rows(app, sa.select(sa.func.count()).select_from(model).where(model.inspection_id == mech))[0][0]

    assert values["个别谈话人次"] == count(m.Talk) and values["受理信访件数"] == count(m.Petition) == 5
    assert values["发现问题数"] == 6 and values["按方面：党的领导"] == 1
    assert values["问题线索数"] == count(m.Clue) and values["问卷发放份数"] == 150
    volume = _rows(app, sa.select(m.ArchiveVolume.id, m.ArchiveVolume.volume_no).where(
        m.ArchiveVolume.inspection_id == mech))[0]
    items = [t for (t,) in _rows(app, sa.select(m.ArchiveItem.title).where(m.ArchiveItem.volume_id == volume.id))]
    cells = _cells(exported[24][1])
    assert any(f"全宗/案卷号：{volume.volume_no}" in str(c) for c in cells)  # the line above the table
    assert items and all(t in cells for t in items)
    assert not any("巡察巡察" in str(c) for c in cells)


def test_word_output_is_laid_out_as_official_documents(exported):
    document = docx.Document(io.BytesIO(exported[4][1]))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Twips(579)  # 22 lines in the 225 mm 版心
    title_run = document.paragraphs[0].runs[0]
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    heading = next(p for p in document.paragraphs if p.text == "一、巡察时间")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert "PAGE" in section.footer._element.xml
    assert document.paragraphs[1].text == "校巡通〔2026〕1号"
    assert round(section.footer_distance.mm) == 28


# ---------------------------------------------------------------- who may have which 附件


def test_export_is_scoped(app, client, tokens, mech):
    other_team = _insp(app, "计算机与通信工程学院")
    liaison_unit = _insp(app, "材料科学与工程学院")
    get = lambda user, pk, n: client.get(f"/api/v1/inspection/{pk}/export/{n}", headers=tokens(user))  # noqa: E731
    assert get("zuyuan", other_team, 4).status_code == 404  # another team's inspection
    assert get("liaison", mech, 19).status_code == 404  # another unit's
    # the team reads its own talks while it holds the archive (zuyuan's open inspection: 学工部, 第三巡察组)
    zuyuan_teams = sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuyuan")
    own = open_inspection(app, m.Inspection.team_id.in_(zuyuan_teams),
                          m.Inspection.id.in_(sa.select(m.Talk.inspection_id)))
    assert get("zuyuan", own, 14).status_code == 200
    # 八（二）: after the handover (机械工程学院, 2026-05-28) the team keeps nothing; 巡察办 still has it
    resp = get("zuyuan", mech, 14)
    assert resp.status_code == 403 and "档案已于2026-05-28移交巡察办" in resp.json["message"]
    assert get("office", mech, 14).status_code == 200
    # the unit liaison gets its feedback, never talk records, petitions or materials (DOMAIN.md §6)
    assert get("liaison", liaison_unit, 19).status_code == 200
    for n in (11, 13, 14, 15, 18, 23):
        resp = get("liaison", liaison_unit, n)
        assert resp.status_code == 403 and f"无权查看附件{n}" in resp.json["message"], n
    # the team keeps no copy of the transfer list (六（二）3)
    resp = get("zuyuan", own, 12)
    assert resp.status_code == 403 and "无权查看附件12" in resp.json["message"]
    for n in (0, 25):
        assert get("office", mech, n).status_code == 404
    assert client.get(f"/api/v1/inspection/{mech}/export/4").status_code == 401


def _signed_in(app, username: str):
    """A client of its own per user: a signed-in client is not switched by logging in again."""
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_inspection_page_offers_each_attachment(app, mech):
    client = _signed_in(app, "liaison")
    page = client.get(f"/inspectionview/show/{_insp(app, '材料科学与工程学院')}").get_data(as_text=True)
    assert "生成文书" in page and "附件19 巡察反馈意见" in page
    assert re.search(r'disabled" title="无权查看附件14[^"]*">附件14', page)
    client = _signed_in(app, "office")
    page = client.get(f"/inspectionview/show/{mech}").get_data(as_text=True)
    assert f"/inspectionview/export/{mech}/17" in page
    resp = client.get(f"/inspectionview/export/{mech}/17")
    assert resp.status_code == 200 and "发现的主要问题" in _text(resp.data)


# ---------------------------------------------------------------- templates: upload, versions, refusals, sandbox


def _docx_with(paragraph: str, base: bytes) -> bytes:
    document = docx.Document(io.BytesIO(base))
    document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _slot(app, no: int) -> int:
    return _rows(app, sa.select(m.DocumentTemplate.id).where(m.DocumentTemplate.attachment_no == no,
                                                             m.DocumentTemplate.version == 1))[0][0]


def _upload(client, headers, pk, name, data):
    return client.post(f"/api/v1/document_template/{pk}/upload", headers=headers,
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_template_versions_upload_and_reactivate(app, client, tokens, mech):
    admin, v1 = tokens("admin"), _slot(app, 4)
    original = client.get(f"/api/v1/document_template/{v1}/file", headers=admin)
    assert original.status_code == 200 and quote("附件4 巡察通知模板.docx") in original.headers["Content-Disposition"]
    assert _upload(client, tokens("office"), v1, "通知.docx", original.data).status_code == 403
    try:
        changed = _docx_with("联系人：{{ liaison }}（新版）", original.data)
        resp = _upload(client, admin, v1, "巡察通知（2027版）.docx", changed)
        assert resp.status_code == 201, resp.get_json()
        v2 = resp.json["result"]["id"]
        assert resp.json["result"]["version"] == 2
        versions = dict(_rows(app, sa.select(m.DocumentTemplate.version, m.DocumentTemplate.is_active).where(
            m.DocumentTemplate.attachment_no == 4)))
        assert versions == {1: False, 2: True}
        text = _text(client.get(f"/api/v1/inspection/{mech}/export/4", headers=admin).data)
        assert "联系人：朱丽娜（新版）" in text
        assert client.get(f"/api/v1/document_template/{v2}/file", headers=admin).data[:2] == b"PK"
        # back to the shipped version
        assert client.post(f"/api/v1/document_template/{v1}/activate", headers=admin).status_code == 200
        assert "（新版）" not in _text(client.get(f"/api/v1/inspection/{mech}/export/4", headers=admin).data)
        events = _rows(app, sa.select(m.StatusEvent.to_value).where(m.StatusEvent.entity == "document_template"))
        assert {("v2",), ("v1",)} <= set(events)
    finally:
        with app.app_context():
            from app.extensions import db

            for tpl in db.session.scalars(sa.select(m.DocumentTemplate).where(m.DocumentTemplate.attachment_no == 4)):
                tpl.is_active = tpl.version == 1
            db.session.commit()


def test_broken_placeholder_macros_and_unsafe_expressions_are_refused(app, client, tokens):
    admin, slot = tokens("admin"), _slot(app, 4)
    base = client.get(f"/api/v1/document_template/{slot}/file", headers=admin).data
    cases = [
        ("坏.docx", _docx_with("落款：{{ notice_date }", base), ["占位符", "{{ notice_date }", "段"]),
        ("坏.docx", _docx_with("{{ unit name }}", base), ["{{ unit name }}", "语法错误"]),
        ("坏.docx", _docx_with("{%p for x in rows %}", base), ["控制语句"]),
        ("恶意.docx", _docx_with("{{ ''.__class__.__mro__[1].__subclasses__() }}", base), ["不允许"]),
        ("恶意.docx", _docx_with("{{ unit|attr('__class__') }}", base), ["内部属性", "第"]),
        ("宏.docm", base, ["含宏", ".docm"]),
        ("通知.xlsx", base, ["须为 .docx"]),
        ("乱码.docx", b"not a zip at all", ["无法读取"]),
    ]
    with_macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(with_macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    cases.append(("看似正常.docx", with_macro.getvalue(), ["含有宏", "word/vbaProject.bin"]))
    before = _rows(app, sa.select(sa.func.count()).select_from(m.DocumentTemplate))[0][0]
    for name, data, words in cases:
        resp = _upload(client, admin, slot, name, data)
        assert resp.status_code == 400, (name, resp.get_json())
        assert all(w in resp.json["message"] for w in words), (words, resp.json["message"])
    assert _rows(app, sa.select(sa.func.count()).select_from(m.DocumentTemplate))[0][0] == before


def test_excel_template_refusal_names_the_cell():
    from app.commands import CommandError
    from app.exports.render import check_template

    book = openpyxl.Workbook()
    book.active["A1"] = "{{ unit }}"
    book.active["D4"] = "{{ row.code "
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(CommandError, match="单元格 D4"):
        check_template("xlsx", "登记表.xlsx", out.getvalue())


def test_rendering_is_sandboxed_and_escaped():
    from app.commands import CommandError
    from app.exports.render import render_docx, render_xlsx

    def template(text: str) -> bytes:
        document, out = docx.Document(), io.BytesIO()
        document.add_paragraph(text)
        document.save(out)
        return out.getvalue()

    for trick in ("{{ ''.__class__ }}", "{{ unit.__class__.__init__.__globals__ }}",
                  "{{ cycler.__init__.__globals__.os }}"):
        try:
            text = _text(render_docx(template(trick), {"unit": {"name": "机械工程学院"}}))
        except CommandError as exc:
            assert "不允许" in exc.message or "无法生成" in exc.message
        else:
            assert "class" not in text and "module" not in text and "function" not in text, text
    # user text is text: XML characters do not break the document, formulas are not formulas
    assert "<w:p>&amp; =1+1" not in _text(render_docx(template("{{ x }}"), {"x": "<w:p>& =1+1"}))
    assert "<w:p>& =1+1" in _text(render_docx(template("{{ x }}"), {"x": "<w:p>& =1+1"}))
    book = openpyxl.Workbook()
    book.active["A1"] = "{{ row.v }}"
    out = io.BytesIO()
    book.save(out)
    rendered = render_xlsx(out.getvalue(), {"rows": [{"v": "=HYPERLINK(1)"}]})
    cell = openpyxl.load_workbook(io.BytesIO(rendered)).active["A1"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_template_screen_upload(app):
    client = _signed_in(app, "admin")
    slot = _slot(app, 22)
    page = client.get(f"/documenttemplateview/show/{slot}").get_data(as_text=True)
    assert "下载此版本" in page and "上传新版本" in page
    resp = client.post(f"/documenttemplateview/upload/{slot}",
                       data={"file": (io.BytesIO(b"PK\x03\x04junk"), "签收单.docx")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200 and "无法读取「签收单.docx」" in resp.get_data(as_text=True)
    assert _signed_in(app, "office").get(f"/documenttemplateview/upload/{slot}").status_code in (302, 403)
    # a good upload on the screen, then the screen action back to the shipped version
    base = client.get(f"/documenttemplateview/template_file/{slot}").data
    try:
        resp = client.post(f"/documenttemplateview/upload/{slot}", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(_docx_with("（第二版）", base)), "签收单.docx")},
                           follow_redirects=True)
        assert "已上传附件22模板第2版并启用" in resp.get_data(as_text=True)
        resp = client.post("/documenttemplateview/action_post", data={"action": "activate", "rowid": [slot]},
                           follow_redirects=True)
        assert "已启用附件22模板第1版" in resp.get_data(as_text=True)
        active = _rows(app, sa.select(m.DocumentTemplate.version).where(m.DocumentTemplate.attachment_no == 22,
                                                                        m.DocumentTemplate.is_active.is_(True)))
        assert active == [(1,)]
    finally:
        with app.app_context():
            from app.extensions import db

            for tpl in db.session.scalars(sa.select(m.DocumentTemplate).where(m.DocumentTemplate.attachment_no == 22)):
                tpl.is_active = tpl.version == 1
            db.session.commit()


# ---------------------------------------------------------------- one document per 附件, with versions


def _versions(app, subject: str) -> list:
    return _rows(app, sa.select(m.Document.id, m.Document.version, m.Document.state, m.Document.finalized_by,
                                m.Document.formed_on).where(m.Document.subject == subject)
                 .order_by(m.Document.version))


def _count(app) -> int:
    return _rows(app, sa.select(sa.func.count()).select_from(m.Document))[0][0]


def test_a_download_reuses_the_version_and_a_change_makes_a_new_draft(app, tokens, mech):
    from app.extensions import db

    client, office, subject = app.test_client(), tokens("office"), f"inspection:{mech}:7"
    get = lambda: client.get(f"/api/v1/inspection/{mech}/export/7", headers=office)  # noqa: E731
    first = get()
    assert first.status_code == 200
    before, history = _count(app), _versions(app, subject)
    assert get().headers["X-Content-SHA256"] == first.headers["X-Content-SHA256"] and _count(app) == before
    latest = history[-1]
    if latest.state == "草稿":
        resp = client.post(f"/api/v1/document/{latest.id}/finalize", headers=office)
        assert resp.status_code == 200 and resp.json["result"]["state"] == "定稿"
    # downloading the final version twice creates nothing, through the export and the document's own file
    for _ in range(2):
        assert get().status_code == 200
        assert client.get(f"/api/v1/document/{latest.id}/file", headers=office).status_code == 200
    assert _count(app) == before and _versions(app, subject)[-1].state == "定稿"
    # 形成时间 is the 公告's publication on OA, not the day of the download
    with app.app_context():
        published = db.session.scalar(sa.select(m.Announcement.published_oa_on).where(
            m.Announcement.inspection_id == mech))
    assert published and _versions(app, subject)[-1].formed_on == published
    # the 公告 changes: a new draft version, the final one stays in the history
    with app.app_context():
        notice = db.session.scalar(sa.select(m.Announcement).where(m.Announcement.inspection_id == mech))
        original, notice_id = notice.body, notice.id
        notice.body = original + "\n（补充）巡察期间设立意见箱。"
        db.session.commit()
    try:
        changed = get()
        assert changed.status_code == 200 and "巡察期间设立意见箱" in _text(changed.data)
        now = _versions(app, subject)
        assert [v.state for v in now[-2:]] == ["定稿", "草稿"] and now[-1].version == now[-2].version + 1
        assert _count(app) == before + 1
    finally:
        with app.app_context():
            db.session.get(m.Announcement, notice_id).body = original
            db.session.commit()


def test_finalize_is_the_team_leaders_or_the_offices(app, tokens, mech):
    from app.extensions import db

    client = app.test_client()
    assert client.get(f"/api/v1/inspection/{mech}/export/21", headers=tokens("office")).status_code == 200
    with app.app_context():
        doc = db.session.scalar(sa.select(m.Document).where(m.Document.subject == f"inspection:{mech}:21")
                                .order_by(m.Document.version.desc()).limit(1))
        leader = db.session.scalar(sa.select(m.Person.username).join(m.TeamMember).where(
            m.TeamMember.team_id == doc.inspection.team_id, m.TeamMember.role == "组长"))
        leader_name = db.session.scalar(sa.select(m.Person.name).where(m.Person.username == leader))
        uploaded = db.session.scalar(sa.select(m.Document.id).where(m.Document.subject.is_(None)).limit(1))
        doc_id = doc.id
        assert doc.state == "草稿"  # 附件21 (guidance) is not archived in the demo: a draft until now
    resp = client.post(f"/api/v1/document/{doc_id}/finalize", headers=tokens("zuyuan"))
    assert resp.status_code == 403 and resp.json["message"] == "定稿须由本巡察组组长或巡察办确认"
    resp = client.post(f"/api/v1/document/{doc_id}/finalize", headers=tokens(leader))
    assert resp.status_code == 200, resp.json
    assert resp.json["result"]["finalized_by"] == leader_name and resp.json["result"]["finalized_at"]
    again = client.post(f"/api/v1/document/{doc_id}/finalize", headers=tokens("office"))
    assert again.status_code == 409 and "已于" in again.json["message"] and leader_name in again.json["message"]
    resp = client.post(f"/api/v1/document/{uploaded}/finalize", headers=tokens("office"))
    assert resp.status_code == 422 and "不是系统生成的文书" in resp.json["message"]
    with app.app_context():
        event = db.session.scalar(sa.select(m.StatusEvent).where(m.StatusEvent.entity == "document",
                                                                 m.StatusEvent.entity_id == doc_id))
        assert (event.from_value, event.to_value, event.actor) == ("草稿", "定稿", leader)


def test_the_panel_shows_versions_and_the_finalize_button(app, tokens, mech):
    client = _signed_in(app, "office")
    assert client.get(f"/inspectionview/export/{mech}/20").status_code == 200
    page = client.get(f"/inspectionview/show/{mech}").get_data(as_text=True)
    row = page[page.index(f"/inspectionview/export/{mech}/20"):]
    row = row[:row.index("</tr>")]
    assert "第1版" in row or "第2版" in row
    assert "/documentview/finalize/" in row or "定稿</span>" in row
    listing = client.get("/documentview/list/").get_data(as_text=True)
    assert "稿件状态" in listing and "版本" in listing


def test_collect_files_one_final_version_per_requirement(app, mech):
    """The demo's 机械工程学院 volume: one document per requirement (附件12: one list per sent batch), each the
    final version of its document."""
    items = _rows(app, sa.select(m.ArchiveRequirement.code, m.ArchiveRequirement.attachment_no, m.Document.subject,
                                 m.Document.state).join(m.ArchiveItem.requirement).join(m.ArchiveItem.document)
                  .join(m.ArchiveVolume).where(m.ArchiveVolume.inspection_id == mech))
    assert items and all(i.state == "定稿" for i in items)
    per_req: dict[str, list] = {}
    for i in items:
        per_req.setdefault(i.code, []).append(i.subject)
    batches = _rows(app, sa.select(sa.func.count()).select_from(m.Transfer).where(
        m.Transfer.inspection_id == mech, m.Transfer.transferred_on.is_not(None)))[0][0]
    for code, subjects in per_req.items():
        no = next(i.attachment_no for i in items if i.code == code)
        # a meeting's or talk's own record, once final, is filed in place of the inspection's compilation
        own = [s for s in subjects if s.startswith(("meeting:", "talk:"))]
        assert len(subjects) == (batches if no == 12 else len(own) or 1), (code, subjects)
        assert len(set(subjects)) == len(subjects)


def test_page_count_hook_and_path_characters_in_names():
    from app.exports.pdf import page_count
    from app.storage import content_disposition, safe_name

    pdf = b"%PDF-1.4\n1 0 obj<</Type /Pages /Count 2>>\n2 0 obj<</Type /Page>>\n3 0 obj<</Type/Page>>\n%%EOF"
    assert page_count(pdf) == 2
    name = "附件4 巡察通知（党委办公室/校长办公室）.docx"
    assert safe_name(name) == "附件4 巡察通知（党委办公室／校长办公室）.docx"
    header = content_disposition(name)
    assert quote("党委办公室／校长办公室）.docx", safe="") in header and "%2F" not in header and "/" not in header
    assert content_disposition('a\\b:c*?"<>|\n.xlsx').count('"') == 2
