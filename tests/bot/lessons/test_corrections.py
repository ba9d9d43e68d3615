"""Micro Party lessons: edits before sending; corrections after reach those who have it."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson, outbox
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


async def test_correction_reaches_those_who_have_it(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    await person(services, 2001, "张阿姨", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.corrections.ask_fix(secretary, 1001, lesson_id)
    edited, told = await services.lessons.corrections.answer_fix(secretary, 1001, "新的正文")
    assert (edited.body, told) == ("新的正文", 0)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.corrections.ask_fix(secretary, 1001, lesson_id)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.corrections.answer_fix(secretary, 1001, "整段替换")
    assert refused.value.key == "lesson.fix_bad"
    fixed, told = await services.lessons.corrections.answer_fix(secretary, 1001, "新的 -> 修改后的")
    assert (fixed.body, fixed.corrections, told) == ("修改后的正文", ("新的 → 修改后的",), 1)
    corrections = [
        chat for chat, content in await outbox(services) if content["key"] == "lesson.correction"
    ]
    assert corrections == [2001]
