"""Inspection helpers for tests: waiting for a condition."""

from __future__ import annotations

import asyncio

import pytest
import telegram

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE


async def test_wait_for(api: FakeBotApi, bot: telegram.Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(ALICE, "done")

    task = asyncio.create_task(later())
    await api.wait_for(lambda: len(api.bot_messages(ALICE)) == 1, timeout=2)
    await task
    with pytest.raises(TimeoutError):
        await api.wait_for(lambda: len(api.bot_messages(ALICE)) == 2, timeout=0.1)
