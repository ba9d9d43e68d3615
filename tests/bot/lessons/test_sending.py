"""Micro Party lessons: pushing; absences in a row told to secretaries once per streak."""

from __future__ import annotations

from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson, outbox
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_missed_in_a_row_told_once_per_streak(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    await person(services, 2001, "张阿姨", "party_member")
    diligent = await person(services, 2002, "李大爷", "party_member")
    for number in range(5):
        lesson_id = await lesson(services, secretary, f"第{number + 1}课")
        await services.lessons.sending.send_now(secretary, lesson_id, 1001)
        await services.lessons.studying.study(diligent, lesson_id)
        clock.advance(days=30)
    told = [
        content["params"]
        for chat, content in await outbox(services)
        if content["key"] == "lesson.missed_streak"
    ]
    # Told when the 4th lesson goes out (3 missed before it), not again at the 5th.
    assert told == [{"count": 3, "names": "张阿姨"}]
