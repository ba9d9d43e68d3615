"""Keyboards of the Party members' systems."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.register import Role
from bot.config import Language
from handlers.keyboards import button
from handlers.members import callbacks as cb
from handlers.texts import plain
from storage.community.people import PersonRow


def joined_rows(
    language: Language, person: PersonRow, person_id: int = 0
) -> list[list[InlineKeyboardButton]]:
    """🎂 入党日期 for a Party member (of oneself, or of ``person_id``); none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "members.button"), cb.SetJoined(person_id))]]


def clear_joined(language: Language, person_id: int) -> InlineKeyboardMarkup:
    """Under the question, when a date is recorded: 🗑 清除入党日期."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "members.clear_button"), cb.ClearJoined(person_id))]]
    )
