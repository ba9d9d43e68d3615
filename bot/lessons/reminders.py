"""Micro Party lessons (微党课): the one reminder after a lesson's deadline, with its
buttons to study now, book a make-up (makeup.py) or ask for home delivery
(delivery.py).

Where a lesson's reminder is scheduled: here, and only here. ``schedule`` creates
the ``lesson.remind`` schedule when the lesson is pushed (sending.py calls it),
``remind_after_days`` later; its effect is registered in ``LessonReminders.__init__``
and reminds, once each, the recipients who have done nothing. A secretary may
remind earlier (``remind_now``); nobody is reminded twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community.register import Actor, Role
from bot.config import Language
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.messages import reminder_message
from bot.lessons.rules import REFUSALS
from bot.runtime.outbox import Delivery, queue_push
from bot.runtime.scheduler import Firing
from storage.lessons.rows import LessonRow
from storage.session import Session
from storage.times import to_db_time


class LessonReminders:
    """The one reminder of a lesson: scheduled at the push, sent at the deadline or earlier."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect("lesson.remind", self._remind_effect)

    async def schedule(self, session: Session, lesson: LessonRow, now: datetime) -> None:
        """Schedule the lesson's reminder, in the push's unit of work."""
        remind_at = now + timedelta(days=self._ctx.settings.lessons.remind_after_days)
        schedule_id, due = await self._ctx.scheduler.create_in(
            session,
            kind="lesson.remind",
            title=f"微党课 #{lesson.number} 提醒",
            rule={"type": "once", "at": to_db_time(remind_at)},
            payload={"lesson_id": lesson.id},
            owner_id=None,
            now=now,
        )
        if due is not None:
            # Armed before the commit: an alarm for a rolled-back schedule finds nothing.
            self._ctx.scheduler.arm(schedule_id, due)

    async def _remind_effect(self, firing: Firing) -> None:
        lesson = await firing.session.lessons.get(int(firing.schedule.payload["lesson_id"]))
        if lesson is not None:
            await self._remind(firing.session, lesson, firing.now)

    async def remind_now(self, actor: Actor, lesson_id: int) -> int:
        """A secretary reminds now, before the deadline; returns how many were reminded.

        Each member is still reminded only once: the reminder at the deadline
        skips those reminded here.
        """
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None or lesson.status != "sent":
                raise UserFacingError("lesson.not_found", number=lesson_id)
            return await self._remind(session, lesson, now)

    async def _remind(self, session: Session, lesson: LessonRow, now: datetime) -> int:
        """Remind, once each, the recipients who have done nothing about the lesson."""
        deliveries = []
        deadline = self._ctx.deadline(lesson)
        # Before the deadline (a secretary's 现在提醒) leave can still be asked.
        leave = deadline is not None and now < deadline
        for standing in await session.lessons.standings(lesson.id):
            # Excused (请假 asked or approved) members are not chased: not "missing".
            if standing.outcome != "missing" or standing.reminded:
                continue
            await session.lessons.mark_reminded(lesson.id, standing.person_id, now)
            deliveries.append(
                Delivery(
                    standing.tg_user_id,
                    standing.person_id,
                    reminder_message(lesson, Language(standing.language), leave=leave),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="lesson.remind",
                title=f"微党课 #{lesson.number} 提醒",
                deliveries=deliveries,
                dedupe_prefix=f"lesson-remind:{lesson.id}:{to_db_time(now)}",
                now=now,
            )
        return len(deliveries)
