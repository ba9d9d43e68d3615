"""Micro Party lessons: leave (请假) — who may ask and until when, one decision by a
secretary, an excused member out of a missed streak; and what counts as late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UserFacingError
from bot.lessons.rules import attendance
from bot.services import Services
from storage.lessons.rows import MemberStanding
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson, outbox
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name

SENT = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
DEADLINE = SENT + timedelta(days=3)


def standing(**done: object) -> MemberStanding:
    values: dict[str, object] = {
        "person_id": 1,
        "display_name": "张阿姨",
        "tg_user_id": 2001,
        "language": "zh_Hans",
        "grid_id": None,
        "reminded": False,
        "studied_at": None,
        "correct": None,
        "questions": 0,
        "slot_id": None,
        "attended_at": None,
        "delivery_requested": False,
        "delivered_at": None,
        "delivered_by": None,
    }
    return MemberStanding(**{**values, **done})  # type: ignore[arg-type]


def test_late_is_after_the_deadline_or_at_a_make_up() -> None:
    assert attendance(standing(studied_at=DEADLINE), DEADLINE) == "on_time"
    assert attendance(standing(studied_at=DEADLINE + timedelta(seconds=1)), DEADLINE) == "late"
    assert attendance(standing(attended_at=SENT), DEADLINE) == "late"
    assert attendance(standing(delivered_at=DEADLINE + timedelta(days=1)), DEADLINE) == "late"
    assert attendance(standing(delivered_at=SENT), DEADLINE) == "on_time"
    assert attendance(standing(leave_state="requested", leave_reason="病"), DEADLINE) == "excused"
    # Studied after all: studying counts, not the leave.
    assert attendance(standing(studied_at=SENT, leave_state="approved"), DEADLINE) == "on_time"
    assert attendance(standing(slot_id=3), DEADLINE) == "absent"
    assert attendance(standing(), DEADLINE) == "absent"


async def test_who_asks_until_when_and_who_decides(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    resident = await person(services, 2002, "居民", "resident")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    leave = services.lessons.leave
    with pytest.raises(UserFacingError) as refused:
        await leave.start(resident, 2002, "lesson", lesson_id)
    assert refused.value.key == "lesson.members_only"
    await leave.start(member, 2001, "lesson", lesson_id)
    item = await leave.answer(member, 2001, "  出差  ")
    assert (item.request.state, item.request.reason) == ("requested", "出差")
    assert ("lesson.leave.request", 1001) in [
        (content["key"], chat) for chat, content in await outbox(services)
    ]
    with pytest.raises(UserFacingError) as not_secretary:
        await leave.decide(member, item.request.id, True)
    assert not_secretary.value.key == "lesson.secretary_only"
    decided = await leave.decide(secretary, item.request.id, False)
    assert decided.request.state == "refused"
    # Refused, it may be asked again, until the deadline.
    await leave.start(member, 2001, "lesson", lesson_id)
    clock.advance(days=3)
    with pytest.raises(UserFacingError) as late:
        await leave.answer(member, 2001, "出差")
    assert late.value.key == "lesson.leave.too_late"
    # The conversation ended with the refusal.
    assert await services.dialogs.current(2001, 2001) is None


async def test_excused_is_not_a_lesson_missed(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    await person(services, 2002, "李大爷", "party_member")
    for number in range(4):
        lesson_id = await lesson(services, secretary, f"第{number + 1}课")
        await services.lessons.sending.send_now(secretary, lesson_id, 1001)
        if number == 1:  # 张阿姨 is excused from the 2nd; 李大爷 misses every one
            await services.lessons.leave.start(member, 2001, "lesson", lesson_id)
            await services.lessons.leave.answer(member, 2001, "住院")
        clock.advance(days=30)
    lesson_id = await lesson(services, secretary, "第5课")
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    told = [
        content["params"]["names"]
        for _, content in await outbox(services)
        if content["key"] == "lesson.missed_streak"
    ]
    assert told == ["李大爷"]
