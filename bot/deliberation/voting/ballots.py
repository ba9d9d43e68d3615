"""Casting ballots and counting them: the ONE place where a ballot is counted.

``BallotService.cast`` records a resident's ballot (``proxies.py`` records
one for someone else, with the same ``check_open`` and ``ballot_time``);
``count_choices`` makes the tally from the choices made and their ballots (``tally_of``
for one vote), and ``decide`` turns a tally into the result (passed /
rejected / no_quorum) and the winners. The live card and the close both
count with these.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.community.register import Actor, Role
from bot.deliberation.voting.context import VotingContext, get_matter
from bot.deliberation.voting.electorate import (
    HOUSEHOLDS,
    effective_quorum,
    electorate_size,
    household_name,
    household_of,
    households_of,
    refusal,
)
from bot.deliberation.voting.rules import (
    option_labels,
)
from bot.errors import UserFacingError
from storage.deliberation.attendance import PERSON, PaperCountRow, is_paper_voter
from storage.deliberation.electorate import paper_homes
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import BallotBox, BallotRow, VoteRow
from storage.participation import poll_book
from storage.scope import community_id


@dataclass(frozen=True)
class Tally:
    """Counts per option and the number of voters, from the ballots.

    Paper ballots counted at the pavilion (bot/deliberation/voting/paper.py) are
    INCLUDED in ``counts`` and ``voters``, so ``decide`` counts both; ``paper`` and
    ``paper_voters`` say how much of it is paper (empty and 0 when none was entered).
    """

    counts: tuple[int, ...]
    voters: int
    paper: tuple[int, ...] = ()
    paper_voters: int = 0

    def as_json(self) -> dict[str, Any]:
        """As stored in ``votes.tally``."""
        record: dict[str, Any] = {"counts": list(self.counts), "voters": self.voters}
        if self.paper:
            record["paper"] = list(self.paper)
            record["paper_voters"] = self.paper_voters
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Tally:
        """A tally as stored in ``votes.tally``."""
        return cls(
            tuple(int(count) for count in record["counts"]),
            int(record["voters"]),
            tuple(int(count) for count in record.get("paper", ())),
            int(record.get("paper_voters", 0)),
        )

    @property
    def online(self) -> tuple[int, ...]:
        """The counts of the Telegram ballots alone."""
        if not self.paper:
            return self.counts
        return tuple(count - paper for count, paper in zip(self.counts, self.paper, strict=True))

    @property
    def online_voters(self) -> int:
        """The number of Telegram ballots alone."""
        return self.voters - self.paper_voters

    def with_paper(self, paper: tuple[int, ...], ballots: int) -> Tally:
        """This tally with a paper count added (one number per option, and the ballots)."""
        counts = tuple(count + extra for count, extra in zip(self.counts, paper, strict=True))
        return Tally(counts, self.voters + ballots, paper, ballots)


@dataclass(frozen=True)
class CastResult:
    """What a ballot button did: the voter's choice now, and whether it changed one."""

    vote: VoteRow
    choice: tuple[int, ...]
    changed: bool
    #: For a proxy ballot: the name of the resident it was recorded for.
    name: str | None = None
    #: The voter's own press replaced a ballot a grid worker had recorded for them.
    replaced_proxy: bool = False


def count_ballots(choices: Iterable[tuple[int, ...]], option_count: int) -> Tally:
    """The tally of a vote from its ballots' choices."""
    return count_choices(((choice, 1) for choice in choices), option_count)


def count_choices(counted: Iterable[tuple[tuple[int, ...], int]], option_count: int) -> Tally:
    """The tally of a vote from each choice made and on how many ballots."""
    counts = [0] * option_count
    voters = 0
    for choice, ballots in counted:
        if not choice:
            continue
        voters += ballots
        for index in choice:
            if 0 <= index < option_count:
                counts[index] += ballots
    return Tally(tuple(counts), voters)


def decide(vote: VoteRow, tally: Tally, base: int | None = None) -> tuple[str, tuple[int, ...]]:
    """The result (passed/rejected/no_quorum) and the winning options of a tally.

    ``base`` is the size of the vote's electorate (people, or households; see
    electorate.py): a quorum larger than the electorate asks for all of it, never
    for more voters than may vote. The thresholds count the ballots cast."""
    quorum = effective_quorum(vote.quorum, base)
    if tally.voters < quorum or tally.voters == 0:
        return "no_quorum", ()
    if vote.kind == "yes_no":
        yes, no = tally.counts[0], tally.counts[1]
        return ("passed", (0,)) if _meets(yes, yes + no, vote.threshold) else ("rejected", ())
    winners = tuple(
        index
        for index, count in enumerate(tally.counts)
        if _meets(count, tally.voters, vote.threshold)
    )
    return ("passed", winners) if winners else ("rejected", ())


def _meets(count: int, base: int, threshold: str) -> bool:
    if base == 0 or count == 0:
        return False
    if threshold == "two_thirds":
        return count * 3 >= base * 2
    return count * 2 > base


def tally_of(
    vote: VoteRow, counted: list[tuple[tuple[int, ...], int]], paper: PaperCountRow | None = None
) -> Tally:
    """The tally of ``vote`` from its choices and their ballots
    (``VotesRepository.choice_counts``), and its paper count if any."""
    tally = count_choices(counted, len(vote.options))
    if paper is not None and len(paper.counts) == len(vote.options):
        return tally.with_paper(paper.counts, paper.ballots)
    return tally


def household_ballot(
    ctx: VotingContext, vote: VoteRow, voter: Any, identity: str
) -> tuple[str, str | None]:
    """The key of ``voter``'s ballot and the caster's key beside it (None unless the vote
    is one per household). In a household vote the key is the household's; a ballot
    another member cast is theirs alone to change (refused with the reason)."""
    if vote.electorate != HOUSEHOLDS:
        return ctx.voter_key(vote, identity), None
    household = household_of(voter)
    if household is None:
        raise UserFacingError("vote.household_unknown")
    return ctx.voter_key(vote, household), ctx.voter_key(vote, identity)


def refuse_other_caster(
    existing: BallotRow | None, caster: str | None, voter: Any, name: str | None = None
) -> None:
    """In a household vote: refused if another member cast the household's ballot
    (``name``: the person a proxy ballot would be for)."""
    if caster is not None and existing is not None and existing.caster_key != caster:
        if name is not None:
            raise UserFacingError(
                "vote.proxy_household_taken", name=name, home=household_name(voter)
            )
        raise UserFacingError("vote.household_taken", home=household_name(voter))


def check_open(vote: VoteRow | None, index: int, now: datetime) -> VoteRow:
    """The vote, which must be open and have option ``index``."""
    if vote is None or not 0 <= index < len(vote.options):
        raise UserFacingError("vote.not_found")
    if not vote.is_open or now >= vote.closes_at:
        raise UserFacingError("vote.closed")
    return vote


def ballot_time(vote: VoteRow, now: datetime) -> datetime:
    """When a ballot is recorded as cast: now, or for an anonymous vote its opening time
    (a ballot's exact time could be matched against someone's other records)."""
    return vote.opened_at if vote.anonymous else now


class BallotService:
    """A resident's ballot button, and the live tally of a vote."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx

    async def cast(self, actor: Actor, vote_id: int, index: int) -> CastResult:
        """A resident's ballot button: choose (or, in a multiple-choice vote, toggle) an option.

        The hottest write of the bot: the whole unit of work runs in one hop
        to the database thread (see ``Storage.run_unit``).
        """
        person = actor.member(Role.RESIDENT, "vote.need_resident")
        now = self._ctx.clock()
        # Read here: neither the community's scope nor its profile reaches the database thread.
        cid = community_id()
        grids = self._ctx.settings.community.grids
        language = actor.language

        def work(conn: sqlite3.Connection) -> CastResult:
            box = BallotBox(conn, cid)
            vote = check_open(box.vote(vote_id), index, now)
            if is_paper_voter(conn, cid, vote.id, PERSON, person.id):
                raise UserFacingError("paper_ballot.voted_on_paper")
            refused = refusal(person, vote, grids)
            if refused is not None:
                raise refused  # someone outside the electorate: nothing recorded
            key, caster = household_ballot(self._ctx, vote, person, f"p{person.id}")
            if caster is not None and household_of(person) in households_of(
                paper_homes(conn, vote.id, cid)
            ):
                raise UserFacingError("vote.household_on_paper", home=household_name(person))
            existing = box.ballot(vote.id, key)
            refuse_other_caster(existing, caster, person)
            # A ballot a grid worker recorded for them: their own press replaces it.
            proxied = existing is not None and existing.recorded_by is not None
            if vote.kind == "multiple":
                chosen = set(existing.choice) if existing and not proxied else set()
                chosen ^= {index}
                choice = tuple(sorted(chosen))
            else:
                choice = (index,)
                if existing is not None and existing.choice == choice and not proxied:
                    raise UserFacingError(
                        "vote.already_cast", label=option_labels(vote, language)[index]
                    )
            if choice:
                box.put_ballot(
                    vote.id,
                    key,
                    None if vote.anonymous else person.id,
                    choice,
                    ballot_time(vote, now),
                    caster,
                )
            else:
                box.delete_ballot(vote.id, key)
            # That they voted (never what), for their participation record.
            poll_book.mark(conn, vote.id, person.id, voted=bool(choice))
            return CastResult(vote, choice, existing is not None, replaced_proxy=proxied)

        result = await self._ctx.db.run_unit(work)
        if result.vote.anonymous:
            # The update (who pressed which button) must not linger in the WAL.
            self._ctx.db.request_checkpoint()
        return result

    async def live(self, vote_id: int) -> tuple[VoteRow, MatterRow, Tally]:
        """The vote, its matter and the tally so far (counted from the ballots)."""
        async with self._ctx.db.read() as session:
            vote = await session.votes.get(vote_id)
            if vote is None:
                raise UserFacingError("vote.not_found")
            matter = await get_matter(session, vote.matter_id)
            paper = await session.attendance.paper_count(vote.id)
            tally = tally_of(vote, await session.votes.choice_counts(vote.id), paper)
        return vote, matter, tally

    async def eligible(self, vote: VoteRow) -> int:
        """How many may vote (the electorate's size): kept at the close, counted while open."""
        if not vote.is_open and vote.tally is not None and "eligible" in vote.tally:
            return int(vote.tally["eligible"])
        async with self._ctx.db.read() as session:
            return await electorate_size(session, vote)

    async def card_messages(self, vote: VoteRow) -> list[tuple[int, int]]:
        """Where the vote's card stands: (chat id, message id) pairs."""
        if vote.card_push_id is None:
            return []
        async with self._ctx.db.read() as session:
            return await session.outbox.sent_messages(vote.card_push_id)
