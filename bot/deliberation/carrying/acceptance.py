"""Major projects and their acceptance (验收) by the resident supervision group.

A secretary marks a matter major (/major N). At 100 % every member of the
current term is asked privately to sign it off: more than half accepting
makes it done; one 'rework' verdict sends it back to 'in_progress'.
"""

from __future__ import annotations

from datetime import datetime

from bot import usertext
from bot.community.register import Actor, Role
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.ratings import finish
from bot.deliberation.carrying.rules import (
    MAX_NOTE,
    NOTE_FLOW,
    VERDICTS,
    VerdictResult,
    verdict_callback,
)
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage.deliberation.matters import MatterRow
from storage.session import Session
from storage.times import to_db_time


async def ask_supervisors(
    ctx: CarryingContext, session: Session, matter: MatterRow, now: datetime
) -> None:
    """Ask every member of the current term, privately, to sign the project off."""
    term = await session.carrying.current_term(now)
    if term is None:
        await ctx.to_secretaries(
            session,
            "carry.no_supervisors",
            {"number": matter.number, "title": matter.title},
            dedupe=f"no-supervisors:{matter.id}:{to_db_time(now)}",
            now=now,
        )
        return
    deliveries = []
    for person_id in await session.carrying.term_members(term.id):
        person = await session.people.by_id(person_id)
        if person is None or not person.reachable:
            continue
        deliveries.append(
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(
                    "carry.acceptance_ask",
                    parse_language(person.language),
                    {"number": matter.number, "title": matter.title},
                    buttons=(
                        tuple(
                            ButtonSpec(
                                f"carry.verdict.{verdict}",
                                callback_data=verdict_callback(matter.id, verdict),
                            )
                            for verdict in VERDICTS
                        ),
                    ),
                ),
            )
        )
    if deliveries:
        await queue_push(
            session,
            kind="matter.acceptance",
            title=matter.title,
            deliveries=deliveries,
            dedupe_prefix=f"acceptance:{matter.id}:{term.id}:{to_db_time(now)}",
            now=now,
        )


class AcceptanceService:
    """/major N, the supervisors' verdicts and their notes."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def set_major(self, actor: Actor, matter_id: int, major: bool) -> MatterRow:
        """/major N: mark (or unmark) a major project, whose acceptance the supervisors sign."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.stage in ("done", "withdrawn", "merged", "rejected", "no_quorum"):
                raise UserFacingError("carry.major_too_late", number=matter.number)
            if matter.stage == "acceptance":  # who accepts it is settled
                raise UserFacingError("carry.major_too_late", number=matter.number)
            await session.carrying.set_major(matter_id, major, now)
            await session.matters.add_event(
                matter_id, "major" if major else "not_major", actor_id=secretary, now=now
            )
            return await get_matter(session, matter_id)

    async def verdict(
        self, actor: Actor, chat_id: int, matter_id: int, verdict: str
    ) -> VerdictResult:
        """A supervisor signs a major project off (验收通过) or sends it back (需要返工).

        One sign-off per supervisor per matter. More than half of the term's
        members accepting makes it done; one rework sends it back to the owner.
        Afterwards the supervisor may type a note, which is added to the sign-off.
        """
        if verdict not in VERDICTS:
            raise UserFacingError("carry.expired")
        person = actor.person
        if person is None:
            raise UserFacingError("access.not_registered")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.stage != "acceptance" or not matter.major:
                raise UserFacingError("carry.not_in_acceptance", number=matter.number)
            term = await session.carrying.current_term(now)
            members = await session.carrying.term_members(term.id) if term else []
            if person.id not in members:
                raise UserFacingError("carry.not_supervisor")
            if not await session.carrying.sign_off(matter_id, person.id, verdict, now):
                raise UserFacingError("carry.already_signed", number=matter.number)
            await session.matters.add_event(
                matter_id, f"acceptance_{verdict}", actor_id=person.id, now=now
            )
            accepted = sum(
                1
                for row in await session.carrying.acceptances(matter_id)
                if row.verdict == "accepted"
            )
            if verdict == "rework":
                await session.matters.set_stage(matter_id, "in_progress", now)
                await session.carrying.clear_acceptances(matter_id)
                await self._tell_rework(session, matter, now)
            elif accepted * 2 > len(members):
                await session.matters.add_event(
                    matter_id, "accepted", actor_id=None, now=now, accepted=accepted
                )
                await finish(self._ctx, session, matter, now)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                NOTE_FLOW,
                "note",
                {"matter_id": matter_id, "verdict": verdict},
                now,
            )
            updated = await get_matter(session, matter_id)
        return VerdictResult(updated, accepted, len(members))

    async def add_note(self, actor: Actor, chat_id: int, text: str) -> int:
        """The optional note after a verdict; returns the matter's number."""
        note = usertext.line(text)
        if not note:
            raise UserFacingError("carry.name_empty")
        if len(note) > MAX_NOTE:
            raise UserFacingError("carry.too_long", limit=MAX_NOTE, length=len(note))
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, NOTE_FLOW, "note")
            matter_id = int(data["matter_id"])
            if actor.person_id is not None:
                # After a rework the round's sign-offs are cleared: the note lives in the history.
                await session.carrying.set_acceptance_note(matter_id, actor.person_id, note)
            await session.matters.add_event(
                matter_id, "acceptance_note", actor_id=actor.person_id, now=now, note=note
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return matter_id

    async def _tell_rework(self, session: Session, matter: MatterRow, now: datetime) -> None:
        params = {"number": matter.number, "title": matter.title}
        dedupe = f"rework:{matter.id}:{to_db_time(now)}"
        await self._ctx.to_secretaries(session, "carry.rework", params, dedupe=dedupe, now=now)
        if matter.owner_person_id is not None:
            owner = await session.people.by_id(matter.owner_person_id)
            if owner is not None and owner.reachable:
                await queue_push(
                    session,
                    kind="matter.rework",
                    title=matter.title,
                    deliveries=[
                        Delivery(
                            owner.tg_user_id,
                            owner.id,
                            OutgoingMessage("carry.rework", parse_language(owner.language), params),
                        )
                    ],
                    dedupe_prefix=f"{dedupe}:owner",
                    now=now,
                )
