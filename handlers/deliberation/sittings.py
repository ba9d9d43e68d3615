"""Minutes of sittings: /minutes [DATE] for everyone registered, /minutes_note for secretaries."""

from __future__ import annotations

from telegram import Update

from bot.community.register import Role
from bot.deliberation.sittings import parse_day
from handlers.access import reply
from handlers.context import Context
from handlers.deliberation.minutes import send_minutes
from handlers.texts import t


async def minutes(update: Update, context: Context) -> None:
    """/minutes [DATE]: the minutes of the sittings on that day (default: the latest one)."""
    actor = context.require_actor()
    service = context.services.sittings
    args = context.args or []
    if len(args) > 1:
        await reply(update, t(actor.language, "sittings.usage"))
        return
    day = parse_day(args[0], service.today()) if args else None
    found = await service.minutes_on(day)
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    # The text, the Word document; a secretary in private chat the panel to complete them.
    await send_minutes(update, context, found, panel=private and actor.has(Role.SECRETARY))


async def minutes_note(update: Update, context: Context) -> None:
    """/minutes_note DATE TEXT: a secretary's notes on that day's minutes (replacing any)."""
    actor = context.require_actor()
    service = context.services.sittings
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=2) if message else []
    if len(parts) < 3:
        await reply(update, t(actor.language, "sittings.notes_usage"))
        return
    day = parse_day(parts[1], service.today())
    await service.add_notes(actor, day, parts[2])
    await reply(update, t(actor.language, "sittings.notes_saved"))
