"""Due times from rules: the community calendar the event rules follow.

Rules (JSON in ``schedules.rule``):

- ``{"type": "once", "at": ISO}``: one firing.
- ``{"type": "every", "seconds": N, "start": ISO}``: every N seconds from start.
- ``{"type": "session" | "talk_day" | "party_day", "offset": "the evening before at 20:00"}``:
  relative to each event of the community calendar (bot/community/calendar.py). Built-in
  ones also carry ``"calendar"``, a fingerprint of the calendar settings their
  due times derive from: when the configuration changes, the stored rule
  differs and :meth:`BuiltinSchedules.ensure` re-derives the next due
  time at start (see :meth:`BuiltinSchedules.rederive_anchor`); so too when a
  community's secretary changes its own calendar in the bot (the community is
  started again: :meth:`SchedulerService.start_community`).

Each community has its own calendar (``settings.calendar`` reads the current one's):
:class:`CurrentCalendar` is the one calendar the services hold, and reads the current
community's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.community.calendar import (
    CommunityCalendar,
    Move,
    PartyDay,
    PartyDayRules,
    apply_offset,
    parse_offset,
    to_utc,
)
from bot.community.holidays import Holidays
from bot.config import CalendarSettings, Settings
from storage import current_community
from storage.times import from_db_time, to_db_time

#: How far back to look for the event a firing belongs to (offsets are at most 30 days).
EVENT_LOOKBACK = timedelta(days=32)
#: Rule types whose due times are derived from the community calendar.
EVENT_RULES = frozenset({"session", "talk_day", "party_day"})


def daily_rule(at: time, tz: ZoneInfo) -> dict[str, Any]:
    """Every day at ``at`` in ``tz``, counted from a fixed day so the rule stays the same
    from start to start (a built-in compares it); an effect that acts on some days only
    (the 1st, an anniversary) checks the date itself."""
    start = datetime.combine(date(2026, 1, 1), at, tzinfo=tz).astimezone(UTC)
    return {"type": "every", "seconds": 86400, "start": to_db_time(start)}


def calendar_from(settings: Settings) -> CommunityCalendar:
    """The calendar of the community being worked for (outside any: the configuration's)."""
    return calendar_of(settings.calendar, settings.community.tz)


def calendar_of(cal: CalendarSettings, tz: ZoneInfo) -> CommunityCalendar:
    """The community calendar ``cal`` describes, in ``tz``."""
    return CommunityCalendar(
        tz=tz,
        session_weekday=cal.session_weekday_number,
        session_at=cal.session_time,
        talk_days=frozenset(cal.talk_days),
        talk_at=cal.talk_day_time,
        party=PartyDayRules(
            day=cal.party_day,
            at=cal.party_day_time,
            max_shift=cal.party_day_max_shift,
            prefer=cal.party_day_prefer,
        ),
        holidays=Holidays.of(
            extra_holidays=cal.extra_holidays,
            extra_workdays=cal.extra_workdays,
            statutory=cal.statutory_holidays,
        ),
    )


class CurrentCalendar(CommunityCalendar):
    """The calendar of the community being worked for, wherever it is asked.

    The scheduler's rules, the matters (an agenda to the next session), the sittings and
    the lessons each hold one calendar, built once; this one reads, at each use, the
    current community's (``settings.calendar``, ``settings.community.tz``). Each
    community's :class:`CommunityCalendar` is kept by id and built again when its
    settings are other ones (a secretary changed them: the profiles are read again).
    """

    def __init__(self, settings: Settings) -> None:
        """The calendars of the communities ``settings`` reads, built as they are asked."""
        object.__setattr__(self, "_settings", settings)
        cache: dict[int | None, tuple[CalendarSettings, str, CommunityCalendar]] = {}
        object.__setattr__(self, "_cache", cache)

    def current(self) -> CommunityCalendar:
        """The current community's calendar (outside any community: the configuration's)."""
        settings: Settings = self.__dict__["_settings"]
        cache: dict[int | None, tuple[CalendarSettings, str, CommunityCalendar]]
        cache = self.__dict__["_cache"]
        key = current_community.get()
        cal = settings.calendar
        zone = settings.community.timezone
        found = cache.get(key)
        if found is not None and found[0] is cal and found[1] == zone:
            return found[2]
        built = calendar_of(cal, ZoneInfo(zone))
        cache[key] = (cal, zone, built)
        return built

    # The fields, read from the current community's calendar.
    @property
    def tz(self) -> ZoneInfo:
        """The current community's ``tz``."""
        return self.current().tz

    @property
    def session_weekday(self) -> int:
        """The current community's ``session_weekday``."""
        return self.current().session_weekday

    @property
    def session_at(self) -> time:
        """The current community's ``session_at``."""
        return self.current().session_at

    @property
    def talk_days(self) -> frozenset[int]:
        """The current community's ``talk_days``."""
        return self.current().talk_days

    @property
    def talk_at(self) -> time:
        """The current community's ``talk_at``."""
        return self.current().talk_at

    @property
    def party(self) -> PartyDayRules:
        """The current community's ``party``."""
        return self.current().party

    @property
    def holidays(self) -> Holidays | None:
        """The current community's ``holidays``."""
        return self.current().holidays

    # The methods, done by the current community's calendar.
    def next_session(self, after: datetime) -> datetime:
        """The current community's first weekly session strictly after ``after``."""
        return self.current().next_session(after)

    def next_talk_day(self, after: datetime) -> datetime:
        """The current community's first talk day strictly after ``after``."""
        return self.current().next_talk_day(after)

    def next_party_day(self, after: datetime) -> PartyDay:
        """The current community's first Party day strictly after ``after``."""
        return self.current().next_party_day(after)

    def party_day(self, year: int, month: int) -> PartyDay:
        """The current community's Party day of ``month`` in ``year``."""
        return self.current().party_day(year, month)

    def sessions(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The current community's sessions in (``after``, ``until``]."""
        return self.current().sessions(after, until)

    def talk_days_between(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The current community's talk days in (``after``, ``until``]."""
        return self.current().talk_days_between(after, until)

    def party_days(self, after: datetime, until: datetime) -> Iterator[PartyDay]:
        """The current community's Party days in (``after``, ``until``]."""
        return self.current().party_days(after, until)

    def moves(self, kind: str, event: datetime) -> tuple[Move, ...]:
        """Why the current community's ``kind`` event at ``event`` is there."""
        return self.current().moves(kind, event)

    def __repr__(self) -> str:
        return f"CurrentCalendar({self.current()!r})"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class ScheduleRules:
    """Due times of schedule rules on the community calendar."""

    def __init__(self, calendar: CommunityCalendar) -> None:
        self.calendar = calendar

    def next_due(self, rule: dict[str, Any], after: datetime) -> datetime | None:
        """The first due time of ``rule`` strictly after ``after``; None if there is none."""
        kind = rule.get("type")
        if kind == "once":
            at = from_db_time(str(rule["at"]))
            return at if at > after else None
        if kind == "every":
            start = from_db_time(str(rule["start"]))
            step = timedelta(seconds=float(rule["seconds"]))
            if after < start:
                return start
            periods = int((after - start) / step) + 1
            return start + periods * step
        offset = parse_offset(str(rule.get("offset", "at start")))
        after = to_utc(after)
        event = self._next_event(kind, after - EVENT_LOOKBACK)
        for _ in range(400):
            # Compared in UTC: two datetimes sharing a ZoneInfo compare by clock reading.
            due = to_utc(apply_offset(event, offset, self.calendar.tz))
            if due > after:
                return due
            event = self._next_event(kind, event)
        raise ValueError(f"no due time found for rule {rule!r}")

    def event_for(self, rule: dict[str, Any], due_at: datetime) -> datetime | None:
        """The calendar event a due time belongs to (None for rules without events)."""
        kind = rule.get("type")
        if kind in ("once", "every"):
            return None
        offset = parse_offset(str(rule.get("offset", "at start")))
        due_at = to_utc(due_at)
        event = self._next_event(kind, due_at - EVENT_LOOKBACK)
        for _ in range(400):
            due = to_utc(apply_offset(event, offset, self.calendar.tz))
            if due == due_at:
                return event
            if due > due_at:
                return None
            event = self._next_event(kind, event)
        return None

    def _next_event(self, kind: object, after: datetime) -> datetime:
        if kind == "session":
            return self.calendar.next_session(after)
        if kind == "talk_day":
            return self.calendar.next_talk_day(after)
        if kind == "party_day":
            return self.calendar.next_party_day(after).at
        raise ValueError(f"unknown schedule rule type {kind!r}")
