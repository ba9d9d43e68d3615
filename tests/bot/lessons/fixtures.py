"""Helpers of the lessons' service tests: a draft lesson made directly, the outbox."""

from __future__ import annotations

import json
from typing import Any

from bot.community.register import Actor
from bot.services import Services
from storage.lessons.rows import QuizQuestion


async def outbox(services: Services) -> list[tuple[int, dict[str, Any]]]:
    """Every queued message: its chat and content, in order."""
    async with (
        services.db.read() as session,
        session.conn.execute("SELECT chat_id, content FROM outbox ORDER BY id") as cur,
    ):
        return [(row[0], json.loads(row[1])) for row in await cur.fetchall()]


async def lesson(
    services: Services, secretary: Actor, title: str = "学习党章", quiz: int = 0
) -> int:
    """A draft lesson, created directly (the /newlesson form has its own tests)."""
    now = services.clock()
    async with services.db.transaction() as session:
        return await session.lessons.create(
            title=title,
            body="正文",
            link=None,
            attachments=[],
            quiz=[QuizQuestion(f"题{i}", ("对", "错"), 0, "") for i in range(quiz)],
            created_by=secretary.person_id,
            now=now,
        )
