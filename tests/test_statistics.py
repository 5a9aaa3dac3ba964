"""九、成果共享: 附件23 figures, the 巡察数据统计 screen and REST, repeat flags, 提交类 from a flag, annual report, bulletins.

Expected figures are counted here with plain SQL over the tables (or are the demo's known numbers), never with
app.stats itself.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa
from docx import Document as WordDocument

from tests.conftest import bearer, demo_app


@pytest.fixture(scope="module")
def sapp(databases, tmp_path_factory):
    """An app of its own: these tests add submissions and bulletins and change the repeat rules."""
    yield from demo_app(databases, tmp_path_factory, "stats")


@pytest.fixture(scope="module")
def auth(sapp):
    cache = {}

    def get(user):
        if user not in cache:
            cache[user] = bearer(sapp, user)
        return cache[user]
    return get


def sql(app, text: str, **params):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(sa.text(text), params).all()


def one(app, text: str, **params):
    return sql(app, text, **params)[0][0]


def inspection_id(app, unit: str, round_name: str) -> int:
    return one(app, "SELECT i.id FROM inspection i JOIN unit u ON u.id = i.unit_id JOIN round r ON r.id = i.round_id "
                    "WHERE u.name = :u AND r.name = :r", u=unit, r=round_name)


ROUND1 = "2026年第一轮巡察"


def counted(app, where: str, **params) -> dict[str, int]:
    """The 附件23 figures of the inspections `where` selects (alias i), by explicit queries."""
    ids = f"SELECT i.id FROM inspection i JOIN round r ON r.id = i.round_id WHERE {where}"

    def n(table, cond="1=1", value="COUNT(*)"):
        return one(app, f"SELECT COALESCE({value}, 0) FROM {table} x WHERE x.inspection_id IN ({ids}) AND {cond}",
                   **params)
    return {
        "talks": n("talk"), "petitions": n("petition"), "materials": n("material", value="SUM(COALESCE(copies, 1))"),
        "forums": n("meeting", "kind = '座谈会'"), "sittings": n("meeting", "kind = '列席会议'"),
        "hearings": n("meeting", "kind = '听取汇报'"), "visits": n("visit"),
        "surveys_out": n("survey", value="SUM(distributed_count)"),
        "surveys_in": n("survey", value="SUM(collected_count)"),
        "clues": n("clue"), "findings": n("finding"), "fixes": n("immediate_fix"),
        "items_done": n("rectification_item", "status = '已销号'"),
        "items_open": n("rectification_item", "status <> '已销号'"),
    }


def figures(app, **kw):
    from app import stats

    with app.app_context():
        return stats.figures(**kw)


def test_golden_figures_of_an_inspection_and_a_round(sapp):
    mech = inspection_id(sapp, "机械工程学院", ROUND1)
    (insp,) = figures(sapp, by="inspection", inspection_id=mech)
    assert insp.values == counted(sapp, "i.id = :i", i=mech)
    assert insp.values["petitions"] == 5 and insp.values["findings"] == 6  # the demo's known numbers
    (rnd,) = figures(sapp, by="round", year=2026, round_id=one(sapp, "SELECT id FROM round WHERE name = :r", r=ROUND1))
    assert rnd.label == ROUND1
    assert rnd.values == counted(sapp, "r.name = :r", r=ROUND1)
    assert (rnd.values["findings"], rnd.values["clues"], rnd.values["talks"]) == (18, 10, 15)
    (whole,) = figures(sapp, by="total", year=2026)
    assert whole.values == counted(sapp, "r.year = 2026")


def test_breakdowns_per_aspect_category_destination_team_and_unit(sapp):
    (rnd,) = [g for g in figures(sapp, by="round", year=2026) if g.label == ROUND1]
    aspects = dict(sql(sapp, "SELECT f.aspect, COUNT(*) FROM finding f JOIN inspection i ON i.id = f.inspection_id "
                             "JOIN round r ON r.id = i.round_id WHERE r.name = :r GROUP BY f.aspect", r=ROUND1))
    assert {k: v for k, v in rnd.breakdowns["aspect"].items() if v} == aspects
    assert (aspects["党的领导"], aspects["党的建设"], aspects["重点领域风险防控"]) == (3, 4, 4)
    categories = dict(sql(sapp, "SELECT c.category, COUNT(*) FROM clue c JOIN inspection i ON i.id = c.inspection_id "
                                "JOIN round r ON r.id = i.round_id WHERE r.name = :r GROUP BY c.category", r=ROUND1))
    assert {k: v for k, v in rnd.breakdowns["category"].items() if v} == categories
    destinations = dict(sql(sapp, "SELECT COALESCE(u.name, c.disposal, '待处置'), COUNT(*) FROM clue c "
                                  "JOIN inspection i ON i.id = c.inspection_id JOIN round r ON r.id = i.round_id "
                                  "LEFT JOIN unit u ON u.id = c.department_id WHERE r.name = :r "
                                  "GROUP BY COALESCE(u.name, c.disposal, '待处置')", r=ROUND1))
    assert rnd.breakdowns["destination"] == destinations and sum(destinations.values()) == 10
    teams = {g.label: g.values["findings"] for g in figures(sapp, by="team", year=2026)}
    assert teams == {"2026年第一轮巡察第一巡察组": 11, "2026年第一轮巡察第二巡察组": 7, "2026年第二轮巡察第三巡察组": 2}
    units = {g.label: g.values["findings"] for g in figures(sapp, by="unit")}
    assert units["党委学生工作部"] == 2 + 2  # 2025 and 2026
    from app import stats

    with sapp.app_context():
        columns, rows = stats.breakdown_table("round", "aspect", year=2026)
    assert columns == [ROUND1, "2026年第二轮巡察"]
    assert {r["label"]: r["cells"] for r in rows}["重点领域风险防控"] == [4, 1]


def test_scope_team_leader_sees_own_team_only_liaison_and_department_refused(sapp, auth):
    team = {r[0] for r in sql(sapp, "SELECT r.name || '·' || u.name FROM inspection i JOIN unit u ON u.id = i.unit_id "
                                    "JOIN round r ON r.id = i.round_id WHERE i.team_id IN (SELECT tm.team_id FROM "
                                    "team_member tm JOIN person p ON p.id = tm.person_id "
                                    "WHERE p.username = 'zuzhang')")}
    client = sapp.test_client()
    mine = client.get("/api/v1/statistics/figures?by=inspection", headers=auth("zuzhang"))
    assert mine.status_code == 200
    assert {g["label"] for g in mine.json["result"]} == team and len(team) < 7
    everything = client.get("/api/v1/statistics/figures?by=inspection", headers=auth("office")).json["result"]
    assert len(everything) == 7
    own_total = client.get("/api/v1/statistics/figures", headers=auth("zuzhang")).json["result"][0]["values"]
    ids = "SELECT id FROM inspection WHERE team_id IN (SELECT tm.team_id FROM team_member tm JOIN person p " \
          "ON p.id = tm.person_id WHERE p.username = 'zuzhang')"
    assert own_total["talks"] == one(sapp, f"SELECT COUNT(*) FROM talk WHERE inspection_id IN ({ids})")
    assert own_total["findings"] == one(sapp, f"SELECT COUNT(*) FROM finding WHERE inspection_id IN ({ids})")
    for user in ("liaison", "jiwei"):
        for url in ("/api/v1/statistics/figures", "/api/v1/statistics/annual/2026"):
            assert client.get(url, headers=auth(user)).status_code == 403, (user, url)
    bad = client.get("/api/v1/statistics/figures?year=abc", headers=auth("office"))
    assert bad.status_code == 400 and "年度" in bad.json["message"]
    assert client.get("/api/v1/statistics/figures?by=x", headers=auth("office")).status_code == 400


def test_attachment_23_shows_the_figures(sapp, auth):
    """附件23 is an Excel form (seeds/templates.csv); reopened with openpyxl."""
    mech = inspection_id(sapp, "机械工程学院", ROUND1)
    resp = sapp.test_client().get(f"/api/v1/inspection/{mech}/export/23", headers=auth("office"))
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    values = {row[2]: row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]}
    expected = counted(sapp, "i.id = :i", i=mech)
    assert values["个别谈话人次"] == expected["talks"] and values["受理信访件数"] == expected["petitions"]
    assert values["调阅资料份数"] == expected["materials"] and values["问卷回收份数"] == expected["surveys_in"]
    assert values["整改事项（已完成）"] == expected["items_done"] and values["立行立改数"] == expected["fixes"]
    for aspect, n in sql(sapp, "SELECT aspect, COUNT(*) FROM finding WHERE inspection_id = :i GROUP BY aspect", i=mech):
        assert values[f"按方面：{aspect}"] == n
    for category, n in sql(sapp, "SELECT category, COUNT(*) FROM clue WHERE inspection_id = :i GROUP BY category",
                           i=mech):
        assert values[f"按类别：{category}"] == n


def _flags(app, **kw):
    from app import stats

    with app.app_context():
        return [(f.scope, f.field, f.value, f.subject, f.places) for f in stats.flags(**kw)]


def _threshold(app, scope, field, value):
    from app.extensions import db
    from schema import RepeatRule

    with app.app_context():
        rule = db.session.scalar(sa.select(RepeatRule).filter_by(scope=scope, field=field))
        old, rule.threshold = rule.threshold, value
        db.session.commit()
        return old


def test_repeat_flags_follow_the_rule_rows(sapp):
    flags = _flags(sapp, year=2026)
    across_units = {(f[1], f[2]) for f in flags if f[0] == "同一轮次多个单位"}
    assert ("问题方面", "党的领导") in across_units and ("问题方面", "党的建设") in across_units
    assert ("线索类别", "其他") in across_units  # 机械, 材料, 图书馆
    assert ("问题方面", "全面从严治党") not in across_units  # 2 units < 3
    (repeat,) = [f for f in flags if f[0] == "同一单位跨轮次" and f[2] == "重点领域风险防控"]
    assert repeat[3] == "党委学生工作部" and repeat[4] == ("2025年第二轮巡察", "2026年第二轮巡察")
    old = _threshold(sapp, "同一轮次多个单位", "问题方面", 4)
    try:
        across_units = {f[2] for f in _flags(sapp, year=2026) if f[0] == "同一轮次多个单位" and f[1] == "问题方面"}
        assert across_units == {"党的建设", "重点领域风险防控"}
        _threshold(sapp, "同一轮次多个单位", "问题方面", 5)
        assert not [f for f in _flags(sapp, year=2026) if f[0] == "同一轮次多个单位" and f[1] == "问题方面"]
    finally:
        _threshold(sapp, "同一轮次多个单位", "问题方面", old)
    old = _threshold(sapp, "同一单位跨轮次", "问题方面", 3)
    try:
        assert not [f for f in _flags(sapp, year=2026) if f[0] == "同一单位跨轮次" and f[1] == "问题方面"]
    finally:
        _threshold(sapp, "同一单位跨轮次", "问题方面", old)


def test_inspection_page_and_statistics_screen_show_the_flags(sapp):
    from seeds.demo import DEMO_PASSWORD

    client = sapp.test_client()
    client.post("/login/", data={"username": "office", "password": DEMO_PASSWORD})
    page = client.get(f"/inspectionview/show/{inspection_id(sapp, '党委学生工作部', '2026年第二轮巡察')}").get_data(True)
    assert "重复出现的问题" in page and "党委学生工作部在2个轮次" in page
    page = client.get(f"/inspectionview/show/{inspection_id(sapp, '机械工程学院', ROUND1)}").get_data(True)
    assert "作为提交类事项报学校党委" in page
    screen = client.get("/statistics/?year=2026").get_data(True)
    assert "巡察数据统计" in screen and "2026年第一轮巡察第一巡察组" in screen and "作为提交类事项报学校党委" in screen


def test_flag_becomes_a_submission_once(sapp, auth):
    client = sapp.test_client()
    r1 = one(sapp, "SELECT id FROM round WHERE name = :r", r=ROUND1)
    before = one(sapp, "SELECT COUNT(*) FROM submission")
    body = {"round_id": r1, "field": "问题方面", "value": "党的领导"}
    first = client.post("/api/v1/statistics/submission", json=body, headers=auth("office"))
    assert first.status_code == 201 and first.json["created"] is True
    summary = first.json["result"]["summary"]
    assert "机械工程学院" in summary and "/inspectionview/show/" in summary and "六（三）" in summary
    again = client.post("/api/v1/statistics/submission", json=body, headers=auth("office"))
    assert again.status_code == 200 and again.json["created"] is False and again.json["id"] == first.json["id"]
    assert one(sapp, "SELECT COUNT(*) FROM submission") == before + 1
    assert one(sapp, "SELECT status FROM submission WHERE id = :i", i=first.json["id"]) == "已提交"
    clues = client.post("/api/v1/statistics/submission", json={**body, "field": "线索类别", "value": "其他"},
                        headers=auth("office"))
    assert clues.status_code == 201
    assert one(sapp, "SELECT COUNT(*) FROM submission_clue WHERE submission_id = :i", i=clues.json["id"]) == 3
    no_flag = client.post("/api/v1/statistics/submission", json={**body, "value": "全面从严治党"}, headers=auth("office"))
    assert no_flag.status_code == 422 and "未达到" in no_flag.json["message"]
    bad = client.post("/api/v1/statistics/submission", json={**body, "field": "x"}, headers=auth("office"))
    assert bad.status_code == 422 and "依据" in bad.json["message"]
    assert client.post("/api/v1/statistics/submission", json=body, headers=auth("zuzhang")).status_code == 403
    assert one(sapp, "SELECT COUNT(*) FROM submission") == before + 2


def test_bulletin_issued_notifies_recipients_and_files_a_docx(sapp, auth):
    client = sapp.test_client()
    r1 = one(sapp, "SELECT id FROM round WHERE name = :r", r=ROUND1)
    units = [one(sapp, "SELECT id FROM unit WHERE name = :n", n=n) for n in ("纪委监察室", "材料科学与工程学院")]
    made = client.post("/api/v1/bulletin/", json={"title": "关于2026年第一轮巡察情况的通报（二）", "year": 2026,
                                                  "round": r1, "recipients": units}, headers=auth("office"))
    assert made.status_code == 201, made.get_data(True)
    pk = made.json["id"]
    content = one(sapp, "SELECT content FROM bulletin WHERE id = :i", i=pk)
    talks = counted(sapp, "r.name = :r", r=ROUND1)["talks"]
    assert f"个别谈话{talks}人次" in content and "党的建设" in content  # drafted from the figures and main problems
    issued = client.post(f"/api/v1/bulletin/{pk}/issue", headers=auth("office"))
    assert issued.status_code == 200, issued.get_data(True)
    expected = {r[0] for r in sql(sapp, "SELECT username FROM person WHERE username IS NOT NULL AND unit_id IN "
                                        f"({units[0]}, {units[1]})")}
    assert expected and "jiwei" in expected
    notified = {r[0] for r in sql(sapp, "SELECT username FROM notification WHERE key = :k", k=f"bulletin:{pk}")}
    assert notified == expected
    doc_id = issued.json["result"]["document"]
    from app.storage import storage_path

    name = one(sapp, "SELECT storage_name FROM document WHERE id = :i", i=doc_id)
    with sapp.app_context():
        text = "\n".join(p.text for p in WordDocument(str(storage_path(name))).paragraphs)
    assert "关于2026年第一轮巡察情况的通报（二）" in text and "纪委监察室、材料科学与工程学院" in text
    assert f"个别谈话{talks}人次" in text
    twice = client.post(f"/api/v1/bulletin/{pk}/issue", headers=auth("office"))
    assert twice.status_code == 422 and "不能重复印发" in twice.json["message"]
    empty = client.post("/api/v1/bulletin/", json={"title": "无接收单位", "year": 2026}, headers=auth("office"))
    refused = client.post(f"/api/v1/bulletin/{empty.json['id']}/issue", headers=auth("office"))
    assert refused.status_code == 422 and "接收单位" in refused.json["message"]
    wrong_year = client.post("/api/v1/bulletin/", json={"title": "x", "year": 2025, "round": r1},
                             headers=auth("office"))
    assert wrong_year.status_code == 422 and "不属于2025年" in wrong_year.json["message"]
    assert client.post(f"/api/v1/bulletin/{pk}/issue", headers=auth("zuzhang")).status_code == 403


def test_annual_report_data_json_and_word_draft(sapp, auth):
    client = sapp.test_client()
    data = client.get("/api/v1/statistics/annual/2026", headers=auth("leader"))
    assert data.status_code == 200
    result = data.json["result"]
    assert result["work"]["inspections"] == one(
        sapp, "SELECT COUNT(*) FROM inspection i JOIN round r ON r.id = i.round_id WHERE r.year = 2026") == 6
    assert result["work"]["total"] == counted(sapp, "r.year = 2026")
    sent = dict(sql(sapp, "SELECT u.name, COUNT(*) FROM transfer t JOIN unit u ON u.id = t.department_id "
                          "JOIN inspection i ON i.id = t.inspection_id JOIN round r ON r.id = i.round_id "
                          "WHERE r.year = 2026 AND t.transferred_on IS NOT NULL GROUP BY u.name"))
    assert {t["department"]: t["batches"] for t in result["transfers"]} == sent
    subs = one(sapp, "SELECT COUNT(*) FROM submission s JOIN round r ON r.id = s.round_id WHERE r.year = 2026")
    assert len(result["submissions"]) == subs
    items = one(sapp, "SELECT COUNT(*) FROM rectification_item x JOIN inspection i ON i.id = x.inspection_id "
                      "JOIN round r ON r.id = i.round_id WHERE r.year = 2026")
    assert sum(x["items"] for x in result["rectification"]) == items
    assert client.get("/api/v1/statistics/annual/1800", headers=auth("leader")).status_code == 404
    from seeds.demo import DEMO_PASSWORD

    web = sapp.test_client()
    web.post("/login/", data={"username": "office", "password": DEMO_PASSWORD})
    docx = web.get("/statistics/annual/2026/docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(docx.data)).paragraphs)
    for heading in ("巡察工作开展情况", "被巡察党组织整改落实情况", "巡察移送事项办理情况", "相关职能部门落实学校党委意见建议情况"):
        assert heading in text
    assert f"个别谈话{result['work']['total']['talks']}人次" in text
    assert "四、" in text and "2026年巡察工作年度报告" in text


def test_statistics_workbook_has_the_tables_with_frozen_bold_headers(sapp):
    from seeds.demo import DEMO_PASSWORD

    web = sapp.test_client()
    web.post("/login/", data={"username": "leader", "password": DEMO_PASSWORD})
    resp = web.get("/statistics/export?year=2026")
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["合计", "按轮次", "按巡察组", "按被巡察单位", "按问题方面", "按线索类别", "重复出现的问题"]
    teams = book["按巡察组"]
    assert teams.freeze_panes == "A2" and teams["A1"].font.b
    rows = {r[0]: r for r in teams.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in teams[1]]
    assert rows["2026年第一轮巡察第一巡察组"][header.index("发现问题数")] == 11
    liaison = sapp.test_client()
    liaison.post("/login/", data={"username": "liaison", "password": DEMO_PASSWORD})
    assert liaison.get("/statistics/export?year=2026").status_code == 403
    assert liaison.get("/statistics/").status_code == 403


def test_screen_steps_submit_a_flag_and_issue_a_bulletin(sapp):
    from seeds.demo import DEMO_PASSWORD

    web = sapp.test_client()
    web.post("/login/", data={"username": "office", "password": DEMO_PASSWORD})
    r1 = one(sapp, "SELECT id FROM round WHERE name = :r", r=ROUND1)
    before = one(sapp, "SELECT COUNT(*) FROM submission")
    form = {"round_id": str(r1), "field": "问题方面", "value": "重点领域风险防控"}
    first = web.post("/statistics/submit", data=form)
    assert first.status_code == 302 and "/submissionview/show/" in first.headers["Location"]
    again = web.post("/statistics/submit", data=form)
    assert again.headers["Location"] == first.headers["Location"]
    assert one(sapp, "SELECT COUNT(*) FROM submission") == before + 1
    assert web.post("/statistics/submit", data={**form, "round_id": "x"}).status_code == 302  # flashed, not 500
    assert one(sapp, "SELECT COUNT(*) FROM submission") == before + 1
    draft = one(sapp, "SELECT id FROM bulletin WHERE issued_on IS NULL AND title LIKE '%拟稿%'")
    done = web.post("/bulletinview/action_post", data={"action": "issue", "rowid": str(draft)},
                    follow_redirects=True).get_data(True)
    assert "已印发 1 份通报" in done
    assert one(sapp, "SELECT issued_on FROM bulletin WHERE id = :i", i=draft) is not None
    doc = web.get(f"/bulletinview/document/{draft}")
    assert doc.status_code == 200
    assert "关于2026年巡察工作情况的通报" in "\n".join(p.text for p in WordDocument(io.BytesIO(doc.data)).paragraphs)
    assert {r[0] for r in sql(sapp, "SELECT username FROM notification WHERE key = :k", k=f"bulletin:{draft}")} == {
        "dangban"}
    zuzhang = sapp.test_client()
    zuzhang.post("/login/", data={"username": "zuzhang", "password": DEMO_PASSWORD})
    assert zuzhang.post("/statistics/submit", data=form).status_code == 403
