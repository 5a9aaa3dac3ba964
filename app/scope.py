"""Row-level scope: which rows of a model a user may see at all (DOMAIN.md §6, API.md "scope").

Role permissions (app.permissions) say which *screens* a role opens; this module says which *rows* those screens,
their REST APIs, forms' related dropdowns, actions and custom endpoints show. It is applied in one place,
``views.base.XctSQLAInterface``, so every FAB query path (lists, counts, show/edit/delete, REST get/put/delete,
@action) goes through it; a row outside the caller's scope is then answered 404 (API.md).

DOMAIN.md §6, the clause each rule below implements:

| role | sees |
|---|---|
| admin | everything |
| leading_group | every round, read-only; dashboards |
| office (巡察办) | every round |
| team_leader (组长) | own team's inspections |
| team_member | own team's inspections |
| receiving_dept (纪委监察室, 组织部, 审计室, …) | only clues transferred to their department |
| unit_liaison (被巡察单位联络人) | only their own unit's notices, feedback and rectification |
| party_office (党委办公室) | submissions and rectification supervision |

A user's scope comes from the ``person`` whose ``username`` is theirs (API.md): team memberships, the unit of a
liaison, the department (unit) of a receiving user. A user holding several roles sees the union of what they allow.
Everything here builds SQL (subqueries), never reads the database itself, except ``readable``: the one read that
keeps a link on a page (a finding's 依据：个别谈话) to the records its reader may open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.rules import handover
from schema import (
    ArchiveItem,
    ArchiveVolume,
    ChangeLog,
    Clue,
    ClueExhibit,
    CustodyEvent,
    Deadline,
    Document,
    Feedback,
    FeedbackItem,
    FeedbackSignature,
    Finding,
    Inspection,
    Job,
    Material,
    Meeting,
    MeetingAttendee,
    Person,
    ReadLog,
    Recommendation,
    Round,
    Speech,
    StatusEvent,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Team,
    TeamMember,
    Transfer,
)
from schema.feedback import feedback_item_recommendation
from schema.rectification import rectification_evidence
from schema.transfer import transfer_clue

# Roles that see every row ("everything", "every round").
UNRESTRICTED_ROLES = frozenset({"Admin", "Office", "LeadingGroup"})

# Meetings a unit liaison takes part in: the unit's 动员会 and the three layers of 反馈 (五、结果反馈).
LIAISON_MEETING_KINDS = ("动员会", "个别反馈", "班子反馈", "大会反馈")

# Records that belong to the user who asked for them (后台任务): each user sees their own, these roles every one.
OWNED_MODELS = {Job: "owner"}
SEE_ALL_OWNED_ROLES = frozenset({"Admin", "Office"})

# How a record reaches the inspection it belongs to, when it has no `inspection_id` column of its own:
# model → (its foreign key column, the parent model that does reach an inspection).
PARENT_LINKS: dict[type, tuple[str, type]] = {
    SurveyQuestion: ("survey_id", Survey),
    SurveyResponse: ("survey_id", Survey),
    SurveyAnswer: ("response_id", SurveyResponse),
    CustodyEvent: ("material_id", Material),
    ClueExhibit: ("clue_id", Clue),
    FeedbackSignature: ("feedback_id", Feedback),
    MeetingAttendee: ("meeting_id", Meeting),
    ArchiveItem: ("volume_id", ArchiveVolume),
}

# Models scoped although they do not belong to one inspection: the team structure, and the status history
# (which names records of every kind, so only the unrestricted roles read it).
TEAM_MODELS = (Round, Team, TeamMember)
HISTORY_MODELS = (StatusEvent, ChangeLog, ReadLog)


def _sub(stmt: sa.Select) -> sa.Select:
    # Never let a scope subquery correlate with a table the outer (FAB) query happens to join.
    return stmt.correlate(None)


class InSelect(ColumnElement):
    """`column IN (select)`, written on PostgreSQL as `column = ANY(ARRAY(select))`.

    PostgreSQL turns an IN subquery into a semi-join, and a list joins its shown relations in the same statement
    (app.loading): past join_collapse_limit the planner keeps the written join order, so it joined every row of the
    table to its relations before the scope dropped most of them (a team member's 个别谈话 list at 1,000× the demo:
    78 ms). ANY(ARRAY(…)) is computed once (an InitPlan) and filters the table's own scan: 0.4 ms, same rows.
    """

    type = sa.Boolean()
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("select", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, select: sa.Select):
        self.column, self.select = column, select


@compiles(InSelect)
def _in_select(element, compiler, **kw):
    return compiler.process(element.column.in_(element.select), **kw)


@compiles(InSelect, "postgresql")
def _in_select_postgresql(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY{compiler.process(element.select.scalar_subquery(), **kw)})"


def reach(model: type, inspection_ids: sa.Select) -> ColumnElement | None:
    """The criterion "this row belongs to one of `inspection_ids`", or None if the model has no inspection link."""
    if model is Inspection:
        return InSelect(Inspection.id, _sub(inspection_ids))
    if model in PARENT_LINKS:
        column, parent = PARENT_LINKS[model]
        return InSelect(getattr(model, column), _sub(sa.select(parent.id).where(reach(parent, inspection_ids))))
    if "inspection_id" in model.__table__.c:
        return InSelect(model.inspection_id, _sub(inspection_ids))
    return None


def is_scoped(model: type) -> bool:
    return model in TEAM_MODELS or model in HISTORY_MODELS or reach(model, sa.select(Inspection.id)) is not None


@dataclass
class Who:
    """The SQL that locates a user in the organisation, from the person whose `username` is theirs."""

    username: str

    @cached_property
    def unit_id(self):  # the liaison's unit, the receiving user's department
        return _sub(sa.select(Person.unit_id).where(Person.username == self.username)).scalar_subquery()

    @cached_property
    def team_ids(self) -> sa.Select:
        return _sub(sa.select(TeamMember.team_id).join(Person, Person.id == TeamMember.person_id)
                    .where(Person.username == self.username))

    @cached_property
    def transfer_ids(self) -> sa.Select:  # transfers sent to the receiving user's department
        return _sub(sa.select(Transfer.id).where(Transfer.department_id == self.unit_id,
                                                 Transfer.transferred_on.is_not(None)))


ALL = "all"  # every row of the model
OWN = "own"  # the rows of the role's inspections (RoleScope.inspections), reached by `reach`
NONE = "none"  # no row

Rule = str | Callable[[Who, sa.Select | None], ColumnElement]


@dataclass
class RoleScope:
    """What one role sees of the scoped models: `models` names a rule per model, `default` covers the rest."""

    inspections: Callable[[Who], sa.Select] | None  # the inspections this role works on (for OWN)
    default: str
    models: dict[type, Rule] = field(default_factory=dict)

    def criterion(self, model: type, who: Who) -> ColumnElement | None:
        """None: every row; otherwise the rows allowed (sa.false() for none)."""
        rule = self.models.get(model, self.default)
        ids = self.inspections(who) if self.inspections else None
        if rule == ALL:
            return None
        if rule == NONE:
            return sa.false()
        if rule == OWN:
            crit = reach(model, ids) if ids is not None else None
            return crit if crit is not None else sa.false()
        return rule(who, ids)


def _team_inspections(who: Who) -> sa.Select:
    return sa.select(Inspection.id).where(Inspection.team_id.in_(who.team_ids))


def _team_rounds(who: Who) -> sa.Select:
    return _sub(sa.select(Team.round_id).where(Team.id.in_(who.team_ids)))


def _sent_clue_ids() -> sa.Select:
    return _sub(sa.select(Clue.id).where(Clue.transferred_on.is_not(None)))


def _not_sent(clue_id) -> ColumnElement:
    """The clue `clue_id` (a column of the outer query) is in no sent transfer: its `transferred_on`, which the
    database keeps from the transfers (migration 0005n), is empty."""
    sent = sa.select(Clue.id).where(Clue.id == clue_id, Clue.transferred_on.is_not(None)).correlate_except(Clue)
    return ~sa.exists(sent)


def _kept_by_team(model):
    """六（二）3 "巡察组不留存移送材料（含电子版、纸质版）": once a clue is transferred the team no longer sees it, its
    package, the package's files or the transfer's list; 巡察办 keeps the list."""
    if model is Clue:
        return lambda who, ids: sa.and_(reach(Clue, ids), Clue.transferred_on.is_(None))
    if model is ClueExhibit:
        return lambda who, ids: sa.and_(reach(ClueExhibit, ids), _not_sent(ClueExhibit.clue_id))
    return lambda who, ids: sa.and_(
        reach(Document, ids), Document.transfer_id.is_(None),
        Document.id.not_in(_sub(sa.select(ClueExhibit.document_id).where(
            ClueExhibit.document_id.is_not(None), ClueExhibit.clue_id.in_(_sent_clue_ids())))))


def _own_or_round_level(model):
    """Meetings and speeches of a whole round (动员部署会, 培训) carry no inspection: a team sees its rounds' ones."""
    return lambda who, ids: sa.or_(
        reach(model, ids), sa.and_(model.inspection_id.is_(None), model.round_id.in_(_team_rounds(who))))


_TEAM = RoleScope(  # "own team's inspections"
    inspections=_team_inspections,
    default=OWN,
    models={
        Round: lambda who, ids: Round.id.in_(_team_rounds(who)),
        Team: lambda who, ids: Team.id.in_(who.team_ids),
        TeamMember: lambda who, ids: TeamMember.team_id.in_(who.team_ids),
        Meeting: _own_or_round_level(Meeting),
        Speech: _own_or_round_level(Speech),
        StatusEvent: NONE,
        Clue: _kept_by_team(Clue),
        ClueExhibit: _kept_by_team(ClueExhibit),
        Document: _kept_by_team(Document),
        Transfer: NONE,  # the list stays with 巡察办 (六（二）3)
    },
)


def _received_clue_ids(who: Who) -> sa.Select:
    # a batch only counts once it is sent: a department sees nothing of a batch 巡察办 is still putting together
    return sa.select(transfer_clue.c.clue_id).join(Transfer, Transfer.id == transfer_clue.c.transfer_id).where(
        Transfer.department_id == who.unit_id, Transfer.transferred_on.is_not(None))


def _unit_inspections(who: Who) -> sa.Select:
    return sa.select(Inspection.id).where(Inspection.unit_id == who.unit_id)


def _transfer_inspections(who: Who) -> sa.Select:
    return sa.select(Transfer.inspection_id).where(Transfer.id.in_(who.transfer_ids))


# ---------------------------------------------------------------- what the inspected unit is given, and when

# The events of one inspection from which its unit's liaison may see a record, as SQL over Inspection.
GIVEN = "起始"  # addressed to the unit from the start: its notices, its meetings, its own rectification
# 五（三）1 "反馈后由巡察组组长、被巡察单位党组织主要负责人、巡察办负责人在《巡察反馈签收单》上签字": the day the 签收单 is
# signed in full is the inspection's feedback_date; from then the unit holds the 反馈意见. Until then what the team
# found is the team's and the 党委's (四（二） the report goes to the 常委会, 五（一） the feedback is drafted from it).
DELIVERED = "反馈意见送达"
PHASE_EVENTS: dict[str, Callable[[], ColumnElement] | None] = {
    GIVEN: None,
    DELIVERED: lambda: Inspection.feedback_date.is_not(None),
}

# model → the event from which the liaison sees the rows of it of the unit's inspections. A model not named here the
# liaison never sees (default NONE): the 巡察情况报告 and 个别谈话情况报告, talks, petitions, clues, materials, visits,
# plans, briefings, surveys, immediate fixes …
LIAISON_VISIBLE_FROM: dict[str, str] = {
    "Inspection": GIVEN, "Announcement": GIVEN, "NewsRelease": GIVEN, "Meeting": GIVEN, "Deadline": GIVEN,
    "Rectification": GIVEN, "RectificationItem": GIVEN, "Document": GIVEN,
    "Feedback": DELIVERED, "FeedbackSignature": DELIVERED, "FeedbackItem": DELIVERED, "Finding": DELIVERED,
    "Recommendation": DELIVERED, "ReboundCheck": DELIVERED,
}

# "then only what the feedback contains": the findings and recommendations the 反馈意见's items carry.
LIAISON_CONTENT: dict[str, Callable[[], ColumnElement]] = {
    "Finding": lambda: Finding.id.in_(_sub(sa.select(FeedbackItem.finding_id).where(
        FeedbackItem.finding_id.is_not(None)))),
    "Recommendation": lambda: Recommendation.id.in_(_sub(sa.select(
        feedback_item_recommendation.c.recommendation_id))),
    "Meeting": lambda: Meeting.kind.in_(LIAISON_MEETING_KINDS),
    "Document": lambda: sa.and_(Document.is_confidential.is_(False), sa.or_(
        # the unit's own uploads: the evidence of its ledger rows (六（一）)
        Document.id.in_(_sub(sa.select(rectification_evidence.c.document_id))),
        *(_attachment_given(event) for event in PHASE_EVENTS))),
}

# The 附件 handed to the unit (a generated document carries the visibility of what it was made from), and from when:
# 2 and 21 are the procedure's own guidance, 4 巡察通知 and 7 巡察公告 are addressed to the unit, 5 is its 动员会's
# agenda; 19 反馈意见 and 22 签收单 once delivered. Every other 附件 (the report 17, talk records 14, the petition
# register 11, the statistics 23 …) is never the unit's.
LIAISON_ATTACHMENTS: dict[int, str] = {2: GIVEN, 4: GIVEN, 5: GIVEN, 7: GIVEN, 21: GIVEN, 19: DELIVERED,
                                       22: DELIVERED}


def liaison_attachment(no: int, user) -> ColumnElement | None:
    """For a user who sees an inspection only as its unit's liaison: the criterion over Inspection under which
    附件`no` has been given to the unit (sa.false(): never); None for everyone else (their row scope decides)."""
    roles = {role.name for role in getattr(user, "roles", None) or []} if _authenticated(user) else set()
    if "UnitLiaison" not in roles or roles & (UNRESTRICTED_ROLES | {"TeamLeader", "TeamMember"}):
        return None
    if no not in LIAISON_ATTACHMENTS:
        return sa.false()
    when = PHASE_EVENTS[LIAISON_ATTACHMENTS[no]]
    return when() if when is not None else sa.true()


def _attachment_given(event: str) -> ColumnElement:
    numbers = [n for n, e in LIAISON_ATTACHMENTS.items() if e == event]
    when = PHASE_EVENTS[event]
    if when is None:
        return Document.attachment_no.in_(numbers)
    return sa.and_(Document.attachment_no.in_(numbers),
                   Document.inspection_id.in_(_sub(sa.select(Inspection.id).where(when()))))


def _liaison_rule(name: str, event: str) -> Rule:
    """The liaison's rule for model `name`: its rows of the unit's inspections past `event`, narrowed to
    LIAISON_CONTENT where declared."""

    def rule(who: Who, ids: sa.Select) -> ColumnElement:
        import schema

        model = getattr(schema, name)
        when = PHASE_EVENTS[event]
        crit = reach(model, ids.where(when()) if when is not None else ids)
        content = LIAISON_CONTENT.get(name)
        return sa.and_(crit, content()) if content is not None else crit

    return rule


ROLE_SCOPES: dict[str, RoleScope] = {
    "TeamLeader": _TEAM,
    "TeamMember": _TEAM,
    # "only clues transferred to their department": the clues, their packages and the files in them, the
    # transfers and their lists, and (read) the inspections they come from; nothing else of those inspections
    # (talks, petitions, materials, meetings, findings …).
    "ReceivingDept": RoleScope(
        inspections=_transfer_inspections,
        default=NONE,
        models={
            Inspection: OWN,
            Clue: lambda who, ids: Clue.id.in_(_sub(_received_clue_ids(who))),
            Transfer: lambda who, ids: Transfer.id.in_(who.transfer_ids),
            ClueExhibit: lambda who, ids: ClueExhibit.clue_id.in_(_sub(_received_clue_ids(who))),
            Document: lambda who, ids: sa.or_(
                Document.transfer_id.in_(who.transfer_ids),
                Document.id.in_(_sub(sa.select(ClueExhibit.document_id).where(
                    ClueExhibit.clue_id.in_(_sub(_received_clue_ids(who))))))),
            Deadline: lambda who, ids: sa.or_(Deadline.department_id == who.unit_id,
                                              Deadline.transfer_id.in_(who.transfer_ids)),
        },
    ),
    # "only their own unit's notices, feedback and rectification", each from the moment it is given to the unit
    # (LIAISON_VISIBLE_FROM): never talks, petitions, clues, materials or the 巡察情况报告.
    "UnitLiaison": RoleScope(
        inspections=_unit_inspections,
        default=NONE,
        models={
            **{name: _liaison_rule(name, event) for name, event in LIAISON_VISIBLE_FROM.items()},
            Round: lambda who, ids: Round.id.in_(_sub(sa.select(Inspection.round_id).where(Inspection.id.in_(ids)))),
        },
    ),
    # "submissions and rectification supervision": every submission, supervision and rectification, and (read)
    # the inspections, rounds and findings they rest on; deadlines except those of transfers; documents only as
    # rectification evidence.
    "PartyOffice": RoleScope(
        inspections=None,
        default=NONE,
        models={
            **dict.fromkeys(("Submission", "Supervision", "Rectification", "RectificationItem", "Inspection",
                             "Finding", "Round", "ReboundCheck"), ALL),
            Deadline: lambda who, ids: Deadline.transfer_id.is_(None),
            Document: lambda who, ids: sa.and_(
                Document.id.in_(_sub(sa.select(rectification_evidence.c.document_id))),
                Document.is_confidential.is_(False)),
        },
    ),
}


def _resolve_names(scope: RoleScope) -> None:
    # Models may be named by their class name in the tables above, for readability.
    import schema

    scope.models = {getattr(schema, k) if isinstance(k, str) else k: v for k, v in scope.models.items()}


for _scope in {id(s): s for s in ROLE_SCOPES.values()}.values():
    _resolve_names(_scope)


def scope_criterion(model: type, user) -> ColumnElement | None:
    """The rows of `model` that `user` may see: None means no restriction, otherwise a criterion to filter by.

    `user` is a FAB user (with `.username` and `.roles`), or None/anonymous (sees nothing of a scoped model).
    """
    roles = {role.name for role in getattr(user, "roles", None) or []} if _authenticated(user) else set()
    if model in OWNED_MODELS:
        if roles & SEE_ALL_OWNED_ROLES:
            return None
        return getattr(model, OWNED_MODELS[model]) == user.username if roles else sa.false()
    if not is_scoped(model):
        return None  # units, people, plans, rules, calendar, templates: no row-level restriction
    if model is Document and not roles & SEE_ALL_OWNED_ROLES:
        # A document of no inspection (a job's result, …) is its owner's, like the job: LeadingGroup, who sees every
        # inspection, read other users' export results, read logs included (issue 18).
        unattached = _unattached_document()
        mine = sa.and_(unattached, Document.uploaded_by == user.username) if roles else sa.false()
        crit = _role_criterion(model, user, roles)
        return sa.or_(mine, ~unattached if crit is None else sa.and_(~unattached, crit))
    return _role_criterion(model, user, roles)


def _unattached_document() -> ColumnElement:
    """Documents that belong to no inspection, transfer or rectification."""
    return sa.and_(Document.inspection_id.is_(None), Document.transfer_id.is_(None),
                   Document.id.not_in(_sub(sa.select(rectification_evidence.c.document_id))))


def _role_criterion(model: type, user, roles: set[str]) -> ColumnElement | None:
    if roles & UNRESTRICTED_ROLES:
        return None
    who = Who(user.username) if roles else None
    clauses = []
    for name in sorted(roles):
        scope = ROLE_SCOPES.get(name)
        if scope is None:
            continue
        crit = scope.criterion(model, who)
        if crit is None:
            return None
        clauses.append(crit)
    clauses = [c for c in clauses if not _is_false(c)]
    if not clauses:
        return sa.false()
    return clauses[0] if len(clauses) == 1 else sa.or_(*clauses)


def _is_false(crit) -> bool:
    return isinstance(crit, sa.sql.elements.False_)


def _authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def current_scope_user():
    """(applies, user): outside a request (jobs, CLI, seeds) nothing is restricted; inside, the signed-in user —
    the form login, or the JWT user FAB's `@protect` puts on `g.user` — or an anonymous one."""
    if not has_request_context():
        return False, None
    return True, getattr(g, "user", None)


def current_criterion(model: type) -> ColumnElement | None:
    """scope_criterion for whoever the current request is for (None outside a request)."""
    applies, user = current_scope_user()
    return scope_criterion(model, user) if applies else None


_CURRENT = object()


def scoped(stmt, model: type, user=_CURRENT):
    """`stmt` (a select, or a legacy Query) limited to the rows of `model` the reader may see: the current request's
    user by default (nothing restricted outside a request), or `user` when given (the home page, a dashboard).

    The one place a query meets the row scope; lists, pages, exports and commands all call it."""
    crit = current_criterion(model) if user is _CURRENT else scope_criterion(model, user)
    return stmt if crit is None else stmt.where(crit)


def taken_out(stmt, model: type):
    """`stmt` limited to what the current caller may take out of the system (a list export, inline or as a job):
    八（二）1 “任何个人不得以任何形式保留巡察工作文件和材料” — a caller who is only of a team exports nothing of an
    inspection whose archive was handed over; what goes on after the handover (handover.CONTINUES: rectification,
    transfers, 督办 …, which the 组长 still reports on) stays exportable."""
    applies, user = current_scope_user()
    if not applies or model.__name__ in handover.CONTINUES or not handover.keeps_nothing(
            {r.name for r in getattr(user, "roles", None) or ()}):
        return stmt
    crit = reach(model, sa.select(ArchiveVolume.inspection_id).where(ArchiveVolume.handed_over_on.is_not(None)))
    return stmt if crit is None else stmt.where(sa.not_(crit))


def readable_ids(model: type, ids) -> set[int]:
    """Those of `ids` (records of `model`) the current reader may see."""
    ids = set(ids)
    crit = current_criterion(model) if ids else None
    if crit is None:
        return ids
    from app.extensions import db

    return set(db.session.scalars(sa.select(model.id).where(model.id.in_(ids), crit)))


def readable(records):
    """The records among `records` (a list of one model, or one record) the current reader may see: a link to a
    talk, clue, petition or material is shown only to whom may open it (None for a single record they may not)."""
    many = isinstance(records, (list, tuple, set))
    items = [r for r in (records if many else [records]) if r is not None]
    if items and is_scoped(type(items[0])):
        allowed = readable_ids(type(items[0]), (r.id for r in items))
        items = [r for r in items if r.id in allowed]
    return items if many else (items[0] if items else None)


def readable_formatter(datamodel, column: str, fallback: Callable):
    """A screen's formatter for `column` when it links to confidential records (talks, petitions, clues, materials:
    app.audit.READ_LOGGED), `fallback` applied to those the reader may read; None for any other column."""
    from app.audit import READ_LOGGED

    if "." in column or not datamodel.is_relation(column) or datamodel.get_related_model(column) not in READ_LOGGED:
        return None
    return lambda value: fallback(readable(value))


def readable_changes(model: type, logs: list[dict | None]) -> list[dict]:
    """Change-history rows of a `model` record ({field: [old, new]} each) whose references to talks, petitions,
    clues and materials (app.audit stores them as {"id", "text"}) are kept only where the reader may read them: a
    finding's history names its evidence to the team, never to the unit's liaison."""
    from app.audit import READ_LOGGED

    related = {r.key: r.mapper.class_ for r in sa.inspect(model).relationships if r.mapper.class_ in READ_LOGGED}

    def refs(side) -> list:
        return [v for v in (side if isinstance(side, list) else [side]) if isinstance(v, dict)]

    wanted: dict[type, set[int]] = {}
    for changes in logs:
        for key in related.keys() & (changes or {}).keys():
            for side in changes[key]:
                wanted.setdefault(related[key], set()).update(v.get("id") for v in refs(side))
    allowed = {target: readable_ids(target, ids - {None}) for target, ids in wanted.items()}

    def keep(side, target):
        if isinstance(side, list):
            return [v for v in side if not isinstance(v, dict) or v.get("id") in allowed[target]]
        return side if not isinstance(side, dict) or side.get("id") in allowed[target] else "（无权查看）"

    return [{k: [keep(side, related[k]) for side in v] if k in related else v for k, v in (changes or {}).items()}
            for changes in logs]
