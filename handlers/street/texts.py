"""The street's texts: the communities list and the street view, in the reader's language."""

from __future__ import annotations

from bot.config import Language, Settings
from bot.street.figures import CommunityFigures
from bot.street.overview import StreetOverview, figure_params, period_name
from bot.street.service import CommunityLine
from handlers.texts import plain, t

#: A message of the street view holds whole blocks up to this many characters.
PAGE_LIMIT = 3500


def street_name(settings: Settings, language: Language) -> str:
    """The street's configured name, or "街道"."""
    return settings.street.name_in(language) or plain(language, "street.default_name")


def listing(
    language: Language, street: str, lines: list[CommunityLine], names: dict[int, str]
) -> str:
    """/street: the communities with their people and groups."""
    head = t(language, "street.title", street=street, count=len(lines))
    rows = [
        t(
            language,
            "street.line",
            index=index,
            name=names[line.id],
            people=line.people,
            groups=line.groups,
        )
        for index, line in enumerate(lines, start=1)
    ]
    return "\n".join([head, "", *rows])


def block(language: Language, name: str, figures: CommunityFigures) -> str:
    """One community's block of the street view (HTML, its name escaped)."""
    return t(language, "street.block", name=name, **figure_params(language, figures))


def overview_pages(language: Language, street: str, overview: StreetOverview) -> list[str]:
    """The street view as messages: a heading, then one block per community, as many
    whole blocks to a message as fit."""
    head = t(
        language,
        "street.view_title",
        street=street,
        period=period_name(language, overview.period),
        count=len(overview.blocks),
    )
    pages: list[str] = []
    current = head
    for item in overview.blocks:
        text = block(language, item.name, item.figures)
        if len(current) + 2 + len(text) > PAGE_LIMIT:
            pages.append(current)
            current = text
        else:
            current = f"{current}\n\n{text}"
    pages.append(current)
    return pages
