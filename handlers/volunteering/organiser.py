"""The organiser's tools of volunteer service (志愿者打卡): /code and /kiosk.

/code shows the rotating on-site code and its QR link (handlers/code_screens.py),
kept changing with the code while the activity runs; /kiosk checks in (and out)
people without a phone.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.config import Language
from bot.volunteering.organiser import CodeScreen
from handlers import code_screens
from handlers.access import reply, show
from handlers.context import Context
from handlers.texts import t
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
    sent = await _post_code(context.bot, chat_id, screen, actor.language)
    # The screen changes with the code: each time a new one replaces it, until the
    # activity ends or the organiser stops it (one rotating screen per chat).
    code_screens.keep_changing(
        context.job_queue,
        chat_id,
        now=service.now(),
        changes_at=screen.changes_at,
        minutes=screen.valid_minutes,
        until=screen.activity.ends_at,
        callback=rotate_code,
        data={
            "chat_id": chat_id,
            "activity_id": activity_id,
            "message_id": sent.message_id,
            "language": actor.language.value,
        },
    )


async def _post_code(bot: Any, chat_id: int, screen: CodeScreen, language: Language) -> Message:
    caption = t(
        language,
        "vol.code",
        title=screen.activity.title,
        **code_screens.code_params(screen.code, screen.valid_minutes),
    )
    return await code_screens.post_code(
        bot,
        chat_id,
        code=screen.code,
        payload=screen.payload,
        minutes=screen.valid_minutes,
        caption=caption,
        language=language,
        keyboard=keyboards.vol_code(language, screen.activity.id),
    )


async def rotate_code(context: Any) -> None:
    """Each time the code changes: the organiser's code screen is replaced by the new one."""
    job = context.job
    data = job.data
    service = context.bot_data.services.volunteer
    screen = await service.organiser.next_code(int(data["activity_id"]))
    if screen is None:
        job.schedule_removal()
        return
    sent = await _post_code(context.bot, int(data["chat_id"]), screen, Language(data["language"]))
    await code_screens.replace_screen(context, sent)


async def code_stopped(update: Update, context: Context) -> None:
    """⏹: the code screen stops changing (and is removed)."""
    await code_screens.stop(update, context, "vol.code_stopped")


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
