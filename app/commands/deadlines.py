"""Deadlines and checks of inspections, transfers and submissions; the daily scan.

Every caller (inspection screen, API, scan job, exports) goes through `app.rules.deadlines.compute`; this module
only gathers the dates in set-based SQL and stores what the scan found.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache, partial

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.mail import send_notifications
from app.reference import kept
from app.uow import after_commit, transaction
from app.rules.calendar import WorkCalendar
from app.rules.checks import Check, attendance, from_deadline, talk_interviewers, team_composition
from app.rules.deadlines import DONE_FIELDS, DUE_SOON, OVERDUE, STATUS_LABELS, Deadline, Rule, Thresholds, compute
from schema import (
    ArchiveVolume,
    CalendarDay,
    DeadlineInput,
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


INSPECTION_ANCHORS = ("entry_date", "work_start", "work_end", "committee_report_date", "feedback_date",
                      "feedback_done_date")
DEMOCRATIC_MEETING = "专题民主生活会"
ROLE_SEPARATOR = "|"  # joins a team's roles (组长, 副组长, 成员) in one column
CHUNK = 5_000


def load_rules() -> list[Rule]:
    """The active deadline rules (kept per process while the reference stamp holds: app.reference)."""
    def read():
        rows = db.session.scalars(sa.select(DeadlineRule).where(DeadlineRule.is_active.is_(True))
                                  .order_by(DeadlineRule.id))
        return [Rule(r.code, r.title, r.anchor, r.direction, r.offset, r.time_unit, r.offset_max, r.warn_only,
                     r.done_field) for r in rows]
    return list(kept("deadline_rules", read))


def load_calendar() -> WorkCalendar:
    """The whole calendar table (a few thousand rows); an added year counts at once (app.reference)."""
    return kept("calendar", lambda: WorkCalendar(dict(
        db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday)).all())))


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
    anchors, done = _positions(row._fields)
    return {k: row[i] for k, i in anchors}, {k: row[i] for k, i in done}


@lru_cache(maxsize=8)
def _positions(fields: tuple[str, ...]) -> tuple[tuple, tuple]:
    """(name, index) of the anchor ("a:") and done ("d:") columns of a result, found once per query shape."""
    return tuple((f[2:], i) for i, f in enumerate(fields) if f.startswith("a:")), \
        tuple((f[2:], i) for i, f in enumerate(fields) if f.startswith("d:"))


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
    mobilization = sa.select(Meeting).where(Meeting.inspection_id == Inspection.id, Meeting.kind == "动员会") \
        .order_by(Meeting.held_on.desc()).limit(1)  # the latest 动员会
    facts = db.session.execute(sa.select(  # one statement: the unit's staff, the 动员会's counts, the team's roles
        sa.select(Unit.staff_count).where(Unit.id == Inspection.unit_id).scalar_subquery(),
        mobilization.with_only_columns(Meeting.expected_count).scalar_subquery(),
        mobilization.with_only_columns(Meeting.present_count).scalar_subquery(),
        sa.select(sa.func.aggregate_strings(TeamMember.role, ROLE_SEPARATOR))
        .where(TeamMember.team_id == Inspection.team_id).scalar_subquery(),
    ).where(Inspection.id == inspection_id)).first()
    staff, expected, present, roles = facts or (None, None, None, None)
    checks.append(attendance(staff, expected, present))
    counts = (
        sa.select(Talk.id, sa.func.count(talk_interviewer.c.person_id), Talk.single_approved_on.is_not(None))
        .outerjoin(talk_interviewer, talk_interviewer.c.talk_id == Talk.id)
        .where(Talk.inspection_id == inspection_id).group_by(Talk.id, Talk.single_approved_on).order_by(Talk.id)
    )
    checks.append(talk_interviewers([(tid, n, bool(ok)) for tid, n, ok in db.session.execute(counts)]))
    checks.append(team_composition(roles.split(ROLE_SEPARATOR) if roles else []))
    return checks


# ---- the scan ----
# Incremental (issue 18 item 4): each subject's inputs — its own dates and references, plus the rules, the calendar
# and the thresholds — are fingerprinted into deadline_input. A scan recomputes a subject only when its fingerprint
# changed, or when one of its results counts days ("还剩 N 天", "已逾期 N 天") and was computed on another day; every
# other stored row is already what `compute` would give. Subjects are streamed and written in batches of CHUNK rows.


def _calendar_and_digest() -> tuple[WorkCalendar, bytes]:
    """The calendar, read once per scan, and a digest of everything every subject's results depend on."""
    days = db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday).order_by(CalendarDay.day)).all()
    return WorkCalendar(dict(days)), repr([tuple(d) for d in days]).encode()


def _with_state(query: sa.Select, prefix: str, id_column) -> sa.Select:
    """`query` plus the stored fingerprint and dated_on of each row's subject (NULL when never scanned)."""
    state = DeadlineInput.__table__
    subject = sa.literal(prefix, sa.String) + sa.cast(id_column, sa.String)
    return query.add_columns(state.c.fingerprint.label("s:fp"), state.c.dated_on.label("s:dated")).outerjoin(
        state, state.c.subject == subject)


def _inspection_subjects(ids, evaluate) -> Iterator[tuple]:
    query = _with_state(_inspection_query(ids), "inspection:", Inspection.id)
    for row in db.session.execute(query.execution_options(yield_per=CHUNK)):
        yield f"inspection:{row.id}", row[:-2], row[-2], row[-1], partial(_inspection_rows, row, evaluate)


def _inspection_rows(row, evaluate) -> list[dict]:
    anchors, done = _split(row)
    return [_row(d, f"inspection:{row.id}", inspection_id=row.id, round_id=row.round_id, team_id=row.team_id,
                 unit_id=row.unit_id) for d in evaluate(anchors, done)]


def _rows_for(model, anchor: str, done_key: str, evaluate) -> Iterator[tuple]:
    name = model.__tablename__
    query = _with_state(sa.select(model.id, model.inspection_id, model.department_id, model.received_on,
                                  model.reported_on).order_by(model.id), f"{name}:", model.id)
    for row in db.session.execute(query.execution_options(yield_per=CHUNK)):
        rid, insp, dept, received, reported = row[:5]

        def rows(rid=rid, insp=insp, dept=dept, received=received, reported=reported):
            return [_row(d, f"{name}:{rid}", inspection_id=insp, department_id=dept, **{f"{name}_id": rid})
                    for d in evaluate({anchor: received}, {done_key: reported})]

        yield f"{name}:{rid}", row[:5], row[-2], row[-1], rows


def _row(d: Deadline, subject: str, **refs) -> dict:
    base = {"inspection_id": None, "transfer_id": None, "submission_id": None, "round_id": None, "team_id": None,
            "unit_id": None, "department_id": None}
    return {**base, **refs, "subject": subject, "code": d.code, "title": d.title, "earliest": d.earliest,
            "due": d.due, "status": d.status, "done_on": d.done_on, "level": d.level, "message": d.message[:200]}


@transaction
def scan(today: date | None = None, inspection_ids: Iterable[int] | None = None) -> dict[str, int]:
    """`scan_report` without the number of recomputed subjects."""
    return scan_report(today, inspection_ids)[0]


@transaction
def scan_report(today: date | None = None, inspection_ids: Iterable[int] | None = None) -> tuple[dict[str, int], int]:
    """Recompute the stored deadlines (all, or those of some inspections) and notify whoever must act.

    Incremental: only subjects whose inputs changed or whose day counts moved are recomputed (`inspection_ids` are
    always recomputed); rows are merged so that only what changed is written, and the same day run twice writes
    nothing new. Returns the stored rows per status in scope plus "notifications", and how many subjects it
    recomputed.
    """
    today = today or date.today()
    rules, th = load_rules(), thresholds()
    calendar, calendar_digest = _calendar_and_digest()
    context = hashlib.blake2b(repr((rules, th)).encode() + calendar_digest, digest_size=16).digest()
    stamp = utcnow()

    def evaluate(anchors, done):
        return compute(rules, anchors, done, today, calendar, th)

    ids = list(inspection_ids) if inspection_ids is not None else None
    sources = [_inspection_subjects(ids, evaluate)]
    if ids is None:
        sources += [_rows_for(Transfer, "transfer_received", "transfer.reported_on", evaluate),
                    _rows_for(Submission, "submission_received", "submission.reported_on", evaluate)]
    recomputed = 0
    copied: set[str] = set()  # PostgreSQL: the temporary tables the batches were copied into
    states: list[dict] = []
    rows: list[dict] = []
    for source in sources:
        for subject, values, old_fp, old_dated, make in source:
            fp = hashlib.blake2b("|".join(map(str, values)).encode(), digest_size=16, key=context).hexdigest()
            if ids is None and fp == old_fp and old_dated in (None, today):
                continue
            new = make()
            for r in new:
                r["computed_on"] = today
            # A result counts days while it has a due date and is not done (app.rules.deadlines.evaluate).
            dated = today if any(r["due"] is not None and r["done_on"] is None for r in new) else None
            states.append({"subject": subject, "fingerprint": fp, "dated_on": dated, "scanned_at": stamp})
            rows += new
            if len(rows) >= CHUNK:
                _store(states, rows, copied)
                recomputed += len(states)
                states, rows = [], []
    if states:
        _store(states, rows, copied)
        recomputed += len(states)
    if copied:
        _apply_copied()
    in_scope = DeadlineRow.subject.in_([f"inspection:{i}" for i in ids]) if ids is not None else sa.true()
    if ids is None:
        _prune()
    counts: dict[str, int] = dict(db.session.execute(
        sa.select(DeadlineRow.status, sa.func.count()).where(in_scope).group_by(DeadlineRow.status)).all())
    counts["notifications"] = _notify(ids, stamp)
    return counts, recomputed


_COLUMNS = ("subject", "code", "title", "inspection_id", "transfer_id", "submission_id", "round_id", "team_id",
            "unit_id", "department_id", "earliest", "due", "status", "done_on", "level", "message", "computed_on")
_COMPARED = [c for c in _COLUMNS if c not in ("subject", "code", "computed_on")]
_STATE_COLUMNS = ("subject", "fingerprint", "dated_on", "scanned_at")
_NOTE_COLUMNS = ("username", "key", "title", "message", "link", "level", "created_at")


def _store(states: list[dict], rows: list[dict], copied: set[str]) -> None:
    """Write one batch: the subjects' fingerprints, then their deadline rows (replacing what those subjects had)."""
    state, table = DeadlineInput.__table__, DeadlineRow.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        # The embedded engine holds little: replace the batch's rows; Core inserts keep None columns in one batch.
        upsert = sqlite_insert(state)
        db.session.execute(upsert.on_conflict_do_update(
            index_elements=["subject"], set_={c: upsert.excluded[c] for c in _STATE_COLUMNS[1:]}), states)
        db.session.execute(sa.delete(table).where(table.c.subject.in_([s["subject"] for s in states])))
        if rows:
            db.session.execute(table.insert(), rows)
        return
    # PostgreSQL: every batch is COPied into two temporary tables (a parameter list this long costs more to send than
    # to run); _apply_copied then writes them with one statement each.
    conn = db.session.connection()
    _copy_into_temp(conn, "deadline_input", _STATE_COLUMNS, states, copied)
    _copy_into_temp(conn, "deadline", _COLUMNS, rows, copied)


def _apply_copied() -> None:
    """One upsert of the fingerprints, one DELETE of the rows that are gone, one INSERT … ON CONFLICT DO UPDATE …
    WHERE changed. The SQL is built from the module's own names (_COLUMNS, _STATE_COLUMNS), never from input."""
    conn = db.session.connection()
    for name in ("deadline_input_new", "deadline_new"):
        # without statistics the planner guesses the temporary table's size and may scan all of `deadline`
        conn.exec_driver_sql(f"ANALYZE {name}")
    state_cols, cols = ", ".join(_STATE_COLUMNS), ", ".join(_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO deadline_input ({state_cols}) SELECT {state_cols} FROM deadline_input_new "  # nosec B608
        "ON CONFLICT (subject) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _STATE_COLUMNS[1:])
    )
    conn.exec_driver_sql(
        "DELETE FROM deadline WHERE subject IN (SELECT subject FROM deadline_input_new) AND NOT EXISTS "
        "(SELECT 1 FROM deadline_new n WHERE n.subject = deadline.subject AND n.code = deadline.code)"
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("subject", "code"))
    old = ", ".join(f"deadline.{c}" for c in _COMPARED)
    new = ", ".join(f"excluded.{c}" for c in _COMPARED)
    conn.exec_driver_sql(
        f"INSERT INTO deadline ({cols}) SELECT {cols} FROM deadline_new "  # nosec B608
        f"ON CONFLICT (subject, code) DO UPDATE SET {updates} WHERE ({old}) IS DISTINCT FROM ({new})"
    )
    conn.exec_driver_sql("DROP TABLE deadline_new")
    conn.exec_driver_sql("DROP TABLE deadline_input_new")


def _copy_into_temp(conn, table: str, columns: tuple[str, ...], rows: list[dict], created: set[str]) -> None:
    """COPY `rows` into the temporary table `<table>_new` with `columns` of `table` (PostgreSQL), created on first use.

    COPY blocks the connection, so it runs between the source cursor's fetches, never across.
    """
    cols = ", ".join(columns)
    if table not in created:
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {table}_new ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"  # nosec B608
        )
        created.add(table)
    with conn.connection.driver_connection.cursor() as cur, cur.copy(f"COPY {table}_new ({cols}) FROM STDIN") as out:
        for row in rows:
            out.write_row(tuple(row[c] for c in columns))


def _prune() -> None:
    """Drop what belongs to deleted subjects (SQLite does not enforce the foreign keys' ON DELETE CASCADE)."""
    t = DeadlineRow.__table__
    for column, model in ((t.c.transfer_id, Transfer), (t.c.submission_id, Submission)):
        db.session.execute(sa.delete(t).where(column.is_not(None), ~sa.exists().where(model.id == column)))
    db.session.execute(sa.delete(t).where(t.c.subject.like("inspection:%"),
                                          ~sa.exists().where(Inspection.id == t.c.inspection_id)))
    state = DeadlineInput.__table__
    db.session.execute(sa.delete(state).where(~sa.exists().where(t.c.subject == state.c.subject)))


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


def _notify(ids: list[int] | None, stamp) -> int:
    """One notification per (person, deadline, status): due soon or overdue, to the party the rule names.

    Written in chunks with ON CONFLICT DO NOTHING on (username, key), so nothing already sent is sent again. A full
    scan looks only at the subjects it recomputed (stamp) and at rows nobody was told of yet (messages deleted):
    a new 组长 of an unchanged inspection is told when its deadline next changes status.
    """
    responsible = dict(db.session.execute(sa.select(DeadlineRule.code, DeadlineRule.responsible)).all())
    who = _recipients()
    t = DeadlineRow.__table__
    query = sa.select(t.c.subject, t.c.code, t.c.title, t.c.status, t.c.due, t.c.message, t.c.level,
                      t.c.inspection_id, t.c.team_id, t.c.department_id).where(t.c.status.in_((DUE_SOON, OVERDUE)))
    if ids is not None:
        query = query.where(t.c.inspection_id.in_(ids))
    else:
        state, note = DeadlineInput.__table__, Notification.__table__
        key = t.c.subject + ":" + t.c.code + ":" + t.c.status
        query = query.where(sa.or_(
            sa.exists().where(state.c.subject == t.c.subject, state.c.scanned_at == stamp),
            ~sa.exists().where(note.c.key == key)))
    dialect = db.session.get_bind().dialect.name
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(Notification.__table__)
    insert = insert.on_conflict_do_nothing(index_elements=["username", "key"])

    def flush(batch):
        if dialect == "postgresql":  # COPY, then one INSERT … SELECT: see _store
            conn = db.session.connection()
            _copy_into_temp(conn, "notification", _NOTE_COLUMNS, batch, set())
            cols = ", ".join(_NOTE_COLUMNS)
            conn.exec_driver_sql(
                f"INSERT INTO notification ({cols}) SELECT {cols} FROM notification_new "  # nosec B608
                "ON CONFLICT (username, key) DO NOTHING")
            conn.exec_driver_sql("DROP TABLE notification_new")
        else:
            db.session.execute(insert, batch)

    batch: list[dict] = []
    for d in db.session.execute(query.execution_options(yield_per=CHUNK)):
        key = f"{d.subject}:{d.code}:{d.status}"
        link = f"/inspectionview/show/{d.inspection_id}" if d.inspection_id else "/deadlineview/list/"
        for username in who[responsible.get(d.code, "巡察组")](d):
            batch.append({"username": username, "key": key, "title": f"{d.code} {d.title}{STATUS_LABELS[d.status]}",
                          "message": f"期限 {d.due.isoformat() if d.due else '未定'}，{d.message}", "link": link,
                          "level": d.level, "created_at": stamp})
        if len(batch) >= CHUNK:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    # this scan's notifications are the ones made at its stamp (a message already sent keeps its own); mail only
    # what is stored, once the scan commits: a scan that fails later must not have sent its notifications
    after_commit(functools.partial(send_notifications, stamp))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification.__table__).where(
        Notification.__table__.c.created_at == stamp))
