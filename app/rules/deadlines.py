"""The deadlines of DOMAIN.md §3, computed from a record's dates and the rows of `deadline_rule`.

One pure function, `compute`, serves the inspection screen, the API, the daily scan and the exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import UnknownCalendar, WorkCalendar, add_months

PENDING, DUE_SOON, OVERDUE, DONE, UNKNOWN_CALENDAR = "pending", "due_soon", "overdue", "done", "unknown_calendar"
# done_field of a rule → what the date is; app.commands.deadlines reads each from its column.
DONE_FIELDS = {
    "work_plan.filed_on": "组内工作方案备案日期",
    "inspection.notice_date": "巡察通知下发日期",
    "inspection.work_end": "巡察结束日期",
    "inspection.meeting_list_received_on": "会议清单提供日期",
    "inspection.committee_report_date": "向常委会汇报日期",
    "inspection.feedback_date": "反馈日期",
    "meeting(专题民主生活会).held_on": "专题民主生活会召开日期",
    "rectification.plan_submitted_on": "整改方案报送日期",
    "rectification.report_submitted_on": "整改报告报送日期",
    "archive_volume.handed_over_on": "档案移交日期",
    "transfer.reported_on": "移送线索办理情况报告日期",
    "submission.reported_on": "提交事项工作情况报告日期",
}
STATUS_LABELS = {PENDING: "未到期", DUE_SOON: "即将到期", OVERDUE: "已逾期", DONE: "已完成", UNKNOWN_CALENDAR: "日历未知"}
# The colours `evaluate` gives (Deadline.level), as 领导看板 and the 期限预警 search name them.
LEVEL_LABELS = {"danger": "已逾期（红）", "warning": "即将到期或未按期完成（黄）", "notice": "临近提示（蓝）",
                "none": "未到期", "success": "按期完成（绿）", "unknown": "日历未知"}


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    anchor: str
    direction: str  # before / after
    offset: int
    time_unit: str  # calendar_day / working_day / month
    offset_max: int | None = None  # the window's far end (D2: 3–5 working days before work starts)
    warn_only: bool = False
    done_field: str | None = None


@dataclass(frozen=True)
class Thresholds:
    """Days before the due date at which a deadline shows as a notice (green) and as due soon (yellow)."""

    notice_days: int = 20
    due_soon_days: int = 10


@dataclass(frozen=True)
class Deadline:
    code: str
    title: str
    earliest: date | None
    due: date | None
    status: str
    done_on: date | None
    level: str  # none / notice / warning / danger / success / unknown, for colours
    message: str

    def as_dict(self) -> dict:
        return {
            "code": self.code, "title": self.title,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status, "done_on": self.done_on.isoformat() if self.done_on else None,
            "level": self.level, "message": self.message,
        }


def _shift(anchor: date, amount: int, rule: Rule, calendar: WorkCalendar) -> date:
    sign = -1 if rule.direction == "before" else 1
    if rule.time_unit == "working_day":
        return calendar.shift_workdays(anchor, amount, rule.direction) if amount else anchor
    if rule.time_unit == "month":
        return add_months(anchor, sign * amount)
    return anchor + timedelta(days=sign * amount)


def window(rule: Rule, anchor: date, calendar: WorkCalendar) -> tuple[date | None, date]:
    """(earliest, due) of a rule for an anchor date; `earliest` only for windows (offset_max set)."""
    due = _shift(anchor, rule.offset, rule, calendar)
    earliest = _shift(anchor, rule.offset_max, rule, calendar) if rule.offset_max is not None else None
    return earliest, due


def evaluate(rule: Rule, anchor: date | None, done_on: date | None, today: date, calendar: WorkCalendar,
             thresholds: Thresholds = Thresholds()) -> Deadline:
    """One rule against one record."""
    if anchor is None:
        return Deadline(rule.code, rule.title, None, None, PENDING, done_on, "none", "起算日期尚未确定")
    try:
        earliest, due = window(rule, anchor, calendar)
    except UnknownCalendar as exc:
        return Deadline(rule.code, rule.title, None, None, UNKNOWN_CALENDAR, done_on, "unknown", exc.message)
    if done_on is not None:
        late = done_on > due
        early = earliest is not None and done_on < earliest
        note = "逾期完成" if late else ("早于期限窗口" if early else "按期完成")
        return Deadline(rule.code, rule.title, earliest, due, DONE, done_on,
                        "warning" if late or early else "success", f"{done_on.isoformat()} 完成，{note}")
    left = (due - today).days
    if left < 0:
        return Deadline(rule.code, rule.title, earliest, due, OVERDUE, None, "danger", f"已逾期 {-left} 天")
    if left <= thresholds.due_soon_days:
        return Deadline(rule.code, rule.title, earliest, due, DUE_SOON, None, "warning", f"还剩 {left} 天")
    level = "notice" if left <= thresholds.notice_days else "none"
    return Deadline(rule.code, rule.title, earliest, due, PENDING, None, level, f"还剩 {left} 天")


def compute(rules: Iterable[Rule], anchors: Mapping[str, date | None], done: Mapping[str, date | None],
            today: date, calendar: WorkCalendar, thresholds: Thresholds = Thresholds()) -> list[Deadline]:
    """Every rule whose anchor the record has (keys of `anchors`), in rule order.

    :param anchors: anchor name (API.md `deadline_rule.anchor`) → date; rules whose anchor is absent are skipped.
    :param done: rule `done_field` → the date the obligation was met.
    """
    return [
        evaluate(rule, anchors[rule.anchor], done.get(rule.done_field or ""), today, calendar, thresholds)
        for rule in rules
        if rule.anchor in anchors
    ]
