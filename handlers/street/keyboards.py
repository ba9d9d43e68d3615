"""The street's buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.community.communities import FIRST_COMMUNITY
from bot.config import Language
from bot.street.overview import period_name
from bot.street.period import Period, Span
from bot.street.service import CommunityLine
from handlers.keyboards import button
from handlers.street import callbacks as cb
from handlers.texts import plain


def view_data(period: Period) -> cb.StreetView:
    """The button data showing ``period``."""
    month = period.first.month if period.span is Span.MONTH else 0
    return cb.StreetView(period.span, period.first.year, month)


def listing(
    language: Language, lines: list[CommunityLine], names: dict[int, str], this_month: Period
) -> InlineKeyboardMarkup:
    """➕ 新建社区; per community ✏️ 改名 (not the first: its name is configured) and
    👤 指定书记; 📊 街道总览."""
    rows = [[button(plain(language, "street.button.new"), cb.StreetNew())]]
    for line in lines:
        name = names[line.id]
        row = []
        if line.id != FIRST_COMMUNITY:
            row.append(
                button(plain(language, "street.button.rename", name=name), cb.StreetRename(line.id))
            )
        row.append(
            button(plain(language, "street.button.invite", name=name), cb.StreetInvite(line.id))
        )
        rows.append(row)
    rows.append([button(plain(language, "street.button.view"), view_data(this_month))])
    return InlineKeyboardMarkup(rows)


def invite_answer(language: Language, invite: int) -> InlineKeyboardMarkup:
    """✅ 同意并担任书记 · 不同意."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "street.button.accept"), cb.StreetInviteAnswer(invite, True))],
            [
                button(
                    plain(language, "street.button.decline"), cb.StreetInviteAnswer(invite, False)
                )
            ],
        ]
    )


def view(language: Language, period: Period) -> InlineKeyboardMarkup:
    """◀ the period before · the one after ▶; 📅 按月 / 📅 按年 to switch."""
    before, after = period.previous(), period.following()
    nav = [
        button(
            plain(language, "street.button.previous", period=period_name(language, before)),
            view_data(before),
        ),
        button(
            plain(language, "street.button.next", period=period_name(language, after)),
            view_data(after),
        ),
    ]
    if period.span is Span.MONTH:
        switch = button(
            plain(language, "street.button.year"),
            view_data(Period.containing(Span.YEAR, period.first)),
        )
    else:
        switch = button(
            plain(language, "street.button.month"),
            view_data(Period.containing(Span.MONTH, period.last)),
        )
    return InlineKeyboardMarkup([nav, [switch]])
