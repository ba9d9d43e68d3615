"""Closing a vote and its result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.community.register import Actor, Role
from bot.config import Language
from bot.deliberation.voting.ballots import Tally, decide, tally_of
from bot.deliberation.voting.cards import draft_resolution, paper_line
from bot.deliberation.voting.context import VotingContext, get_matter, open_vote_of, residents_chats
from bot.deliberation.voting.electorate import (
    describe,
    effective_quorum,
    electorate_size,
    turnout,
)
from bot.deliberation.voting.reminders import stop_reminders
from bot.deliberation.voting.rules import (
    CLOSE_KIND,
    option_labels,
)
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session


@dataclass(frozen=True)
class ClosedVote:
    """A vote after its close: the vote row (with result and tally) and its matter."""

    vote: VoteRow
    matter: MatterRow


class ClosingService:
    """Closing a vote (by hand or by its schedule) and posting the result."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx
        #: Called with the ids of a vote and its matter when its schedule closed it; the
        #: composition root connects it to the cards' refresh (a service edits no message).
        self.on_closed: Callable[[int, int], None] = lambda vote_id, matter_id: None
        ctx.scheduler.register_effect(CLOSE_KIND, self._close_effect)

    async def close_now(self, actor: Actor, matter_id: int) -> ClosedVote:
        """A secretary closes the matter's open vote before its time."""
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            vote = await open_vote_of(session, matter_id)
            closed = await self._close(session, vote, person.id, now)
            if vote.schedule_id is not None:
                await session.schedules.set_next_due(vote.schedule_id, None, now)
            stopped = await stop_reminders(session, vote.id, now)
        if vote.schedule_id is not None:
            self._ctx.scheduler.disarm(vote.schedule_id)
        for reminder_id in stopped:
            self._ctx.scheduler.disarm(reminder_id)
        if vote.anonymous:
            await self._ctx.db.settle_checkpoints()
        return closed

    async def _close_effect(self, firing: Firing) -> None:
        vote = await firing.session.votes.get(int(firing.schedule.payload["vote_id"]))
        if vote is None or not vote.is_open:
            return  # closed by hand already
        await self._close(firing.session, vote, None, firing.now)
        # A reminder due later finds its schedule finished: its alarm does nothing.
        await stop_reminders(firing.session, vote.id, firing.now)
        self.on_closed(vote.id, vote.matter_id)

    async def _close(
        self,
        session: Session,
        vote: VoteRow,
        closed_by: int | None,
        now: datetime,
    ) -> ClosedVote:
        paper = await session.attendance.paper_count(vote.id)
        tally = tally_of(vote, await session.votes.choice_counts(vote.id), paper)
        # The electorate at the close: the base of the quorum and of the turnout, kept.
        eligible = await electorate_size(session, vote)
        result, winners = decide(vote, tally, eligible)
        record = {**tally.as_json(), "winners": list(winners), "eligible": eligible}
        if not await session.votes.close(
            vote.id, result=result, tally=record, voters=tally.voters, closed_by=closed_by, now=now
        ):
            raise UserFacingError("vote.closed")
        await session.matters.set_stage(vote.matter_id, result, now)
        await session.matters.add_event(
            vote.matter_id,
            "vote_closed",
            actor_id=closed_by,
            now=now,
            vote=vote.id,
            result=result,
            voters=tally.voters,
            eligible=eligible,
            counts=list(tally.counts),
        )
        await session.audit.record(
            at=now, action="vote.close", actor_id=closed_by, detail=f"{vote.id}:{result}"
        )
        if vote.anonymous:
            # Nothing stored may tell who cast which ballot once the nonce is gone: not
            # the order the rows were written in (storage/deliberation/votes.py).
            await session.votes.forget_ballot_order(vote.id)
            # The nonce erased by the close must leave the WAL too (after this commit).
            self._ctx.db.request_checkpoint()
        closed = await session.votes.get(vote.id)
        assert closed is not None  # noqa: S101 - read in the same transaction
        matter = await get_matter(session, vote.matter_id)
        await self._post_result(session, closed, matter, now)
        return ClosedVote(closed, matter)

    async def _post_result(
        self,
        session: Session,
        vote: VoteRow,
        matter: MatterRow,
        now: datetime,
    ) -> None:
        """The result to the residents' groups (with its chart); the draft resolution to the
        secretary who opened the vote."""
        message = self._result_message(vote, matter)
        deliveries = [
            Delivery(chat_id, None, message) for chat_id in await residents_chats(session)
        ]
        opener = await session.people.by_id(vote.opened_by) if vote.opened_by else None
        if opener is not None and opener.reachable:
            deliveries.append(
                Delivery(
                    opener.tg_user_id,
                    opener.id,
                    self._resolution_ask(vote, matter, Language(opener.language)),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="vote.result",
                title=matter.title,
                deliveries=deliveries,
                dedupe_prefix=f"vote-result:{vote.id}",
                now=now,
            )

    def _result_message(self, vote: VoteRow, matter: MatterRow) -> OutgoingMessage:
        """The result post: the result, one numbered line per option, and the chart."""
        language = self._ctx.language
        labels = option_labels(vote, language)
        tally = Tally.from_json(vote.tally or {"counts": [0] * len(labels), "voters": 0})
        counts = list(tally.counts)
        # One numbered line per option, in the order of the chart's bars.
        lines = "\n".join(
            translate(language, "vote.result_line", index=index, label=label, count=count)
            + (
                translate(language, "vote.result_line_paper", online=online, paper=paper)
                if tally.paper
                else ""
            )
            for index, (label, count, online, paper) in enumerate(
                zip(labels, counts, tally.online, tally.paper or counts, strict=True), start=1
            )
        )
        return OutgoingMessage(
            "vote.result_post",
            language,
            {
                "number": matter.number,
                "title": matter.title,
                "result": translate(language, f"vote.result.{vote.result}"),
                "lines": lines,
                "voters": vote.voters or 0,
                "turnout": turnout(language, vote.voters or 0, _eligible(vote)),
                "electorate": describe(
                    vote.electorate,
                    vote.electorate_buildings,
                    vote.electorate_grid,
                    self._ctx.settings.community.grids,
                    language,
                ),
                "quorum": effective_quorum(vote.quorum, _eligible(vote)),
                "paper": paper_line(tally, language),
                "threshold": translate(language, f"vote.threshold.{vote.threshold}"),
            },
            chart={
                "title": translate(
                    language,
                    "vote.chart_title",
                    result=translate(language, f"vote.result.{vote.result}"),
                ),
                "subtitle": f"#{matter.number} {matter.title}",
                "tone": vote.result,
                "bars": [[label, count] for label, count in zip(labels, counts, strict=True)],
            },
        )

    def _resolution_ask(
        self, vote: VoteRow, matter: MatterRow, opener_language: Language
    ) -> OutgoingMessage:
        """To the vote's opener: the draft resolution, to accept or to write anew."""
        return OutgoingMessage(
            "resolution.ask",
            opener_language,
            {
                "number": matter.number,
                "title": matter.title,
                "draft": draft_resolution(vote, matter, self._ctx.language),
            },
            buttons=(
                (
                    ButtonSpec(
                        "resolution.accept_button",
                        callback_data=f"ra:{matter.id}:{vote.id}",
                    ),
                ),
                (
                    ButtonSpec(
                        "resolution.write_button",
                        callback_data=f"rw:{matter.id}:{vote.id}",
                    ),
                ),
            ),
        )


def _eligible(vote: VoteRow) -> int | None:
    """The electorate's size kept at the close (None for votes closed before it was)."""
    eligible = (vote.tally or {}).get("eligible")
    return int(eligible) if eligible is not None else None
