"""A refused button press gets its refusal as the answer to the press."""

from __future__ import annotations

import logging

import pytest

from handlers.volunteering import callbacks as cb
from tests.handlers.conftest import SECRETARY, BotHarness


async def test_the_code_button_pressed_by_a_non_organiser_is_refused_in_the_answer(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    # The 🔄 of a /code screen (the organiser's), pressed by a resident who is not one.
    screen = harness.last(2001)
    with caplog.at_level(logging.WARNING):
        await harness.press(2001, screen, cb.VolCode(1).encode(), strict=False)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    answer = harness.api.callback_answers()[-1]
    assert answer.get("text") == "只有活动的组织者或书记可以这样做。"
    assert answer.get("show_alert") is True
    assert harness.last(2001) == screen  # no code was sent
