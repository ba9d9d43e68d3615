"""Micro Party lessons: make-up slots: capacity, one booking each, the check-in code's window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_slots_capacity_one_booking_and_code_window(
    services: Services, clock: FakeClock
) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    one = await person(services, 2001, "张阿姨", "party_member")
    two = await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.makeup.ask_slot(secretary, 1001, lesson_id)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.answer_slot(secretary, 1001, "11-20 党群服务中心 1")
    assert refused.value.key == "lesson.slot_bad"
    slot = await services.lessons.makeup.answer_slot(
        secretary, 1001, "11-20 19:00 党群服务中心 1人"
    )
    assert (slot.place, slot.capacity, slot.starts_at) == (
        "党群服务中心",
        1,
        datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
    )
    assert (await services.lessons.makeup.book(one, slot.id)).booked == 1
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.book(two, slot.id)
    assert refused.value.key == "lesson.slot_full"
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(one, slot.code)
    assert refused.value.key == "lesson.code_not_now"
    clock.now = slot.starts_at
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(two, slot.code)
    assert refused.value.key == "lesson.not_booked"
    await services.lessons.makeup.check_in(one, slot.code)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(one, slot.code)
    assert refused.value.key == "lesson.already_checked_in"
    report = await services.lessons.records.report(secretary, lesson_id)
    assert [s.outcome for s in report.standings] == ["makeup", "missing"]
