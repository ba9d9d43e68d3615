"""The screen of a rotating check-in code (an activity's /code, a sitting's code from
/attendance): the QR picture with the code in big digits under it, the code spaced and
bold in the caption, replaced by the next one each time the code changes.

One rotating screen per chat (a new one replaces the old); the code's rotation is
bot/codes.py's, its picture bot/code_picture.py's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import JobQueue

from bot.code_picture import code_picture
from bot.codes import spaced
from bot.config import Language
from handlers.access import answer
from handlers.cards import in_this_community
from handlers.context import Context
from handlers.texts import plain

#: The job that replaces a chat's code screen has this name (one per chat).
JOB_PREFIX = "code-screen:"


def job_name(chat_id: int) -> str:
    """The name of the job that keeps this chat's code screen changing."""
    return f"{JOB_PREFIX}{chat_id}"


async def post_code(
    bot: Any,
    chat_id: int,
    *,
    code: str,
    payload: str,
    minutes: int,
    caption: str,
    language: Language,
    keyboard: InlineKeyboardMarkup | None,
) -> Message:
    """Send the QR picture (the code drawn big under it) with ``caption``."""
    link = f"https://t.me/{bot.username}?start={payload}"
    picture = code_picture(link, code, plain(language, "checkin.picture_caption", minutes=minutes))
    message: Message = await bot.send_photo(
        chat_id, picture.png, caption=caption, reply_markup=keyboard
    )
    return message


def code_params(code: str, minutes: int) -> dict[str, object]:
    """The catalog parameters every code screen's caption takes."""
    return {"code": spaced(code), "minutes": minutes, "plain_code": code}


def keep_changing(
    job_queue: JobQueue[Any] | None,
    chat_id: int,
    *,
    now: datetime,
    changes_at: datetime,
    minutes: int,
    until: datetime,
    callback: Callable[[Any], Coroutine[Any, Any, None]],
    data: dict[str, Any],
) -> None:
    """Replace the chat's screen by the next code's each time it changes, until ``until``."""
    if job_queue is None:
        return
    name = job_name(chat_id)
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    # Seconds from now on the service's clock, so the screen changes when its code does.
    first = (changes_at - now).total_seconds() + 0.5
    last = (until - now).total_seconds()
    if last <= first:
        return
    job_queue.run_repeating(
        in_this_community(callback),
        interval=minutes * 60,
        first=first,
        last=last,
        name=name,
        data=data,
    )


async def replace_screen(context: Any, sent: Message) -> None:
    """The job's new screen is sent: the old one goes (unless the person deleted it)."""
    data = context.job.data
    with contextlib.suppress(TelegramError):  # already deleted by the organiser
        await context.bot.delete_message(int(data["chat_id"]), int(data["message_id"]))
    data["message_id"] = sent.message_id


async def stop(update: Update, context: Context, toast_key: str) -> None:
    """⏹: the chat's code screen stops changing (and is removed)."""
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is not None and context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(job_name(chat.id)):
            job.schedule_removal()
    await answer(update, plain(actor.language, toast_key))
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.delete()
