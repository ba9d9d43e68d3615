"""Micro Party lessons: a member's study record, and the monthly summary (summary.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson, outbox
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_record_and_monthly_summary(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    clock.now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    october = await lesson(services, secretary, "十月课")
    await services.lessons.sending.send_now(secretary, october, 1001)
    await services.lessons.studying.study(member, october)
    record = await services.lessons.records.member_record(
        member, None, date(2026, 10, 1), date(2026, 10, 31)
    )
    assert [(row.title, standing.outcome) for row, standing in record.lessons] == [
        ("十月课", "studied")
    ]
    with pytest.raises(UserFacingError):
        await services.lessons.records.member_record(
            member, secretary.person_id, date(2026, 1, 1), date(2026, 12, 31)
        )

    await services.scheduler.ensure_builtin()
    async with (
        services.db.read() as session,
        session.conn.execute(
            "SELECT id, next_due_at FROM schedules WHERE key = 'builtin:lesson_summary'"
        ) as cur,
    ):
        schedule_id, due = await cur.fetchone()
    # The November Party day (the 15th, a Sunday) floats to Monday the 16th, 09:00.
    assert datetime.fromisoformat(due) == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    clock.now = datetime.fromisoformat(due)
    assert await services.scheduler.fire(schedule_id, clock.now)
    (summary,) = [c for _, c in await outbox(services) if c["key"] == "lesson.monthly_summary"]
    assert summary["params"] == {"month": "2026年10月", "count": 1, "lines": "#1 十月课: 1/1"}
