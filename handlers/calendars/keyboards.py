"""The 📅 加到手机日历 button, put under the messages of the features that offer it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Language
from handlers.calendars import callbacks as cb
from handlers.callbacks import Callback
from handlers.context import Context
from handlers.keyboards import button
from handlers.texts import plain


def calendar_button(language: Language, data: Callback) -> InlineKeyboardButton:
    """📅 加到手机日历, pressing ``data`` (a kind of handlers/calendars/callbacks.py)."""
    return button(plain(language, "ics.button"), data)


def next_session(context: Context, language: Language) -> InlineKeyboardMarkup:
    """📅 the next Thursday pavilion (周四议事亭), named by its day."""
    files = context.services.calendar_files
    day = files.next_sitting("session")
    label = plain(language, "ics.button_next_session", day=files.day_name(language, day))
    return InlineKeyboardMarkup([[button(label, cb.CalendarSitting("s", f"{day:%Y%m%d}"))]])
