"""A shortened micro Party lesson story for ``pavilion demo`` (bot/demo/story.py calls it).

A secretary writes a lesson with a one-question quiz and sends it now; one
member studies and answers; the secretary reminds the others; another member
asks for home delivery (送学) and the grid worker confirms it; the secretary
reads the per-lesson report.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from bot.app import RunningBot


class Script(Protocol):
    """What the demo's script offers (bot.demo.story.DemoScript)."""

    running: RunningBot

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A person sends a message."""

    async def press(self, user_id: int, label: str, chat_id: int | None = None) -> None:
        """A person presses a button on the bot's last message to them."""


async def play_lessons(
    script: Script, *, secretary: int, studious: int, delivered: int, grid_worker: int
) -> None:
    """Play the lesson story.

    Expects: ``secretary`` registered as a secretary; ``studious`` and
    ``delivered`` registered as party members; ``grid_worker`` registered with
    the grid_worker role in the grid of ``delivered`` (else secretaries get the
    delivery task); the members' group bound (it gets the lesson too).
    """
    await script.say(secretary, "/newlesson")
    await script.say(secretary, "学习党章")
    await script.say(secretary, "党章是党的根本大法。每个党员都要认真学习党章、自觉遵守党章。")
    await script.press(secretary, "正文写完了")
    await script.press(secretary, "下一步")
    await script.press(secretary, "跳过")
    await script.say(secretary, "党的最高理想是什么？\n实现共产主义\n发展经济")
    await script.press(secretary, "实现共产主义")
    await script.say(secretary, "党章总纲写明了党的最高理想和最终目标。")
    await script.press(secretary, "完成")
    await script.press(secretary, "现在发送")
    await _sent(script)
    await script.press(studious, "已学习")
    await script.press(studious, "实现共产主义")
    async with script.running.services.db.read() as session:
        (lesson,) = await session.lessons.recent(1, sent_only=True)
    await script.say(secretary, "/lessons")
    await script.press(secretary, f"#{lesson.number} ")
    await script.press(secretary, "现在提醒")
    await _sent(script)
    await script.press(delivered, "送学上门")
    await _sent(script)
    await script.press(grid_worker, "已送学")
    await script.say(secretary, f"/lessonreport {lesson.number}")


async def _sent(script: Script) -> None:
    """Wait until the outbox sender has sent what was queued."""
    sender = script.running.sender
    if sender is not None:
        await asyncio.wait_for(sender.idle(), timeout=60)
