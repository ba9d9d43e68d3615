"""Micro Party lessons (微党课) handlers: leave (请假) — 🙋 请假 under a lesson, its
reminder, its screen or a make-up booking; the typed reason; a secretary's 批准 /
不批准.
"""

from __future__ import annotations

from telegram import Update

from bot.community.leave import MAX_REASON
from bot.lessons.messages import leave_what
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.lessons import callbacks as cb
from handlers.lessons import texts
from handlers.lessons.common import chat_of, data_of
from handlers.texts import t


async def _ask_reason(update: Update, context: Context, kind: str, target_id: int) -> None:
    actor = context.require_actor()
    # The reason is asked in the member's private chat (the button is only there).
    lesson, slot = await context.services.lessons.leave.start(
        actor, chat_of(update), kind, target_id
    )
    what = leave_what(actor.language, lesson, slot, context.services.settings.community.tz)
    await answer(update)
    await context.bot.send_message(
        actor.tg_user_id, t(actor.language, "lesson.leave.ask_reason", what=what, limit=MAX_REASON)
    )


async def leave_pressed(update: Update, context: Context) -> None:
    """🙋 请假 for a lesson: the reason is asked next."""
    data = cb.LessonLeave.decode(data_of(update))
    await _ask_reason(update, context, "lesson", data.lesson_id)


async def makeup_leave_pressed(update: Update, context: Context) -> None:
    """🙋 请假 for a booked make-up: the reason is asked next."""
    data = cb.LessonMakeupLeave.decode(data_of(update))
    await _ask_reason(update, context, "makeup", data.slot_id)


async def reason_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed reason: the request goes to the secretaries."""
    actor = context.require_actor()
    item = await context.services.lessons.leave.answer(actor, chat_of(update), text)
    context.services.wake_sender()
    what = leave_what(
        actor.language, item.lesson, item.slot, context.services.settings.community.tz
    )
    await reply(update, t(actor.language, "lesson.leave.asked", what=what))


async def decision_pressed(update: Update, context: Context) -> None:
    """批准 / 不批准: the request's message says what was decided; the member is told."""
    data = cb.LessonLeaveDecision.decode(data_of(update))
    actor = context.require_actor()
    item = await context.services.lessons.leave.decide(actor, data.request_id, data.approve)
    context.services.wake_sender()
    tz = context.services.settings.community.tz
    await show(update, texts.leave_decided(actor.language, item, tz))
