"""A short commitment story for ``pavilion demo`` (党员承诺制), bot/demo/story.py calls it.

A Party member proposes a commitment (what, for whom, by when, how to reach them);
the secretary approves it; the signed pledge card goes to the residents' group (with
满意 / 基本满意 / 不满意 for the residents); the member marks it 已践诺.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.app import RunningBot
from bot.standin import FakeBotApi


class Script(Protocol):
    """What the demo's script offers (bot/demo/story.py ``DemoScript``)."""

    running: RunningBot
    api: FakeBotApi

    async def settle(self) -> None:
        """Wait until the bot has handled everything sent so far."""

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A person sends a message."""

    async def press(self, user_id: int, label: str, chat_id: int | None = None) -> None:
        """A person presses a button on the bot's last message to them."""


async def play_commitment(
    script: Script, *, member: int, secretary: int, now: datetime, tz: ZoneInfo
) -> None:
    """Play the story. Expects ``member`` registered as a Party member, the residents'
    group bound."""
    due = (now.astimezone(tz) + timedelta(days=14)).date()
    await script.say(member, "/commit")
    await script.say(member, "每周六上午帮3号楼独居老人买一次菜")
    await script.say(member, "3号楼独居老人")
    await script.say(member, due.isoformat())
    await script.press(member, "只通过议事亭联系")
    await _sent(script)
    await script.press(secretary, "通过")
    await _sent(script)
    await script.say(member, "/me")
    await script.press(member, "我的承诺")
    await script.press(member, "每周六上午")
    await script.press(member, "已践诺")


async def _sent(script: Script) -> None:
    """Wait until the outbox sender has sent what was queued."""
    sender = script.running.sender
    if sender is not None:
        await asyncio.wait_for(sender.idle(), timeout=60)
