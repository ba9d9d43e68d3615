"""The community's participation workbook for a year: everyone, the Party members'
sheet for the democratic appraisal (民主评议), the volunteers by hours for the year's
recognition. One row per person, numbers as number cells (hours to two decimals); the
title row above the headers is the shared one (bot/spreadsheets.py :class:`Masthead`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.community.register import Role
from bot.config import Language
from bot.i18n import translate
from bot.participation.record import CommunityTable, PersonRecord
from bot.spreadsheets import Cell, Sheet, hours_cell

Column = tuple[str, Callable[[PersonRecord], Cell]]


def _quiz(record: PersonRecord) -> Cell:
    return record.quiz_percent


def _columns(*names: str) -> tuple[Column, ...]:
    getters: dict[str, Callable[[PersonRecord], Cell]] = {
        "name": lambda r: r.person.display_name,
        "building": lambda r: r.person.building or "",
        "raised": lambda r: r["raised"],
        "supported": lambda r: r["supported"],
        "votes": lambda r: r["votes"],
        "comments": lambda r: r["comments"],
        "ratings": lambda r: r["ratings"],
        "sittings": lambda r: r["sittings"],
        "lessons_received": lambda r: r["lessons_received"],
        "lessons_on_time": lambda r: r["lessons_on_time"],
        "lessons_late": lambda r: r["lessons_late"],
        "lessons_excused": lambda r: r["lessons_excused"],
        "quiz": _quiz,
        "makeups": lambda r: r["makeups"],
        "activities": lambda r: r["activities"],
        "hours": lambda r: hours_cell(r["minutes"]),
        "activities_excused": lambda r: r["activities_excused"],
        "no_shows": lambda r: r["no_shows"],
    }
    return tuple((name, getters[name]) for name in names)


EVERYONE_COLUMNS = _columns(
    "name",
    "building",
    "raised",
    "supported",
    "votes",
    "comments",
    "ratings",
    "sittings",
    "lessons_received",
    "lessons_on_time",
    "lessons_late",
    "lessons_excused",
    "quiz",
    "makeups",
    "activities",
    "hours",
    "activities_excused",
    "no_shows",
)
MEMBERS_COLUMNS = _columns(
    "name",
    "building",
    "lessons_received",
    "lessons_on_time",
    "lessons_late",
    "lessons_excused",
    "quiz",
    "makeups",
    "sittings",
    "raised",
    "supported",
    "votes",
    "comments",
    "activities",
    "hours",
)
VOLUNTEER_COLUMNS = _columns(
    "name", "building", "activities", "hours", "activities_excused", "no_shows"
)


def participation_sheets(table: CommunityTable, language: Language) -> list[Sheet]:
    """The three sheets of the year's workbook (headers in ``language``)."""

    def text(key: str, **params: object) -> str:
        return translate(language, f"participation.sheet.{key}", **params)

    def sheet(key: str, columns: tuple[Column, ...], records: tuple[PersonRecord, ...]) -> Sheet:
        return Sheet(
            key=key,
            title=text(f"{key}.title"),
            headers=tuple(text(f"column.{name}") for name, _ in columns),
            rows=tuple(tuple(get(record) for _, get in columns) for record in records),
        )

    volunteers = sorted(
        table.holding(Role.VOLUNTEER),
        key=lambda r: (-r["minutes"], r.person.display_name, r.person.id),
    )
    return [
        sheet("everyone", EVERYONE_COLUMNS, table.records),
        sheet("members", MEMBERS_COLUMNS, table.holding(Role.PARTY_MEMBER)),
        sheet("volunteers", VOLUNTEER_COLUMNS, tuple(volunteers)),
    ]
