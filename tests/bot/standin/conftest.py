"""Shared set-up of the stand-in's tests: a small world, a ``telegram.Bot`` on it, helpers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.standin import FakeBotApi
from tests.fakes import FakeRequest

TOKEN = "123:TEST"
ALICE = 1001
BOB = 1002
GROUP = -1001234567890


def _ci(text: str) -> str:
    """A case-insensitive literal pattern: PTB re-cases Telegram's error descriptions."""
    return "(?i)" + re.escape(text)


async def _noop(update: Update, context: Any) -> None:
    """A handler callback that is never run."""


def _keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in datas])


@pytest.fixture
def api() -> FakeBotApi:
    world = FakeBotApi()
    world.add_user(ALICE, "Alice", username="alice")
    world.add_user(BOB, "Bob", language_code="en")
    world.add_group(GROUP, "议事厅")
    return world


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with client:
        yield client


async def _next_update(bot: telegram.Bot, api: FakeBotApi) -> Update:
    """The one pending update, confirmed."""
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 1, updates
    await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert api.pending_updates == 0
    return updates[0]
