"""The 公示期: its first day and its last, counted in working days of mainland China's statutory
calendar (调休 make-up workdays included).

《柳州市托育机构星级评定工作方案》三（五）: “将星级托育机构名单向社会公示5个工作日，接受社会评议和监督。”
The number of days is rubric data (``star.notice_working_days``). Counting: the first day of the
公示 is day 1 when it is a working day (notices publish on a working day and count it); a start on a
holiday or weekend begins counting at the next working day. The calendar is the maintained
``chinesecalendar`` package (the State Council's arrangement of each year, 调休 Saturdays and Sundays
as working days). For a year it does not know yet it raises; then we never guess silently: days are
counted Monday to Friday and the period says it must be checked (``checked`` False), unless the
official set the last day by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class NoticePeriod:
    start: dt.date | None  # None: the dates are left blank on the notice, to fill in by hand
    end: dt.date | None
    days: int  # working days of the 公示
    by_hand: bool = False  # the official set the last day
    unknown_years: tuple[int, ...] = ()  # years the calendar lacked: counted Monday–Friday, to check

    @property
    def known(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def checked(self) -> bool:
        """The end date rests on the published holiday arrangement (or was set by hand)."""
        return self.by_hand or not self.unknown_years


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(working day?, from the official calendar?) — Monday to Friday for a year the calendar lacks."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # the year's arrangement is not published (or not in this package) yet
        return day.weekday() < 5, False


def notice_period(start: dt.date | None, days: int, end: dt.date | None = None) -> NoticePeriod:
    """The 公示期 from `start` over `days` working days; `end` given by hand wins. No start: blank."""
    if start is None:
        return NoticePeriod(None, end, days, by_hand=end is not None)
    if end is not None:
        return NoticePeriod(start, end, days, by_hand=True)
    if days < 1:  # the rubric loader refuses it; a period needs at least its first day
        raise ValueError(f"notice_working_days must be at least 1, got {days}")
    day, counted, unknown = start, 0, set()
    while True:
        working, official = is_workday(day)
        if not official:
            unknown.add(day.year)
        if working:
            counted += 1
            if counted == days:
                return NoticePeriod(start, day, days, unknown_years=tuple(sorted(unknown)))
        day += ONE_DAY
