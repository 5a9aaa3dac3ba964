"""Deadlines and checks of inspections, transfers and submissions; the daily scan.

Every caller (inspection screen, API, scan job, exports) goes through `app.rules.deadlines.compute`; this module
only gathers the dates in set-based SQL and stores what the scan found.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.mail import send_notifications
from app.uow import after_commit, transaction
from app.rules.calendar import WorkCalendar
from app.rules.checks import Check, attendance, from_deadline, talk_interviewers, team_composition
from app.rules.deadlines import DONE_FIELDS, DUE_SOON, OVERDUE, STATUS_LABELS, Deadline, Rule, Thresholds, compute
from schema import (
    ArchiveVolume,
    CalendarDay,
    DeadlineRule,
    Inspection,
    Meeting,
    Notification,
    Person,
    Rectification,
    Submission,
    Talk,
    TeamMember,
    Transfer,
    Unit,
    WorkPlan,
)
from schema import (
    Deadline as DeadlineRow,
)
from schema.base import utcnow
from schema.fieldwork import talk_interviewer

from .holds import team_roles

INSPECTION_ANCHORS = ("entry_date", "work_start", "work_end", "committee_report_date", "feedback_date",
                      "feedback_done_date")
DEMOCRATIC_MEETING = "专题民主生活会"
CHUNK = 5_000


def load_rules() -> list[Rule]:
    rows = db.session.scalars(sa.select(DeadlineRule).where(DeadlineRule.is_active.is_(True)).order_by(DeadlineRule.id))
    return [Rule(r.code, r.title, r.anchor, r.direction, r.offset, r.time_unit, r.offset_max, r.warn_only,
                 r.done_field) for r in rows]


def load_calendar() -> WorkCalendar:
    """The whole calendar table (a few thousand rows), read afresh so an added year counts at once."""
    return WorkCalendar(dict(db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday)).all()))


def thresholds() -> Thresholds:
    cfg = current_app.config
    return Thresholds(cfg.get("DEADLINE_NOTICE_DAYS", 20), cfg.get("DEADLINE_DUE_SOON_DAYS", 10))


def _inspection_query(ids: Iterable[int] | None = None) -> sa.Select:
    """One row per inspection: its anchors and every date that fulfils one of its rules (a `done_field`)."""
    meeting = (
        sa.select(Meeting.inspection_id, sa.func.min(Meeting.held_on).label("held_on"))
        .where(Meeting.kind == DEMOCRATIC_MEETING).group_by(Meeting.inspection_id).subquery()
    )
    done = {  # done_field of deadline_rule → the column holding that date
        "work_plan.filed_on": WorkPlan.filed_on,
        "inspection.notice_date": Inspection.notice_date,
        "inspection.work_end": Inspection.work_end,
        "inspection.meeting_list_received_on": Inspection.meeting_list_received_on,
        "inspection.committee_report_date": Inspection.committee_report_date,
        "inspection.feedback_date": Inspection.feedback_date,
        f"meeting({DEMOCRATIC_MEETING}).held_on": meeting.c.held_on,
        "rectification.plan_submitted_on": Rectification.plan_submitted_on,
        "rectification.report_submitted_on": Rectification.report_submitted_on,
        "archive_volume.handed_over_on": ArchiveVolume.handed_over_on,
    }
    assert set(done) | {"transfer.reported_on", "submission.reported_on"} == set(DONE_FIELDS)
    query = (
        sa.select(
            Inspection.id, Inspection.round_id, Inspection.team_id, Inspection.unit_id, Inspection.liaison_id,
            *(getattr(Inspection, a).label(f"a:{a}") for a in INSPECTION_ANCHORS),
            *(col.label(f"d:{key}") for key, col in done.items()),
        )
        .outerjoin(WorkPlan, WorkPlan.inspection_id == Inspection.id)
        .outerjoin(Rectification, Rectification.inspection_id == Inspection.id)
        .outerjoin(ArchiveVolume, ArchiveVolume.inspection_id == Inspection.id)
        .outerjoin(meeting, meeting.c.inspection_id == Inspection.id)
        .order_by(Inspection.id)
    )
    if ids is not None:
        query = query.where(Inspection.id.in_(list(ids)))
    return query


def _split(row) -> tuple[dict, dict]:
    m = row._mapping
    anchors = {k[2:]: v for k, v in m.items() if isinstance(k, str) and k.startswith("a:")}
    done = {k[2:]: v for k, v in m.items() if isinstance(k, str) and k.startswith("d:")}
    return anchors, done


def inspection_deadlines(inspection_id: int, today: date | None = None) -> list[Deadline]:
    row = db.session.execute(_inspection_query([inspection_id])).first()
    if row is None:
        return []
    anchors, done = _split(row)
    return compute(load_rules(), anchors, done, today or date.today(), load_calendar(), thresholds())


def inspection_checks(inspection_id: int, today: date | None = None,
                      deadlines: list[Deadline] | None = None) -> list[Check]:
    """Every compliance check of one inspection: the clocks, the 动员会 attendance rule, the two-interviewer rule.

    :param deadlines: the inspection's deadlines when the caller has them already.
    """
    if deadlines is None:
        deadlines = inspection_deadlines(inspection_id, today)
    checks = [from_deadline(d) for d in deadlines]
    staff = db.session.scalar(
        sa.select(Unit.staff_count).join(Inspection, Inspection.unit_id == Unit.id).where(Inspection.id == inspection_id)
    )
    meeting = db.session.execute(
        sa.select(Meeting.expected_count, Meeting.present_count)
        .where(Meeting.inspection_id == inspection_id, Meeting.kind == "动员会").order_by(Meeting.held_on.desc())
    ).first()
    checks.append(attendance(staff, *(meeting or (None, None))))
    counts = (
        sa.select(Talk.id, sa.func.count(talk_interviewer.c.person_id), Talk.single_approved_on.is_not(None))
        .outerjoin(talk_interviewer, talk_interviewer.c.talk_id == Talk.id)
        .where(Talk.inspection_id == inspection_id).group_by(Talk.id, Talk.single_approved_on).order_by(Talk.id)
    )
    checks.append(talk_interviewers([(tid, n, bool(ok)) for tid, n, ok in db.session.execute(counts)]))
    team_id = db.session.scalar(sa.select(Inspection.team_id).where(Inspection.id == inspection_id))
    checks.append(team_composition(team_roles(team_id)))
    return checks


# ---- the scan ----


def _rows_for_inspections(rules, calendar, today, th, ids) -> Iterator[dict]:
    result = db.session.execute(_inspection_query(ids).execution_options(yield_per=CHUNK))
    for row in result:
        anchors, done = _split(row)
        for d in compute(rules, anchors, done, today, calendar, th):
            yield _row(d, f"inspection:{row.id}", today, inspection_id=row.id, round_id=row.round_id,
                       team_id=row.team_id, unit_id=row.unit_id)


def _rows_for(model, anchor: str, done_key: str, rules, calendar, today, th) -> Iterator[dict]:
    name = model.__tablename__
    query = sa.select(model.id, model.inspection_id, model.department_id, model.received_on, model.reported_on)
    for rid, insp, dept, received, reported in db.session.execute(query.execution_options(yield_per=CHUNK)):
        for d in compute(rules, {anchor: received}, {done_key: reported}, today, calendar, th):
            yield _row(d, f"{name}:{rid}", today, inspection_id=insp, department_id=dept, **{f"{name}_id": rid})


def _row(d: Deadline, subject: str, today: date, **refs) -> dict:
    base = {"inspection_id": None, "transfer_id": None, "submission_id": None, "round_id": None, "team_id": None,
            "unit_id": None, "department_id": None}
    return {**base, **refs, "subject": subject, "code": d.code, "title": d.title, "earliest": d.earliest,
            "due": d.due, "status": d.status, "done_on": d.done_on, "level": d.level, "message": d.message[:200],
            "computed_on": today}


@transaction
def scan(today: date | None = None, inspection_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute the stored deadlines (all, or those of some inspections) and notify whoever must act.

    Set-based: one query per kind of subject; rows are merged so that only what changed is written, and the
    same day run twice writes nothing new.
    """
    today = today or date.today()
    rules, calendar, th = load_rules(), load_calendar(), thresholds()
    ids = list(inspection_ids) if inspection_ids is not None else None
    if ids is None:
        sources = [
            _rows_for_inspections(rules, calendar, today, th, None),
            _rows_for(Transfer, "transfer_received", "transfer.reported_on", rules, calendar, today, th),
            _rows_for(Submission, "submission_received", "submission.reported_on", rules, calendar, today, th),
        ]
        in_scope = sa.true()
    else:
        sources = [_rows_for_inspections(rules, calendar, today, th, ids)]
        in_scope = DeadlineRow.subject.in_([f"inspection:{i}" for i in ids])
    counts: dict[str, int] = defaultdict(int)

    def counted():
        for source in sources:
            for row in source:
                counts[row["status"]] += 1
                yield row

    _merge(counted(), in_scope)
    counts["notifications"] = _notify(ids)
    return dict(counts)


_COLUMNS = ("subject", "code", "title", "inspection_id", "transfer_id", "submission_id", "round_id", "team_id",
            "unit_id", "department_id", "earliest", "due", "status", "done_on", "level", "message", "computed_on")
_COMPARED = [c for c in _COLUMNS if c not in ("subject", "code", "computed_on")]


def _merge(rows: Iterator[dict], in_scope) -> None:
    """Make the stored rows in scope equal to `rows`, writing only what changed (computed_on marks the change)."""
    table = DeadlineRow.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        # The embedded engine holds little: replace the rows in scope; Core inserts keep None columns in one batch.
        db.session.execute(sa.delete(table).where(in_scope))
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                db.session.execute(table.insert(), batch)
                batch = []
        if batch:
            db.session.execute(table.insert(), batch)
        return
    # PostgreSQL: COPY into a temporary table, then one DELETE and one INSERT … ON CONFLICT DO UPDATE … WHERE changed.
    # The SQL below is built from the module's own column names (_COLUMNS, _COMPARED), never from input (bandit B608).
    cols = ", ".join(_COLUMNS)
    conn = db.session.connection()
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE deadline_new ON COMMIT DROP AS SELECT {cols} FROM deadline WITH NO DATA"  # nosec B608
    )
    raw = conn.connection.driver_connection

    def copy(batch):  # COPY blocks the connection, so it runs between the source cursor's fetches, never across
        with raw.cursor() as cur, cur.copy(f"COPY deadline_new ({cols}) FROM STDIN") as out:
            for values in batch:
                out.write_row(values)

    batch = []
    for row in rows:
        batch.append(tuple(row[c] for c in _COLUMNS))
        if len(batch) >= CHUNK:
            copy(batch)
            batch = []
    if batch:
        copy(batch)
    new_rows = sa.table("deadline_new", sa.column("subject"), sa.column("code"))
    gone = ~sa.exists().where(new_rows.c.subject == table.c.subject, new_rows.c.code == table.c.code)
    conn.execute(sa.delete(table).where(in_scope, gone))
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("subject", "code"))
    old = ", ".join(f"deadline.{c}" for c in _COMPARED)
    new = ", ".join(f"excluded.{c}" for c in _COMPARED)
    conn.exec_driver_sql(
        f"INSERT INTO deadline ({cols}) SELECT {cols} FROM deadline_new "  # nosec B608
        f"ON CONFLICT (subject, code) DO UPDATE SET {updates} WHERE ({old}) IS DISTINCT FROM ({new})"
    )
    conn.exec_driver_sql("DROP TABLE deadline_new")


def _usernames_by_role(role: str) -> list[str]:
    query = (sa.select(User.username).join(assoc_user_role, assoc_user_role.c.user_id == User.id)
             .join(Role, Role.id == assoc_user_role.c.role_id).where(Role.name == role, User.active.is_(True)))
    return list(db.session.scalars(query))


def _recipients():
    """party of a rule → function of a stored deadline row giving the usernames to tell."""
    leaders = defaultdict(list)
    for team_id, username in db.session.execute(
        sa.select(TeamMember.team_id, Person.username).join(Person, Person.id == TeamMember.person_id)
        .where(TeamMember.role.in_(("组长", "副组长")), Person.username.is_not(None))
    ):
        leaders[team_id].append(username)
    liaisons = dict(db.session.execute(
        sa.select(Inspection.id, Person.username).join(Person, Person.id == Inspection.liaison_id)
        .where(Person.username.is_not(None))
    ).all())
    department_users = defaultdict(list)
    for unit_id, username in db.session.execute(
        sa.select(Person.unit_id, Person.username).where(Person.username.is_not(None))
    ):
        department_users[unit_id].append(username)
    office, party_office = _usernames_by_role("Office"), _usernames_by_role("PartyOffice")
    return {
        "巡察组": lambda d: leaders.get(d.team_id, []),
        "被巡察单位": lambda d: [liaisons[d.inspection_id]] if d.inspection_id in liaisons else [],
        "巡察办": lambda d: office,
        "接收部门": lambda d: department_users.get(d.department_id, []),
        "党委办公室": lambda d: party_office,
    }


def _notify(ids: list[int] | None) -> int:
    """One notification per (person, deadline, status): due soon or overdue, to the party the rule names.

    Written in chunks with ON CONFLICT DO NOTHING on (username, key), so nothing already sent is sent again.
    """
    responsible = dict(db.session.execute(sa.select(DeadlineRule.code, DeadlineRule.responsible)).all())
    who = _recipients()
    t = DeadlineRow.__table__
    query = sa.select(t.c.subject, t.c.code, t.c.title, t.c.status, t.c.due, t.c.message, t.c.level,
                      t.c.inspection_id, t.c.team_id, t.c.department_id).where(t.c.status.in_((DUE_SOON, OVERDUE)))
    if ids is not None:
        query = query.where(t.c.inspection_id.in_(ids))
    dialect = db.session.get_bind().dialect.name
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(Notification.__table__)
    insert = insert.on_conflict_do_nothing(index_elements=["username", "key"]).returning(
        Notification.__table__.c.username, Notification.__table__.c.title, Notification.__table__.c.message)
    written = 0

    def flush(batch):
        rows = db.session.execute(insert, batch).all()
        # mail only what is stored: a scan that fails later must not have sent its notifications
        after_commit(functools.partial(send_notifications, [r._asdict() for r in rows]))
        return len(rows)

    batch: list[dict] = []
    for d in db.session.execute(query.execution_options(yield_per=CHUNK)):
        key = f"{d.subject}:{d.code}:{d.status}"
        link = f"/inspectionview/show/{d.inspection_id}" if d.inspection_id else "/deadlineview/list/"
        for username in who[responsible.get(d.code, "巡察组")](d):
            batch.append({"username": username, "key": key, "title": f"{d.code} {d.title}{STATUS_LABELS[d.status]}",
                          "message": f"期限 {d.due.isoformat() if d.due else '未定'}，{d.message}", "link": link,
                          "level": d.level, "created_at": utcnow()})
        if len(batch) >= CHUNK:
            written += flush(batch)
            batch = []
    if batch:
        written += flush(batch)
    return written
