"""Paper ballots at the pavilion: who handed one in, and the count per option.

The guard is the sitting's attendance list (bot/deliberation/attendance.py): a
registered attendee who handed in a paper ballot is marked as a paper voter of the
vote (never with what they chose). Their Telegram ballot (or a proxy ballot for
them) is then refused, and a member who has already voted by Telegram cannot be
marked. The paper total may not exceed the marked paper voters plus the attendees
who are not in the register.

The count is a guided dialog (flow ``paper_count``): one number per option (for a
multiple-choice vote, first the number of ballots), who counted (计票人: the
secretary, or a typed name), a witness (监票人: a registered attendee, or a typed
name), then a confirm screen. A later count replaces the earlier one; the audit log
keeps the earlier counts. The tally adds the paper count to the Telegram ballots
(``Tally.with_paper``), so the decision counts both and the card shows them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import parsing, usertext
from bot.community.register import Actor, Role
from bot.deliberation.attendance import current_sitting
from bot.deliberation.voting.ballots import household_ballot
from bot.deliberation.voting.context import VotingContext, get_matter, open_vote_of
from bot.deliberation.voting.electorate import (
    HOUSEHOLDS,
    household_name,
    household_of,
    households_of,
    is_scoped,
    refusal,
)
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage.deliberation.attendance import PERSON, AttendeeRow, PaperCountRow
from storage.deliberation.electorate import paper_homes_of
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session

PAPER_COUNT_FLOW = "paper_count"
#: The most paper ballots one option (or one vote) may have.
MAX_PAPER = 100_000
MAX_NAME = 32


@dataclass(frozen=True)
class PaperLimit:
    """How many paper ballots there can be: marked paper voters + unregistered attendees.

    In a vote of some buildings, a grid or one per household, an attendee who is not in
    the register cannot be shown to belong to the electorate, so they add nothing
    (``scoped``): only marked paper voters of the electorate count.
    """

    voters: int
    guests: int
    scoped: bool = False

    @property
    def total(self) -> int:
        """The most paper ballots allowed."""
        return self.voters + self.guests


@dataclass(frozen=True)
class CountState:
    """Where the count dialog stands, for the handler to ask the next question."""

    vote: VoteRow
    matter: MatterRow
    step: str
    counts: tuple[int, ...]
    ballots: int | None
    limit: PaperLimit
    counter: str | None
    witness: str | None
    #: Registered attendees the witness can be chosen from.
    witnesses: tuple[AttendeeRow, ...]
    earlier: PaperCountRow | None
    #: The total just refused as larger than the limit (the numbers are asked again).
    over: int | None = None


def _open(vote: VoteRow | None, now: Any) -> VoteRow:
    if vote is None:
        raise UserFacingError("vote.not_found")
    if not vote.is_open or now >= vote.closes_at:
        raise UserFacingError("vote.closed")
    return vote


async def _register_row(session: Session, kind: str, member_id: int) -> Any:
    """The register's row of a member (a registered person, or a paper resident)."""
    if kind == PERSON:
        return await session.people.by_id(member_id)
    return await session.people.paper_resident(member_id)


async def _refuse_household_on_paper(
    session: Session, vote: VoteRow, voter: Any, name: str
) -> None:
    """One vote per household: refused if another member handed in a paper ballot."""
    if household_of(voter) in households_of(await paper_homes_of(session.conn, vote.id)):
        raise UserFacingError("vote.proxy_household_taken", name=name, home=household_name(voter))


async def paper_limit(session: Session, vote_id: int, sitting_id: int) -> PaperLimit:
    """The limit on a vote's paper ballots counted at a sitting."""
    voters = len(await session.attendance.paper_voters(vote_id))
    vote = await session.votes.get(vote_id)
    if vote is not None and is_scoped(vote):
        return PaperLimit(voters, 0, scoped=True)
    guests = await session.attendance.guests(sitting_id)
    return PaperLimit(voters, guests.count if guests else 0)


class PaperService:
    """Paper voters on the attendance list, and the paper count dialog."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx

    def _secretary(self, actor: Actor) -> int:
        return actor.member(Role.SECRETARY, "attendance.secretaries_only").id

    async def toggle_voter(
        self, actor: Actor, sitting_id: int, vote_id: int, kind: str, member_id: int
    ) -> bool:
        """Mark (or unmark) an attendee as having handed in a paper ballot; True if marked.

        Marking also marks them present. Refused if they voted by Telegram (or a
        proxy ballot was recorded for them); unmarking is refused while the paper count
        entered would then be over the limit.
        """
        person_id = self._secretary(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            sitting = await session.sittings.get(sitting_id)
            if sitting is None:
                raise UserFacingError("attendance.no_sitting")
            vote = _open(await session.votes.get(vote_id), now)
            member = await session.attendance.member(kind, member_id)
            if member is None:
                raise UserFacingError("attendance.not_in_register")
            on = not await session.attendance.is_paper_voter(vote.id, kind, member_id)
            if on:
                # Only someone in the vote's electorate (electorate.py) hands one in.
                voter = await _register_row(session, kind, member_id)
                refused = refusal(voter, vote, self._ctx.settings.community.grids, member.name)
                if voter is None or refused is not None:
                    raise refused or UserFacingError("attendance.not_in_register")
                key, _ = household_ballot(self._ctx, vote, voter, f"{kind}{member_id}")
                ballot = await session.votes.ballot(vote.id, key)
                if ballot is not None:
                    raise UserFacingError("paper_ballot.voted_online", name=member.name)
                if vote.electorate == HOUSEHOLDS:
                    await _refuse_household_on_paper(session, vote, voter, member.name)
                await session.attendance.set_present(
                    sitting.id, kind, member_id, True, person_id, now
                )
            else:
                count = await session.attendance.paper_count(vote.id)
                if count is not None:
                    limit = await paper_limit(session, vote.id, count.sitting_id or sitting.id)
                    if count.ballots > limit.total - 1:
                        raise UserFacingError(
                            "paper_ballot.unmark_over_count",
                            name=member.name,
                            ballots=count.ballots,
                        )
            await session.attendance.set_paper_voter(
                vote.id, sitting.id, kind, member_id, on, person_id, now
            )
            await session.audit.record(
                at=now,
                action="vote.paper_voter" if on else "vote.paper_voter_removed",
                actor_id=person_id,
                subject_id=member_id if kind == PERSON else None,
                detail=f"{vote.id}:{sitting.id}:{kind}{member_id}",
            )
        return on

    # --- the count dialog -------------------------------------------------------------

    async def start_count(
        self, actor: Actor, chat_id: int, *, matter_id: int | None = None, vote_id: int = 0
    ) -> CountState:
        """/paperballots N (or the button on the attendance list): the first question."""
        self._secretary(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            found: VoteRow | None
            if matter_id is not None:
                found = await open_vote_of(session, matter_id)
            else:
                found = await session.votes.get(vote_id) if vote_id else None
            vote = _open(found, now)
            sitting = await current_sitting(session, now)
            data: dict[str, Any] = {"vote_id": vote.id, "sitting_id": sitting.id, "counts": []}
            step = self._first_step(vote)
            await session.dialogs.put(chat_id, actor.tg_user_id, PAPER_COUNT_FLOW, step, data, now)
            return await self._state(session, vote, step, data)

    def _first_step(self, vote: VoteRow) -> str:
        return "ballots" if vote.kind == "multiple" else "count"

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> CountState:
        """A typed answer: a number (ballots, an option's count) or a name (counter, witness)."""
        self._secretary(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_COUNT_FLOW, step, "vote.setup_expired"
            )
            data = dict(dialog.data)
            vote = _open(await session.votes.get(int(data["vote_id"])), now)
            over = None
            if step in ("ballots", "count"):
                number = parsing.number(text, high=MAX_PAPER)
                if number is None:
                    raise UserFacingError("paper_ballot.number_bad", most=MAX_PAPER)
                step, over = await self._number(session, vote, data, step, number)
            elif step in ("counter", "witness"):
                name = usertext.line(text)
                if not name:
                    raise UserFacingError("paper_ballot.name_bad", most=MAX_NAME)
                if len(name) > MAX_NAME:
                    raise UserFacingError("paper_ballot.name_bad", most=MAX_NAME)
                step = await self._named(session, data, step, None, name)
            else:
                raise UserFacingError("register.use_buttons")
            await session.dialogs.put(chat_id, actor.tg_user_id, PAPER_COUNT_FLOW, step, data, now)
            return await self._state(session, vote, step, data, over)

    async def choose(
        self, actor: Actor, chat_id: int, step: str, person_id: int | None
    ) -> CountState:
        """A button: the counter is me (``person_id`` None), or the witness is this attendee."""
        me = self._secretary(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_COUNT_FLOW, step, "vote.setup_expired"
            )
            data = dict(dialog.data)
            vote = _open(await session.votes.get(int(data["vote_id"])), now)
            chosen = me if step == "counter" else person_id
            if chosen is None or await session.people.by_id(chosen) is None:
                raise UserFacingError("attendance.not_in_register")
            step = await self._named(session, data, step, chosen, None)
            await session.dialogs.put(chat_id, actor.tg_user_id, PAPER_COUNT_FLOW, step, data, now)
            return await self._state(session, vote, step, data)

    async def confirm(self, actor: Actor, chat_id: int, accept: bool) -> CountState | None:
        """The confirm screen's buttons: record the count (replacing an earlier one), or drop
        it (None)."""
        person_id = self._secretary(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session,
                chat_id,
                actor.tg_user_id,
                PAPER_COUNT_FLOW,
                "confirm",
                "vote.setup_expired",
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            if not accept:
                return None
            data = dict(dialog.data)
            vote = _open(await session.votes.get(int(data["vote_id"])), now)
            counts = tuple(int(count) for count in data["counts"])
            ballots = self._ballots(vote, data)
            sitting_id = int(data["sitting_id"])
            limit = await paper_limit(session, vote.id, sitting_id)
            if ballots > limit.total:
                raise UserFacingError(
                    "paper_ballot.over_limit",
                    total=ballots,
                    limit=limit.total,
                    voters=limit.voters,
                    guests=limit.guests,
                )
            earlier = await session.attendance.paper_count(vote.id)
            await session.attendance.put_paper_count(
                vote_id=vote.id,
                sitting_id=sitting_id,
                counts=counts,
                ballots=ballots,
                counter_id=data.get("counter_id"),
                counter_name=data.get("counter_name"),
                witness_id=data.get("witness_id"),
                witness_name=data.get("witness_name"),
                entered_by=person_id,
                now=now,
            )
            # Names stay out of the audit log: the counts are what a replacement changes.
            detail = f"{vote.id}:{list(counts)}"
            if earlier is not None:
                detail += f" replaces {list(earlier.counts)} of {earlier.entered_at.isoformat()}"
            await session.audit.record(
                at=now,
                action="vote.paper_count_replaced" if earlier else "vote.paper_count",
                actor_id=person_id,
                detail=detail,
            )
            return await self._state(session, vote, "done", data)

    # --- steps ------------------------------------------------------------------------

    def _ballots(self, vote: VoteRow, data: dict[str, Any]) -> int:
        if vote.kind == "multiple":
            return int(data.get("ballots") or 0)
        return sum(int(count) for count in data["counts"])

    async def _number(
        self, session: Session, vote: VoteRow, data: dict[str, Any], step: str, number: int
    ) -> tuple[str, int | None]:
        """Take a typed number; the next step, and the total refused as over the limit
        (then the numbers are asked again from the first)."""
        if step == "count":
            if vote.kind == "multiple" and number > int(data.get("ballots") or 0):
                raise UserFacingError(
                    "paper_ballot.option_over_ballots", count=number, ballots=data["ballots"]
                )
            data["counts"] = [*data["counts"], number]
            if len(data["counts"]) < len(vote.options):
                return "count", None
            if vote.kind == "multiple":
                return "counter", None  # the number of ballots was checked first
        total = number if step == "ballots" else self._ballots(vote, data)
        limit = await paper_limit(session, vote.id, int(data["sitting_id"]))
        if total > limit.total:
            data["counts"] = []
            data.pop("ballots", None)
            return self._first_step(vote), total
        if step == "ballots":
            data["ballots"] = number
            data["counts"] = []
            return "count", None
        return "counter", None

    async def _named(
        self,
        session: Session,
        data: dict[str, Any],
        step: str,
        person_id: int | None,
        name: str | None,
    ) -> str:
        """Take the counter or the witness (a registered person or a typed name)."""
        if step == "witness":
            same_person = person_id is not None and person_id == data.get("counter_id")
            same_name = name is not None and name == data.get("counter_name")
            if same_person or same_name:
                raise UserFacingError("paper_ballot.witness_is_counter")
        data[f"{step}_id"] = person_id
        data[f"{step}_name"] = name
        return "witness" if step == "counter" else "confirm"

    async def _state(
        self,
        session: Session,
        vote: VoteRow,
        step: str,
        data: dict[str, Any],
        over: int | None = None,
    ) -> CountState:
        sitting_id = int(data["sitting_id"])
        witnesses = tuple(
            a
            for a in await session.attendance.present(sitting_id)
            if a.kind == PERSON and a.id != data.get("counter_id")
        )
        return CountState(
            vote=vote,
            matter=await get_matter(session, vote.matter_id),
            step=step,
            counts=tuple(int(count) for count in data.get("counts", [])),
            ballots=self._ballots(vote, data) if step in ("confirm", "done") else None,
            limit=await paper_limit(session, vote.id, sitting_id),
            counter=await self._name(session, data.get("counter_id"), data.get("counter_name")),
            witness=await self._name(session, data.get("witness_id"), data.get("witness_name")),
            witnesses=witnesses,
            earlier=None if step == "done" else await session.attendance.paper_count(vote.id),
            over=over,
        )

    async def _name(self, session: Session, person_id: Any, name: Any) -> str | None:
        if person_id is not None:
            person = await session.people.by_id(int(person_id))
            return person.display_name if person else None
        return str(name) if name else None
