"""Proxy and paper ballots: recorded by a grid worker (or a secretary) for someone
in the register who cannot vote themselves.

A proxy ballot is only for someone in the register who cannot vote themselves: a
resident without Telegram entered on paper (bot/community/register.py), or a registered
resident who asked for it (/askproxy). A grid worker sees the people of their own
grid, a secretary everyone's, as buttons: nobody is ever matched by a typed name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.community.register import Actor, Role
from bot.config import Language
from bot.deliberation.voting.ballots import (
    CastResult,
    ballot_time,
    check_open,
    household_ballot,
    refuse_other_caster,
)
from bot.deliberation.voting.context import VotingContext, get_matter, open_vote_of
from bot.deliberation.voting.electorate import (
    HOUSEHOLDS,
    household_name,
    household_of,
    households_of,
    may_vote,
    refusal,
)
from bot.deliberation.voting.rules import (
    PROXY_ASKED,
    PROXY_FLOW,
    PROXY_PAPER,
    option_labels,
)
from bot.dialogs import advance_step, expect_step
from bot.errors import UserFacingError
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from storage.community.people import PaperResidentRow, PersonRow
from storage.deliberation.electorate import paper_homes_of
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session
from storage.times import to_db_time


@dataclass(frozen=True)
class ProxyCandidate:
    """Someone a proxy ballot may be recorded for: a paper resident ("w") or a registered
    resident who asked ("p")."""

    kind: str
    id: int
    name: str
    building: str | None
    basis: str
    tg_user_id: int | None = None
    language: Language = Language.ZH_HANS
    door: str | None = None
    grid_id: str | None = None

    @property
    def identity(self) -> str:
        """The voter identity their ballot key is made from (one ballot per person)."""
        return f"{self.kind}{self.id}"


@dataclass(frozen=True)
class ProxyScreen:
    """/proxyvote N: the vote and the people the grid worker may record a ballot for."""

    vote: VoteRow
    matter: MatterRow
    people: list[ProxyCandidate]


@dataclass(frozen=True)
class ProxyResult:
    """A recorded proxy ballot; ``notice`` is for the handler to send at once (an anonymous
    vote's notice is not kept in the outbox, see ``proxy_choice``)."""

    cast: CastResult
    candidate: ProxyCandidate
    notice: Delivery | None


def _require_proxy_recorder(actor: Actor) -> Any:
    """Grid workers (their own grid) and secretaries (any grid) record proxy ballots."""
    if actor.person is None:
        raise UserFacingError("access.not_registered")
    if not (actor.has(Role.GRID_WORKER) or actor.has(Role.SECRETARY)):
        raise UserFacingError("vote.need_grid_worker")
    return actor.person


async def _vote_choosing_a_person(session: Session, actor: Actor, chat_id: int) -> VoteRow:
    """The open vote whose /proxyvote list the recorder is on; UserFacingError if the
    list is no longer current or the vote has closed."""
    dialog = await expect_step(
        session, chat_id, actor.tg_user_id, PROXY_FLOW, "person", "vote.setup_expired"
    )
    vote = await session.votes.get(int(dialog.data["vote_id"]))
    if vote is None or not vote.is_open:
        raise UserFacingError("vote.closed")
    return vote


def _paper_candidate(row: PaperResidentRow) -> ProxyCandidate:
    return ProxyCandidate(
        "w", row.id, row.display_name, row.building, PROXY_PAPER, door=row.door, grid_id=row.grid_id
    )


def _asked_candidate(row: PersonRow) -> ProxyCandidate:
    return ProxyCandidate(
        "p",
        row.id,
        row.display_name,
        row.building,
        PROXY_ASKED,
        tg_user_id=row.tg_user_id if row.reachable else None,
        language=Language(row.language),
        door=row.door,
        grid_id=row.grid_id,
    )


async def _refuse_household_on_paper(
    session: Session, vote: VoteRow, candidate: ProxyCandidate
) -> None:
    """One vote per household: none for a household that voted on paper."""
    if vote.electorate != HOUSEHOLDS:
        return
    if household_of(candidate) in households_of(await paper_homes_of(session.conn, vote.id)):
        raise UserFacingError(
            "vote.proxy_household_taken", name=candidate.name, home=household_name(candidate)
        )


class ProxyService:
    """/proxyvote N: the people, their option, the recorded ballot."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx

    async def start_proxy(self, actor: Actor, chat_id: int, matter_id: int) -> ProxyScreen:
        """/proxyvote N: the people whose ballot the grid worker may record, as buttons."""
        _require_proxy_recorder(actor)
        async with self._ctx.db.transaction() as session:
            vote = await open_vote_of(session, matter_id)
            matter = await get_matter(session, vote.matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PROXY_FLOW,
                "person",
                {"vote_id": vote.id},
                self._ctx.clock(),
            )
            people = await self._proxy_candidates(session, actor, vote)
        return ProxyScreen(vote, matter, people)

    async def proxy_list(self, actor: Actor, chat_id: int) -> ProxyScreen:
        """The list of /proxyvote again (another page of it)."""
        _require_proxy_recorder(actor)
        async with self._ctx.db.read() as session:
            vote = await _vote_choosing_a_person(session, actor, chat_id)
            matter = await get_matter(session, vote.matter_id)
            people = await self._proxy_candidates(session, actor, vote)
        return ProxyScreen(vote, matter, people)

    async def proxy_person(
        self, actor: Actor, chat_id: int, kind: str, subject_id: int
    ) -> tuple[VoteRow, ProxyCandidate]:
        """The person pressed in the list; then the grid worker picks their option."""
        _require_proxy_recorder(actor)
        async with self._ctx.db.transaction() as session:
            vote = await _vote_choosing_a_person(session, actor, chat_id)
            candidate = await self._proxy_candidate(session, actor, kind, subject_id, vote)
            await _refuse_household_on_paper(session, vote, candidate)
            key, caster = household_ballot(self._ctx, vote, candidate, candidate.identity)
            existing = await session.votes.ballot(vote.id, key)
            refuse_other_caster(existing, caster, candidate, candidate.name)
            if existing is not None and existing.recorded_by is None:
                raise UserFacingError("vote.proxy_voted_themselves", name=candidate.name)
            if await session.attendance.is_paper_voter(vote.id, candidate.kind, candidate.id):
                raise UserFacingError("paper_ballot.proxy_on_paper", name=candidate.name)
            await advance_step(
                session,
                chat_id,
                actor.tg_user_id,
                PROXY_FLOW,
                from_step="person",
                to_step="choice",
                expired_key="vote.setup_expired",
                now=self._ctx.clock(),
                kind=candidate.kind,
                subject=candidate.id,
            )
        return vote, candidate

    async def proxy_choice(self, actor: Actor, chat_id: int, index: int) -> ProxyResult:
        """Record the proxy ballot: it names who recorded it and why (paper or asked); in an
        anonymous vote not for whom. A registered resident is told (see ProxyResult)."""
        person = _require_proxy_recorder(actor)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PROXY_FLOW, "choice", "vote.setup_expired"
            )
            vote = check_open(await session.votes.get(int(dialog.data["vote_id"])), index, now)
            matter = await get_matter(session, vote.matter_id)
            candidate = await self._proxy_candidate(
                session, actor, str(dialog.data["kind"]), int(dialog.data["subject"]), vote
            )
            await _refuse_household_on_paper(session, vote, candidate)
            key, caster = household_ballot(self._ctx, vote, candidate, candidate.identity)
            existing = await session.votes.ballot(vote.id, key)
            refuse_other_caster(existing, caster, candidate, candidate.name)
            if existing is not None and existing.recorded_by is None:
                raise UserFacingError("vote.proxy_voted_themselves", name=candidate.name)
            if await session.attendance.is_paper_voter(vote.id, candidate.kind, candidate.id):
                raise UserFacingError("paper_ballot.proxy_on_paper", name=candidate.name)
            named = not vote.anonymous
            await session.votes.put_ballot(
                vote_id=vote.id,
                voter_key=key,
                person_id=candidate.id if named and candidate.kind == "p" else None,
                paper_resident_id=candidate.id if named and candidate.kind == "w" else None,
                choice=(index,),
                now=ballot_time(vote, now),
                recorded_by=person.id,
                proxy_reason=candidate.basis,
                caster_key=caster,
            )
            if candidate.kind == "p":
                # That they voted (never what or by whom), for their participation record.
                await session.participation.poll_book.mark(vote.id, candidate.id)
            await session.audit.record(
                at=now, action="vote.proxy", actor_id=person.id, detail=str(vote.id)
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            notice = None
            if candidate.tg_user_id is not None:
                notice = self._proxy_notice(vote, matter, candidate, person, index)
                if named:
                    # Durable, like every push. Not for an anonymous vote: the outbox
                    # row would record that this person was proxied in this vote.
                    await queue_push(
                        session,
                        kind="vote.proxy_notice",
                        title=matter.title,
                        deliveries=[notice],
                        dedupe_prefix=f"vote-proxy:{vote.id}:{candidate.id}:{to_db_time(now)}",
                        now=now,
                    )
        if vote.anonymous:
            self._ctx.db.request_checkpoint()
        return ProxyResult(
            CastResult(vote, (index,), existing is not None, candidate.name),
            candidate,
            notice if vote.anonymous else None,
        )

    def _proxy_notice(
        self,
        vote: VoteRow,
        matter: MatterRow,
        candidate: ProxyCandidate,
        recorder: Any,
        index: int,
    ) -> Delivery:
        assert candidate.tg_user_id is not None  # noqa: S101 - registered residents only
        language = candidate.language
        return Delivery(
            candidate.tg_user_id,
            candidate.id,
            OutgoingMessage(
                "vote.proxy_notice",
                language,
                {
                    "worker": recorder.display_name,
                    "number": matter.number,
                    "title": matter.title,
                    "label": option_labels(vote, language)[index],
                },
            ),
        )

    async def _proxy_candidates(
        self, session: Session, actor: Actor, vote: VoteRow
    ) -> list[ProxyCandidate]:
        """Everyone the actor may record a ballot for: their grid's (a secretary: all),
        in the vote's electorate."""
        people = [
            _paper_candidate(row)
            for row in await session.people.paper_residents()
            if self._may_proxy_in(actor, row.grid_id)
        ] + [
            _asked_candidate(row)
            for row in await session.people.proxy_requesters()
            if self._may_proxy_in(actor, row.grid_id) and row.id != actor.person_id
        ]
        people = [person for person in people if may_vote(person, vote)]
        return sorted(people, key=lambda c: (c.name, c.building or "", c.kind, c.id))

    async def _proxy_candidate(
        self, session: Session, actor: Actor, kind: str, subject_id: int, vote: VoteRow
    ) -> ProxyCandidate:
        """The person, checked again: still in the register, still eligible, in the grid,
        in the vote's electorate (refused with the reason if not)."""
        candidate = await self._registered_candidate(session, actor, kind, subject_id)
        refused = refusal(candidate, vote, self._ctx.settings.community.grids, candidate.name)
        if refused is not None:
            raise refused
        return candidate

    async def _registered_candidate(
        self, session: Session, actor: Actor, kind: str, subject_id: int
    ) -> ProxyCandidate:
        if kind == "w":
            paper = await session.people.paper_resident(subject_id)
            if paper is not None and self._may_proxy_in(actor, paper.grid_id):
                return _paper_candidate(paper)
        elif kind == "p":
            registered = await session.people.by_id(subject_id)
            if (
                registered is not None
                and Role.RESIDENT.value in registered.roles
                and registered.id != actor.person_id
                and await session.people.asked_for_proxy(registered.id)
                and self._may_proxy_in(actor, registered.grid_id)
            ):
                return _asked_candidate(registered)
        raise UserFacingError("vote.proxy_not_allowed")

    def _may_proxy_in(self, actor: Actor, grid_id: str | None) -> bool:
        """Secretaries record for any grid; a grid worker only for their own (in a
        community without configured grids, everyone is in the one grid)."""
        if actor.has(Role.SECRETARY):
            return True
        if actor.person is None or not actor.has(Role.GRID_WORKER):
            return False
        if not self._ctx.settings.community.grids:
            return True
        return grid_id is not None and grid_id == actor.person.grid_id
