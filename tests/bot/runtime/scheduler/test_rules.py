"""Due times from rules: event rules follow the community calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime.scheduler import SchedulerService

SHANGHAI_EVENING = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday 20:00 in Shanghai


def test_event_rules_follow_the_calendar(scheduler: SchedulerService) -> None:
    after = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday
    # Thursday 2026-11-19 19:00 Shanghai; the evening before at 20:00 = Wednesday 12:00 UTC.
    assert scheduler.rules.next_due(
        {"type": "session", "offset": "the evening before at 20:00"}, after
    ) == (SHANGHAI_EVENING)
    assert scheduler.rules.next_due({"type": "session", "offset": "1h before"}, after) == datetime(
        2026, 11, 19, 10, 0, tzinfo=UTC
    )
    # Party day: 2026-11-15 is a Sunday, so it floats to Monday the 16th, 09:00 local.
    assert scheduler.rules.next_due(
        {"type": "party_day", "offset": "at start"}, datetime(2026, 11, 10, tzinfo=UTC)
    ) == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    assert scheduler.rules.next_due({"type": "talk_day", "offset": "at start"}, after) == datetime(
        2026, 11, 24, 1, 0, tzinfo=UTC
    )
    start = datetime(2026, 11, 16, 0, 0, 30, tzinfo=UTC)
    every = {"type": "every", "seconds": 60, "start": start.isoformat()}
    assert scheduler.rules.next_due(every, start) == start + timedelta(seconds=60)
    assert scheduler.rules.next_due({"type": "once", "at": start.isoformat()}, start) is None
