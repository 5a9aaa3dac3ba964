"""Working-day arithmetic over the calendar table (weekends and legal holidays off, 调休 weekend days on).

A day the table does not hold is never guessed from the weekday: the computation raises UnknownCalendar.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Mapping
from datetime import date, timedelta


class UnknownCalendar(Exception):
    def __init__(self, year: int):
        super().__init__(year)
        self.year = year
        self.message = f"工作日历缺少 {year} 年的数据，无法计算工作日期限；请管理员先导入 {year} 年的节假日安排"


class WorkCalendar:
    """Day → is_workday, as loaded from `calendar_day`."""

    def __init__(self, days: Mapping[date, bool]):
        self._days = dict(days)

    def is_workday(self, day: date) -> bool:
        try:
            return self._days[day]
        except KeyError:
            raise UnknownCalendar(day.year) from None

    def shift_workdays(self, anchor: date, count: int, direction: str) -> date:
        """The `count`-th working day before/after `anchor` (the anchor itself is not counted)."""
        step = timedelta(days=-1 if direction == "before" else 1)
        day, found = anchor, 0
        while found < count:
            day += step
            if self.is_workday(day):
                found += 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` lies after `start`."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(days=i)))


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end (12-31 plus 2 months is the end of February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
