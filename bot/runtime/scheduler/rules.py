"""Due times from rules: the community calendar the event rules follow.

Rules (JSON in ``schedules.rule``):

- ``{"type": "once", "at": ISO}``: one firing.
- ``{"type": "every", "seconds": N, "start": ISO}``: every N seconds from start.
- ``{"type": "session" | "talk_day" | "party_day", "offset": "the evening before at 20:00"}``:
  relative to each event of the community calendar (bot/community/calendar.py). Built-in
  ones also carry ``"calendar"``, a fingerprint of the calendar settings their
  due times derive from: when the configuration changes, the stored rule
  differs and :meth:`SchedulerService.ensure_builtin` re-derives the next due
  time at start (see :meth:`SchedulerService.rederive_anchor`).
"""

from __future__ import annotations

from datetime import timedelta

from bot.community.calendar import (
    CommunityCalendar,
    PartyDayRules,
)
from bot.config import Settings

#: How far back to look for the event a firing belongs to (offsets are at most 30 days).
EVENT_LOOKBACK = timedelta(days=32)
#: Rule types whose due times are derived from the community calendar.
EVENT_RULES = frozenset({"session", "talk_day", "party_day"})


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
            holidays=frozenset(cal.holidays),
            workdays=frozenset(cal.workdays),
            prefer=cal.party_day_prefer,
        ),
    )
