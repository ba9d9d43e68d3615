"""Micro Party lessons: 已学习 once, the quiz and its score, and who may study."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_study_once_quiz_score_and_refusals(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    resident = await person(services, 2002, "居民", "resident")
    plain_id = await lesson(services, secretary)
    quiz_id = await lesson(services, secretary, "有测验", quiz=2)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(member, plain_id)
    assert refused.value.key == "lesson.not_found"  # not sent yet
    await services.lessons.sending.send_now(secretary, plain_id, 1001)
    await services.lessons.sending.send_now(secretary, quiz_id, 1001)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.sending.send_now(secretary, plain_id, 1001)
    assert refused.value.key == "lesson.already_sent"

    assert (await services.lessons.studying.study(member, plain_id)).recorded
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(member, plain_id)
    assert refused.value.key == "lesson.already_studied"
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(resident, plain_id)
    assert refused.value.key == "lesson.members_only"

    started = await services.lessons.studying.study(member, quiz_id)
    assert (started.recorded, started.question) == (True, 0)  # studied before the quiz
    again = await services.lessons.studying.study(member, quiz_id)
    assert (again.recorded, again.question) == (False, 0)
    first = await services.lessons.studying.answer(member, quiz_id, 0, 1)
    assert (first.right, first.next_question) == (False, 1)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.answer(member, quiz_id, 0, 0)
    assert refused.value.key == "lesson.already_answered"
    last = await services.lessons.studying.answer(member, quiz_id, 1, 0)
    assert (last.right, last.next_question, last.correct, last.total) == (True, None, 1, 2)
    report = await services.lessons.records.report(secretary, quiz_id)
    assert report.counts() == {
        "reached": 1,
        "studied": 1,
        "makeup": 0,
        "delivered": 0,
        "excused": 0,
        "missing": 0,
    }
    assert report.quiz_average == 50
