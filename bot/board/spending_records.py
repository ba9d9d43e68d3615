"""Spending on the records (经费公开): the ledger's 经费公开 sheet and the lines of the
board's monthly digest. Read-only views of what bot/board/spending.py keeps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot import spoken
from bot.config import Language
from bot.i18n import translate, translate_count
from bot.spreadsheets import Cell, Sheet
from storage.session import Session


def _yuan_cell(fen: int) -> Decimal:
    return Decimal(fen) / 100


def ledger_sheet(
    language: Language, rows: list[dict[str, Any]], numbers: dict[int, int] | None = None
) -> Sheet:
    """经费公开: project, matter, date, what, amount (元), receipts; after each project's
    items, its total (合计) with the budget. ``numbers``: each matter's # (by id)."""
    known = numbers or {}
    headers = tuple(
        translate(language, f"spending.col.{column}")
        for column in ("project", "matter", "date", "what", "amount", "receipts", "budget")
    )
    table: list[tuple[Cell, ...]] = []
    by_project: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_project.setdefault(int(row["project_id"]), []).append(row)
    for items in by_project.values():
        head = items[0]
        number = known.get(int(head["matter_id"]), head["matter_id"]) if head["matter_id"] else 0
        matter = f"#{number} {head['matter_title']}" if head["matter_id"] else None
        for row in items:
            table.append(
                (
                    row["project"],
                    matter,
                    date.fromisoformat(row["spent_on"]),
                    row["what"],
                    _yuan_cell(int(row["amount_fen"])),
                    int(row["receipts"]),
                    None,
                )
            )
        table.append(
            (
                head["project"],
                matter,
                None,
                translate(language, "spending.col.total"),
                _yuan_cell(sum(int(row["amount_fen"]) for row in items)),
                sum(int(row["receipts"]) for row in items),
                _yuan_cell(int(head["budget_fen"])),
            )
        )
    return Sheet("spending", translate(language, "spending.sheet.title"), headers, tuple(table))


async def digest_lines(
    session: Session, language: Language, since: datetime, until: datetime
) -> list[str]:
    """The month's spending changes for the board's monthly digest: projects opened, items
    recorded (how many, how much, per project), corrected or removed, projects closed."""
    changes = await session.board.spending.changes(since, until)
    opened = [c for c in changes if c["kind"] == "created"]
    added: dict[str, list[int]] = {}
    fixed: dict[str, int] = {}
    closed = [str(c["name"]) for c in changes if c["kind"] == "closed"]
    for c in changes:
        if c["kind"] == "item_added":
            added.setdefault(str(c["name"]), []).append(int(c["detail"].get("amount_fen", 0)))
        elif c["kind"] in ("item_corrected", "item_removed"):
            fixed[str(c["name"])] = fixed.get(str(c["name"]), 0) + 1
    lines = []
    if opened:
        names = [
            translate(
                language,
                "spending.digest.project",
                name=c["name"],
                budget=spoken.yuan(language, int(c["budget_fen"])),
            )
            for c in opened
        ]
        lines.append(
            translate(language, "spending.digest.opened", projects=spoken.names(language, names))
        )
    if added:
        parts = [
            translate_count(
                language,
                "spending.digest.items",
                len(amounts),
                name=name,
                total=spoken.yuan(language, sum(amounts)),
            )
            for name, amounts in added.items()
        ]
        lines.append(
            translate(language, "spending.digest.added", items=spoken.names(language, parts))
        )
    if fixed:
        parts = [
            translate_count(language, "spending.digest.fixed_one", count, name=name)
            for name, count in fixed.items()
        ]
        lines.append(
            translate(language, "spending.digest.fixed", items=spoken.names(language, parts))
        )
    if closed:
        lines.append(
            translate(language, "spending.digest.closed", projects=spoken.names(language, closed))
        )
    return lines
