"""Failures on demand and the flood limits."""

from __future__ import annotations

import datetime as dtm

import pytest
import telegram
from telegram.error import NetworkError, RetryAfter

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, GROUP, TOKEN, _ci
from tests.fakes import FakeRequest


async def test_fail_next(
    api: FakeBotApi, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int retry_after otherwise
    api.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    api.fail_next("sendMessage", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=_ci("Internal Server Error")):
            await bot.send_message(ALICE, "x")
    api.fail_next("getMe", description="network")
    with pytest.raises(NetworkError, match=_ci("stand-in")):
        await bot.get_me()
    assert (await bot.send_message(ALICE, "finally")).text == "finally"
    assert [m["text"] for m in api.bot_messages(ALICE)] == ["finally"]


async def test_flood_limits_with_a_fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    now = [1000.0]
    api = FakeBotApi(enforce_limits=True, clock=lambda: now[0])
    api.add_user(ALICE, "Alice")
    api.add_group(GROUP, "群")
    bot = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with bot:
        await bot.send_message(ALICE, "1")
        now[0] += 0.5
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE, "2")
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
        now[0] += 0.5
        await bot.send_message(ALICE, "2")
        for _ in range(20):
            now[0] += 0.1
            await bot.send_message(GROUP, "群发")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(GROUP, "第21条")
        assert caught.value.retry_after == dtm.timedelta(seconds=59)
    assert api.limit_hits == 2
    assert [m["text"] for m in api.bot_messages(ALICE)] == ["1", "2"]
    assert len(api.bot_messages(GROUP)) == 20


async def test_flood_limits_off_by_default(api: FakeBotApi, bot: telegram.Bot) -> None:
    for n in range(5):
        await bot.send_message(ALICE, str(n))
    assert api.limit_hits == 0
