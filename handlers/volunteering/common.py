"""Small helpers the volunteer service's handlers share (志愿者打卡)."""

from __future__ import annotations

from telegram import Update


def chat_id_of(update: Update) -> int:
    """The id of the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons are always in a chat
    return chat.id


def callback_data(update: Update) -> str | None:
    """The pressed button's callback data, if a button was pressed."""
    return update.callback_query.data if update.callback_query else None
