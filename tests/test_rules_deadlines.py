"""Golden dates for the deadline rules on the Chinese working-day calendar (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from app.rules.calendar import UnknownCalendar, WorkCalendar, add_months
from app.rules.deadlines import DONE, DUE_SOON, OVERDUE, PENDING, UNKNOWN_CALENDAR, Rule, evaluate

# D2: 巡察工作开展3-5个工作日前，巡察办向被巡察党组织下发巡察通知.
D2 = Rule("D2", "巡察通知下发", "work_start", "before", 3, "working_day", offset_max=5, done_field="inspection.notice_date")
D9 = Rule("D9", "整改情况报告", "feedback_date", "after", 2, "month")
D5 = Rule("D5", "向党委常委会汇报", "work_end", "after", 14, "calendar_day")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    start, end = date(2024, 1, 1), date(2026, 12, 31)
    days = {start + timedelta(d): chinese_calendar.is_workday(start + timedelta(d)) for d in range((end - start).days + 1)}
    return WorkCalendar(days)


@pytest.mark.parametrize(
    "work_start, earliest, due",
    [
        # 2025 国庆中秋 10-01…10-08 off, 09-28 (Sun) and 10-11 (Sat) 调休 on
        (date(2025, 10, 9), date(2025, 9, 25), date(2025, 9, 28)),
        (date(2025, 10, 13), date(2025, 9, 29), date(2025, 10, 9)),
        # 2025 春节 01-28…02-04 off, 01-26 (Sun) and 02-08 (Sat) on
        (date(2025, 2, 10), date(2025, 1, 27), date(2025, 2, 6)),
        # 2026 春节 02-15…02-23 off, 02-14 and 02-28 (Sat) on
        (date(2026, 3, 2), date(2026, 2, 24), date(2026, 2, 26)),
        # 2026 国庆 10-01…10-07 off, 中秋 09-25 off, 09-20 (Sun) and 10-10 (Sat) on
        (date(2026, 10, 9), date(2026, 9, 24), date(2026, 9, 29)),
        (date(2026, 10, 12), date(2026, 9, 29), date(2026, 10, 8)),
        # an ordinary week
        (date(2026, 6, 15), date(2026, 6, 8), date(2026, 6, 10)),
    ],
)
def test_notice_window(cal, work_start, earliest, due):
    result = evaluate(D2, work_start, None, date(2020, 1, 1), cal)
    assert (result.earliest, result.due) == (earliest, due)


def test_notice_inside_window_is_done_on_time(cal):
    result = evaluate(D2, date(2025, 10, 9), date(2025, 9, 26), date(2025, 10, 20), cal)
    assert result.status == DONE and result.level == "success"
    late = evaluate(D2, date(2025, 10, 9), date(2025, 9, 30), date(2025, 10, 20), cal)
    assert late.status == DONE and "逾期" in late.message


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
    ],
)
def test_months_clamp_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_month_rule_uses_clamping(cal):
    assert evaluate(D9, date(2025, 12, 31), None, date(2026, 1, 5), cal).due == date(2026, 2, 28)


def test_unknown_year_is_said_not_guessed(cal):
    result = evaluate(D2, date(2030, 3, 4), None, date(2030, 1, 1), cal)
    assert result.status == UNKNOWN_CALENDAR
    assert "2030" in result.message
    with pytest.raises(UnknownCalendar):
        cal.shift_workdays(date(2027, 1, 10), 3, "before")


@pytest.mark.parametrize(
    "today, status",
    [
        (date(2026, 4, 1), PENDING),  # 23 days left
        (date(2026, 4, 14), DUE_SOON),  # 10 days left
        (date(2026, 4, 24), DUE_SOON),  # due today
        (date(2026, 4, 25), OVERDUE),
    ],
)
def test_status_by_today(cal, today, status):
    # work ends 2026-04-10, report to the 常委会 within two weeks: due 2026-04-24
    assert evaluate(D5, date(2026, 4, 10), None, today, cal).status == status


def test_missing_anchor_is_pending_without_date(cal):
    result = evaluate(D5, None, None, date(2026, 4, 1), cal)
    assert result.status == PENDING and result.due is None
