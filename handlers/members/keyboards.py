"""Keyboards of the Party members' systems."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.register import Role
from bot.config import Language
from handlers.keyboards import button
from handlers.members import callbacks as cb
from handlers.texts import plain
from storage.community.people import PersonRow
from storage.members.commitments import CommitmentRow


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


# --- the commitment system (党员承诺制) -------------------------------------------------

#: The date picker under "到什么时候完成？".
DUE_PICKER_KEY = "cmd"


def commitments_rows(language: Language, person: PersonRow) -> list[list[InlineKeyboardButton]]:
    """🤝 我的承诺 on /me for a Party member; none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "commit.mine_button"), cb.CommitMine())]]


def contact_choice(language: Language) -> InlineKeyboardMarkup:
    """💬 只通过议事亭联系 / 📱 也留电话号码."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "commit.contact_bot_button"), cb.CommitContact("b"))],
            [button(plain(language, "commit.contact_phone_button"), cb.CommitContact("p"))],
        ]
    )


def mine(language: Language, commitments: list[CommitmentRow]) -> InlineKeyboardMarkup:
    """A button per commitment, then ➕ 提出新承诺."""
    rows = [
        [button(plain(language, "commit.item_button", what=c.what[:20]), cb.CommitOpen(c.id))]
        for c in commitments
    ]
    rows.append([button(plain(language, "commit.new_button"), cb.CommitNew())])
    return InlineKeyboardMarkup(rows)


def one(language: Language, commitment: CommitmentRow) -> InlineKeyboardMarkup:
    """📝 汇报进展 and ✅ 已践诺 while it is carried out; ✏️ when returned; ◀ back."""
    rows = []
    if commitment.state == "approved":
        rows.append(
            [button(plain(language, "commit.progress_button"), cb.CommitProgress(commitment.id))]
        )
        rows.append([button(plain(language, "commit.done_button"), cb.CommitDone(commitment.id))])
    elif commitment.state == "returned":
        rows.append([button(plain(language, "commit.edit_button"), cb.CommitEdit(commitment.id))])
    rows.append([button(plain(language, "commit.back_button"), cb.CommitMine())])
    return InlineKeyboardMarkup(rows)
