"""Excel imports with a preview (issue 8 item 4): 人员名单 and 问卷答卷 — checked row by row, nothing saved unless
every row is right, errors naming row and column; 问卷统计 (golden numbers) on the survey page and in 附件23."""

from __future__ import annotations

import html
import io
import json
import re
from types import SimpleNamespace
from urllib.parse import unquote

import openpyxl
import pytest
import sqlalchemy as sa

from app.rules.surveys import question_statistics
from tests.conftest import demo_app


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "imports")


def _client(app, username="office"):
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _scalar(app, sql: str, **params):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(sa.text(sql), params).scalar()


def _sheet(data: bytes, *extra_rows) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in extra_rows:
        book.worksheets[0].append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, url: str, data: bytes):
    return client.post(url, data={"file": (io.BytesIO(data), "导入.xlsx")}, content_type="multipart/form-data")


def _errors(page: str) -> list[str]:
    block = page.split('id="xct-import-errors"', 1)[1].split("</div>", 1)[0]
    return [html.unescape(e) for e in re.findall(r"<li>(.*?)</li>", block)]


UNIT = "计算机与通信工程学院"


def test_roster_preview_lists_changes_and_confirm_saves(app):
    client = _client(app)
    unit = _scalar(app, "SELECT id FROM unit WHERE name = :n", n=UNIT)
    people = _scalar(app, "SELECT count(*) FROM person WHERE unit_id = :u", u=unit)
    first = _scalar(app, "SELECT name FROM person WHERE unit_id = :u ORDER BY id LIMIT 1", u=unit)
    template = client.get(f"/roster-import/{unit}/template")
    assert template.status_code == 200 and "人员名单" in unquote(template.headers["Content-Disposition"])
    rows = list(openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0].values)
    assert rows[0] == ("姓名", "职务", "职级", "政治面貌", "电话", "领导班子成员") and len(rows) - 1 == people
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    book.worksheets[0].cell(2, 2).value = "党委书记（主持工作）"
    book.worksheets[0].append(["导入测试甲", "实验员", None, "群众", "010-88886666", "否"])
    out = io.BytesIO()
    book.save(out)
    page = _upload(client, f"/roster-import/{unit}", out.getvalue()).get_data(as_text=True)
    preview = page.split('id="xct-import-preview"', 1)[1].split("</table>", 1)[0]
    lines = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td>", preview)
    assert lines == [("2", "修改", first), (str(people + 2), "新增", "导入测试甲")]
    assert "党委书记（主持工作）" in preview
    assert _scalar(app, "SELECT count(*) FROM person WHERE unit_id = :u", u=unit) == people  # nothing saved yet
    digest = re.search(r'name="confirm" value="(\w+)"', page).group(1)
    assert client.post(f"/roster-import/{unit}", data={"confirm": digest}).status_code == 302
    assert _scalar(app, "SELECT count(*) FROM person WHERE unit_id = :u", u=unit) == people + 1
    assert _scalar(app, "SELECT title FROM person WHERE unit_id = :u AND name = :n", u=unit, n=first) == "党委书记（主持工作）"
    assert _scalar(app, "SELECT phone FROM person WHERE name = '导入测试甲'") == "010-88886666"
    # the import is an ORM write: on the change history under the user's name
    assert _scalar(app, "SELECT actor FROM change_log WHERE entity = 'person' AND operation = '新增' "
                        "ORDER BY id DESC LIMIT 1") == "office"
    # the file is consumed: a second confirm of the same key is refused
    again = client.post(f"/roster-import/{unit}", data={"confirm": digest}, follow_redirects=True)
    assert "预览已失效" in again.get_data(as_text=True)


def _macro_workbook(data: bytes) -> bytes:
    """The same workbook declared as macro-enabled ([Content_Types].xml), still named .xlsx."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "[Content_Types].xml":
                body = body.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
                assert b"macroEnabled" in body
            dst.writestr(item, body)
    return out.getvalue()


def test_one_framework_reads_csv_and_refuses_macro_workbooks_for_every_import(app):
    """The roster takes the same .csv the calendar takes (UTF-8 or GBK), and no import takes a macro workbook,
    whatever its name."""
    client = _client(app)
    unit = _scalar(app, "SELECT id FROM unit WHERE name = :n", n=UNIT)
    text = "姓名,职务,职级,政治面貌,电话,领导班子成员\r\n导入测试乙,干事,,中共党员,010-88887777,否\r\n"
    for encoding in ("utf-8-sig", "gbk"):
        data = text.encode(encoding)
        resp = client.post(f"/roster-import/{unit}", data={"file": (io.BytesIO(data), "名单.csv")},
                           content_type="multipart/form-data")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200 and 'id="xct-import-preview"' in page, encoding
        assert re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td>", page) == [("2", "新增", "导入测试乙")]
    assert _scalar(app, "SELECT count(*) FROM person WHERE name = '导入测试乙'") == 0  # a preview saves nothing
    template = client.get(f"/roster-import/{unit}/template").data
    page = _upload(client, f"/roster-import/{unit}", _macro_workbook(template)).get_data(as_text=True)
    assert _errors(page) == ["不支持含宏的工作簿，请在 Excel 中另存为 .xlsx 后再导入"]
    assert 'name="confirm"' not in page


def test_roster_with_one_bad_row_saves_nothing_and_names_row_and_column(app):
    from app.commands import CommandError
    from app.commands.roster import apply_roster
    from app.extensions import db
    from schema import Unit

    client = _client(app)
    unit = _scalar(app, "SELECT id FROM unit WHERE name = :n", n=UNIT)
    template = client.get(f"/roster-import/{unit}/template").data
    people = _scalar(app, "SELECT count(*) FROM person")
    data = _sheet(template, ["导入测试乙", "馆员", None, None, "010-1", "否"],
                  ["导入测试丙", "馆员", None, None, "电话号码", "也许"], [None, "无名", None, None, None, None])
    page = _upload(client, f"/roster-import/{unit}", data).get_data(as_text=True)
    n = len(list(openpyxl.load_workbook(io.BytesIO(template)).worksheets[0].values))
    assert _errors(page) == [f"第 {n + 2} 行「领导班子成员」：应为 是 或 否（现为「也许」）",
                             f"第 {n + 2} 行「电话」：「电话号码」不是有效的电话号码",
                             f"第 {n + 3} 行「姓名」：姓名不能为空"]
    assert 'name="confirm"' not in page
    with app.test_request_context():
        with pytest.raises(CommandError) as err:
            apply_roster(db.session.get(Unit, unit), data)
        db.session.rollback()
    assert "未保存任何内容" in err.value.message and f"第 {n + 3} 行「姓名」" in err.value.message
    assert _scalar(app, "SELECT count(*) FROM person") == people


def _survey(app, title="机械工程学院巡察工作调查问卷"):
    return _scalar(app, "SELECT id FROM survey WHERE title = :t", t=title)


def test_questionnaire_import_validates_options(app):
    client = _client(app)
    survey = _survey(app)
    template = client.get(f"/survey-import/{survey}/template")
    header = next(openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0].values)
    assert header[:3] == ("答卷人类别", "答卷日期", "1. 您对学院领导班子落实全面从严治党主体责任的评价")
    responses = _scalar(app, "SELECT count(*) FROM survey_response WHERE survey_id = :s", s=survey)
    data = _sheet(template.data, ["教师", "2026-03-21", "满意", "满意", "设备采购；师德师风", "好"],
                  ["学生", "3月21日", "很好", "满意；不满意", "设备采购、飞行", None],
                  ["干部", None, None, None, None, None])
    page = _upload(client, f"/survey-import/{survey}", data).get_data(as_text=True)
    q = header
    assert _errors(page) == [
        "第 3 行「答卷日期」：「3月21日」不是有效的日期（格式：YYYY-MM-DD）",
        f"第 3 行「{q[2]}」：「很好」不是本题的选项（可选：满意、基本满意、不满意、不了解）",
        f"第 3 行「{q[3]}」：单选题只能填一个选项",
        f"第 3 行「{q[4]}」：「飞行」不是本题的选项（可选：科研经费管理、设备采购、干部选拔任用、师德师风、实验室安全、其他）",
        "第 4 行「题目」：没有任何答案",
    ]
    assert _scalar(app, "SELECT count(*) FROM survey_response WHERE survey_id = :s", s=survey) == responses
    good = _sheet(template.data, ["教师", "2026-03-21", "满意", "基本满意", "设备采购；师德师风", "导入测试意见"])
    page = _upload(client, f"/survey-import/{survey}", good).get_data(as_text=True)
    assert "检查通过，尚未保存" in page and "设备采购；师德师风" in page
    digest = re.search(r'name="confirm" value="(\w+)"', page).group(1)
    assert client.post(f"/survey-import/{survey}", data={"confirm": digest}).status_code == 302
    assert _scalar(app, "SELECT count(*) FROM survey_response WHERE survey_id = :s", s=survey) == responses + 1
    assert _scalar(app, "SELECT a.value FROM survey_answer a JOIN survey_question q ON q.id = a.question_id "
                        "WHERE q.survey_id = :s AND q.seq = 3 ORDER BY a.id DESC LIMIT 1", s=survey) == "设备采购\n师德师风"


def test_bad_header_is_refused(app):
    client = _client(app)
    survey = _survey(app)
    book = openpyxl.Workbook()
    book.active.append(["答卷人类别", "9. 不存在的题"])
    out = io.BytesIO()
    book.save(out)
    page = _upload(client, f"/survey-import/{survey}", out.getvalue()).get_data(as_text=True)
    assert "表头「9. 不存在的题」不是本问卷的题目" in page
    page = _upload(client, f"/survey-import/{survey}", b"not an excel file").get_data(as_text=True)
    assert "无法读取文件" in page


def test_import_scope_and_permissions(app):
    survey = _survey(app)
    mine = _scalar(app, "SELECT s.id FROM survey s JOIN inspection i ON i.id = s.inspection_id WHERE i.team_id IN "
                        "(SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id "
                        "WHERE p.username = 'zuzhang') ORDER BY s.id LIMIT 1")
    other = _scalar(app, "SELECT s.id FROM survey s JOIN inspection i ON i.id = s.inspection_id WHERE i.team_id NOT IN "
                         "(SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id "
                         "WHERE p.username = 'zuzhang') ORDER BY s.id LIMIT 1")
    team = _client(app, "zuzhang")
    assert team.get(f"/survey-import/{mine}").status_code == 200
    assert team.get(f"/survey-import/{other}").status_code == 404
    assert team.get(f"/surveyview/show/{other}").status_code == 404
    liaison = _client(app, "liaison")
    assert liaison.get(f"/survey-import/{survey}").status_code == 403
    assert liaison.get(f"/survey-import/{survey}/template").status_code == 403
    assert liaison.get("/roster-import/1").status_code == 403
    assert _client(app).get("/survey-import/999999").status_code == 404


def test_statistics_golden_numbers():
    q = [SimpleNamespace(id=11, seq=2, text="多选题", kind="多选", options="甲\n乙\n丙"),
         SimpleNamespace(id=10, seq=1, text="单选题", kind="单选", options="满意\n基本满意\n不满意"),
         SimpleNamespace(id=12, seq=3, text="意见", kind="文本", options=None)]
    answers = [(10, "满意"), (10, "满意"), (10, "不满意"), (10, None), (10, " "), (10, "很好"),
               (11, "甲\n乙"), (11, "乙；丙"), (11, "乙、乙"), (12, "意见一"), (12, ""), (12, "意见二")]
    assert question_statistics(q, answers) == [
        {"seq": 1, "text": "单选题", "kind": "单选", "answered": 4, "other": 1, "options": [
            {"option": "满意", "count": 2, "percent": 50.0}, {"option": "基本满意", "count": 0, "percent": 0.0},
            {"option": "不满意", "count": 1, "percent": 25.0}]},
        {"seq": 2, "text": "多选题", "kind": "多选", "answered": 3, "other": 0, "options": [
            {"option": "甲", "count": 1, "percent": 33.3}, {"option": "乙", "count": 3, "percent": 100.0},
            {"option": "丙", "count": 1, "percent": 33.3}]},
        {"seq": 3, "text": "意见", "kind": "文本", "answered": 2, "other": 0, "options": []},
    ]


def _expected(app, survey: int, seq: int) -> dict[str, int]:
    from app.extensions import db

    with app.app_context():
        _rows = db.session.execute(sa.text(
            "SELECT a.value FROM survey_answer a JOIN survey_question q ON q.id = a.question_id "
            "WHERE q.survey_id = :s AND q.seq = :q"), {"s": survey, "q": seq}).scalars().all()
    values = {}
    for v in _rows:
        for part in set((v or "").split("\n")):
            if part:
                values[part] = values.get(part, 0) + 1
    return values


def test_survey_page_shows_chart_and_table(app):
    survey = _survey(app)
    page = _client(app, "zuzhang").get(f"/surveyview/show/{survey}").get_data(as_text=True)
    charts = [json.loads(html.unescape(c)) for c in re.findall(r"class=\"xct-chart\"[^>]*data-chart='([^']*)'", page)]
    assert len(charts) == 3  # the three choice questions; the text question has a count only
    counts = _expected(app, survey, 1)
    assert charts[0]["xAxis"]["data"] == ["满意", "基本满意", "不满意", "不了解"]
    assert charts[0]["series"][0]["data"] == [counts.get(o, 0) for o in charts[0]["xAxis"]["data"]]
    total = _scalar(app, "SELECT count(*) FROM survey_answer a JOIN survey_question q ON q.id = a.question_id "
                         "WHERE q.survey_id = :s AND q.seq = 1 AND a.value IS NOT NULL", s=survey)
    assert total >= 40
    first = f"{counts['满意']}</td><td>{counts['满意'] * 100 / total:.1f}%"
    assert f"<td>满意</td><td>{first}" in page


def test_attachment_23_carries_per_question_figures(app):
    survey = _survey(app)
    inspection = _scalar(app, "SELECT inspection_id FROM survey WHERE id = :s", s=survey)
    resp = _client(app).get(f"/inspectionview/export/{inspection}/23")
    assert resp.status_code == 200
    # the survey's figures are on a sheet of their own (问卷统计): 序号, 第N题, 统计项目, 数值
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["相关数据统计", "问卷统计"]
    found = {f"{r[1]} {r[2]}": r[3] for r in book["问卷统计"].values if r and isinstance(r[1], str) and r[1][:1] == "第"}
    answered = _scalar(app, "SELECT count(*) FROM survey_answer a JOIN survey_question q ON q.id = a.question_id "
                            "WHERE q.survey_id = :s AND q.seq = 3 AND a.value IS NOT NULL", s=survey)
    counts = _expected(app, survey, 3)
    assert int(found["第3题 您认为学院目前存在的主要问题（可多选）（作答份数）"]) == answered
    for option in ("科研经费管理", "设备采购", "师德师风"):
        n = counts.get(option, 0)
        assert found[f"第3题 选“{option}”"] == f"{n}（{n * 100 / answered:.1f}%）"
    text = _scalar(app, "SELECT count(*) FROM survey_answer a JOIN survey_question q ON q.id = a.question_id "
                        "WHERE q.survey_id = :s AND q.seq = 4 AND a.value IS NOT NULL AND a.value <> ''", s=survey)
    assert int(found["第4题 您对学院改进工作的意见建议（作答份数）"]) == text
