"""Micro Party lessons (微党课) handlers: home delivery (送学) — a member asks from the
reminder, the grid worker confirms with 已送学 and may send a photo.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import spoken
from handlers.access import reply, show
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.lessons import callbacks as cb
from handlers.lessons.common import chat_of, data_of
from handlers.texts import t


async def home_pressed(update: Update, context: Context) -> None:
    """送学上门: the member's grid worker gets the task."""
    data = cb.LessonHome.decode(data_of(update))
    actor = context.require_actor()
    told = await context.services.lessons.delivery.ask_delivery(actor, data.lesson_id)
    context.services.wake_sender()
    names = spoken.names(actor.language, (p.display_name for p in told))
    # The reminder becomes the confirmation: its buttons are done with.
    await show(update, t(actor.language, "lesson.delivery_asked", names=names))


async def delivered_pressed(update: Update, context: Context) -> None:
    """已送学: the grid worker confirms the visit; a photo may follow."""
    data = cb.LessonDelivered.decode(data_of(update))
    actor = context.require_actor()
    member = await context.services.lessons.delivery.confirm_delivery(
        actor, chat_of(update), data.lesson_id, data.person_id
    )
    await show(update, t(actor.language, "lesson.delivery_confirmed", name=member.display_name))


async def delivery_photo_answer(
    update: Update, context: Context, step: str, message: Message
) -> None:
    """A photo sent after confirming a home delivery (送学): it goes with the record."""
    actor = context.require_actor()
    if not message.photo:
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    await context.services.lessons.delivery.delivery_photo(
        actor, message.chat.id, message.photo[-1].file_id
    )
    await reply(update, t(actor.language, "lesson.photo_saved"))


async def photo_text(update: Update, context: Context, step: str, text: str) -> None:
    """Text instead of the optional delivery photo: the confirmation stands, without one."""
    actor = context.require_actor()
    await context.services.dialogs.cancel(chat_of(update), actor.tg_user_id)
    await reply(update, t(actor.language, "lesson.photo_skipped"))
