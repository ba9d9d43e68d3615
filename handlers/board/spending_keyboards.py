"""Keyboards of 经费公开 (spending per project)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.board.spending import ProjectView
from bot.config import Language
from handlers.board import callbacks as cb
from handlers.callbacks import Callback
from handlers.deliberation.callbacks import MatterOpen
from handlers.keyboards import button
from handlers.texts import plain
from storage.board.spending import ProjectRow


def _pairs(keys: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [keys[i : i + 2] for i in range(0, len(keys), 2)]


def projects(language: Language, rows: list[ProjectRow], secretary: bool) -> InlineKeyboardMarkup:
    """A button per project; ➕ 新建项目 for a secretary; back to the board."""
    keys = [
        [button(plain(language, "spending.list.button", name=p.name), cb.SpendingProject(p.id))]
        for p in rows
    ]
    if secretary:
        keys.append([button(plain(language, "spending.new_button"), cb.SpendingNew())])
    keys.append([button(plain(language, "board.back_button"), cb.BoardHome())])
    return InlineKeyboardMarkup(keys)


def project_button(language: Language, row: ProjectRow) -> list[InlineKeyboardButton]:
    """💰 a project's spending, under its matter's screen."""
    return [
        button(
            plain(language, "spending.project_button", name=row.name), cb.SpendingProject(row.id)
        )
    ]


def follow_row(language: Language, project_id: int, following: bool) -> list[InlineKeyboardButton]:
    """🔔 关注 / 🔕 取消关注 a project."""
    if following:
        return [
            button(plain(language, "board.unfollow_button"), cb.FollowProject(project_id, False))
        ]
    return [button(plain(language, "board.follow_button"), cb.FollowProject(project_id, True))]


def project(
    language: Language, view: ProjectView, secretary: bool, following: bool
) -> InlineKeyboardMarkup:
    """Under a project: its receipts, its history, 关注, its matter; a secretary's tools."""
    p = view.project
    keys: list[list[InlineKeyboardButton]] = _pairs(
        [
            button(plain(language, "spending.receipts_button", number=n), cb.SpendingReceipts(i.id))
            for n, i in view.shown()
            if i.receipts
        ]
    )
    if secretary and p.closed_at is None:
        keys += _pairs(
            [
                button(plain(language, "spending.fix_button", number=n), cb.SpendingItem(i.id))
                for n, i in view.shown()
            ]
        )
        keys.append(
            [
                button(plain(language, "spending.add_button"), cb.SpendingAddItem(p.id)),
                button(plain(language, "spending.close_button"), cb.SpendingClose(p.id)),
            ]
        )
    keys.append(
        [
            button(plain(language, "spending.history_button"), cb.SpendingHistory(p.id)),
            *follow_row(language, p.id, following),
        ]
    )
    if p.matter_id is not None:
        keys.append(
            [
                button(
                    plain(
                        language, "spending.matter_button", number=view.matter_number or p.matter_id
                    ),
                    MatterOpen(p.matter_id),
                )
            ]
        )
    keys.append([button(plain(language, "spending.list_button"), cb.SpendingList())])
    return InlineKeyboardMarkup(keys)


def back_to(language: Language, project_id: int) -> InlineKeyboardMarkup:
    """◀ 返回项目."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "spending.back_button"), cb.SpendingProject(project_id))]]
    )


def skip_source(language: Language) -> InlineKeyboardMarkup:
    """跳过 (no source of funds)."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "spending.skip_button"), cb.SpendingSkipSource())]]
    )


def matters(language: Language, choices: list[tuple[int, int, str]]) -> InlineKeyboardMarkup:
    """The recent matters (id, number, title), then 跳过 (no matter)."""
    keys = [
        [
            button(
                plain(language, "spending.matter_choice", number=number, title=title),
                cb.SpendingMatter(matter_id),
            )
        ]
        for matter_id, number, title in choices
    ]
    keys.append([button(plain(language, "spending.no_matter_button"), cb.SpendingMatter(0))])
    return InlineKeyboardMarkup(keys)


def receipts_done(language: Language, count: int) -> InlineKeyboardMarkup:
    """✅ 完成 once a photo came; 没有收据 before."""
    key = "spending.done_button" if count else "spending.no_receipt_button"
    return InlineKeyboardMarkup([[button(plain(language, key), cb.SpendingItemDone())]])


def item(language: Language, item_id: int, project_id: int) -> InlineKeyboardMarkup:
    """A secretary's item: change what, how much, the day; remove; back."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "spending.fix_what_button"), cb.SpendingFix(item_id, "what")
                ),
                button(
                    plain(language, "spending.fix_amount_button"), cb.SpendingFix(item_id, "amount")
                ),
                button(
                    plain(language, "spending.fix_date_button"), cb.SpendingFix(item_id, "date")
                ),
            ],
            [button(plain(language, "spending.remove_button"), cb.SpendingRemove(item_id))],
            [button(plain(language, "spending.back_button"), cb.SpendingProject(project_id))],
        ]
    )


def sure(language: Language, yes_key: str, yes: Callback, project_id: int) -> InlineKeyboardMarkup:
    """确定 … / 返回项目."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, yes_key), yes)],
            [button(plain(language, "spending.back_button"), cb.SpendingProject(project_id))],
        ]
    )
