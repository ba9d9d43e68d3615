"""Progress reports: percent, a few words, an optional photo.

The residents' group gets a short note. At 100 % the matter waits for
acceptance ('acceptance', 待验收): a secretary accepts an ordinary matter
(review.py), the supervision group a major project (acceptance.py).
"""

from __future__ import annotations

from bot import usertext
from bot.community.register import Actor, Role
from bot.deliberation.carrying.acceptance import ask_supervisors
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.review import ask_secretaries
from bot.deliberation.carrying.rules import (
    MAX_PROGRESS_TEXT,
    PROGRESS_FLOW,
    ProgressResult,
)
from bot.errors import UserFacingError
from storage.deliberation.carrying import ProgressRow
from storage.deliberation.matters import MatterRow


class ProgressService:
    """/progress N: the owner (or a secretary) reports how far along it is."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def start_progress(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """/progress N: the owner (or a secretary) starts a report; first the percent."""
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            self._check_reporter(actor, matter)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PROGRESS_FLOW,
                "percent",
                {"matter_id": matter_id},
                self._ctx.clock(),
            )
        return matter

    async def choose_percent(self, actor: Actor, chat_id: int, percent: int) -> int:
        """How far along it is (0–100); then a few words."""
        if not 0 <= percent <= 100:
            raise UserFacingError("carry.percent_invalid")
        async with self._ctx.db.transaction() as session:
            await self._ctx.advance(
                session, actor, chat_id, PROGRESS_FLOW, "percent", "text", percent=percent
            )
        return percent

    async def report(
        self, actor: Actor, chat_id: int, text: str, photo_file_id: str | None = None
    ) -> ProgressResult:
        """A few words (and a photo): record the report, tell the group, move the stage."""
        words = usertext.line(text)
        if not words and photo_file_id is None:
            raise UserFacingError("carry.progress_empty")
        if len(words) > MAX_PROGRESS_TEXT:
            raise UserFacingError("carry.too_long", limit=MAX_PROGRESS_TEXT, length=len(words))
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, PROGRESS_FLOW, "text")
            matter = await get_matter(session, int(data["matter_id"]))
            self._check_reporter(actor, matter)
            percent = int(data["percent"])
            report_id = await session.carrying.add_progress(
                matter.id,
                person_id=actor.person_id,
                percent=percent,
                text=words or None,
                photo_file_id=photo_file_id,
                now=now,
            )
            await session.matters.add_event(
                matter.id,
                "progress",
                actor_id=actor.person_id,
                now=now,
                percent=percent,
                photo=photo_file_id is not None,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await self._ctx.to_residents(
                session,
                "carry.progress_note",
                {"number": matter.number, "title": matter.title, "percent": percent, "text": words},
                dedupe=f"progress:{report_id}",
                now=now,
            )
            if percent == 100:
                if matter.major:
                    await session.matters.set_stage(matter.id, "acceptance", now)
                    await session.matters.add_event(
                        matter.id, "acceptance_requested", actor_id=None, now=now
                    )
                    await ask_supervisors(self._ctx, session, matter, now)
                else:
                    await ask_secretaries(self._ctx, session, matter, report_id, words, now)
            updated = await get_matter(session, matter.id)
        return ProgressResult(updated, percent)

    def _check_reporter(self, actor: Actor, matter: MatterRow) -> None:
        if actor.person is None and not actor.has(Role.SECRETARY):
            raise UserFacingError("access.not_registered")
        if matter.stage != "in_progress":
            raise UserFacingError("carry.not_in_progress", number=matter.number)
        is_owner = matter.owner_person_id is not None and matter.owner_person_id == actor.person_id
        if not is_owner and not actor.has(Role.SECRETARY):
            raise UserFacingError("carry.not_owner", number=matter.number)

    async def progress_reports(self, matter_id: int) -> list[ProgressRow]:
        """The matter's progress reports, oldest first."""
        async with self._ctx.db.read() as session:
            return await session.carrying.progress_reports(matter_id)
