"""Typed answers (and photos, files or voice notes) in a private chat, routed to the guided
conversation they answer."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update

from handlers.access import reply
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.participation import keyboard as big_buttons
from handlers.texts import t

TextAnswer = Callable[[Update, Context, str, str], Coroutine[Any, Any, None]]

#: flow name -> handler(update, context, step, text); filled by register_handlers.
TEXT_ANSWERS: dict[str, TextAnswer] = {}

#: A photo, document, audio or video sent as the answer to a step (the message itself).
MediaAnswer = Callable[[Update, Context, str, Message], Coroutine[Any, Any, None]]
#: Flow name -> its media handler; filled by handlers/__init__.py.
MEDIA_ANSWERS: dict[str, MediaAnswer] = {}
#: Flow name -> its voice-note handler (the message itself); filled by handlers/__init__.py.
VOICE_ANSWERS: dict[str, MediaAnswer] = {}


async def private_text(update: Update, context: Context) -> None:
    """A typed message in a private chat: the answer to the open conversation, if any."""
    message = update.effective_message
    actor = context.require_actor()
    if message is None or message.text is None:
        return
    dialog = await context.services.dialogs.current(message.chat.id, actor.tg_user_id)
    answer = TEXT_ANSWERS.get(dialog.flow) if dialog else None
    if dialog is None or answer is None:
        await reply(update, t(actor.language, "help.unknown_text"), lost(actor.language))
        return
    await answer(update, context, dialog.step, message.text)


async def private_media(update: Update, context: Context) -> None:
    """A photo or file in a private chat: the answer to the open conversation, if it takes one."""
    message = update.effective_message
    actor = context.require_actor()
    if message is None:
        return
    dialog = await context.services.dialogs.current(message.chat.id, actor.tg_user_id)
    answer = MEDIA_ANSWERS.get(dialog.flow) if dialog else None
    if dialog is None or answer is None:
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    await answer(update, context, dialog.step, message)


async def private_voice(update: Update, context: Context) -> None:
    """A voice note in a private chat: the answer to a form that takes one (raising a
    matter); otherwise a short reply saying what to do instead, with the big buttons.
    (In a group a voice note is left alone: no handler, no reply.)"""
    message = update.effective_message
    actor = context.require_actor()
    if message is None:
        return
    dialog = await context.services.dialogs.current(message.chat.id, actor.tg_user_id)
    answer = VOICE_ANSWERS.get(dialog.flow) if dialog else None
    if dialog is None or answer is None:
        keyboard = big_buttons.keyboard(actor)
        await reply(update, t(actor.language, "help.voice_elsewhere"), keyboard)
        return
    await answer(update, context, dialog.step, message)
