"""Texts of the public board, in the reader's language."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot import spoken
from bot.board.service import BODY_MAX, TITLE_MAX, Committee, ResolutionsPage
from bot.config import Language
from bot.members.commitments import contact_text, state_key
from handlers.deliberation.texts import owner_label, stage_name
from handlers.texts import plain, t
from storage.board.pages import PageRow
from storage.members.commitments import CommitmentRow


def _names(language: Language, names: list[str]) -> str:
    return spoken.names(language, names) if names else t(language, "board.nobody")


def home(language: Language, community: str) -> str:
    """The board's first screen."""
    return t(language, "board.home", community=community)


def committee(language: Language, who: Committee) -> str:
    """👥 社区组织: names only."""
    lines = [t(language, "board.committee.title")]
    lines.append(
        t(language, "board.committee.secretaries", names=_names(language, who.secretaries))
    )
    lines.append(t(language, "board.committee.grids"))
    for grid in who.grids:
        lines.append(
            t(
                language,
                "board.committee.grid",
                grid=grid.name,
                names=_names(language, grid.workers),
            )
        )
    if who.other_workers:
        lines.append(
            t(language, "board.committee.other_workers", names=_names(language, who.other_workers))
        )
    if not who.grids and not who.other_workers:
        lines.append(t(language, "board.committee.no_grids"))
    lines.append(
        t(language, "board.committee.supervisors", names=_names(language, who.supervisors))
    )
    return "\n".join(lines)


def pages(language: Language, rows: list[PageRow], secretary: bool) -> str:
    """📋 办事流程: the list's heading."""
    if rows:
        return t(language, "board.pages.title")
    return t(language, "board.pages.none_secretary" if secretary else "board.pages.none")


def page(language: Language, row: PageRow) -> str:
    """One how-to page."""
    return t(language, "board.page.view", title=row.title, body=row.body)


def commitments(language: Language, rows: list[CommitmentRow], today: date) -> str:
    """🤝 党员承诺: the public pledges (通过党务公开栏向群众公开承诺事项、落实时限、联系方式)."""
    if not rows:
        return t(language, "board.commitments.none")
    lines = [t(language, "board.commitments.title", count=len(rows))]
    for row in rows:
        lines.append("")
        lines.append(
            t(
                language,
                "board.commitments.line",
                name=row.member_name,
                what=row.what,
                for_whom=row.for_whom,
                due=spoken.long_day(language, row.due_on),
                state=plain(language, state_key(row, today)),
                contact=contact_text(language, row.phone),
            )
        )
    return "\n".join(lines)


def resolutions(language: Language, screen: ResolutionsPage, tz: ZoneInfo, today: date) -> str:
    """📜 决议公开: each matter decided, with its progress."""
    if not screen.matters:
        return t(language, "board.resolutions.none")
    lines = [t(language, "board.resolutions.title", page=screen.page + 1, pages=screen.pages)]
    for matter in screen.matters:
        lines.append("")
        lines.append(
            t(language, "board.resolutions.matter", number=matter.number, title=matter.title)
        )
        lines.append(t(language, "board.resolutions.text", text=matter.resolution or ""))
        if matter.owner_kind is not None:
            due = (
                spoken.day(language, spoken.local_date(matter.due_at, tz), today)
                if matter.due_at
                else t(language, "board.resolutions.no_due")
            )
            lines.append(
                t(
                    language,
                    "board.resolutions.owner",
                    owner=owner_label(language, matter.owner_kind, matter.owner_name),
                    due=due,
                )
            )
        lines.append(
            t(
                language,
                "board.resolutions.state",
                percent=matter.progress,
                stage=stage_name(language, matter.stage),
            )
        )
    return "\n".join(lines)


def ask_title(language: Language, editing: PageRow | None) -> str:
    """The first question of writing a page."""
    if editing is None:
        return t(language, "board.page.ask_title", most=TITLE_MAX)
    return t(language, "board.page.ask_title_edit", title=editing.title)


def ask_body(language: Language, editing: PageRow | None) -> str:
    """The second question; when editing, the current text to copy from."""
    if editing is None:
        return t(language, "board.page.ask_body", most=BODY_MAX)
    return t(language, "board.page.ask_body_edit", body=editing.body)
