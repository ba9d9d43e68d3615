"""A secretary's acceptance (验收) of an ordinary matter reported 100 % done.

At 100 % an ordinary matter waits for acceptance (stage 'acceptance', shown as
待验收); every secretary but its owner is asked privately, with ✅ 验收通过 and
🔁 退回返工. The first secretary to accept closes it (and its raiser and
supporters are asked to rate it); 退回返工 asks for a reason (or none) and
sends the matter back to its owner with it. A major project goes to the
supervision group instead (acceptance.py).

A secretary never accepts their own work while another secretary could: if
the owner is the only secretary, they are asked too, and their acceptance is
recorded as their own (there is nobody else to ask).
"""

from __future__ import annotations

from datetime import datetime

from bot import usertext
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.ratings import finish
from bot.deliberation.carrying.rules import (
    MAX_NOTE,
    REVIEW_FLOW,
    ReviewResult,
    progress_buttons,
    review_buttons,
)
from bot.errors import UserFacingError
from bot.i18n import parse_language, translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage.community.people import PersonRow
from storage.deliberation.matters import MatterRow
from storage.session import Session


async def _reviewers(
    ctx: CarryingContext, session: Session, matter: MatterRow
) -> tuple[list[PersonRow], bool]:
    """The secretaries to ask, and whether that is only the owner (no other secretary)."""
    secretaries = await secretaries_to_tell(session, ctx.settings.community)
    others = [person for person in secretaries if person.id != matter.owner_person_id]
    if others or not secretaries:
        return others, False
    return secretaries, True


def _owner_text(matter: MatterRow, owner: PersonRow | None, language_code: str | None) -> str:
    """Who carried it out, in a secretary's language."""
    if owner is not None:
        return owner.display_name
    if matter.owner_kind == "committee" or not matter.owner_name:
        return translate(parse_language(language_code), "carry.committee")
    return matter.owner_name


async def ask_secretaries(
    ctx: CarryingContext,
    session: Session,
    matter: MatterRow,
    report_id: int,
    words: str,
    now: datetime,
) -> None:
    """The matter waits for acceptance: ask the secretaries (not its owner) privately.

    ``report_id`` is the 100 % report's: each report done asks once."""
    await session.matters.set_stage(matter.id, "acceptance", now)
    await session.matters.add_event(
        matter.id, "secretary_acceptance_requested", actor_id=None, now=now
    )
    reviewers, own = await _reviewers(ctx, session, matter)
    owner = (
        await session.people.by_id(matter.owner_person_id)
        if matter.owner_person_id is not None
        else None
    )
    deliveries = [
        Delivery(
            person.tg_user_id,
            person.id,
            OutgoingMessage(
                "carry.review_ask_own" if own else "carry.review_ask",
                parse_language(person.language),
                {
                    "number": matter.number,
                    "title": matter.title,
                    "owner": _owner_text(matter, owner, person.language),
                    "text": words or "—",
                },
                buttons=review_buttons(matter.id),
            ),
        )
        for person in reviewers
    ]
    if deliveries:
        await queue_push(
            session,
            kind="matter.review",
            title=matter.title,
            deliveries=deliveries,
            dedupe_prefix=f"review:{matter.id}:{report_id}",
            now=now,
        )


class ReviewService:
    """A secretary's ✅ 验收通过 / 🔁 退回返工 on an ordinary matter reported done."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def _check(
        self, session: Session, actor: Actor, matter_id: int
    ) -> tuple[MatterRow, bool]:
        """The matter waiting for this secretary's acceptance, and whether it is their own
        (allowed only when there is no other secretary); refused otherwise."""
        actor.require(Role.SECRETARY)
        matter = await get_matter(session, matter_id)
        if matter.stage == "done":
            raise UserFacingError("carry.already_accepted", number=matter.number)
        if matter.stage == "in_progress":
            raise UserFacingError("carry.already_returned", number=matter.number)
        if matter.stage != "acceptance":
            raise UserFacingError("carry.not_in_acceptance", number=matter.number)
        if matter.major:
            raise UserFacingError("carry.major_by_supervisors", number=matter.number)
        own = matter.owner_person_id is not None and matter.owner_person_id == actor.person_id
        if own:
            _, only_owner = await _reviewers(self._ctx, session, matter)
            if not only_owner:
                raise UserFacingError("carry.own_work", number=matter.number)
        return matter, own

    async def accept(self, actor: Actor, matter_id: int) -> MatterRow:
        """✅ 验收通过: the matter is done; its raiser and supporters are asked to rate it."""
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter, own = await self._check(session, actor, matter_id)
            if actor.person_id is not None:
                await session.carrying.sign_off(matter_id, actor.person_id, "accepted", now)
            kind = "secretary_accepted_own" if own else "secretary_accepted"
            await session.matters.add_event(matter_id, kind, actor_id=actor.person_id, now=now)
            await session.audit.record(
                at=now, action="matter.accept", actor_id=actor.person_id, detail=str(matter_id)
            )
            await finish(self._ctx, session, matter, now)
            await self._tell_owner(session, matter, "carry.accepted_owner", {}, now)
            return await get_matter(session, matter_id)

    async def ask_reason(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """🔁 退回返工: first a reason for the owner (typed), or none (a button)."""
        async with self._ctx.db.transaction() as session:
            matter, _ = await self._check(session, actor, matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                REVIEW_FLOW,
                "reason",
                {"matter_id": matter_id},
                self._ctx.clock(),
            )
        return matter

    async def reason_typed(self, actor: Actor, chat_id: int, text: str) -> ReviewResult:
        """The typed reason: the matter goes back to its owner with it."""
        reason = usertext.line(text)
        if not reason:
            raise UserFacingError("carry.name_empty")
        if len(reason) > MAX_NOTE:
            raise UserFacingError("carry.too_long", limit=MAX_NOTE, length=len(reason))
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, REVIEW_FLOW, "reason")
        return await self.rework(actor, chat_id, int(data["matter_id"]), reason)

    async def rework(
        self, actor: Actor, chat_id: int, matter_id: int, reason: str | None
    ) -> ReviewResult:
        """Back to 'in_progress': the owner is told (with the reason), the history keeps it."""
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter, _ = await self._check(session, actor, matter_id)
            await session.matters.set_stage(matter_id, "in_progress", now)
            await session.carrying.clear_acceptances(matter_id)
            if reason:
                await session.matters.add_event(
                    matter_id,
                    "secretary_rework_reason",
                    actor_id=actor.person_id,
                    now=now,
                    reason=reason,
                )
            else:
                await session.matters.add_event(
                    matter_id, "secretary_rework", actor_id=actor.person_id, now=now
                )
            await session.audit.record(
                at=now, action="matter.rework", actor_id=actor.person_id, detail=str(matter_id)
            )
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if dialog is not None and dialog.flow == REVIEW_FLOW:
                await session.dialogs.end(chat_id, actor.tg_user_id)
            key = "carry.returned_owner_reason" if reason else "carry.returned_owner"
            told = await self._tell_owner(
                session,
                matter,
                key,
                {"reason": reason or ""},
                now,
                buttons=progress_buttons(matter_id),
            )
            updated = await get_matter(session, matter_id)
        return ReviewResult(updated, reason, told)

    async def _tell_owner(
        self,
        session: Session,
        matter: MatterRow,
        key: str,
        params: dict[str, str],
        now: datetime,
        buttons: tuple[tuple[ButtonSpec, ...], ...] = (),
    ) -> bool:
        """Tell a resident owner privately; False if there is none to tell."""
        if matter.owner_person_id is None:
            return False
        owner = await session.people.by_id(matter.owner_person_id)
        if owner is None or not owner.reachable:
            return False
        await queue_push(
            session,
            kind=key,
            title=matter.title,
            deliveries=[
                Delivery(
                    owner.tg_user_id,
                    owner.id,
                    OutgoingMessage(
                        key,
                        parse_language(owner.language),
                        {"number": matter.number, "title": matter.title, **params},
                        buttons=buttons,
                    ),
                )
            ],
            # The step's place in the history: once each, however close in time.
            dedupe_prefix=f"{key}:{matter.id}:{len(await session.matters.events(matter.id))}",
            now=now,
        )
        return True
