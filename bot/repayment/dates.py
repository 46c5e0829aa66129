"""Calendar rules: due dates (with month ends) and day counts for interest that accrues by day.

Due dates. Period k of a loan that starts on ``start`` falls due in the k-th month after the
start month, on the repayment day; where that month is shorter (the 31st in February, April,
June, September, November), it falls on the month's last day instead — 28th, 29th or 30th —
and returns to the repayment day in the months after.

Day counts. Interest that accrues by day (early repayment, penalty interest) is
``amount × annual rate × year fraction``; the year fraction follows a convention:
ACT/360 (actual days / 360, the default and the Chinese convention that 日利率 = 年利率 / 360),
ACT/365 (actual days / 365) or 30/360 (every month counted as 30 days, 30E/360).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.repayment.errors import PlanError

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def due_date(start: date, months_after: int, repayment_day: int) -> date:
    """The repayment day ``months_after`` months after ``start``'s month, clamped to month end."""
    month_index = start.month - 1 + months_after
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(repayment_day, days_in_month(year, month)))


def months_between(start: date, later: date) -> int:
    """Whole calendar months from ``start``'s month to ``later``'s month (day ignored)."""
    return (later.year - start.year) * 12 + (later.month - start.month)


_DATE_PATTERN = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*$|^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_date(text: str, field: str = "date") -> date:
    """2026-01-15, 2026/1/15, 2026.1.15, 2026年1月15日 or 20260115; a date that does not exist
    (2026-02-30) or lies outside 1970–2100 is a :class:`PlanError`."""
    match = _DATE_PATTERN.match(text)
    if not match:
        raise PlanError(
            "bad_date",
            f"日期“{text}”的格式不对，请写成 2026-01-15 这样的形式。",
            f"{field} must be a date like 2026-01-15, got {text!r}",
        )
    year, month, day = (int(part) for part in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise PlanError(
            "date_does_not_exist", f"日期“{text}”不存在，请检查年月日。", f"{field} {text!r} is not a real calendar date"
        ) from None
    check_date_in_range(parsed, field)
    return parsed


def check_date_in_range(value: date, field: str = "date") -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PlanError(
            "date_out_of_range",
            "日期超出可计算的范围（1970年至2100年）。",
            f"{field} must lie between {EARLIEST_DATE} and {LATEST_DATE}, got {value}",
        )


class DayCount(str, Enum):
    """How many days interest runs for, and how many days make a year."""

    ACT_360 = "ACT/360"
    ACT_365 = "ACT/365"
    THIRTY_360 = "30/360"

    def days(self, start: date, end: date) -> int:
        if self is DayCount.THIRTY_360:
            # 30E/360: day 31 counts as day 30, every month has 30 days.
            d1, d2 = min(start.day, 30), min(end.day, 30)
            return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
        return (end - start).days

    @property
    def days_in_year(self) -> int:
        return 365 if self is DayCount.ACT_365 else 360

    def year_fraction(self, start: date, end: date) -> Decimal:
        return Decimal(self.days(start, end)) / Decimal(self.days_in_year)


def accrued_interest_exact(
    amount: Decimal, annual_rate: Decimal, start: date, end: date, day_count: DayCount
) -> Decimal:
    """Simple interest that accrues by day from ``start`` to ``end`` (unrounded)."""
    return amount * annual_rate * Decimal(day_count.days(start, end)) / Decimal(day_count.days_in_year)
