"""The resident supervision group: its terms, drawn by lot or appointed.

A term has a configurable length and size; its members are drawn by lot
from the volunteers (unpredictably, with SystemRandom) or appointed by a
secretary, and hold the ``supervisor`` role for the term. At the term's end
(a schedule whose effect is registered here) they lose it and secretaries
are asked to draw the next.
"""

from __future__ import annotations

import random
from datetime import datetime

from bot.community.register import Actor, Role
from bot.deliberation.carrying.acceptance import ask_supervisors
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.rules import (
    SUPERVISION_FLOW,
    TERM_END_KIND,
    TERM_END_SCHEDULE_KEY,
    TermResult,
    add_months,
)
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from storage.community.people import PersonRow
from storage.deliberation.carrying import TermRow
from storage.session import Session
from storage.times import to_db_time


class SupervisionService:
    """/supervision: the current term, drawing or appointing the next."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(TERM_END_KIND, self._term_end)

    async def current_term(self) -> tuple[TermRow | None, list[PersonRow]]:
        """The running term and its members (None and [] if there is none)."""
        now = self._ctx.clock()
        async with self._ctx.db.read() as session:
            term = await session.carrying.current_term(now)
            if term is None:
                return None, []
            members = [
                person
                for person_id in await session.carrying.term_members(term.id)
                if (person := await session.people.by_id(person_id)) is not None
            ]
        return term, members

    async def start_appointing(self, actor: Actor, chat_id: int) -> None:
        """Appoint the group by hand: a list of residents with toggle buttons."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SUPERVISION_FLOW,
                "pick",
                {"chosen": []},
                self._ctx.clock(),
            )

    async def toggle_appointee(self, actor: Actor, chat_id: int, person_id: int) -> list[int]:
        """Add or remove a person from the group being appointed; returns who is chosen."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
            chosen = [int(p) for p in data.get("chosen", [])]
            if person_id in chosen:
                chosen.remove(person_id)
            else:
                if await session.people.by_id(person_id) is None:
                    raise UserFacingError("people.gone")
                if len(chosen) >= self._ctx.settings.deliberation.supervision_size:
                    raise UserFacingError(
                        "carry.group_full", size=self._ctx.settings.deliberation.supervision_size
                    )
                chosen.append(person_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SUPERVISION_FLOW,
                "pick",
                {"chosen": chosen},
                self._ctx.clock(),
            )
        return chosen

    async def chosen_appointees(self, actor: Actor, chat_id: int) -> list[int]:
        """Who is chosen so far in the appointing form."""
        async with self._ctx.db.read() as session:
            data = await self._ctx.expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
        return [int(p) for p in data.get("chosen", [])]

    async def appoint(self, actor: Actor, chat_id: int) -> TermResult:
        """Start a term with the appointed members."""
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
            chosen = [int(p) for p in data.get("chosen", [])]
            if not chosen:
                raise UserFacingError("carry.nobody_chosen")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            result = await self._start_term(session, actor, chosen, "appointed", short=False)
        await self._ctx.scheduler.arm_schedule(await self._term_end_schedule_id())
        return result

    async def draw_by_lot(self, actor: Actor) -> TermResult:
        """Draw the group by lot from the registered volunteers (all of them if too few)."""
        actor.require(Role.SECRETARY)
        size = self._ctx.settings.deliberation.supervision_size
        async with self._ctx.db.transaction() as session:
            volunteers = [p.id for p in await session.people.with_role(Role.VOLUNTEER.value)]
            if not volunteers:
                raise UserFacingError("carry.no_volunteers")
            short = len(volunteers) < size
            # SystemRandom: drawn from the OS's entropy, so nobody can predict or replay it.
            chosen = volunteers if short else random.SystemRandom().sample(volunteers, size)
            result = await self._start_term(session, actor, chosen, "lot", short=short)
        await self._ctx.scheduler.arm_schedule(await self._term_end_schedule_id())
        return result

    async def _start_term(
        self, session: Session, actor: Actor, chosen: list[int], method: str, *, short: bool
    ) -> TermResult:
        """End the running term (if any), start one with ``chosen``, and tell its members."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._ctx.clock()
        previous_members = await self._end_previous(session, now)
        ends = add_months(now, self._ctx.settings.deliberation.supervision_term_months)
        term_id = await session.carrying.create_term(
            starts_at=now, ends_at=ends, method=method, created_by=secretary, now=now
        )
        for person_id in previous_members:
            if person_id not in chosen:
                await _revoke_supervisor(session, person_id, secretary, now)
        members = await self._add_members(session, term_id, chosen, secretary, now)
        await session.audit.record(
            at=now, action="supervision.term", actor_id=secretary, detail=f"{term_id}:{method}"
        )
        await self._tell_members(session, term_id, members, ends, now)
        await self._schedule_term_end(session, ends, now)
        term = await session.carrying.current_term(now)
        assert term is not None  # noqa: S101 - created just above
        # Major projects already waiting for acceptance go to the new members.
        for matter_id in await session.carrying.awaiting_acceptance():
            await ask_supervisors(self._ctx, session, await get_matter(session, matter_id), now)
        return TermResult(term, members, short)

    async def _end_previous(self, session: Session, now: datetime) -> list[int]:
        """End the running term, if any; returns its members."""
        previous = await session.carrying.current_term(now)
        if previous is None:
            return []
        members = await session.carrying.term_members(previous.id)
        await session.carrying.end_term(previous.id, now)
        return members

    async def _add_members(
        self,
        session: Session,
        term_id: int,
        chosen: list[int],
        secretary: int | None,
        now: datetime,
    ) -> list[PersonRow]:
        """Put ``chosen`` in the term and give them the supervisor role."""
        members: list[PersonRow] = []
        for person_id in chosen:
            await session.carrying.add_supervisor(term_id, person_id)
            if await session.people.grant(person_id, Role.SUPERVISOR.value, secretary, now):
                await session.audit.record(
                    at=now,
                    action="role.grant",
                    actor_id=secretary,
                    subject_id=person_id,
                    detail=Role.SUPERVISOR.value,
                )
            person = await session.people.by_id(person_id)
            if person is not None:
                members.append(person)
        return members

    async def _tell_members(
        self,
        session: Session,
        term_id: int,
        members: list[PersonRow],
        ends: datetime,
        now: datetime,
    ) -> None:
        """Each reachable member is told privately until when they serve."""
        await queue_push(
            session,
            kind="supervision.term",
            title="supervision",
            deliveries=[
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.term_member",
                        parse_language(person.language),
                        {"until": self._ctx.spoken_day(ends, parse_language(person.language))},
                    ),
                )
                for person in members
                if person.reachable
            ],
            dedupe_prefix=f"term:{term_id}",
            now=now,
        )

    async def _schedule_term_end(self, session: Session, ends: datetime, now: datetime) -> None:
        """One schedule, moved to each term's end, reminds secretaries to draw the next."""
        rule = {"type": "once", "at": to_db_time(ends)}
        existing = await session.schedules.by_key(TERM_END_SCHEDULE_KEY)
        if existing is None:
            await session.schedules.create(
                key=TERM_END_SCHEDULE_KEY,
                kind=TERM_END_KIND,
                title=TERM_END_KIND,
                rule=rule,
                payload={},
                owner_id=None,
                next_due_at=ends,
                now=now,
            )
        else:
            await session.schedules.update_rule(existing.id, rule, ends, now)

    async def _term_end_schedule_id(self) -> int:
        async with self._ctx.db.read() as session:
            row = await session.schedules.by_key(TERM_END_SCHEDULE_KEY)
        assert row is not None  # noqa: S101 - created with the term
        return row.id

    async def _term_end(self, firing: Firing) -> None:
        """A term ended: its members lose the role, secretaries are asked to draw the next."""
        session, now = firing.session, firing.now
        term = await session.carrying.latest_term()
        if term is None or term.ends_at > now:
            return
        for person_id in await session.carrying.term_members(term.id):
            await _revoke_supervisor(session, person_id, None, now)
        await self._ctx.to_secretaries(
            session, "carry.term_ended", {}, dedupe=f"term-ended:{term.id}", now=now
        )


async def _revoke_supervisor(
    session: Session, person_id: int, actor_id: int | None, now: datetime
) -> None:
    """Take the supervisor role away (audited if they held it)."""
    if await session.people.revoke(person_id, Role.SUPERVISOR.value):
        await session.audit.record(
            at=now,
            action="role.revoke",
            actor_id=actor_id,
            subject_id=person_id,
            detail=Role.SUPERVISOR.value,
        )
