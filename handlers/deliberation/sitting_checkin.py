"""Residents check themselves in at a sitting: the secretary's code screen (a button on
/attendance), "签到 123456" privately (handlers/volunteering/checkin.py routes a code
here first), and the QR's link (/start sq_…).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update

from bot.community.forums import forum_name
from bot.config import Language
from bot.deliberation.sitting_checkin import QR_PREFIX, SittingCode
from handlers import code_screens
from handlers.access import reply
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.keyboards import button
from handlers.participation import keyboard as big_buttons
from handlers.texts import plain, t
from storage.deliberation.sittings import SittingRow

#: A secretary's code screen keeps changing at most this long (the sitting's close ends it).
SCREEN_HOURS = 6


def _forum(language: Language, sitting: SittingRow) -> str:
    return forum_name(language, sitting.forum)


async def checked_in(
    update: Update, context: Context, sitting: SittingRow, *, restore: bool
) -> None:
    """The resident is on the sitting's attendance list (with their big buttons back)."""
    actor = context.require_actor()
    text = t(actor.language, "checkin.sitting.checked_in", forum=_forum(actor.language, sitting))
    await reply(update, text, big_buttons.keyboard(actor) if restore else None)


def is_qr_start(args: list[str] | None) -> bool:
    """Whether /start carries a sitting's check-in QR payload."""
    return bool(args) and len(args or []) == 1 and (args or [""])[0].startswith(QR_PREFIX + "_")


async def qr_start(update: Update, context: Context) -> None:
    """/start sq_…: the resident tapped (or scanned) the QR on the secretary's screen."""
    actor = context.require_actor()
    payload = (context.args or [""])[0]
    sitting = await context.services.sittings.checkin.by_qr(actor, payload)
    await checked_in(update, context, sitting, restore=True)


def _keyboard(language: Language, sitting_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "checkin.sitting.stop_button"),
                    cb.AttendanceCodeStop(sitting_id),
                )
            ]
        ]
    )


async def _post(bot: Any, chat_id: int, screen: SittingCode, language: Language) -> Message:
    caption = t(
        language,
        "checkin.sitting.code",
        forum=_forum(language, screen.sitting),
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
        keyboard=_keyboard(language, screen.sitting.id),
    )


async def code_pressed(update: Update, context: Context) -> None:
    """/attendance → 🔢 签到码: the open sitting's code and QR, changing with the code."""
    actor = context.require_actor()
    cb.AttendanceCode.decode(update.callback_query.data if update.callback_query else None)
    service = context.services.sittings.checkin
    screen = await service.code_screen(actor)
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button always comes in a chat
    sent = await _post(context.bot, chat.id, screen, actor.language)
    now = context.services.clock()
    code_screens.keep_changing(
        context.job_queue,
        chat.id,
        now=now,
        changes_at=screen.changes_at,
        minutes=screen.valid_minutes,
        until=now + timedelta(hours=SCREEN_HOURS),
        callback=rotate_code,
        data={
            "chat_id": chat.id,
            "sitting_id": screen.sitting.id,
            "message_id": sent.message_id,
            "language": actor.language.value,
        },
    )


async def rotate_code(context: Any) -> None:
    """Each time the code changes: the secretary's screen is replaced (until the close)."""
    job = context.job
    data = job.data
    screen = await context.bot_data.services.sittings.checkin.next_code(int(data["sitting_id"]))
    if screen is None:
        job.schedule_removal()
        return
    sent = await _post(context.bot, int(data["chat_id"]), screen, Language(data["language"]))
    await code_screens.replace_screen(context, sent)


async def code_stopped(update: Update, context: Context) -> None:
    """⏹ under the sitting's code screen."""
    await code_screens.stop(update, context, "checkin.sitting.code_stopped")
