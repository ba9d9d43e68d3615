"""Micro Party lessons (微党课): home delivery (送学) — a member asks from the
reminder, the grid worker of their grid (else the secretaries) gets a task, and
confirms the visit with an optional photo.
"""

from __future__ import annotations

from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.messages import delivered_callback
from bot.lessons.rules import PHOTO_FLOW, REFUSALS, delivery_role
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage.community.people import PersonRow
from storage.lessons.rows import LessonRow


class LessonDelivery:
    """Home deliveries of lessons by grid workers."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def ask_delivery(self, actor: Actor, lesson_id: int) -> list[PersonRow]:
        """送学: the member's grid worker(s) get a task; returns who was told."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None or lesson.status != "sent":
                raise UserFacingError("lesson.not_found", number=lesson_id)
            standing = await session.lessons.standing(lesson.id, person.id)
            if standing is not None and standing.outcome in ("studied", "makeup", "delivered"):
                raise UserFacingError("lesson.already_studied")
            if not await session.home_deliveries.request_delivery(lesson.id, person.id, now):
                raise UserFacingError("lesson.delivery_already")
            workers = [
                w
                for w in await session.people.with_role(Role.GRID_WORKER.value)
                if person.grid_id is not None and w.grid_id == person.grid_id
            ]
            to_tell = workers or await secretaries_to_tell(session, self._ctx.settings.community)
            await queue_push(
                session,
                kind="lesson.delivery",
                title=f"送学 #{lesson.number}",
                deliveries=[
                    Delivery(w.tg_user_id, w.id, _task(lesson, person, Language(w.language)))
                    for w in to_tell
                ],
                dedupe_prefix=f"lesson-delivery:{lesson.id}:{person.id}",
                now=now,
            )
        return to_tell

    async def confirm_delivery(
        self, actor: Actor, chat_id: int, lesson_id: int, person_id: int
    ) -> PersonRow:
        """The grid worker confirms the visit; a photo may follow. Returns the member.

        A secretary may confirm too: the task goes to secretaries when the
        member's grid has no grid worker in the register.
        """
        worker = actor.member(worker_role := delivery_role(actor), REFUSALS[worker_role])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            member = await session.people.by_id(person_id)
            delivery = await session.home_deliveries.delivery(lesson_id, person_id)
            if member is None or delivery is None:
                raise UserFacingError("lesson.expired")
            if not await session.home_deliveries.confirm_delivery(
                lesson_id, person_id, worker.id, now
            ):
                raise UserFacingError("lesson.delivery_done_before")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PHOTO_FLOW,
                "photo",
                {"lesson_id": lesson_id, "person_id": person_id},
                now,
            )
        return member

    async def delivery_photo(self, actor: Actor, chat_id: int, file_id: str) -> None:
        """The optional photo of the visit, after confirming it."""
        actor.member(worker_role := delivery_role(actor), REFUSALS[worker_role])
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PHOTO_FLOW, "photo", "lesson.expired"
            )
            await session.home_deliveries.set_delivery_photo(
                int(dialog.data["lesson_id"]), int(dialog.data["person_id"]), file_id
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)


def _task(lesson: LessonRow, member: PersonRow, language: Language) -> OutgoingMessage:
    """The grid worker's task: who, where, which lesson, and the 已送学 button."""
    return OutgoingMessage(
        "lesson.delivery_task",
        language,
        {
            "name": member.display_name,
            "building": member.building or "",
            "number": lesson.number,
            "title": lesson.title,
        },
        buttons=(
            (ButtonSpec("lesson.button.delivered", delivered_callback(lesson.id, member.id)),),
        ),
    )
