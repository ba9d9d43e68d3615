"""The date picker's screens of buttons: days, times, ends, and typing instead."""

from __future__ import annotations

from datetime import date, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Language
from bot.datepicker import MAX_WEEKS, DayChoice, clock_label, day_label, ends_after, length_label
from handlers.datepicker.callbacks import DatePick
from handlers.keyboards import button
from handlers.texts import plain


def day_number(day: date) -> int:
    """A day in button data: 20261202."""
    return day.year * 10000 + day.month * 100 + day.day


def clock_number(at: time) -> int:
    """A time in button data: 1930."""
    return at.hour * 100 + at.minute


def _typing(language: Language, key: str) -> list[InlineKeyboardButton]:
    return [button(plain(language, "picker.type"), DatePick(key, "x"))]


def days(
    language: Language, key: str, choices: list[DayChoice], week: int, *, past: bool = False
) -> InlineKeyboardMarkup:
    """One button per day; "下周 ▶" (or a week earlier / later); ✏️ typing. Looking back
    (``past``): "◀ 往前一周", then "最近几天 ▶" or "再往后一周 ▶" back towards today."""
    rows = [
        [button(day_label(choice, language), DatePick(key, "d", day_number(choice.day)))]
        for choice in choices
    ]
    paging: list[InlineKeyboardButton] = []
    if past:
        if week < MAX_WEEKS:
            paging.append(
                button(plain(language, "picker.earlier_week"), DatePick(key, "w", week + 1))
            )
        if week > 0:
            later = "picker.recent_days" if week == 1 else "picker.later_week"
            paging.append(button(plain(language, later), DatePick(key, "w", week - 1)))
    elif week == 0:
        paging.append(button(plain(language, "picker.next_week"), DatePick(key, "w", 1)))
    else:
        earlier = "picker.first_week" if week == 1 else "picker.earlier_week"
        paging.append(button(plain(language, earlier), DatePick(key, "w", week - 1)))
        if week < MAX_WEEKS:
            paging.append(
                button(plain(language, "picker.later_week"), DatePick(key, "w", week + 1))
            )
    rows.append(paging)
    rows.append(_typing(language, key))
    return InlineKeyboardMarkup(rows)


def times(
    language: Language, key: str, day: date, choices: list[time], week: int
) -> InlineKeyboardMarkup:
    """The usual times, two a row; ◀ 返回 to the days; ✏️ typing."""
    buttons = [
        button(clock_label(at, language), DatePick(key, "t", day_number(day), clock_number(at)))
        for at in choices
    ]
    rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    rows.append([button(plain(language, "picker.back"), DatePick(key, "b", week))])
    rows.append(_typing(language, key))
    return InlineKeyboardMarkup(rows)


def ends(language: Language, key: str, day: date, start: time) -> InlineKeyboardMarkup:
    """Until when: 到晚上9点（2小时）…; ◀ 返回 to the times; ✏️ typing."""
    rows = [
        [
            button(
                plain(
                    language,
                    "picker.end_button",
                    end=clock_label(end, language),
                    length=length_label(minutes, language),
                ),
                DatePick(key, "e", day_number(day), clock_number(start), clock_number(end)),
            )
        ]
        for end, minutes in ends_after(start)
    ]
    rows.append([button(plain(language, "picker.back"), DatePick(key, "d", day_number(day)))])
    rows.append(_typing(language, key))
    return InlineKeyboardMarkup(rows)


def typing_screen(language: Language, key: str) -> InlineKeyboardMarkup:
    """While the secretary types: ◀ 返回 to the buttons."""
    return InlineKeyboardMarkup([[button(plain(language, "picker.back"), DatePick(key, "b", 0))]])
