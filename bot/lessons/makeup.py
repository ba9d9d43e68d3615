"""Micro Party lessons (微党课): make-up sessions (补课) — the slots a secretary
offers, members' bookings from the reminder, attendance marked by the secretary
or by "补课 123456" check-in with the slot's code.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from bot import usertext
from bot.community.register import Actor, Role
from bot.dialogs import advance_step, expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.rules import MAX_PLACE, REFUSALS, SLOT, SLOT_FLOW, WHEN
from storage.lessons.rows import BookingRow, LessonRow, SlotRow


class LessonMakeup:
    """Make-up slots, bookings and attendance."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def slots(self, lesson_id: int) -> list[SlotRow]:
        """The lesson's make-up slots."""
        async with self._ctx.db.read() as session:
            return await session.makeup.slots(lesson_id)

    async def ask_slot(self, actor: Actor, chat_id: int, lesson_id: int) -> LessonRow:
        """Button 添加补课时段: the slot is typed next ("11-20 19:00 党群服务中心 10")."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        lesson = await self._ctx.lesson(lesson_id)
        async with self._ctx.db.transaction() as session:
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SLOT_FLOW,
                "slot",
                {"lesson_id": lesson.id},
                self._ctx.clock(),
            )
        return lesson

    async def pick_time(self, actor: Actor, chat_id: int, text: str) -> datetime:
        """The slot's date and time chosen with buttons ("2026-12-02 19:00"); the place
        and the number of places are typed next (step "place")."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        match = WHEN.match(usertext.line(text))
        at = self._ctx.moment(match) if match else None
        if at is None:
            raise UserFacingError("lesson.slot_bad")
        async with self._ctx.db.transaction() as session:
            await advance_step(
                session,
                chat_id,
                actor.tg_user_id,
                SLOT_FLOW,
                from_step="slot",
                to_step="place",
                expired_key="lesson.expired",
                now=self._ctx.clock(),
                at=usertext.line(text),
            )
        return at

    async def answer_place(self, actor: Actor, chat_id: int, text: str) -> SlotRow:
        """The place and the number of places typed after the picked time ("党群服务中心 10");
        read with the chosen time as one typed slot, by the same rule."""
        async with self._ctx.db.read() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, SLOT_FLOW, "place", "lesson.expired"
            )
        typed = f"{dialog.data['at']} {usertext.line(text)}"
        return await self.answer_slot(
            actor, chat_id, typed, step="place", bad_key="lesson.slot_place_bad"
        )

    async def answer_slot(
        self,
        actor: Actor,
        chat_id: int,
        text: str,
        *,
        step: str = "slot",
        bad_key: str = "lesson.slot_bad",
    ) -> SlotRow:
        """The typed slot: date, time, place, capacity; it gets a check-in code."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        match = SLOT.match(usertext.line(text))
        at = self._ctx.moment(match) if match else None
        if (
            match is None
            or at is None
            or len(match["place"]) > MAX_PLACE
            or not 1 <= int(match["capacity"]) <= 500
        ):
            raise UserFacingError(bad_key)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, SLOT_FLOW, step, "lesson.expired"
            )
            lesson_id = int(dialog.data["lesson_id"])
            slot_id = None
            while slot_id is None:
                code = f"{secrets.randbelow(1_000_000):06d}"
                slot_id = await session.makeup.add_slot(
                    lesson_id, at, match["place"], int(match["capacity"]), code, person.id, now
                )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            slot = await session.makeup.slot(slot_id)
        assert slot is not None  # noqa: S101 - just created
        return slot

    async def book(self, actor: Actor, slot_id: int) -> SlotRow:
        """预约补课 in a slot with room left; one booking per member per lesson."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            slot = await session.makeup.slot(slot_id)
            if slot is None:
                raise UserFacingError("lesson.expired")
            standing = await session.lessons.standing(slot.lesson_id, person.id)
            if standing is not None and standing.outcome in ("studied", "makeup", "delivered"):
                raise UserFacingError("lesson.already_studied")
            if slot.starts_at <= now:
                raise UserFacingError("lesson.slot_past")
            if slot.booked >= slot.capacity:
                raise UserFacingError("lesson.slot_full")
            if not await session.makeup.book(slot.id, slot.lesson_id, person.id, now):
                raise UserFacingError("lesson.already_booked")
            booked = await session.makeup.slot(slot.id)
        assert booked is not None  # noqa: S101 - it exists
        return booked

    async def roster(self, actor: Actor, slot_id: int) -> tuple[SlotRow, list[BookingRow]]:
        """A slot's booked members, for the secretary's attendance list."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.read() as session:
            slot = await session.makeup.slot(slot_id)
            if slot is None:
                raise UserFacingError("lesson.expired")
            return slot, await session.makeup.bookings(slot.id)

    async def toggle_attendance(
        self, actor: Actor, slot_id: int, person_id: int
    ) -> tuple[SlotRow, list[BookingRow]]:
        """The secretary marks (or unmarks) a booked member as present."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            bookings = {b.person_id: b for b in await session.makeup.bookings(slot_id)}
            booking = bookings.get(person_id)
            if booking is None:
                raise UserFacingError("lesson.expired")
            await session.makeup.set_attended(
                slot_id, person_id, booking.attended_at is None, person.id, now
            )
            slot = await session.makeup.slot(slot_id)
            rows = await session.makeup.bookings(slot_id)
        assert slot is not None  # noqa: S101 - it exists
        return slot, rows

    async def check_in(self, actor: Actor, code: str) -> SlotRow:
        """A member at the make-up says the slot's code (补课 123456)."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            slot = await session.makeup.slot_by_code(code)
            if slot is None:
                raise UserFacingError("lesson.code_bad")
            if now < slot.starts_at - timedelta(hours=1) or now > slot.starts_at + timedelta(
                hours=6
            ):
                raise UserFacingError("lesson.code_not_now")
            bookings = {b.person_id: b for b in await session.makeup.bookings(slot.id)}
            booking = bookings.get(person.id)
            if booking is None:
                raise UserFacingError("lesson.not_booked")
            if booking.attended_at is not None:
                raise UserFacingError("lesson.already_checked_in")
            await session.makeup.set_attended(slot.id, person.id, True, person.id, now)
        return slot
