"""Pure rules of volunteer service (志愿者打卡): limits, counted minutes, times, distances."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing
from bot.community.register import Actor, Role
from bot.errors import UserFacingError
from storage.community.people import PersonRow
from storage.volunteering.rows import ActivityRow, UnitRow

MAX_TITLE = 60
MAX_DESCRIPTION = 500
MAX_PLACE = 60
MAX_REASON = 200
MAX_UNIT_NAME = 40
MAX_DATES = 12
RADIUS_PRESETS = (50, 100, 200, 500, 1000)
AUDIENCES = ("volunteers", "party_members", "unit")
RECURRENCES = ("once", "weekly", "monthly", "dates")
#: A 签退 with nothing open says when the last check-out was if it is this recent.
RECENT_CHECKOUT = timedelta(hours=24)
EARTH_RADIUS_M = 6_371_000.0
#: "11-28 09:00-11:00", "2026-11-28 9:00-11:30", "11月28日 9:00-11:00".
#: ASCII digits only (bot/parsing.py): "\d" would take "１" and "१" too.
_WHEN = re.compile(
    r"^\s*(?:([0-9]{4})[-/.年])?([0-9]{1,2})[-/.月]([0-9]{1,2})日?\s+"
    r"([0-9]{1,2})[:：]([0-9]{2})\s*[-~～至到]\s*([0-9]{1,2})[:：]([0-9]{2})\s*$"
)
_DAY = re.compile(r"^(?:([0-9]{4})[-/.年])?([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def counted_minutes(
    checked_in: datetime,
    checked_out: datetime,
    start: datetime,
    end: datetime,
    *,
    step: int = 1,
    rounding: str = "down",
) -> int:
    """Minutes from the later of check-in and start to the earlier of check-out and end."""
    seconds = (min(checked_out, end) - max(checked_in, start)).total_seconds()
    if seconds <= 0:
        return 0
    units = seconds / 60 / step
    if rounding == "up":
        whole = math.ceil(units - 1e-9)
    elif rounding == "nearest":
        whole = math.floor(units + 0.5)
    else:
        whole = math.floor(units + 1e-9)
    return int(whole * step)


def parse_when(text: str, today: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """ "11-28 09:00-11:00" → start and end (UTC); the year is this one or the next."""
    match = _WHEN.match(text)
    if match is None:
        raise UserFacingError("vol.new.when_bad")
    year_text, month, day, h1, m1, h2, m2 = match.groups()
    day_of = parsing.coming_day(year_text, month, day, today)
    if day_of is None:
        raise UserFacingError("vol.new.when_bad")
    try:
        start = datetime.combine(day_of, time(int(h1), int(m1)), tzinfo=tz)
        end = datetime.combine(day_of, time(int(h2), int(m2)), tzinfo=tz)
    except ValueError:
        raise UserFacingError("vol.new.when_bad") from None
    if end <= start:
        raise UserFacingError("vol.new.when_order")
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_dates(text: str, today: date) -> tuple[date, ...]:
    """A typed list of dates ("12-05 12-12 12-19"), each today or later."""
    days: list[date] = []
    for part in re.split(r"[\s,，、;；]+", text.strip()):
        if not part:
            continue
        match = _DAY.match(part)
        day = None if match is None else parsing.coming_day(match[1], match[2], match[3], today)
        if day is None:
            raise UserFacingError("vol.new.dates_bad")
        days.append(day)
    if not 1 <= len(days) <= MAX_DATES:
        raise UserFacingError("vol.new.dates_count", most=MAX_DATES)
    return tuple(sorted(set(days)))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day if it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def month_bounds(month: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the next, in UTC."""
    first = month.replace(day=1)
    following = add_months(first, 1)
    return (
        datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(following, time(0), tzinfo=tz).astimezone(UTC),
    )


def rotation(units: Sequence[UnitRow]) -> list[UnitRow]:
    """Round robin: the unit whose last duty is longest ago first (never: first of all)."""
    return sorted(units, key=lambda u: (u.last_duty_on or "", u.id))


def next_value(values: Sequence[Any], current: Any) -> Any:
    """The choice after ``current`` in ``values``, round again (a button that cycles)."""
    if current not in values:
        return values[0]
    return values[(list(values).index(current) + 1) % len(values)]


def manages(actor: Actor, person: PersonRow, activity: ActivityRow) -> bool:
    """The activity's organiser, or a secretary."""
    return activity.organiser_id == person.id or actor.has(Role.SECRETARY)
