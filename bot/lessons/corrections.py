"""Micro Party lessons (微党课): corrections — before sending, a new text or an
"old → new" edit; after sending, an "old → new" correction that reaches the
members' group and everyone who has the lesson.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.community.register import Actor, ChatKind, Role
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.rules import FIX_FLOW, MAX_BODY, MAX_FIX, REFUSALS, clean
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from storage.lessons.rows import LessonRow
from storage.session import Session


class LessonCorrections:
    """Edits before sending and corrections after."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def ask_fix(self, actor: Actor, chat_id: int, lesson_id: int) -> LessonRow:
        """Button 修改: before sending, the new text; after, a correction that reaches everyone."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        lesson = await self._ctx.lesson(lesson_id)
        async with self._ctx.db.transaction() as session:
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                FIX_FLOW,
                "text",
                {"lesson_id": lesson.id},
                self._ctx.clock(),
            )
        return lesson

    async def answer_fix(self, actor: Actor, chat_id: int, text: str) -> tuple[LessonRow, int]:
        """Before sending: "old → new" or a whole new text. After: "old → new" fixes a typo
        and the correction goes to the group and everyone who has the lesson.
        Returns the lesson and how many were told."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        cleaned = clean(text)
        if not cleaned or len(cleaned) > MAX_BODY:
            raise UserFacingError("lesson.fix_bad")
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FIX_FLOW, "text", "lesson.expired"
            )
            lesson = await session.lessons.get(int(dialog.data["lesson_id"]))
            if lesson is None:
                raise UserFacingError("lesson.expired")
            pair = re.split(r"\s*(?:→|->|=>)\s*", cleaned, maxsplit=1)
            if len(pair) == 2 and pair[0] and len(cleaned) <= MAX_FIX:
                old, new = pair
                if old not in lesson.body:
                    raise UserFacingError("lesson.fix_not_found", old=old)
                body = lesson.body.replace(old, new)
            elif lesson.status == "sent":
                raise UserFacingError("lesson.fix_bad")
            else:
                old, new, body = "", "", cleaned
            told = 0
            if lesson.status == "sent":
                corrections = [*lesson.corrections, f"{old} → {new}"]
                await session.lessons.add_correction(lesson.id, corrections, body, now)
                told = await self._push_correction(session, lesson, old, new, len(corrections), now)
            else:
                await session.lessons.set_body(lesson.id, body, now)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            updated = await session.lessons.get(lesson.id)
        assert updated is not None  # noqa: S101 - it exists
        return updated, told

    async def _push_correction(
        self, session: Session, lesson: LessonRow, old: str, new: str, number: int, now: datetime
    ) -> int:
        standings = await session.lessons.standings(lesson.id)
        groups = await session.chats.posting(ChatKind.MEMBERS.value)
        language = self._ctx.settings.community.default_language
        params = {"number": lesson.number, "title": lesson.title, "old": old, "new": new}
        deliveries = [
            Delivery(c.chat_id, None, OutgoingMessage("lesson.correction", language, params))
            for c in groups
        ]
        deliveries += [
            Delivery(
                s.tg_user_id,
                s.person_id,
                OutgoingMessage("lesson.correction", Language(s.language), params),
            )
            for s in standings
        ]
        await queue_push(
            session,
            kind="lesson.correction",
            title=f"微党课 #{lesson.number} 更正",
            deliveries=deliveries,
            dedupe_prefix=f"lesson-fix:{lesson.id}:{number}",
            now=now,
        )
        return len(standings)
