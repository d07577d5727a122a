"""Days of the Julian calendar, the text's, and their proleptic Gregorian equivalents
(for the date question of the site, and the timeline's note on calendars).

Both go through the Julian Day Number (JDN), the count of days the two calendars share:
the conversion is exact arithmetic, with no table of offsets (in 626 the Gregorian day
is three days later than the Julian day of the same name).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from kg.errors import ParameterError

__all__ = [
    "MONTHS",
    "JulianDay",
    "gregorian_to_julian",
    "julian_to_gregorian",
    "parse_julian",
]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# date.toordinal() counts 1 January of year 1 (proleptic Gregorian) as day 1; its JDN is
# 1,721,426.
_ORDINAL_TO_JDN = 1_721_425
_JULIAN_TEXT = re.compile(r"\s*([0-9]{1,4})-([0-9]{1,2})-([0-9]{1,2})\s*")


class JulianDay(NamedTuple):
    """A day of the Julian calendar."""

    year: int
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 else 28  # every fourth year, with no exception
    return 30 if month in (4, 6, 9, 11) else 31


def julian_day_number(day: JulianDay) -> int:
    """The JDN of a day of the Julian calendar."""
    a = (14 - day.month) // 12
    y = day.year + 4800 - a
    m = day.month + 12 * a - 3
    return day.day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083


def julian_to_gregorian(day: JulianDay) -> date:
    """The proleptic Gregorian date of a Julian day; ParameterError if there is none."""
    if not 1 <= day.month <= 12:
        raise ParameterError(f"month {day.month} is not a month (1 to 12)")
    if not 1 <= day.day <= _days_in_month(day.year, day.month):
        raise ParameterError(
            f"{MONTHS[day.month - 1]} {day.year} of the Julian calendar has no day {day.day}"
        )
    try:
        return date.fromordinal(julian_day_number(day) - _ORDINAL_TO_JDN)
    except (ValueError, OverflowError):
        raise ParameterError(
            f"the Julian year {day.year} is outside the years this page converts (2 to 9999)"
        ) from None


def gregorian_to_julian(gregorian: date) -> JulianDay:
    """The Julian day of a proleptic Gregorian date."""
    c = gregorian.toordinal() + _ORDINAL_TO_JDN + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return JulianDay(d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1)


def parse_julian(
    text: str | None = None,
    *,
    year: str | None = None,
    month: str | None = None,
    day: str | None = None,
) -> JulianDay:
    """A Julian day from ``YEAR-MM-DD`` text or from its three parts; ParameterError if
    they are not numbers."""
    if text is not None:
        match = _JULIAN_TEXT.fullmatch(text)
        if match is None:
            raise ParameterError(f"the Julian day {text!r} is not written YEAR-MM-DD (626-07-31)")
        year, month, day = match.groups()
    parts = []
    for name, value in (("year", year), ("month", month), ("day", day)):
        value = (value or "").strip()
        if not value.isascii() or not value.isdigit() or len(value) > 4:
            raise ParameterError(f"the Julian {name} {value!r} is not a number")
        parts.append(int(value))
    return JulianDay(*parts)
