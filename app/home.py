"""Each role's home page and 我的待办: what is due soon, what awaits my review, my recent records — always within app.scope.

The review queues are data (QUEUES): per role, which rows of which model wait for that role's step. Each queue is
one SQL count and one short SQL list, both under the same row scope as the model's list screen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder import ModelView

from app.extensions import db
from app.loading import load_label, load_shown
from app.rules.deadlines import DUE_SOON, OVERDUE
from app.scope import UNRESTRICTED_ROLES, scoped
from schema import (
    ChangeLog,
    Clue,
    Deadline,
    DeadlineRule,
    Inspection,
    Material,
    Model,
    Person,
    Petition,
    RectificationItem,
    Submission,
    Talk,
    TeamMember,
    Transfer,
)

SHOWN = 5  # rows listed per queue (the count says how many there are)
RECENT = 10  # my recent records


def _due_window() -> date:
    return date.today() + timedelta(days=int(current_app.config.get("DEADLINE_DUE_SOON_DAYS", 10)))


@dataclass(frozen=True, eq=False)
class Queue:
    title: str
    model: type
    where: object  # a callable () → SQL criterion (evaluated per request: some depend on today)
    order: object

    def criterion(self):
        return self.where()


OFFICE_QUEUES = (
    # 七 督查督办 "巡察办…对整改到位的问题予以销号": a row the unit has finished waits for 巡察办's review
    Queue("待审核销号的整改台账事项", RectificationItem, lambda: RectificationItem.status == "待审核",
          RectificationItem.due_date),
    # 六（二）分类处置: the team's proposal goes to 巡察办 for review before the 党委 decides
    Queue("待巡察办审核的问题线索", Clue, lambda: Clue.status == "巡察办审核", Clue.id),
    Queue("尚未分类处理的信访件", Petition, lambda: Petition.triage == "待处理", Petition.received_on),
)
QUEUES: dict[str, tuple[Queue, ...]] = {
    "Admin": OFFICE_QUEUES,
    "Office": OFFICE_QUEUES,
    "TeamLeader": (
        # 三（三）5 "单独谈话须经组长同意…谈话记录由组长审阅": records not yet read by the 组长
        Queue("待组长审阅的谈话记录", Talk, lambda: Talk.reviewed_on.is_(None), Talk.held_on),
        # 三（三）6 "调阅重要资料须经组长批准"
        Queue("待组长批准调阅的重要资料", Material,
              lambda: sa.and_(Material.is_important.is_(True), Material.approved_on.is_(None)), Material.id),
    ),
    "ReceivingDept": (
        # 六（二）3: a sent batch waits for the department's 签收
        Queue("待签收的移送线索", Transfer,
              lambda: sa.and_(Transfer.transferred_on.is_not(None), Transfer.received_on.is_(None)),
              Transfer.transferred_on),
    ),
    "UnitLiaison": (
        Queue("被退回的整改台账事项", RectificationItem, lambda: RectificationItem.status == "退回",
              RectificationItem.due_date),
        Queue("即将到期的整改台账事项", RectificationItem,
              lambda: sa.and_(RectificationItem.status.in_(("未启动", "整改中", "反弹")),
                              RectificationItem.due_date <= _due_window()),
              RectificationItem.due_date),
    ),
    "PartyOffice": (
        # 六（三）提交类: 党委办公室 takes each submission in hand and reports on it
        Queue("待办理的提交事项", Submission, lambda: Submission.status == "已提交", Submission.received_on),
    ),
}


def _show_views(user) -> dict[str, str]:
    """table → the show route of a screen of it the user may read (接收部门 reads transfers on their own screen).

    Reads the registered views from the AppBuilder instead of importing views/ (README 分层: app/ never imports views).
    """
    appbuilder = current_app.appbuilder
    readable = appbuilder.sm.permitted(user, "can_read")
    found: dict[str, str] = {}
    for view in appbuilder.baseviews:
        if not isinstance(view, ModelView) or "show" not in (view.include_route_methods or {"show"}):
            continue
        table = view.datamodel.obj.__tablename__
        if table not in found and view.class_permission_name in readable:
            found[table] = view.route_base + "/show/{}"
    return found


def _my_inspection_ids(username: str) -> sa.Select:
    team_ids = (sa.select(TeamMember.team_id).join(Person, Person.id == TeamMember.person_id)
                .where(Person.username == username))
    return sa.select(Inspection.id).where(Inspection.team_id.in_(team_ids))


def _codes_of(party: str) -> sa.Select:
    return sa.select(DeadlineRule.code).where(DeadlineRule.responsible == party)


def _mine(username: str, roles: set[str]) -> list:
    """Deadlines a person answers for: their team's inspections, and whatever the rule's responsible party is."""
    # The team answers for its inspections' own clocks; a transfer's or a submission's clock (D10, D11) belongs to
    # the receiving department, and the team keeps nothing of a transfer (六（二）3).
    mine = [sa.and_(Deadline.inspection_id.in_(_my_inspection_ids(username)),
                    Deadline.transfer_id.is_(None), Deadline.submission_id.is_(None))]
    unit_id = db.session.scalar(sa.select(Person.unit_id).where(Person.username == username))
    if unit_id is not None:
        mine.append(sa.and_(Deadline.unit_id == unit_id, Deadline.code.in_(_codes_of("被巡察单位"))))
        mine.append(sa.and_(Deadline.department_id == unit_id, Deadline.code.in_(_codes_of("接收部门"))))
    if "PartyOffice" in roles:
        mine.append(Deadline.code.in_(_codes_of("党委办公室")))
    return mine


def my_deadlines(user, limit: int = 200) -> list:
    """Due soon or overdue, within the 期限预警 list's scope, and for the roles that do not see everything only what
    the user answers for; the soonest first (我的待办 and the home page)."""
    roles = {r.name for r in user.roles}
    query = sa.select(Deadline).where(Deadline.status.in_((DUE_SOON, OVERDUE))).order_by(Deadline.due).limit(limit)
    query = scoped(query, Deadline, user)  # the same row scope as the 期限预警 list (app.scope)
    if not roles & UNRESTRICTED_ROLES:
        query = query.where(sa.or_(*_mine(user.username, roles)))
    # the page names each row's subject: loaded with the rows, not one lazy load per row
    return db.session.scalars(query.options(*load_shown(Deadline, ("inspection", "transfer", "submission")))).all()


def review_queues(user) -> list[dict]:
    """The queues of the user's roles: title, count, and the first rows as (label, url)."""
    roles = sorted({r.name for r in user.roles})
    queues = list(dict.fromkeys(q for role in roles for q in QUEUES.get(role, ())))
    urls = _show_views(user)
    out = []
    for q in queues:
        # the first rows and, beside each, how many there are in all: one statement, the count a subquery the
        # database runs once (a window count would read every waiting row in full before the LIMIT: 0.5 s at 100,000)
        total = scoped(sa.select(sa.func.count()).select_from(q.model).where(q.criterion()), q.model, user) \
            .correlate(None)  # its own scan of the table, not the outer row's
        found = db.session.execute(scoped(sa.select(q.model, total.scalar_subquery()).where(q.criterion()), q.model,
                                          user).order_by(q.order, q.model.id).limit(SHOWN)
                                   .options(*load_label(q.model))).all()
        rows, count = [r for r, _n in found], found[0][1] if found else 0
        url = urls.get(q.model.__tablename__)
        out.append({"title": q.title, "count": count,
                    "rows": [{"label": str(r), "url": url.format(r.id) if url else None} for r in rows]})
    return out


def recent_records(user) -> list[dict]:
    """What the user last created, changed or deleted (the change history, app.audit), records still in scope."""
    logs = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.actor == user.username)
                              .order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(RECENT * 3)).all()
    tables = {t.name: t for t in Model.metadata.sorted_tables}
    models = {m.class_.__tablename__: m.class_ for m in Model.registry.mappers}
    # which of the records are still in the user's scope: one statement over every table the logs name
    probes = [scoped(sa.select(sa.literal(entity, sa.String).label("entity"), model.id.label("id"))
                     .where(model.id.in_({log.entity_id for log in logs if log.entity == entity})), model, user)
              for entity in sorted({log.entity for log in logs})
              if (model := models.get(entity)) is not None and entity in tables]
    visible: dict[str, set[int]] = defaultdict(set)
    for entity, rid in db.session.execute(sa.union_all(*probes)) if probes else ():
        visible[entity].add(rid)
    urls = _show_views(user)
    out, seen = [], set()
    for log in logs:
        key = (log.entity, log.entity_id)
        if key in seen or (log.operation != "删除" and log.entity_id not in visible.get(log.entity, set())):
            continue
        if log.operation == "删除" and log.entity not in urls:
            continue  # a deleted record of a screen the user cannot open: nothing to say about it
        seen.add(key)
        url = urls.get(log.entity)
        out.append({"at": log.at, "operation": log.operation, "label": log.entity_label,
                    "url": url.format(log.entity_id) if url and log.operation != "删除" else None})
        if len(out) == RECENT:
            break
    return out


def home(user) -> dict:
    return {"deadlines": my_deadlines(user, limit=10), "queues": review_queues(user), "recent": recent_records(user),
            "due_soon_days": current_app.config.get("DEADLINE_DUE_SOON_DAYS", 10)}
