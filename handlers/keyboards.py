"""What every feature's keyboards share: a button from a typed callback, paging, deep links.

Inline keyboards are big buttons with few words; each feature builds its own beside
its handlers (handlers/<feature>/keyboards.py).
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.register import PeoplePage
from bot.config import Language
from handlers import callbacks as cb
from handlers.texts import plain


def button(text: str, data: cb.Callback) -> InlineKeyboardButton:
    """One inline button carrying ``data``."""
    return InlineKeyboardButton(text, callback_data=data.encode())


def open_private_chat(
    language: Language,
    bot_username: str,
    payload: str,
    *,
    label_key: str = "start.open_private_button",
) -> InlineKeyboardMarkup:
    """A button that opens a private chat with the bot (a deep link), named for what it
    does there (registering, by default)."""
    url = f"https://t.me/{bot_username}?start={payload}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(plain(language, label_key), url=url)]])


def paging(
    language: Language, page: PeoplePage, make: Callable[[int], cb.Callback]
) -> list[InlineKeyboardButton]:
    """The ◀ / ▶ buttons of a paged list (none where there is no other page)."""
    nav = []
    if page.page > 0:
        nav.append(button(plain(language, "carry.button.previous"), make(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button(plain(language, "carry.button.next"), make(page.page + 1)))
    return nav
