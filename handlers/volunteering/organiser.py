"""The organiser's tools of volunteer service (志愿者打卡): /code and /kiosk.

/code shows the rotating on-site code and its QR link, kept rotating while
the activity runs; /kiosk checks in (and out) people without a phone.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import segno
from telegram import Message, Update
from telegram.error import TelegramError

from bot.config import Language
from bot.volunteering.organiser import CodeScreen
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.texts import plain, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import keyboards, texts
from handlers.volunteering.activities import refresh_card_soon
from handlers.volunteering.common import callback_data, chat_id_of

# --- the organiser's tools ------------------------------------------------------------------


async def code_command(update: Update, context: Context) -> None:
    """/code: the rotating on-site code and its QR (choose the activity if several)."""
    actor = context.require_actor()
    managed = [a for a in await context.services.volunteer.organiser.managed(actor) if a.by_code]
    if not managed:
        await reply(update, t(actor.language, "vol.code_none"))
        return
    if len(managed) > 1:
        await reply(
            update,
            t(actor.language, "vol.pick_activity"),
            keyboards.vol_pick_activity(actor.language, managed, cb.VolCode),
        )
        return
    await _send_code(update, context, managed[0].id)


async def code_pressed(update: Update, context: Context) -> None:
    """The activity chosen for /code, or 🔄."""
    data = cb.VolCode.decode(callback_data(update))
    await _send_code(update, context, data.activity_id)


async def _send_code(update: Update, context: Context, activity_id: int) -> None:
    actor = context.require_actor()
    service = context.services.volunteer
    screen = await service.organiser.code_screen(actor, activity_id)
    chat_id = chat_id_of(update)
    sent = await _post_code(context.bot, chat_id, screen, actor.language, service.clock_text)
    # The screen changes with the code: every minute a new one replaces it, until
    # the activity ends or the organiser stops it (one rotating screen per chat).
    job_queue = context.job_queue
    if job_queue is None:
        return
    name = f"code-screen:{chat_id}"
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    # Seconds from now on the service's clock, so the screen changes when its code does
    # (the code turns over on the clock's minute) and ends with the activity.
    now = service.now()
    first = 60.5 - (now.second + now.microsecond / 1_000_000)
    last = (screen.activity.ends_at - service.now()).total_seconds()
    if last <= first:
        return
    job_queue.run_repeating(
        rotate_code,
        interval=60,
        first=first,
        last=last,
        name=name,
        data={
            "chat_id": chat_id,
            "activity_id": activity_id,
            "message_id": sent.message_id,
            "language": actor.language.value,
        },
    )


async def _post_code(
    bot: Any, chat_id: int, screen: CodeScreen, language: Language, local: Any
) -> Message:
    link = f"https://t.me/{bot.username}?start={screen.payload}"
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    caption = t(
        language,
        "vol.code",
        title=screen.activity.title,
        code=screen.code,
        until=local(screen.valid_until, language),
    )
    message: Message = await bot.send_photo(
        chat_id,
        buffer.getvalue(),
        caption=caption,
        reply_markup=keyboards.vol_code(language, screen.activity.id),
    )
    return message


async def rotate_code(context: Any) -> None:
    """Every minute: the organiser's code screen is replaced by this minute's."""
    job = context.job
    data = job.data
    service = context.bot_data.services.volunteer
    screen = await service.organiser.next_code(int(data["activity_id"]))
    if screen is None:
        job.schedule_removal()
        return
    chat_id = int(data["chat_id"])
    sent = await _post_code(
        context.bot, chat_id, screen, Language(data["language"]), service.clock_text
    )
    with contextlib.suppress(TelegramError):  # already deleted by the organiser
        await context.bot.delete_message(chat_id, int(data["message_id"]))
    data["message_id"] = sent.message_id


async def code_stopped(update: Update, context: Context) -> None:
    """⏹: the code screen stops changing (and is removed)."""
    actor = context.require_actor()
    chat_id = chat_id_of(update)
    if context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(f"code-screen:{chat_id}"):
            job.schedule_removal()
    await answer(update, plain(actor.language, "vol.code_stopped"))
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.delete()


async def kiosk_command(update: Update, context: Context) -> None:
    """/kiosk: check in people without a phone."""
    actor = context.require_actor()
    managed = await context.services.volunteer.organiser.managed(actor)
    if not managed:
        await reply(update, t(actor.language, "vol.kiosk_none"))
        return
    if len(managed) > 1:
        await reply(
            update,
            t(actor.language, "vol.pick_activity"),
            keyboards.vol_pick_activity(actor.language, managed, cb.VolKiosk),
        )
        return
    await _show_kiosk(update, context, managed[0].id)


async def kiosk_pressed(update: Update, context: Context) -> None:
    """The activity chosen for /kiosk."""
    data = cb.VolKiosk.decode(callback_data(update))
    await _show_kiosk(update, context, data.activity_id)


async def _show_kiosk(update: Update, context: Context, activity_id: int) -> None:
    actor = context.require_actor()
    activity, entries = await context.services.volunteer.organiser.kiosk(actor, activity_id)
    await show(
        update,
        texts.vol_kiosk(actor.language, activity, entries),
        keyboards.vol_kiosk(actor.language, activity_id, entries),
    )


async def kiosk_person(update: Update, context: Context) -> None:
    """Kiosk: check the person in (or out), recorded as done by the organiser."""
    data = cb.VolKioskPress.decode(callback_data(update))
    actor = context.require_actor()
    await context.services.volunteer.organiser.kiosk_press(actor, data.activity_id, data.person_id)
    await _show_kiosk(update, context, data.activity_id)
    refresh_card_soon(context.job_queue, data.activity_id)
