"""Numbers and dates as people type them: read here, and nowhere else.

Only ASCII digits count. ``str.isdigit()`` also says yes to "²" (which
``int()`` then refuses with a traceback), and ``int()`` and ``\\d`` also read
"१" and full-width "１", so ``/vote १`` opened vote #1. Years outside
``MIN_YEAR``..``MAX_YEAR`` are refused too: 9999-12-31 overflows as soon as
the end of that day is computed, 0001-01-01 underflows on its way to UTC.

Every function answers None for what it cannot read; the caller replies
with its usage line. Patterns elsewhere that carry digits use ``DIGIT``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

#: One ASCII digit, for patterns (``\\d`` matches every script's digits).
DIGIT = "[0-9]"
#: A six-digit on-site code (volunteer check-in, lesson make-up check-in).
CODE = DIGIT + "{6}"
#: The years a date typed into the bot may name.
MIN_YEAR = 2000
MAX_YEAR = 2100
#: Ids and numbers have at most this many digits (SQLite's integers hold far more).
MAX_DIGITS = 9
#: What a number may be prefixed with: "#3", "＃3".
NUMBER_SIGNS = "#＃"

_DIGITS = re.compile(r"[0-9]+")
_FULL_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_SHORT_DATE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_YEAR = re.compile(r"[0-9]{4}")


def number(text: str, *, low: int = 0, high: int = 10**MAX_DIGITS - 1) -> int | None:
    """A whole number of ASCII digits between ``low`` and ``high``, or None."""
    text = text.strip()
    if len(text) > MAX_DIGITS or _DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def integer(text: str) -> int | None:
    """A signed whole number of ASCII digits (ids in button data), or None."""
    if re.fullmatch(r"-?[0-9]{1,19}", text) is None:
        return None
    return int(text)


def item_number(text: str) -> int | None:
    """The number of a matter, vote, lesson ... as typed: "3", "#3", "＃3"; or None."""
    return number(text.strip().lstrip(NUMBER_SIGNS), low=1)


def code(text: str) -> str | None:
    """A six-digit on-site or check-in code, as typed, or None."""
    text = text.strip()
    return text if re.fullmatch(CODE, text) else None


def percent(text: str) -> int | None:
    """0..100, with or without a percent sign."""
    return number(text.strip().rstrip("%％"), high=100)


def calendar_day(year: int, month: int, day: int) -> date | None:
    """That day if it exists and its year is a sane one, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_day(text: str) -> date | None:
    """A day written YYYY-MM-DD, or None."""
    match = _FULL_DATE.fullmatch(text.strip())
    if match is None:
        return None
    return calendar_day(int(match[1]), int(match[2]), int(match[3]))


def past_day(text: str, today: date) -> date | None:
    """YYYY-MM-DD, or MM-DD meaning the latest such day up to today; None otherwise.

    Minutes and ledgers look back: in January, "12-30" is last December's,
    and "02-29" the last leap year's.
    """
    text = text.strip()
    if _FULL_DATE.fullmatch(text):
        return iso_day(text)
    match = _SHORT_DATE.fullmatch(text)
    if match is None:
        return None
    month, day = int(match[1]), int(match[2])
    for year in range(today.year, today.year - 8, -1):
        candidate = calendar_day(year, month, day)
        if candidate is not None and candidate <= today:
            return candidate
    return None


def coming_day(year: str | None, month: str, day: str, today: date) -> date | None:
    """A day typed with or without its year (then this year's, or next year's if it is past).

    The parts come from a pattern built with ``DIGIT``.
    """
    for part in (year or "0", month, day):
        if _DIGITS.fullmatch(part) is None:
            return None
    if year:
        return calendar_day(int(year), int(month), int(day))
    candidate = calendar_day(today.year, int(month), int(day))
    if candidate is not None and candidate >= today:
        return candidate
    return calendar_day(today.year + 1, int(month), int(day))


def month(text: str) -> date | None:
    """YYYY-MM: the first day of that month, or None."""
    match = _MONTH.fullmatch(text.strip())
    if match is None:
        return None
    return calendar_day(int(match[1]), int(match[2]), 1)


def period(text: str) -> tuple[date, date] | None:
    """ "2026": that year; "2026-11": that month; the first and last day, or None."""
    text = text.strip()
    if _YEAR.fullmatch(text):
        first = calendar_day(int(text), 1, 1)
        return None if first is None else (first, date(first.year, 12, 31))
    first = month(text)
    if first is None:
        return None
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


_WRITTEN_DATE = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号號]?"
)


def written_day(text: str, *, first_year: int = MIN_YEAR) -> date | None:
    """A day as people write it, with its year: 2001-07-01, 2001/7/1, 2001.7.1,
    2001年7月1日 (or 号); years from ``first_year`` (a joining date may be 1950's)."""
    match = _WRITTEN_DATE.fullmatch(text.strip())
    if match is None:
        return None
    year = int(match[1])
    if not first_year <= year <= MAX_YEAR:
        return None
    try:
        return date(year, int(match[2]), int(match[3]))
    except ValueError:
        return None
