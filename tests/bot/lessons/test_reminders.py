"""Micro Party lessons: the one reminder, even after an early one."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson, outbox
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_reminded_once_even_when_reminded_early(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.studying.study(member, lesson_id)
    assert await services.lessons.reminders.remind_now(secretary, lesson_id) == 1
    assert await services.lessons.reminders.remind_now(secretary, lesson_id) == 0
    async with (
        services.db.read() as session,
        session.conn.execute(
            "SELECT id, next_due_at FROM schedules WHERE kind = 'lesson.remind'"
        ) as cur,
    ):
        schedule_id, due = await cur.fetchone()
    assert datetime.fromisoformat(due) == clock() + timedelta(days=3)
    clock.now = datetime.fromisoformat(due)
    assert await services.scheduler.fire(schedule_id, clock.now)
    reminders = [
        chat for chat, content in await outbox(services) if content["key"] == "lesson.reminder"
    ]
    assert reminders == [2002]
