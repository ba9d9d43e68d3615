"""The resolution of a decided matter and the conventions register."""

from __future__ import annotations

from bot import usertext
from bot.community.register import Actor, Role
from bot.deliberation.voting.cards import draft_resolution
from bot.deliberation.voting.context import VotingContext, get_matter
from bot.deliberation.voting.rules import (
    MAX_RESOLUTION,
    RESOLUTION_FLOW,
)
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import ConventionRow, VoteRow
from storage.session import Session


async def _amends_of(session: Session, vote: VoteRow) -> int | None:
    """The convention the vote's matter amends, as recorded when the vote was opened."""
    for event in reversed(await session.matters.events(vote.matter_id)):
        if event.kind == "vote_opened" and event.detail.get("vote") == vote.id:
            amends = event.detail.get("amends")
            return int(amends) if amends is not None else None
    return None


class ResolutionService:
    """The resolution (the draft accepted, or typed), the register, a matter's votes."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx

    async def accept_draft(self, actor: Actor, matter_id: int, vote_id: int) -> MatterRow:
        """The secretary accepts the bot's draft as the resolution."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.read() as session:
            vote = await session.votes.get(vote_id)
            matter = await session.matters.get(matter_id)
        if vote is None or matter is None or vote.matter_id != matter_id or vote.is_open:
            raise UserFacingError("resolution.not_ready")
        return await self._resolve(
            actor, matter_id, vote_id, draft_resolution(vote, matter, self._ctx.language)
        )

    async def start_resolution(
        self, actor: Actor, chat_id: int, matter_id: int, vote_id: int
    ) -> MatterRow:
        """The secretary will type the resolution themselves."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.transaction() as session:
            vote = await session.votes.get(vote_id)
            if vote is None or vote.matter_id != matter_id or vote.is_open:
                raise UserFacingError("resolution.not_ready")
            matter = await get_matter(session, matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RESOLUTION_FLOW,
                "text",
                {"matter_id": matter_id, "vote_id": vote_id},
                self._ctx.clock(),
            )
        return matter

    async def answer_resolution(self, actor: Actor, chat_id: int, text: str) -> MatterRow:
        """The typed resolution."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        resolution = usertext.block(text)
        if not resolution:
            raise UserFacingError("resolution.empty")
        if len(resolution) > MAX_RESOLUTION:
            raise UserFacingError(
                "resolution.too_long", limit=MAX_RESOLUTION, length=len(resolution)
            )
        async with self._ctx.db.read() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RESOLUTION_FLOW, "text", "vote.setup_expired"
            )
        return await self._resolve(
            actor,
            int(dialog.data["matter_id"]),
            int(dialog.data["vote_id"]),
            resolution,
            end_dialog_in=chat_id,
        )

    async def _resolve(
        self,
        actor: Actor,
        matter_id: int,
        vote_id: int,
        resolution: str,
        end_dialog_in: int | None = None,
    ) -> MatterRow:
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.resolution is not None:
                raise UserFacingError("resolution.already", number=matter.number)
            vote = await session.votes.get(vote_id)
            if vote is None or vote.is_open:
                raise UserFacingError("resolution.not_ready")
            await session.matters.set_resolution(matter_id, resolution, now)
            await session.matters.add_event(
                matter_id, "resolution", actor_id=person.id, now=now, vote=vote_id
            )
            if matter.kind == "convention" and vote.result == "passed":
                amends = await _amends_of(session, vote)
                convention_id = await session.votes.add_convention(
                    title=matter.title,
                    text=resolution,
                    matter_id=matter_id,
                    vote_id=vote_id,
                    amends=amends,
                    now=now,
                )
                convention = await session.votes.convention(convention_id)
                assert convention is not None  # noqa: S101 - read in the same transaction
                # The history records the number people call it (公约 #3), as a merge
                # records the kept matter's number: the line shows what was recorded.
                await session.matters.add_event(
                    matter_id,
                    "convention",
                    actor_id=person.id,
                    now=now,
                    convention=convention.number,
                )
            if end_dialog_in is not None:
                await session.dialogs.end(end_dialog_in, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.resolution", actor_id=person.id, detail=str(matter_id)
            )
            return await get_matter(session, matter_id)

    async def conventions(self) -> list[tuple[ConventionRow, VoteRow | None]]:
        """The conventions register with the vote that adopted each entry."""
        async with self._ctx.db.read() as session:
            rows = await session.votes.conventions()
            return [(row, await session.votes.get(row.vote_id)) for row in rows]

    async def votes_of(self, matter_id: int) -> list[VoteRow]:
        """Every vote held on a matter."""
        async with self._ctx.db.read() as session:
            return await session.votes.for_matter(matter_id)
