"""Issue 13 (“Done when”: the 8 demo users never meet a step they cannot finish): a record's page offers an approval
step (views.ownership.step_links) only to a reader who may take it on that record, and only while it is not taken;
every button offered is finished by posting its form. One demo database."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world, open_inspection, scalar

STEPS = re.compile(r'<div class="xct-steps">(.*?)</div>', re.S)
BUTTON = re.compile(r'<a class="btn btn-sm btn-primary" href="([^"]+)">([^<]+)</a>')


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "step_links")


@pytest.fixture(scope="module")
def pages(world):
    """username → a test client signed in through the login form."""
    from seeds.demo import DEMO_PASSWORD, DEMO_USERS

    app = world[0]
    out = {}
    for username in DEMO_USERS:
        client = app.test_client()
        assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
        out[username] = client
    return out


def offered(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    found = STEPS.search(page.get_data(as_text=True))
    return {step: href for href, step in BUTTON.findall(found.group(1))} if found else {}


def person(app, name):
    return scalar(app, sa.select(m.Person.id).where(m.Person.name == name))


def test_talk_steps_are_offered_to_the_teams_leader_only_and_not_on_his_own_talk(world, pages):
    """三（三）5（3）“经巡察组组长同意，可进行单独谈话”、谈话记录由组长审阅; issue 13-2 four-eyes."""
    app, client, h = world
    insp = open_inspection(app, m.Inspection.team_id.in_(
        sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuyuan")))
    talk = client.post("/api/v1/talk/", headers=h("zuyuan"), json={
        "inspection": insp, "interviewee": person(app, "袁伟"), "held_on": "2026-11-26",
        "interviewers": [person(app, "张伟")]})
    assert talk.status_code == 201, talk.json
    url = f"/talkview/show/{talk.json['id']}"
    for who in ("zuyuan", "office", "admin"):  # a team member, 巡察办 and the administrator can never take them
        assert offered(pages[who], url) == {}, who
    steps = offered(pages["zuzhang"], url)
    assert set(steps) == {"组长批准单独谈话", "组长审阅谈话记录"}
    for step, href in steps.items():  # each button offered is finished
        assert pages["zuzhang"].post(href, data={"on": "2026-11-26"}).status_code == 302, step
    assert offered(pages["zuzhang"], url) == {}  # taken: a date is changed by the reasoned correction, not again

    own = client.post("/api/v1/talk/", headers=h("zuzhang"), json={
        "inspection": insp, "interviewee": person(app, "袁伟"), "held_on": "2026-11-26",
        "interviewers": [person(app, "王建国")]})
    assert own.status_code == 201, own.json
    assert offered(pages["zuzhang"], f"/talkview/show/{own.json['id']}") == {}  # his own talk: four-eyes


def test_the_leading_groups_consent_is_offered_to_the_office_only(world, pages):
    """三（四）2“对重大、敏感问题的处理意见，需报领导小组同意后，再向被巡察党组织提出”: recorded by 巡察办."""
    app, client, h = world
    insp = open_inspection(app, m.Inspection.team_id.in_(
        sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuzhang")))
    fix = client.post("/api/v1/immediate_fix/", headers=h("zuzhang"), json={
        "inspection": insp, "issue": "重大敏感问题", "is_major": True})
    assert fix.status_code == 201, fix.json
    url = f"/immediatefixview/show/{fix.json['id']}"
    for who in ("zuzhang", "zuyuan", "admin"):
        assert offered(pages[who], url) == {}, who
    steps = offered(pages["office"], url)
    assert list(steps) == ["记录领导小组同意"]
    assert pages["office"].post(steps["记录领导小组同意"], data={"on": "2026-11-24"}).status_code == 302
    # taken: what is left to 巡察办 is the reasoned correction, its form choosing among the record's step dates
    after = offered(pages["office"], url)
    assert list(after) == ["更正步骤日期"] and offered(pages["zuzhang"], url) == {}
    form = pages["office"].get(after["更正步骤日期"]).get_data(as_text=True)
    assert '<option value="leading_group_approved_on">领导小组审定日期（记录领导小组同意，现为 2026-11-24）</option>' in form
    done = pages["office"].post(after["更正步骤日期"], data={"field": "leading_group_approved_on",
                                                         "value": "2026-11-23", "reason": "会议纪要所载日期"})
    assert done.status_code == 302
    assert scalar(app, sa.select(m.ImmediateFix.leading_group_approved_on).where(
        m.ImmediateFix.id == fix.json["id"])).isoformat() == "2026-11-23"


def test_an_approval_the_record_does_not_need_is_not_offered(world, pages):
    """三（三）5（3） only a talk by one interviewer needs the 组长's consent; 三（三）6 only an important material
    needs his approval to be read: a button that could only answer “无需批准” is not offered."""
    app, client, h = world
    insp = open_inspection(app, m.Inspection.team_id.in_(
        sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuyuan")))
    two = client.post("/api/v1/talk/", headers=h("zuyuan"), json={
        "inspection": insp, "interviewee": person(app, "袁伟"), "held_on": "2026-11-26",
        "interviewers": [person(app, "张伟"), person(app, "李红梅")]})
    assert two.status_code == 201, two.json
    assert set(offered(pages["zuzhang"], f"/talkview/show/{two.json['id']}")) == {"组长审阅谈话记录"}
    refused = client.post(f"/api/v1/step/talk_single/{two.json['id']}", headers=h("zuzhang"), json={})
    assert refused.status_code == 422 and "无需批准" in refused.json["message"]
    plain = client.post("/api/v1/material/", headers=h("zuyuan"), json={
        "inspection": insp, "name": "一般资料", "is_important": False})
    assert plain.status_code == 201, plain.json
    assert offered(pages["zuzhang"], f"/materialview/show/{plain.json['id']}") == {}
