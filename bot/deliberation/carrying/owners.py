"""Owners and due dates (民办): /assign N gives a passed matter its owner and due date.

The owner is a registered resident (told privately), a volunteer team, the
committee or an outside unit; the matter moves to 'in_progress'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import usertext
from bot.community.register import Actor, Role
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.rules import (
    ASSIGN_FLOW,
    MAX_OWNER_NAME,
    OWNER_KINDS,
    AssignStep,
    progress_buttons,
)
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from storage.community.people import PersonRow
from storage.deliberation.matters import MatterRow
from storage.session import Session
from storage.times import to_db_time


class OwnerService:
    """The owner form: the kind of owner, who or which, the due date."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def start_assign(
        self, actor: Actor, chat_id: int, matter_id: int, owner: PersonRow | None = None
    ) -> MatterRow:
        """/assign N: open the owner form for a passed (or already assigned) matter.

        With ``owner`` (the resident whose message the secretary replied to)
        the form skips to the due date.
        """
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.stage not in ("passed", "in_progress"):
                raise UserFacingError("carry.not_passed", number=matter.number)
            data: dict[str, Any] = {"matter_id": matter_id}
            if owner is not None:
                data |= {
                    "owner_kind": "resident",
                    "owner_person_id": owner.id,
                    "owner_name": owner.display_name,
                }
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ASSIGN_FLOW,
                "kind" if owner is None else "due",
                data,
                self._ctx.clock(),
            )
        return matter

    async def choose_owner_kind(self, actor: Actor, chat_id: int, kind: str) -> AssignStep:
        """The kind of owner; then the person, the name, or (committee) the due date."""
        actor.require(Role.SECRETARY)
        if kind not in OWNER_KINDS:
            raise UserFacingError("carry.expired")
        step = {"resident": "person", "committee": "due"}.get(kind, "name")
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.advance(
                session, actor, chat_id, ASSIGN_FLOW, "kind", step, owner_kind=kind
            )
        return AssignStep(int(data["matter_id"]), step, kind)

    async def choose_owner_person(self, actor: Actor, chat_id: int, person_id: int) -> PersonRow:
        """The resident who carries it out; then the due date."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, ASSIGN_FLOW, "person")
            person = await session.people.by_id(person_id)
            if person is None:
                raise UserFacingError("people.gone")
            data = {**data, "owner_person_id": person_id, "owner_name": person.display_name}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, ASSIGN_FLOW, "due", data, self._ctx.clock()
            )
        return person

    async def answer_owner_name(self, actor: Actor, chat_id: int, text: str) -> str:
        """The team's or unit's name; then the due date."""
        actor.require(Role.SECRETARY)
        name = usertext.line(text)
        if not name:
            raise UserFacingError("carry.name_empty")
        if len(name) > MAX_OWNER_NAME:
            raise UserFacingError("carry.too_long", limit=MAX_OWNER_NAME, length=len(name))
        async with self._ctx.db.transaction() as session:
            await self._ctx.advance(
                session, actor, chat_id, ASSIGN_FLOW, "name", "due", owner_name=name
            )
        return name

    async def assign(self, actor: Actor, chat_id: int, due_at: datetime) -> MatterRow:
        """The due date: the matter gets its owner and is being carried out."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, ASSIGN_FLOW, "due")
            matter = await get_matter(session, int(data["matter_id"]))
            if matter.stage not in ("passed", "in_progress"):
                raise UserFacingError("carry.not_passed", number=matter.number)
            kind = str(data["owner_kind"])
            person_id = data.get("owner_person_id")
            name = data.get("owner_name")
            await session.carrying.assign(
                matter.id,
                owner_kind=kind,
                owner_person_id=int(person_id) if person_id is not None else None,
                owner_name=str(name) if name is not None else None,
                due_at=due_at,
                now=now,
            )
            await session.matters.add_event(
                matter.id,
                "assigned",
                actor_id=secretary,
                now=now,
                owner_kind=kind,
                owner=str(name) if name else "",
                due=self._ctx.local_date(due_at),
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.assign", actor_id=secretary, detail=str(matter.id)
            )
            if person_id is not None:
                await self._tell_owner(session, matter, int(person_id), due_at, now)
            updated = await get_matter(session, matter.id)
        return updated

    async def _tell_owner(
        self, session: Session, matter: MatterRow, person_id: int, due_at: datetime, now: datetime
    ) -> None:
        """A resident owner is told privately what they carry out, and by when."""
        owner = await session.people.by_id(person_id)
        if owner is None or not owner.reachable:
            return
        await queue_push(
            session,
            kind="matter.assigned",
            title=matter.title,
            deliveries=[
                Delivery(
                    owner.tg_user_id,
                    owner.id,
                    OutgoingMessage(
                        "carry.assigned_owner",
                        parse_language(owner.language),
                        {
                            "number": matter.number,
                            "title": matter.title,
                            "due": self._ctx.spoken_day(due_at, parse_language(owner.language)),
                        },
                        buttons=progress_buttons(matter.id),
                    ),
                )
            ],
            dedupe_prefix=f"assigned:{matter.id}:{to_db_time(now)}",
            now=now,
        )
