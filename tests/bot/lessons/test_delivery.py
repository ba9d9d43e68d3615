"""Micro Party lessons: home delivery (送学) without a grid worker goes to the secretaries."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_delivery_without_grid_worker_goes_to_secretaries(
    services: Services, clock: FakeClock
) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "王奶奶", "party_member")
    other = await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    told = await services.lessons.delivery.ask_delivery(member, lesson_id)
    assert [p.display_name for p in told] == ["书记"]  # no grid worker for her grid
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.delivery.ask_delivery(member, lesson_id)
    assert refused.value.key == "lesson.delivery_already"
    assert member.person_id is not None
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.delivery.confirm_delivery(other, 2002, lesson_id, member.person_id)
    assert refused.value.key == "lesson.grid_workers_only"
    confirmed = await services.lessons.delivery.confirm_delivery(
        secretary, 1001, lesson_id, member.person_id
    )
    assert confirmed.display_name == "王奶奶"
    report = await services.lessons.records.report(secretary, lesson_id)
    assert [(s.display_name, s.outcome, s.delivered_by) for s in report.standings] == [
        ("李大爷", "missing", None),
        ("王奶奶", "delivered", "书记"),
    ]
