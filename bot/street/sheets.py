"""The street view as a workbook (街道总览2026-11.xlsx): one row per community, then the
street's total; the period's days as date cells, hours as numbers (bot/spreadsheets.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Language
from bot.i18n import translate
from bot.spreadsheets import Cell, Masthead, Sheet, hours_cell, period_text, stamped
from bot.street.figures import CommunityFigures
from bot.street.overview import StreetOverview

#: The columns after the community's name and the period's first and last day.
COLUMNS = (
    "raised",
    "decided",
    "carried_out",
    "overdue",
    "votes",
    "turnout",
    "lessons",
    "studied",
    "missing",
    "hours",
    "no_shows",
)


def _cells(figures: CommunityFigures) -> tuple[Cell, ...]:
    return (
        figures.raised,
        figures.decided,
        figures.carried_out,
        figures.overdue,
        figures.votes,
        figures.turnout,
        figures.lessons,
        figures.studied,
        figures.missing,
        hours_cell(figures.volunteer_minutes),
        figures.no_shows,
    )


def street_sheets(
    language: Language, overview: StreetOverview, *, street: str, made_by: str, tz: ZoneInfo
) -> list[Sheet]:
    """The street view's one sheet, with its title row."""
    period = overview.period
    headers = (
        translate(language, "street.col.community"),
        translate(language, "street.col.first"),
        translate(language, "street.col.last"),
        *(translate(language, f"street.col.{column}") for column in COLUMNS),
    )
    rows = [
        (block.name, period.first, period.last, *_cells(block.figures)) for block in overview.blocks
    ]
    rows.append(
        (
            translate(language, "street.col.total"),
            period.first,
            period.last,
            *_cells(overview.total),
        )
    )
    sheet = Sheet(
        key="street",
        title=translate(language, "street.sheet_title"),
        headers=headers,
        rows=tuple(rows),
    )
    masthead = Masthead(
        community=street,
        period=period_text(language, period.first, period.last),
        made_by=made_by,
        made_at=overview.made_at,
        tz=tz,
        language=language,
    )
    return stamped([sheet], masthead)
