"""查看信访人身份: show a petitioner's identity for one answer, with the reason recorded in the read log.

Who may (三（三）4 受理信访, 六 成果运用): 巡察办 (Office) receives the 信访材料 with every transfer list and keeps the
file, and the admin answers for the system; inside a team it is the 组长 (TeamLeader) of that inspection, who answers
for the team's 信访 work and its 重要问题 reports. Team members registered the identity themselves and need not read
it again; the leading group reads dashboards and reports, not petitions' identities.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.audit import READ_LOGGED, record_read, write_reads
from app.errors import BadRequest, Forbidden
from app.extensions import db
from schema import Inspection, Person, Petition, TeamMember

ANY_PETITION_ROLES = frozenset({"Admin", "Office"})
OWN_TEAM_ROLE, OWN_TEAM_POSITION = "TeamLeader", "组长"
REASON_MAX = 500

assert Petition in READ_LOGGED


class RevealRefused(Forbidden):
    pass


class ReasonInvalid(BadRequest):
    pass


def may_reveal(user, petition: Petition) -> bool:
    roles = {role.name for role in getattr(user, "roles", None) or []}
    if roles & ANY_PETITION_ROLES:
        return True
    if OWN_TEAM_ROLE not in roles:
        return False
    leads = (
        sa.select(TeamMember.id)
        .join(Person, Person.id == TeamMember.person_id)
        .join(Inspection, Inspection.team_id == TeamMember.team_id)
        .where(Inspection.id == petition.inspection_id, Person.username == user.username,
               TeamMember.role == OWN_TEAM_POSITION)
    )
    return db.session.execute(leads).first() is not None


def reveal_identity(petition: Petition, user, reason, channel: str) -> dict[str, str | None]:
    """The identity of `petition`'s petitioner, once the reading is recorded with `reason`.

    Raises RevealRefused (403) for a user who may not reveal, ReasonInvalid (400) for a missing or too long reason.
    """
    if not may_reveal(user, petition):
        raise RevealRefused("只有巡察办、系统管理员和本巡察组组长可以查看信访人身份")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ReasonInvalid("请填写「查看理由」：查看信访人身份须说明理由", field="reason")
    if len(reason) > REASON_MAX:
        raise ReasonInvalid(f"「查看理由」不能超过 {REASON_MAX} 个字符", field="reason")
    identity = {"petitioner_name": petition.petitioner_name, "petitioner_contact": petition.petitioner_contact}
    record_read(Petition, [petition.id], channel, reason=reason)
    write_reads()  # recorded (and committed) before anything is shown
    return identity
