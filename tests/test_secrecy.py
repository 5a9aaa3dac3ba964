"""Secrecy by phase and by document (issue 13 item 3), walked through the phases of one inspection.

规程五（三）1 "反馈后由巡察组组长、被巡察单位党组织主要负责人、巡察办负责人在《巡察反馈签收单》上签字": the unit holds the
反馈意见 once the 签收单 is signed (the inspection's feedback_date); until then it sees nothing the team produced, and
never the 巡察情况报告, talk records, petitions, clues or materials (DOMAIN.md §6). 六（二）3 "巡察组不留存移送材料":
a transferred clue leaves the team for the receiving department. 八（二） "巡察组应在巡察反馈结束后1个月内……将巡察
工作档案移交巡察办": once the archive is handed over the team still lists and reads its records, but no longer exports
a 附件 or downloads a file (app.rules.handover); the others' access is unchanged.

One inspection of a demo copy (材料科学与工程学院: the demo liaison's unit, 第一巡察组 of zuzhang and zuyuan) is set
to each phase by its phase fields (Core UPDATEs on the test's own database); its clue XS2026-03-001 is transferred
to jiwei's 纪委监察室 from 整改 on. The expected rows are plain SQL written from the clauses above, not app.scope.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world, rows, scalar

PHASES = ("准备", "进驻", "报告", "反馈", "整改", "归档")
DELIVERED_FROM = PHASES.index("反馈")  # feedback_date set: the 签收单 signed in full
SENT_FROM = PHASES.index("整改")  # the transfer of XS2026-03-001 sent
HANDED_OVER = PHASES.index("归档")  # the archive handed over to 巡察办
TEAM = ("zuyuan", "zuzhang")
USERS = ("liaison", "zuyuan", "zuzhang", "jiwei")
RESOURCES = {  # REST resource → table
    "talk": "talk", "petition": "petition", "clue": "clue", "material": "material", "finding": "finding",
    "recommendation": "recommendation", "feedback": "feedback", "feedback_item": "feedback_item",
    "inspection_report": "inspection_report", "rectification_item": "rectification_item", "document": "document",
    "inspection": "inspection",
}
GENERATED = (4, 7, 11, 14, 17, 19)  # filed by 巡察办 before the walk: what each reader may then download
GIVEN_ALWAYS, GIVEN_ON_DELIVERY = (2, 4, 5, 7, 21), (19, 22)  # 附件 addressed to the unit


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    for app, client, h in demo_world(databases, tmp_path_factory, "secrecy"):
        insp = scalar(app, sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == "材料科学与工程学院"))
        clue = scalar(app, sa.select(m.Clue.id).where(m.Clue.code == "XS2026-03-001"))
        transfer = scalar(app, sa.select(m.Transfer.id).where(m.Transfer.doc_no == "校巡移〔2026〕6号"))
        dates = rows(app, sa.select(*(getattr(m.Inspection, c) for c in DATE_FIELDS)).where(m.Inspection.id == insp))[0]
        docs = {}
        for n in GENERATED:  # 巡察办 files each 附件 (the inspection page's 生成文书)
            assert client.get(f"/api/v1/inspection/{insp}/export/{n}", headers=h("office")).status_code == 200, n
            docs[n] = scalar(app, sa.select(sa.func.max(m.Document.id)).where(
                m.Document.inspection_id == insp, m.Document.attachment_no == n))
        jiwei_unit = scalar(app, sa.select(m.Person.unit_id).where(m.Person.username == "jiwei"))
        _execute(app, sa.update(m.Transfer).where(m.Transfer.id == transfer).values(department_id=jiwei_unit))
        yield {"app": app, "client": client, "h": h, "insp": insp, "clue": clue, "transfer": transfer,
               "dates": dict(zip(DATE_FIELDS, dates)), "docs": docs}


DATE_FIELDS = ("entry_date", "work_start", "work_end", "committee_report_date", "feedback_date",
               "feedback_done_date")
# the fields each phase has set (the earlier phases' too)
PHASE_FIELDS = {"准备": (), "进驻": ("entry_date", "work_start"), "报告": ("work_end", "committee_report_date"),
                "反馈": ("feedback_date",), "整改": ("feedback_done_date",), "归档": ()}


def _execute(app, stmt) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.execute(stmt)
        db.session.commit()


def set_phase(w, phase: str) -> None:
    """The inspection as it stands in `phase`: the dates of that phase and those before it, the transfer sent from
    整改, the archive handed over in 归档."""
    app, at = w["app"], PHASES.index(phase)
    kept = {f for p in PHASES[:at + 1] for f in PHASE_FIELDS[p]}
    _execute(app, sa.update(m.Inspection).where(m.Inspection.id == w["insp"]).values(
        {f: (w["dates"][f] if f in kept else None) for f in DATE_FIELDS}))
    _execute(app, sa.update(m.Transfer).where(m.Transfer.id == w["transfer"]).values(
        transferred_on=w["dates"]["feedback_done_date"] if at >= SENT_FROM else None))
    _execute(app, sa.delete(m.ArchiveVolume).where(m.ArchiveVolume.inspection_id == w["insp"]))
    if phase == "归档":
        _execute(app, sa.insert(m.ArchiveVolume).values(
            inspection_id=w["insp"], title="材料学院巡察档案", handed_over_on=w["dates"]["feedback_done_date"],
            handed_by="陈静", received_by="孙雅琴", created_at=sa.func.now(), updated_at=sa.func.now()))


def _ids(app, sql: str, **params) -> set[int]:
    return {r[0] for r in rows(app, sa.text(sql).bindparams(**params)) if r[0] is not None}


def expected(w, user: str, resource: str, phase: str) -> set[int]:
    """The inspection's rows of `resource` that `user` may see in `phase`, from the clauses in the docstring."""
    app, insp, at = w["app"], w["insp"], PHASES.index(phase)
    table = RESOURCES[resource]
    own = _ids(app, "SELECT id FROM inspection WHERE id = :i" if table == "inspection"
               else f"SELECT id FROM {table} WHERE inspection_id = :i", i=insp)
    delivered, sent = at >= DELIVERED_FROM, at >= SENT_FROM
    if user == "liaison":
        if table in ("inspection", "rectification_item"):
            return own
        if table in ("feedback", "feedback_item"):
            return own if delivered else set()
        if table == "finding":  # only what the feedback carries
            return own & _ids(app, "SELECT finding_id FROM feedback_item") if delivered else set()
        if table == "recommendation":
            return own & _ids(app, "SELECT recommendation_id FROM feedback_item_recommendation") if delivered else set()
        if table == "document":
            given = GIVEN_ALWAYS + (GIVEN_ON_DELIVERY if delivered else ())
            return own & (_ids(app, "SELECT document_id FROM rectification_evidence")
                          | _ids(app, f"SELECT id FROM document WHERE attachment_no IN ({','.join(map(str, given))})")
                          ) - _ids(app, "SELECT id FROM document WHERE is_confidential")
        return set()  # talks, petitions, clues, materials, the report: never
    if user in ("zuyuan", "zuzhang"):
        if table == "clue":
            return own - ({w["clue"]} if sent else set())
        if table == "document":  # the transfer's list and package leave the team with the clue
            return own - _ids(app, "SELECT id FROM document WHERE transfer_id IS NOT NULL") - (_ids(
                app, "SELECT document_id FROM clue_exhibit WHERE clue_id = :c", c=w["clue"]) if sent else set())
        return own
    if user == "jiwei":
        if not sent:
            return set()
        if table == "inspection":
            return own
        if table == "clue":
            return {w["clue"]}
        if table == "document":
            return own & (_ids(app, "SELECT id FROM document WHERE transfer_id = :t", t=w["transfer"])
                          | _ids(app, "SELECT document_id FROM clue_exhibit WHERE clue_id = :c", c=w["clue"]))
        return set()
    raise AssertionError(user)


def listed(w, user: str, resource: str) -> set[int] | None:
    """The ids the REST list answers (None: the role may not list it), paging through all of them."""
    found, page = set(), 0
    while True:
        resp = w["client"].get(f"/api/v1/{resource}/?q=(page:{page},page_size:100)", headers=w["h"](user))
        if resp.status_code == 403:
            return None
        assert resp.status_code == 200, (user, resource, resp.status_code)
        found |= set(resp.json["ids"])
        if len(resp.json["ids"]) < 100:
            return found
        page += 1


@pytest.mark.parametrize("phase", PHASES)  # in order: each sets the inspection's state from scratch
def test_every_role_in_every_phase_lists_reads_exports_and_downloads_what_it_may(world, phase):
    w = world
    set_phase(w, phase)
    client, insp, at = w["client"], w["insp"], PHASES.index(phase)
    checked = 0
    for user in USERS:
        for resource, table in RESOURCES.items():
            want = expected(w, user, resource, phase)
            own = _ids(w["app"], "SELECT id FROM inspection WHERE id = :i" if table == "inspection"
                       else f"SELECT id FROM {table} WHERE inspection_id = :i", i=insp)
            got = listed(w, user, resource)
            assert (got or set()) & own == want, (phase, user, resource)
            # read: 200 for rows in scope, 404 (or 403 without the screen) otherwise; two of each kept it fast
            for pk in sorted(want)[:2] + sorted(own - want)[:2]:
                status = client.get(f"/api/v1/{resource}/{pk}", headers=w["h"](user)).status_code
                assert (status == 200) == (pk in want) and status in (200, 403, 404), (phase, user, resource, pk)
                checked += 1
        for n, doc in w["docs"].items():  # download a filed 附件
            resp = client.get(f"/api/v1/document/{doc}/file", headers=w["h"](user))
            visible = doc in expected(w, user, "document", phase) and not (user in TEAM and at >= HANDED_OVER)
            assert (resp.status_code == 200) == visible and resp.status_code in (200, 403, 404), (phase, user, n)
    assert checked > 30  # the inspection has talks, petitions, clues, findings … to check
    # export (生成文书): the liaison gets the 公告 always, the 反馈意见 once delivered, never the rest
    export = lambda user, n: client.get(f"/api/v1/inspection/{insp}/export/{n}", headers=w["h"](user))
    assert export("liaison", 7).status_code == 200
    assert export("liaison", 19).status_code == (200 if at >= DELIVERED_FROM else 403)
    for n in (11, 14, 15, 17, 18, 23):
        resp = export("liaison", n)
        assert resp.status_code == 403 and f"无权查看附件{n}" in resp.json["message"], (phase, n)
    for n in (11, 14, 17, 19):
        assert export("jiwei", n).status_code == (403 if at >= SENT_FROM else 404), (phase, n)
    for user in TEAM:  # the team exports its 附件 until it hands the archive over (八（二）)
        for n in (11, 14, 17, 19):
            resp = export(user, n)
            if at >= HANDED_OVER:
                assert resp.status_code == 403 and "移交巡察办" in resp.json["message"], (phase, user, n)
            else:
                assert resp.status_code == 200, (phase, user, n)


def test_a_finding_page_names_no_interviewee_to_whom_may_not_read_the_talk(world):
    """A displayed name never carries a confidential record's content; links show only what the reader may read."""
    w = world
    set_phase(w, "整改")
    app, insp = w["app"], w["insp"]
    finding = scalar(app, sa.select(m.Finding.id).join(m.Finding.talks).where(
        m.Finding.inspection_id == insp, m.Finding.id.in_(sa.select(m.FeedbackItem.finding_id))))
    talk = scalar(app, sa.select(m.Talk.id).join(m.Person, m.Person.id == m.Talk.interviewee_id)
                  .where(m.Person.name == "唐敏"))
    assert finding and talk
    from seeds.demo import DEMO_PASSWORD

    for user, sees_talk in (("liaison", False), ("dangban", False), ("zuyuan", True)):
        page = app.test_client()
        assert page.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
        html = page.get(f"/findingview/show/{finding}").get_data(as_text=True)
        assert "唐敏" not in html, user
        assert (f"个别谈话 #{talk}" in html) == sees_talk, user


def test_documents_carry_what_they_were_made_from_and_reads_are_logged(world):
    """附件14 is confidential with a 密级; generating and downloading it record a read of each talk in it; 附件11
    masks the petitioner as the screens do."""
    w = world
    set_phase(w, "报告")
    app, client, insp = w["app"], w["client"], w["insp"]
    talks = _ids(app, "SELECT id FROM talk WHERE inspection_id = :i", i=insp)
    doc = rows(app, sa.select(m.Document.is_confidential, m.Document.classification, m.Document.contents)
               .where(m.Document.id == w["docs"][14]))[0]
    assert doc.is_confidential and doc.classification == "秘密" and set(doc.contents["talk"]) == talks
    assert rows(app, sa.select(m.Document.is_confidential).where(m.Document.id == w["docs"][7]))[0][0] is False

    def reads(channel: str) -> set[int]:
        return _ids(app, "SELECT entity_id FROM read_log WHERE actor = 'zuyuan' AND entity = 'talk' "
                         "AND channel = :c", c=channel)

    assert client.get(f"/api/v1/inspection/{insp}/export/14", headers=w["h"]("zuyuan")).status_code == 200
    assert reads("导出") >= talks
    assert client.get(f"/api/v1/document/{w['docs'][14]}/file", headers=w["h"]("zuyuan")).status_code == 200
    assert reads("下载") >= talks
    # 附件11: the petitioner 教师李某 is 已隐藏, as on every screen
    data = client.get(f"/api/v1/inspection/{insp}/export/11", headers=w["h"]("zuzhang")).data
    cells = [c for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in r]
    assert "教师李某" not in cells and "已隐藏" in cells and "XC2026-03-001" in cells


def test_list_export_as_a_job_logs_the_reads_of_its_rows(world):
    """An export run as a job (jobs/exports.py) records each exported petition as read through 导出."""
    w = world
    app, client = w["app"], w["app"].test_client()
    from seeds.demo import DEMO_PASSWORD

    assert client.post("/login/", data={"username": "zuzhang", "password": DEMO_PASSWORD}).status_code == 302
    before = scalar(app, sa.select(sa.func.max(m.ReadLog.id)))
    app.config["EXPORT_SYNC_MAX_ROWS"] = 0
    try:
        resp = client.get("/petitionview/export")
        assert resp.status_code == 302 and "/jobview/show/" in resp.location
    finally:
        app.config["EXPORT_SYNC_MAX_ROWS"] = 5000
    logged = _ids(app, "SELECT entity_id FROM read_log WHERE id > :b AND actor = 'zuzhang' AND channel = '导出' "
                       "AND entity = 'petition'", b=before)
    mine = _ids(app, "SELECT id FROM petition WHERE inspection_id IN (SELECT i.id FROM inspection i JOIN team_member "
                     "tm ON tm.team_id = i.team_id JOIN person p ON p.id = tm.person_id WHERE p.username = 'zuzhang' "
                     "AND i.id NOT IN (SELECT inspection_id FROM archive_volume WHERE handed_over_on IS NOT NULL))")
    assert mine and logged == mine  # 八（二）: nothing of a handed-over inspection leaves with the team


def test_demo_ledger_closes_rows_only_with_evidence_and_the_panel_counts_them(world):
    """六（一）: 申请销号 and 审核销号 rest on evidence; the inspection page's ledger panel shows how many rows it has."""
    w = world
    app = w["app"]
    assert not _ids(app, "SELECT id FROM rectification_item WHERE status IN ('待审核', '已销号') "
                         "AND id NOT IN (SELECT item_id FROM rectification_evidence)")
    from seeds.demo import DEMO_PASSWORD

    page = app.test_client()
    assert page.post("/login/", data={"username": "office", "password": DEMO_PASSWORD}).status_code == 302
    html = page.get(f"/inspectionview/show/{w['insp']}").get_data(as_text=True)
    count = len(_ids(app, "SELECT id FROM rectification_item WHERE inspection_id = :i", i=w["insp"]))
    assert f"<strong>整改台账</strong>（{count} 项）" in html and "built-in method" not in html
