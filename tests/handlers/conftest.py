"""A running bot (the real Application) whose requests go to the in-memory stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import RunningBot, build_application
from bot.config import Settings
from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from storage import current_community
from tests.conftest import FakeClock, make_settings
from tests.fakes import FakeRequest

SECRETARY = 1001
RESIDENTS_GROUP = -1001234


class BotHarness:
    """Users act on the stand-in; ``settle`` waits until the bot has handled all of it."""

    def __init__(self, api: FakeBotApi, running: RunningBot) -> None:
        self.api = api
        self.running = running

    @property
    def db(self) -> Any:
        return self.running.services.db

    async def settle(self) -> None:
        """Wait until every queued update is fetched and handled."""
        await self.api.wait_for(lambda: self.api.pending_updates == 0, timeout=60)
        await self.running.ingress.wait_idle()

    async def pushes_sent(self) -> None:
        """Wait until the outbox sender has sent everything due. Pushes to a group wait
        for its 20-per-minute window, so on a busy machine this can take minutes: the
        bound only stops a hang."""
        sender = self.running.sender
        assert sender is not None
        await asyncio.wait_for(sender.idle(), timeout=180)

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        message = self.api.send_text(user_id, chat_id, text, **extra)
        await self.settle()
        return message

    async def press(
        self, user_id: int, message: dict[str, Any], data: str, *, strict: bool = True
    ) -> None:
        """Press a button; strict=False for a stale copy of a button edited away since."""
        self.api.press_button(
            user_id, message["chat"]["id"], message["message_id"], data, strict=strict
        )
        await self.settle()

    async def press_label(
        self, user_id: int, message: dict[str, Any], label_part: str, *, strict: bool = True
    ) -> None:
        """Press the button whose label contains ``label_part``."""
        await self.press(user_id, message, button_data(message, label_part), strict=strict)

    def last(self, chat_id: int) -> dict[str, Any]:
        return self.api.last_bot_message(chat_id)

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.api.bot_messages(chat_id)]

    async def register(
        self, user_id: int, name: str | None = None, building: str | None = None
    ) -> None:
        """Walk through the registration form as a person would."""
        await self.say(user_id, "/start")
        await self.press(user_id, self.last(user_id), cb.RegisterConsent(True).encode())
        if name is None:
            await self.press(user_id, self.last(user_id), cb.RegisterUseTelegramName().encode())
        else:
            await self.say(user_id, name)
        if building is None:
            await self.press(user_id, self.last(user_id), cb.RegisterSkipBuilding().encode())
        else:
            await self.say(user_id, building)


def button_data(message: dict[str, Any], label_part: str) -> str:
    """The callback data of the inline button whose label contains ``label_part``."""
    markup = message.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if label_part in button["text"] and "callback_data" in button:
                return str(button["callback_data"])
    raise AssertionError(f"no button with {label_part!r} in {markup}")


def button_labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def start_harness(
    settings: Settings, api: FakeBotApi, clock: FakeClock | None = None
) -> BotHarness:
    kwargs: dict[str, Any] = {"clock": clock} if clock else {}
    app = build_application(
        settings, request=FakeRequest(api), get_updates_request=FakeRequest(api), **kwargs
    )
    running = RunningBot(app, webhook=False)
    # The bot runs as `pavilion run` does, in no community: every task it starts (the
    # ingress, the sender, the alarms) has to enter the community its work is for.
    # (The test itself stays in the first community, to read what the bot wrote.)
    token = current_community.set(None)
    try:
        await running.start()
    finally:
        current_community.reset(token)
    return BotHarness(api, running)


@pytest.fixture
def api() -> FakeBotApi:
    stand_in = FakeBotApi()
    stand_in.add_user(SECRETARY, "书记", last_name="王", language_code="zh-hans")
    stand_in.add_user(2001, "阿姨", last_name="张", language_code="zh-hans")
    stand_in.add_user(2002, "Tom", language_code="en")
    stand_in.add_user(2003, "大爷", last_name="李", language_code="zh-hans")
    stand_in.add_group(RESIDENTS_GROUP, "幸福里居民群")
    return stand_in


@pytest.fixture
async def harness(
    tmp_path: Path, api: FakeBotApi, fresh_database: Callable[[Path], Path]
) -> AsyncIterator[BotHarness]:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    fresh_database(settings.storage.path)
    running = await start_harness(settings, api)
    try:
        yield running
    finally:
        await running.running.stop()
