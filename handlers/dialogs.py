"""Typed answers in a private chat, routed to the guided conversation they answer."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from handlers.access import reply
from handlers.context import Context
from handlers.texts import t

TextAnswer = Callable[[Update, Context, str, str], Coroutine[Any, Any, None]]

#: flow name -> handler(update, context, step, text); filled by register_handlers.
TEXT_ANSWERS: dict[str, TextAnswer] = {}


async def private_text(update: Update, context: Context) -> None:
    """A typed message in a private chat: the answer to the open conversation, if any."""
    message = update.effective_message
    actor = context.require_actor()
    if message is None or message.text is None:
        return
    dialog = await context.services.dialogs.current(message.chat.id, actor.tg_user_id)
    answer = TEXT_ANSWERS.get(dialog.flow) if dialog else None
    if dialog is None or answer is None:
        await reply(update, t(actor.language, "help.unknown_text"))
        return
    await answer(update, context, dialog.step, message.text)
