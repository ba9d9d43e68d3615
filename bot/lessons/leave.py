"""Micro Party lessons (微党课): leave (请假) for a lesson or a booked make-up.

A party member who has not studied a lesson asks for leave with a reason before
its deadline (its one reminder, ``remind_after_days`` after the push); one booked
on a make-up slot, before the slot starts. The request goes privately to the
secretaries with 批准 / 不批准; the first decision counts and the member is told.
Asked or approved, the member is excused: not reminded, not on the missing lists,
not counted in a streak of missed lessons, and shown as 请假 with the reason. An
approved make-up leave frees the booked place. A refused request leaves them as
before. The shared rules are bot/community/leave.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.community import leave as rules
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.messages import leave_request_message, leave_what
from bot.lessons.rules import LEAVE_FLOW, REFUSALS
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from storage.community.leave import LeaveRow
from storage.lessons.rows import LessonRow, SlotRow
from storage.session import Session

_DONE = ("studied", "makeup", "delivered")


@dataclass(frozen=True)
class LessonLeaveItem:
    """A request for leave with what it is for: the lesson, and the make-up slot if any."""

    request: LeaveRow
    lesson: LessonRow
    slot: SlotRow | None


class LessonLeave:
    """Leave for lessons and make-ups: asked by members, decided by secretaries."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def _target(
        self, session: Session, kind: str, target_id: int
    ) -> tuple[LessonRow, SlotRow | None]:
        slot = await session.makeup.slot(target_id) if kind == "makeup" else None
        if kind == "makeup" and slot is None:
            raise UserFacingError("lesson.expired")
        lesson_id = slot.lesson_id if slot is not None else target_id
        lesson = await session.lessons.get(lesson_id)
        if lesson is None or lesson.status != "sent":
            raise UserFacingError("lesson.not_found", number=lesson_id)
        return lesson, slot

    async def _may_ask(
        self, session: Session, person_id: int, kind: str, target_id: int
    ) -> tuple[LessonRow, SlotRow | None]:
        """The lesson (and slot) the member may still ask leave for, or a short refusal."""
        now = self._ctx.clock()
        lesson, slot = await self._target(session, kind, target_id)
        standing = await session.lessons.standing(lesson.id, person_id)
        if standing is None:
            raise UserFacingError("lesson.leave.not_yours")
        if standing.outcome in _DONE:
            raise UserFacingError("lesson.already_studied")
        if slot is not None:
            booked = {b.person_id for b in await session.makeup.bookings(slot.id)}
            if person_id not in booked:
                raise UserFacingError("lesson.not_booked")
            if slot.starts_at <= now:
                raise UserFacingError("lesson.leave.too_late_makeup")
        else:
            deadline = self._ctx.deadline(lesson)
            if deadline is not None and deadline <= now:
                raise UserFacingError("lesson.leave.too_late")
        await rules.may_ask(session, kind, target_id, person_id)
        return lesson, slot

    async def start(
        self, actor: Actor, chat_id: int, kind: str, target_id: int
    ) -> tuple[LessonRow, SlotRow | None]:
        """🙋 请假 pressed (kind "lesson": a lesson's id; "makeup": a slot's): the reason is
        typed next. Returns the lesson and the slot."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        if kind not in ("lesson", "makeup"):
            raise UserFacingError("lesson.expired")
        async with self._ctx.db.transaction() as session:
            lesson, slot = await self._may_ask(session, person.id, kind, target_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                LEAVE_FLOW,
                "reason",
                {"kind": kind, "target_id": target_id},
                self._ctx.clock(),
            )
        return lesson, slot

    async def answer(self, actor: Actor, chat_id: int, text: str) -> LessonLeaveItem:
        """The typed reason: the request is recorded and goes to the secretaries."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        reason = rules.reason_of(text)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, LEAVE_FLOW, "reason", "lesson.expired"
            )
            kind, target_id = str(dialog.data["kind"]), int(dialog.data["target_id"])
            # The conversation ends here even if the request is refused (too late, say).
            await session.dialogs.end(chat_id, actor.tg_user_id)
        async with self._ctx.db.transaction() as session:
            lesson, slot = await self._may_ask(session, person.id, kind, target_id)
            request = await rules.ask(session, kind, target_id, person.id, reason, now)
            secretaries = await secretaries_to_tell(session, self._ctx.settings.community)
            await queue_push(
                session,
                kind="lesson.leave",
                title=f"请假 #{request.number}",
                deliveries=[
                    Delivery(
                        s.tg_user_id,
                        s.id,
                        leave_request_message(
                            request,
                            Language(s.language),
                            leave_what(Language(s.language), lesson, slot, self._ctx.tz),
                        ),
                    )
                    for s in secretaries
                ],
                dedupe_prefix=f"lesson-leave:{request.id}:{request.requested_at.isoformat()}",
                now=now,
            )
        return LessonLeaveItem(request, lesson, slot)

    async def decide(self, actor: Actor, request_id: int, approve: bool) -> LessonLeaveItem:
        """批准 / 不批准 by a secretary, once; the member is told. An approved make-up
        leave frees the booked place."""
        secretary = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            found = await session.leave.get(request_id)
            if found is None or found.kind not in ("lesson", "makeup"):
                raise UserFacingError("leave.not_found")
            request = await rules.decide(session, request_id, approve, secretary.id, now)
            lesson, slot = await self._target(session, request.kind, request.target_id)
            if approve and slot is not None:
                await session.makeup.cancel_booking(slot.id, request.person_id)
            language = Language(request.language)
            await queue_push(
                session,
                kind="lesson.leave",
                title=f"请假 #{request.number}",
                deliveries=[
                    Delivery(
                        request.tg_user_id,
                        request.person_id,
                        OutgoingMessage(
                            "lesson.leave.approved" if approve else "lesson.leave.refused",
                            language,
                            {
                                "what": leave_what(language, lesson, slot, self._ctx.tz),
                                "by": secretary.display_name,
                            },
                        ),
                    )
                ],
                dedupe_prefix=f"lesson-leave-decided:{request.id}:{now.isoformat()}",
                now=now,
            )
        return LessonLeaveItem(request, lesson, slot)
