"""Keyboards of the public board."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.board.service import ResolutionsPage
from bot.config import Language
from handlers.board import callbacks as cb
from handlers.keyboards import button
from handlers.texts import plain
from storage.board.pages import PageRow


def _back(language: Language) -> list[InlineKeyboardButton]:
    return [button(plain(language, "board.back_button"), cb.BoardHome())]


def home(language: Language) -> InlineKeyboardMarkup:
    """The board's sections."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "board.section.committee"), cb.BoardCommittee())],
            [button(plain(language, "board.section.pages"), cb.BoardPages())],
            [button(plain(language, "board.section.resolutions"), cb.BoardResolutions(0))],
            [button(plain(language, "board.section.commitments"), cb.BoardCommitments())],
            [button(plain(language, "spending.section"), cb.SpendingList())],
        ]
    )


def back(
    language: Language, above: list[list[InlineKeyboardButton]] | None = None
) -> InlineKeyboardMarkup:
    """◀ 返回公开栏 (under the screen's own buttons ``above``, if any)."""
    return InlineKeyboardMarkup([*(above or []), _back(language)])


def pages(language: Language, rows: list[PageRow], secretary: bool) -> InlineKeyboardMarkup:
    """A button per page; for a secretary, ➕ 新建一页."""
    keys = [[button(page.title, cb.BoardPage(page.id))] for page in rows]
    if secretary:
        keys.append([button(plain(language, "board.page.new_button"), cb.PageWrite(0))])
    keys.append(_back(language))
    return InlineKeyboardMarkup(keys)


def page(language: Language, page_id: int, secretary: bool) -> InlineKeyboardMarkup:
    """Under a page: back to the list; for a secretary, ✏️ 修改 and 🗑 删除."""
    keys = []
    if secretary:
        keys.append(
            [
                button(plain(language, "board.page.edit_button"), cb.PageWrite(page_id)),
                button(plain(language, "board.page.remove_button"), cb.PageRemove(page_id)),
            ]
        )
    keys.append([button(plain(language, "board.page.list_button"), cb.BoardPages())])
    return InlineKeyboardMarkup(keys)


def remove_sure(language: Language, page_id: int) -> InlineKeyboardMarkup:
    """确定删除 / 返回."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "board.page.remove_sure_button"), cb.PageRemoveSure(page_id))],
            [button(plain(language, "board.page.keep_button"), cb.BoardPage(page_id))],
        ]
    )


def resolutions(language: Language, screen: ResolutionsPage) -> InlineKeyboardMarkup:
    """◀ / ▶ between screens, and back to the board."""
    nav = []
    if screen.page > 0:
        nav.append(
            button(plain(language, "carry.button.previous"), cb.BoardResolutions(screen.page - 1))
        )
    if screen.page + 1 < screen.pages:
        nav.append(
            button(plain(language, "carry.button.next"), cb.BoardResolutions(screen.page + 1))
        )
    keys = [nav] if nav else []
    keys.append(_back(language))
    return InlineKeyboardMarkup(keys)


def follow_row(language: Language, matter_id: int, following: bool) -> list[InlineKeyboardButton]:
    """🔔 关注 / 🔕 取消关注 under a matter's screen."""
    if following:
        return [button(plain(language, "board.unfollow_button"), cb.FollowMatter(matter_id, False))]
    return [button(plain(language, "board.follow_button"), cb.FollowMatter(matter_id, True))]
