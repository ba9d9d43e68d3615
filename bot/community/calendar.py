"""The community's date rules, as pure functions: no I/O, no Telegram types.

Every rule is evaluated on the wall clock of the community's time zone (a
:class:`zoneinfo.ZoneInfo`, Asia/Shanghai unless configured otherwise):

* the weekly session (周四议事亭), by default every Thursday at 19:00; a session
  that falls on a holiday (statutory or local, see bot/community/holidays.py) is
  not held (休会): the next one is a week later;
* talk days (逢四说事), by default the 4th, 14th and 24th of every month; one that
  falls on a holiday moves to the next workday (顺延), an ordinary weekend keeps it;
* the monthly fixed Party day, by default the 15th, floated to the nearest
  working day within two days when the 15th is a weekend day or a holiday (a 调休
  Saturday is a working day);
* reminder offsets such as ``"24h before"`` or ``"the evening before at 20:00"``.

Conventions shared by every function here:

* Every datetime passed in must be timezone-aware; a naive one is a
  :class:`ValueError`. Every datetime returned is aware and expressed in the
  community zone; callers convert with :func:`to_utc` before storing.
* "Next" means strictly after the given moment, compared as instants (in UTC),
  never as wall-clock readings, so the answer is right across DST changes.
* A wall-clock time that does not exist on a given date (the spring-forward
  gap) is read with the UTC offset in force before the gap, which is what a
  UTC round trip of ``datetime.combine(day, at, tzinfo=tz)`` does: in
  Europe/Berlin on 2026-03-29, 02:30 becomes 03:30 CEST, the wall-clock time
  moved forward by the length of the gap, so it never lands before the gap.
* A wall-clock time that happens twice (the autumn fold) means its first
  occurrence (``fold=0``); the repeat is not a second occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.community.holidays import DayOff, Holidays

__all__ = [
    "DEFAULT_TIMEZONE",
    "THURSDAY",
    "CommunityCalendar",
    "Move",
    "Offset",
    "PartyDay",
    "PartyDayRules",
    "apply_offset",
    "is_working_day",
    "local",
    "local_moment",
    "next_party_day",
    "next_talk_day",
    "next_weekly",
    "occurrences",
    "parse_offset",
    "party_day",
    "to_utc",
]

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""The community zone used when the configuration names none."""

THURSDAY = 3
"""``date.weekday()`` of Thursday (Monday is 0), the day of the weekly session."""

MAX_PARTY_SHIFT = 14
"""The largest allowed ``PartyDayRules.max_shift``: the float stays inside its month's reach."""

MAX_TALK_SHIFT = 14
"""How far a talk day on a holiday looks for the next workday (longer: it stays put)."""

_MAX_SKIPPED_WEEKS = 520

_MAX_OFFSET = timedelta(days=366)
_MAX_DAYS_BEFORE = 366


# --- small helpers -----------------------------------------------------------------------------


def _require_aware(moment: datetime, name: str) -> None:
    """Raise ValueError unless ``moment`` carries a usable UTC offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def _require_wall_time(at: time, name: str) -> None:
    """Raise ValueError if a wall-clock time of day carries its own tzinfo."""
    if at.tzinfo is not None:
        raise ValueError(
            f"{name} must be a plain wall-clock time without tzinfo, got {at.isoformat()}"
        )


def _days_in_month(year: int, month: int) -> int:
    """The number of days in ``month`` of ``year``."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """``(year, month)`` moved by ``delta`` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _after(candidate: datetime, moment: datetime) -> bool:
    """Whether ``candidate`` is a strictly later instant than ``moment``.

    Both are converted to UTC first: Python compares two datetimes that share a
    tzinfo object by their wall-clock readings, which is wrong inside a fold.
    """
    return candidate.astimezone(UTC) > moment.astimezone(UTC)


def to_utc(moment: datetime) -> datetime:
    """The same instant expressed in UTC, as stored in the database.

    Raises ValueError for a naive datetime.
    """
    _require_aware(moment, "moment")
    return moment.astimezone(UTC)


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """The same instant expressed on the wall clock of ``tz``.

    Raises ValueError for a naive datetime.
    """
    _require_aware(moment, "moment")
    return moment.astimezone(tz)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant at which the wall clock of ``tz`` shows ``at`` on ``day``.

    A time inside a spring-forward gap does not exist; it is read with the
    offset in force before the gap (a UTC round trip), so it comes out moved
    forward by the gap's length (Europe/Berlin 2026-03-29 02:30 -> 03:30 CEST).
    A time inside an autumn fold happens twice; the first one (``fold=0``) is
    meant. ``at`` must not carry a tzinfo of its own.
    """
    _require_wall_time(at, "at")
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=tz)
    return wall.astimezone(UTC).astimezone(tz)


# --- weekly session and talk days --------------------------------------------------------------


def _check_weekday(weekday: int) -> None:
    """Raise ValueError unless ``weekday`` is 0 (Monday) .. 6 (Sunday)."""
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {weekday!r}")


def _check_talk_days(days: Collection[int]) -> frozenset[int]:
    """The day numbers as a frozenset; ValueError if empty or outside 1..31."""
    checked = frozenset(days)
    if not checked:
        raise ValueError("talk days must name at least one day of the month")
    bad = sorted(
        repr(d)
        for d in checked
        if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 31
    )
    if bad:
        raise ValueError(f"talk days must be day numbers 1..31, got {', '.join(bad)}")
    return checked


def next_weekly(
    after: datetime, weekday: int, at: time, tz: ZoneInfo, holidays: Holidays | None = None
) -> datetime:
    """The first weekly occurrence (``weekday`` at local ``at``) strictly after ``after``.

    ``weekday`` follows ``date.weekday()``: Monday is 0, Thursday (the default
    session day, :data:`THURSDAY`) is 3. The result is aware, in ``tz``. A
    session time in a DST gap or fold is resolved as in :func:`local_moment`,
    and the result is always a strictly later instant than ``after``. With
    ``holidays``, a date that is a holiday (not an ordinary weekend) is skipped.
    """
    _require_aware(after, "after")
    _check_weekday(weekday)
    _require_wall_time(at, "at")
    # Start a day early: ``after`` read in ``tz`` may be just past midnight while
    # the previous day's occurrence, pushed over a gap, is still ahead.
    day = after.astimezone(tz).date() - timedelta(days=1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    for _ in range(_MAX_SKIPPED_WEEKS):
        candidate = local_moment(day, at, tz)
        if _after(candidate, after) and not (holidays is not None and holidays.is_holiday(day)):
            return candidate
        day += timedelta(days=7)
    raise ValueError(f"no weekly occurrence within {_MAX_SKIPPED_WEEKS} weeks that is no holiday")


def _talk_date(day: date, holidays: Holidays | None) -> date:
    """Where a talk day of date ``day`` is held: a holiday moves it to the next workday."""
    if holidays is None or not holidays.is_holiday(day):
        return day
    for shift in range(1, MAX_TALK_SHIFT + 1):
        candidate = day + timedelta(days=shift)
        if holidays.is_workday(candidate):
            return candidate
    return day


def _talk_dates(start: date, ordered: list[int]) -> Iterator[date]:
    """The talk days' own dates from ``start`` on, in order, for 13 months."""
    year, month = start.year, start.month
    # Any day number 1..31 occurs within 12 months (31 occurs every other month).
    for _ in range(14):
        last = _days_in_month(year, month)
        for day_number in ordered:
            if day_number > last:
                break
            day = date(year, month, day_number)
            if day >= start:
                yield day
        year, month = _add_months(year, month, 1)


def next_talk_day(
    after: datetime,
    days: Collection[int],
    at: time,
    tz: ZoneInfo,
    holidays: Holidays | None = None,
) -> datetime:
    """The first talk day (a day number in ``days`` at local ``at``) strictly after ``after``.

    ``days`` are day-of-month numbers 1..31 (逢四说事: 4, 14 and 24). A month
    that lacks a day simply has no talk day for it: ``{31}`` skips February,
    April, June, September and November. DST gaps and folds are resolved as in
    :func:`local_moment`. With ``holidays``, a talk day on a holiday is held on
    the next workday (at most :data:`MAX_TALK_SHIFT` days on); two talk days
    moved onto one date are one talk day.
    """
    _require_aware(after, "after")
    ordered = sorted(_check_talk_days(days))
    _require_wall_time(at, "at")
    # Start early: a talk day before ``after`` may have moved past it.
    shift = MAX_TALK_SHIFT if holidays is not None else 0
    start = after.astimezone(tz).date() - timedelta(days=1 + shift)
    best: datetime | None = None
    for day in _talk_dates(start, ordered):
        if best is not None and day > best.astimezone(tz).date():
            # A talk day is never held before its own date: none later can be sooner.
            return best
        candidate = local_moment(_talk_date(day, holidays), at, tz)
        if _after(candidate, after) and (best is None or _after(best, candidate)):
            best = candidate
    if best is not None:
        return best
    raise AssertionError("unreachable: every day number 1..31 occurs within a year")


# --- the Party day -----------------------------------------------------------------------------


def is_working_day(
    d: date, holidays: Collection[date] = frozenset(), workdays: Collection[date] = frozenset()
) -> bool:
    """Whether ``d`` is a working day.

    A working day is Monday–Friday not listed in ``holidays``, or any date listed
    in ``workdays`` (调休 make-up working days, which may fall on a weekend). A
    date in both lists is a working day.
    """
    if d in workdays:
        return True
    return d.weekday() < 5 and d not in holidays


@dataclass(frozen=True)
class PartyDayRules:
    """How the monthly fixed Party day is placed.

    ``day`` is the configured day of the month (a day past the month's end
    means its last day); ``at`` is the local time. If that date is not a working
    day the Party day moves to the nearest working day at most ``max_shift`` days
    away, ``prefer`` breaking a tie between an earlier and a later date at the
    same distance. The move may cross into the neighbouring month. Working days
    are those of the :class:`~bot.community.holidays.Holidays` given to
    :func:`party_day` (the configured community's, statutory ones included);
    ``holidays`` and ``workdays`` here are only for a call without one
    (:func:`is_working_day`: weekdays, less and plus those lists).
    """

    day: int = 15
    at: time = time(9, 0)
    max_shift: int = 2
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    prefer: Literal["earlier", "later"] = "earlier"

    def __post_init__(self) -> None:
        """Validate the rules, so a bad configuration fails at start."""
        if isinstance(self.day, bool) or not isinstance(self.day, int) or not 1 <= self.day <= 31:
            raise ValueError(f"Party day must be a day number 1..31, got {self.day!r}")
        _require_wall_time(self.at, "Party day time")
        if (
            isinstance(self.max_shift, bool)
            or not isinstance(self.max_shift, int)
            or not 0 <= self.max_shift <= MAX_PARTY_SHIFT
        ):
            raise ValueError(
                f"Party day max_shift must be 0..{MAX_PARTY_SHIFT} days, got {self.max_shift!r}"
            )
        if self.prefer not in ("earlier", "later"):
            raise ValueError(f"Party day prefer must be 'earlier' or 'later', got {self.prefer!r}")


@dataclass(frozen=True)
class PartyDay:
    """Where one month's Party day landed.

    ``original`` is the configured day of that month; ``at`` the moment it
    happens (aware, community zone); ``moved_by`` the days it moved (negative =
    earlier, 0 = not moved); ``no_working_day`` is True when no date within the
    allowed window was a working day, so the original date was kept.
    """

    original: date
    at: datetime
    moved_by: int
    no_working_day: bool
    #: Why the configured date is not a working day (None when it is).
    reason: DayOff | None = None

    @property
    def moved(self) -> bool:
        """Whether the Party day is not on its configured date."""
        return self.moved_by != 0


def party_day(
    year: int, month: int, rules: PartyDayRules, tz: ZoneInfo, holidays: Holidays | None = None
) -> PartyDay:
    """The Party day of ``month`` in ``year`` under ``rules``, in zone ``tz``.

    Working days are those of ``holidays`` (statutory and local days off);
    without it, weekdays less ``rules.holidays`` plus ``rules.workdays``.
    The configured day (clamped to the month's last day) is kept if it is a
    working day. Otherwise the candidates at distance 1, 2, .. ``max_shift`` are
    tried, at each distance the preferred side first; the first working day
    wins. When none is found the original date is kept and ``no_working_day``
    is set. The local time is resolved as in :func:`local_moment`.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    original = date(year, month, min(rules.day, _days_in_month(year, month)))
    days = holidays if holidays is not None else Holidays(rules.holidays, rules.workdays)
    chosen: date | None = None
    moved_by = 0
    if days.is_workday(original):
        chosen = original
    else:
        sides = (-1, 1) if rules.prefer == "earlier" else (1, -1)
        for distance in range(1, rules.max_shift + 1):
            for side in sides:
                candidate = original + timedelta(days=side * distance)
                if days.is_workday(candidate):
                    chosen, moved_by = candidate, side * distance
                    break
            if chosen is not None:
                break
    return PartyDay(
        original=original,
        at=local_moment(chosen or original, rules.at, tz),
        moved_by=moved_by,
        no_working_day=chosen is None,
        reason=days.day_off(original),
    )


def next_party_day(
    after: datetime, rules: PartyDayRules, tz: ZoneInfo, holidays: Holidays | None = None
) -> PartyDay:
    """The first Party day whose ``at`` is strictly after ``after``.

    Because a Party day may float into a neighbouring month, the months around
    ``after`` are all considered and the earliest one still ahead is returned.
    """
    _require_aware(after, "after")
    here = after.astimezone(tz)
    ahead: list[PartyDay] = []
    for delta in range(-1, 3):
        year, month = _add_months(here.year, here.month, delta)
        candidate = party_day(year, month, rules, tz, holidays)
        if _after(candidate.at, after):
            ahead.append(candidate)
    # The month after next always lies ahead: max_shift is at most 14 days.
    return min(ahead, key=lambda p: p.at.astimezone(UTC))


# --- reminder offsets --------------------------------------------------------------------------

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_DURATION = re.compile(r"(\d+)\s*([mhd])\s+before", re.ASCII)
_WALL = re.compile(r"(?:the (evening|day)|(\d+) days?) before at (\d{1,2}):(\d{2})", re.ASCII)
_SAME_DAY = re.compile(r"the same day at (\d{1,2}):(\d{2})", re.ASCII)
_EXPECTED = (
    "expected e.g. '24h before', '30m before', '2d before', 'the evening before at 20:00', "
    "'the day before at 09:00', 'the same day at 08:00' or 'at start'"
)


@dataclass(frozen=True)
class Offset:
    """When a reminder fires relative to its event.

    Either a duration (``before``, absolute elapsed time: ``"24h before"`` is
    always 24 real hours, whatever the clocks do) or a wall-clock rule
    (``days_before`` calendar days before the event's local date, at local time
    ``at``). ``"at start"`` is the zero duration. ``text`` is the normalised
    spelling, for display; it is not part of equality, so ``"1d before"`` equals
    ``"24h before"``.
    """

    before: timedelta = timedelta(0)
    days_before: int | None = None
    at: time | None = None
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Check that the offset is either a duration or a wall-clock rule."""
        if (self.days_before is None) != (self.at is None):
            raise ValueError("a wall-clock offset needs both days_before and at")
        if self.at is not None:
            _require_wall_time(self.at, "offset time")
            if self.before:
                raise ValueError("an offset is either a duration or a wall-clock rule, not both")
            if self.days_before is not None and not 0 <= self.days_before <= _MAX_DAYS_BEFORE:
                raise ValueError(f"days_before must be 0..{_MAX_DAYS_BEFORE}")
        elif not timedelta(0) <= self.before <= _MAX_OFFSET:
            raise ValueError(f"an offset duration must be 0 .. {_MAX_OFFSET.days} days")

    @property
    def is_wall_clock(self) -> bool:
        """Whether the offset names a local time of day rather than a duration."""
        return self.at is not None

    def __str__(self) -> str:
        """The offset as written in the configuration, normalised."""
        return self.text or self._canonical()

    def _canonical(self) -> str:
        """A spelling of the offset that :func:`parse_offset` reads back."""
        if self.at is not None and self.days_before is not None:
            clock = f"{self.at.hour:02d}:{self.at.minute:02d}"
            if self.days_before == 0:
                return f"the same day at {clock}"
            if self.days_before == 1:
                return f"the day before at {clock}"
            return f"{self.days_before} days before at {clock}"
        seconds = int(self.before.total_seconds())
        if seconds == 0:
            return "at start"
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f"{seconds // size}{unit} before"
        return f"{seconds}s before"


def _clock(text: str, hour: str, minute: str) -> time:
    """``HH:MM`` as a time, or a ValueError naming the offending offset text."""
    h, m = int(hour), int(minute)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"reminder offset {text!r}: {hour}:{minute} is not a valid time of day")
    return time(h, m)


def parse_offset(text: str) -> Offset:
    """Read a reminder offset from its configuration spelling.

    Accepted (case and extra spaces are ignored):

    * ``"<n>m before"``, ``"<n>h before"``, ``"<n>d before"``: elapsed time
      before the event (``"2d before"`` is 48 real hours), at most 366 days;
    * ``"the evening before at HH:MM"`` and ``"the day before at HH:MM"``: the
      previous calendar day at that local time; ``"<n> days before at HH:MM"``;
    * ``"the same day at HH:MM"``: the event's own date at that local time;
    * ``"at start"``: when the event starts.

    Anything else is a ValueError whose message quotes the text.
    """
    if not isinstance(text, str):
        raise ValueError(f"reminder offset must be text, got {text!r}")
    norm = " ".join(text.lower().split())
    if norm == "at start":
        return Offset(text=norm)
    if match := _DURATION.fullmatch(norm):
        count, unit = int(match.group(1)), match.group(2)
        if count > _MAX_OFFSET // _UNITS[unit]:
            raise ValueError(
                f"reminder offset {text!r} is too long: at most {_MAX_OFFSET.days} days"
            )
        return Offset(before=count * _UNITS[unit], text=norm)
    if match := _WALL.fullmatch(norm):
        _named, days, hour, minute = match.groups()
        days_before = int(days) if days is not None else 1
        if days_before > _MAX_DAYS_BEFORE:
            raise ValueError(
                f"reminder offset {text!r} is too long: at most {_MAX_DAYS_BEFORE} days"
            )
        return Offset(days_before=days_before, at=_clock(text, hour, minute), text=norm)
    if match := _SAME_DAY.fullmatch(norm):
        return Offset(days_before=0, at=_clock(text, *match.groups()), text=norm)
    raise ValueError(f"unrecognised reminder offset {text!r}: {_EXPECTED}")


def apply_offset(event_at: datetime, offset: Offset, tz: ZoneInfo) -> datetime:
    """When the reminder ``offset`` for an event at ``event_at`` fires, in ``tz``.

    A duration is subtracted as elapsed time (in UTC), so ``"24h before"``
    across a DST change is 23 or 25 hours on the wall clock. A wall-clock rule
    takes the event's local date in ``tz``, steps back ``days_before`` calendar
    days and resolves the time as in :func:`local_moment`. A wall-clock rule
    may fall after the event (``"the same day at 08:00"`` for a 07:00 event);
    callers decide what to do with such a reminder.
    """
    _require_aware(event_at, "event_at")
    if offset.at is not None and offset.days_before is not None:
        day = event_at.astimezone(tz).date() - timedelta(days=offset.days_before)
        return local_moment(day, offset.at, tz)
    return (event_at.astimezone(UTC) - offset.before).astimezone(tz)


# --- listings and the bundle -------------------------------------------------------------------


def occurrences(
    next_fn: Callable[[datetime], datetime], after: datetime, until: datetime
) -> Iterator[datetime]:
    """Successive firings of a rule: strictly after ``after`` and at or before ``until``.

    ``next_fn`` maps a moment to the rule's first firing strictly after it, e.g.
    ``lambda t: next_weekly(t, THURSDAY, time(19), tz)``. Raises ValueError if
    it ever fails to move forward (which would otherwise loop for ever).
    """
    _require_aware(after, "after")
    _require_aware(until, "until")
    return _firings(next_fn, after, until)


def _firings(
    next_fn: Callable[[datetime], datetime], after: datetime, until: datetime
) -> Iterator[datetime]:
    """The generator behind :func:`occurrences`, once its arguments are checked."""
    current = after
    while True:
        upcoming = next_fn(current)
        if not _after(upcoming, current):
            raise ValueError(
                f"rule did not move forward: {upcoming.isoformat()} after {current.isoformat()}"
            )
        if _after(upcoming, until):
            return
        yield upcoming
        current = upcoming


def _default_zone() -> ZoneInfo:
    """The default community zone."""
    return ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class CommunityCalendar:
    """One community's calendar: its zone and the rules of its three practices.

    Defaults: Asia/Shanghai; the session every Thursday at 19:00; talk days on
    the 4th, 14th and 24th at 09:00; the Party day on the 15th at 09:00,
    floating up to two days. Methods delegate to the module functions.
    ``holidays`` (statutory and local days off) moves talk days, skips sessions
    and floats the Party day; without it only weekends and the Party day's own
    lists count.
    """

    tz: ZoneInfo = field(default_factory=_default_zone)
    session_weekday: int = THURSDAY
    session_at: time = time(19, 0)
    talk_days: frozenset[int] = frozenset({4, 14, 24})
    talk_at: time = time(9, 0)
    party: PartyDayRules = field(default_factory=PartyDayRules)
    holidays: Holidays | None = None

    def __post_init__(self) -> None:
        """Validate the rules, so a bad configuration fails at start."""
        _check_weekday(self.session_weekday)
        _require_wall_time(self.session_at, "session time")
        object.__setattr__(self, "talk_days", _check_talk_days(self.talk_days))
        _require_wall_time(self.talk_at, "talk day time")

    def next_session(self, after: datetime) -> datetime:
        """The first weekly session strictly after ``after``."""
        return next_weekly(after, self.session_weekday, self.session_at, self.tz, self.holidays)

    def next_talk_day(self, after: datetime) -> datetime:
        """The first talk day strictly after ``after``."""
        return next_talk_day(after, self.talk_days, self.talk_at, self.tz, self.holidays)

    def next_party_day(self, after: datetime) -> PartyDay:
        """The first Party day strictly after ``after``."""
        return next_party_day(after, self.party, self.tz, self.holidays)

    def party_day(self, year: int, month: int) -> PartyDay:
        """The Party day of ``month`` in ``year``."""
        return party_day(year, month, self.party, self.tz, self.holidays)

    def sessions(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The sessions strictly after ``after`` and at or before ``until``."""
        return occurrences(self.next_session, after, until)

    def talk_days_between(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The talk days strictly after ``after`` and at or before ``until``."""
        return occurrences(self.next_talk_day, after, until)

    def party_days(self, after: datetime, until: datetime) -> Iterator[PartyDay]:
        """The Party days strictly after ``after`` and at or before ``until``."""
        _require_aware(until, "until")
        return self._party_days(self.next_party_day(after), until)

    def _party_days(self, current: PartyDay, until: datetime) -> Iterator[PartyDay]:
        """The generator behind :meth:`party_days`, from its first Party day on."""
        while not _after(current.at, until):
            yield current
            current = self.next_party_day(current.at)

    def moves(self, kind: str, event: datetime) -> tuple[Move, ...]:
        """Why the ``kind`` event at ``event`` ("session", "talk_day", "party_day") is there.

        A session: the regular sessions just before it that a holiday cancelled
        (休会), latest last. A talk day: the talk days moved onto its date. A
        Party day: its configured date, if it floated. Empty when nothing moved.
        """
        _require_aware(event, "event")
        day = event.astimezone(self.tz).date()
        if kind == "session":
            return self._skipped_before(day)
        if kind == "talk_day":
            earliest = day - timedelta(days=MAX_TALK_SHIFT)
            return tuple(
                Move(original, off, skipped=False)
                for original in _talk_dates(earliest, sorted(self.talk_days))
                if original < day
                and _talk_date(original, self.holidays) == day
                and (off := self._day_off(original)) is not None
            )
        if kind == "party_day":
            party = self.next_party_day(event - timedelta(seconds=1))
            if party.moved and party.reason is not None:
                return (Move(party.original, party.reason, skipped=False),)
            return ()
        raise ValueError(f"unknown calendar event {kind!r}")

    def _day_off(self, day: date) -> DayOff | None:
        return self.holidays.day_off(day) if self.holidays is not None else None

    def _skipped_before(self, day: date) -> tuple[Move, ...]:
        skipped: list[Move] = []
        earlier = day - timedelta(days=7)
        while len(skipped) < 10 and self.holidays is not None and self.holidays.is_holiday(earlier):
            off = self.holidays.day_off(earlier)
            assert off is not None  # noqa: S101 - a holiday is a day off
            skipped.append(Move(earlier, off, skipped=True))
            earlier -= timedelta(days=7)
        return tuple(reversed(skipped))


@dataclass(frozen=True)
class Move:
    """An event not held on its own date: ``original``, why (``off``), and whether it
    was cancelled (``skipped``, a session) or moved (a talk day, the Party day)."""

    original: date
    off: DayOff
    skipped: bool
