"""Why an event is not on its usual date, as people read it: "（原定10月4日，因国庆节顺延）"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import spoken
from bot.community.calendar import Move
from bot.config import Language
from bot.i18n import parse_language, translate


def spoken_date(day: date, language: Language | str) -> str:
    """A date without its year, as CLDR writes it: 10月4日 / 4 Oct."""
    return spoken.month_day(parse_language(language), day)


def reason(move: Move, language: Language | str) -> str:
    """The day off that moved it: 国庆节 / National Day, 周末, 社区休息日."""
    if move.off.kind == "holiday":
        return move.off.en if parse_language(language) is Language.EN else move.off.zh
    return translate(language, f"calendar.reason.{move.off.kind}")


def move_text(move: Move, held_on: date, language: Language | str) -> str:
    """One move: 原定10月4日，因国庆节顺延 / 10月1日因国庆节休会."""
    if move.skipped:
        key = "calendar.skipped"
    else:
        key = "calendar.moved_earlier" if held_on < move.original else "calendar.moved_later"
    return translate(
        language, key, date=spoken_date(move.original, language), reason=reason(move, language)
    )


def move_note(moves: Sequence[Move], held_on: date, language: Language | str) -> str:
    """The moves in brackets, or "" when nothing moved."""
    if not moves:
        return ""
    notes = translate(language, "calendar.separator").join(
        move_text(move, held_on, language) for move in moves
    )
    return translate(language, "calendar.note", notes=notes)
