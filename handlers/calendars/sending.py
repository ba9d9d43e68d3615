"""📅 加到手机日历: the .ics file, sent privately with a one-line caption.

Pressed in a group (a sitting's agenda), the button opens the private chat by a deep
link (``/start ics-s-20261203``) and the file is sent there. Pressed twice, the file is
sent again: harmless, since its UID is the same and the calendar updates its event.
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import Update
from telegram.constants import ChatType

from bot.calendar_files import FORUM_CODES, CalendarFile
from bot.errors import UserFacingError
from handlers.access import answer
from handlers.calendars import callbacks as cb
from handlers.context import Context
from handlers.texts import t

#: The deep-link payload of a sitting's calendar file: ``ics-s-20261203``.
START_PREFIX = "ics-"


def sitting_payload(forum_code: str, day: str) -> str:
    """The /start payload that sends a sitting's calendar file."""
    return f"{START_PREFIX}{forum_code}-{day}"


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        raise UserFacingError("ics.no_sitting") from None


async def _send(update: Update, context: Context, file: CalendarFile) -> None:
    actor = context.require_actor()
    await context.bot.send_document(
        actor.tg_user_id,
        file.data,
        filename=file.filename,
        caption=t(actor.language, "ics.caption"),
    )
    await answer(update)


async def activity_pressed(update: Update, context: Context) -> None:
    """📅 under an activity (/my, its reminder)."""
    data = cb.CalendarActivity.decode(_data(update))
    actor = context.require_actor()
    file = await context.services.calendar_files.activity(actor, data.activity_id)
    await _send(update, context, file)


async def makeup_pressed(update: Update, context: Context) -> None:
    """📅 under a booked make-up slot."""
    data = cb.CalendarMakeup.decode(_data(update))
    actor = context.require_actor()
    file = await context.services.calendar_files.makeup(actor, data.slot_id)
    await _send(update, context, file)


async def sitting_pressed(update: Update, context: Context) -> None:
    """📅 under a sitting's agenda: in a group, open the private chat (a deep link) where
    the file is sent; privately, the file."""
    data = cb.CalendarSitting.decode(_data(update))
    file = await _sitting_file(context, data.forum, data.day)  # refuses a past sitting
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        payload = sitting_payload(data.forum, data.day)
        await answer(update, url=f"https://t.me/{context.bot.username}?start={payload}")
        return
    await _send(update, context, file)


async def _sitting_file(context: Context, forum_code: str, day: str) -> CalendarFile:
    actor = context.require_actor()
    forum = FORUM_CODES.get(forum_code)
    if forum is None:
        raise UserFacingError("ics.no_sitting")
    return await context.services.calendar_files.sitting(actor.language, forum, _day(day))


def is_start(args: list[str] | None) -> bool:
    """Whether /start carries a calendar file's payload."""
    return bool(args) and len(args or []) == 1 and (args or [""])[0].startswith(START_PREFIX)


async def start_payload(update: Update, context: Context) -> None:
    """/start ics-s-20261203 (from a group's 📅 button): the sitting's file, here."""
    payload = (context.args or [""])[0].removeprefix(START_PREFIX)
    forum_code, _, day = payload.partition("-")
    await _send(update, context, await _sitting_file(context, forum_code, day))


def _data(update: Update) -> str | None:
    query = update.callback_query
    return query.data if query is not None else None
