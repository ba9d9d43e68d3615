"""What the lesson handlers read from an update: its chat, a button's callback data,
a lesson number typed after a command."""

from __future__ import annotations

from telegram import Update

from bot import parsing
from handlers.context import Context


def chat_of(update: Update) -> int:
    """The chat of a command or a button."""
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons always have a chat
    return chat.id


def number_arg(context: Context) -> int | None:
    """The one argument as a lesson number, or None."""
    args = context.args or []
    return parsing.item_number(args[0]) if len(args) == 1 else None


def data_of(update: Update) -> str | None:
    """The pressed button's callback data."""
    return update.callback_query.data if update.callback_query else None
