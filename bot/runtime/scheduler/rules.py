"""Due times from rules: the community calendar the event rules follow.

Rules (JSON in ``schedules.rule``):

- ``{"type": "once", "at": ISO}``: one firing.
- ``{"type": "every", "seconds": N, "start": ISO}``: every N seconds from start.
- ``{"type": "session" | "talk_day" | "party_day", "offset": "the evening before at 20:00"}``:
  relative to each event of the community calendar (bot/community/calendar.py). Built-in
  ones also carry ``"calendar"``, a fingerprint of the calendar settings their
  due times derive from: when the configuration changes, the stored rule
  differs and :meth:`BuiltinSchedules.ensure` re-derives the next due
  time at start (see :meth:`BuiltinSchedules.rederive_anchor`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.community.calendar import (
    CommunityCalendar,
    PartyDayRules,
    apply_offset,
    parse_offset,
    to_utc,
)
from bot.community.holidays import Holidays
from bot.config import Settings
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
    """The community calendar described by the configuration."""
    cal = settings.calendar
    return CommunityCalendar(
        tz=settings.community.tz,
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
