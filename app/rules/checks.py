"""Compliance checks with numbers (DOMAIN.md §4 and the clocks of §3), as pure functions over plain values."""

from __future__ import annotations

from dataclasses import dataclass

from .deadlines import DONE, OVERDUE, UNKNOWN_CALENDAR, Deadline


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool | None  # None: cannot be judged yet (a date or a count is missing)
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "ok": self.ok, "message": self.message}


@dataclass(frozen=True)
class AttendanceRule:
    """三（二）2: 凡教职工总人数在100人（含）以上的二级党组织，应参会人数不得少于教职工总人数的80%且不少于100人；
    教职工总人数小于100人的二级党组织，参会人员扩展为全体在职人员。巡察工作动员会实际参加人数不少于应到人数的80%。"""

    staff_threshold: int = 100
    expected_percent: int = 80
    expected_minimum: int = 100
    present_percent: int = 80

    def required_expected(self, staff: int) -> int:
        if staff < self.staff_threshold:
            return staff
        share = -(-staff * self.expected_percent // 100)  # ceiling without floats
        return max(share, self.expected_minimum)


def attendance(staff: int | None, expected: int | None, present: int | None,
               rule: AttendanceRule = AttendanceRule()) -> Check:
    if staff is None:
        return Check("attendance", None, "被巡察单位未填写教职工总人数，无法核对动员会参会人数")
    if expected is None or present is None:
        return Check("attendance", None, "尚未登记动员会的应到、实到人数")
    required = rule.required_expected(staff)
    problems = []
    if expected < required:
        basis = "全体在职人员" if staff < rule.staff_threshold else f"教职工总人数的 {rule.expected_percent}% 且不少于 {rule.expected_minimum} 人"
        problems.append(f"应到 {expected} 人，少于应参会人数 {required} 人（教职工 {staff} 人，应为{basis}）")
    if present * 100 < expected * rule.present_percent:
        problems.append(f"应到不少于 {required} 人，实到 {present} 人，未达应到人数的 {rule.present_percent}%")
    if problems:
        return Check("attendance", False, "；".join(problems))
    share = present * 100 // expected if expected else 100
    return Check("attendance", True,
                 f"教职工 {staff} 人，应到不少于 {required} 人，应到 {expected} 人，实到 {present} 人（{share}%），符合要求")


def talk_interviewers(talks: list[tuple[int, int, bool]]) -> Check:
    """三（三）5（3）: 谈话组成员一般应两人一组 … 经巡察组组长同意，可进行单独谈话.

    :param talks: (talk id, number of interviewers, 组长 approval recorded) per talk.
    """
    if not talks:
        return Check("talk_interviewers", None, "尚无个别谈话记录")
    bad = [tid for tid, count, approved in talks if count < 2 and not approved]
    if bad:
        ids = "、".join(f"#{t}" for t in bad[:10]) + ("等" if len(bad) > 10 else "")
        return Check("talk_interviewers", False,
                     f"共 {len(talks)} 次谈话，其中 {len(bad)} 次谈话人不足两人且无组长同意单独谈话的记录（{ids}）")
    single = sum(1 for _, count, _ in talks if count < 2)
    note = f"，其中 {single} 次单独谈话均经组长同意" if single else ""
    return Check("talk_interviewers", True, f"共 {len(talks)} 次谈话，均为两人以上谈话{note}")


def team_composition(roles: list[str]) -> Check:
    """一（一）2 组长负责制 (issue 13, item 6): before 进驻 a warning; the 进驻 step itself refuses
    (app.commands.holds)."""
    from .team import composition_problem

    problem = composition_problem(roles)
    if problem:
        return Check("team_composition", False, f"{problem}；进驻前须配齐")
    return Check("team_composition", True,
                 f"巡察组组长 1 名、副组长 {roles.count('副组长')} 名、成员 {roles.count('成员')} 名，符合组长负责制")


def from_deadline(d: Deadline) -> Check:
    """A clock as a check: broken when overdue, or met late or before its window; open ones are fine so far."""
    if d.due is None or d.status == UNKNOWN_CALENDAR:
        return Check(d.code, None, f"{d.title}：{d.message}")
    window = f"{d.earliest.isoformat()} 至 {d.due.isoformat()}" if d.earliest else f"{d.due.isoformat()} 前"
    if d.status == DONE:
        return Check(d.code, d.level == "success", f"{d.title}：应在 {window}，{d.message}")
    return Check(d.code, d.status != OVERDUE, f"{d.title}：应在 {window}，{d.message}")
