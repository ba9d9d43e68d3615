"""Texts of 经费公开 (spending per project), in the reader's language."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot import spoken
from bot.board.spending import (
    CHANGES_SHOWN,
    MAX_RECEIPTS,
    NAME_MAX,
    SOURCE_MAX,
    WHAT_MAX,
    ItemView,
    ProjectView,
    change_text,
    status,
)
from bot.config import Language
from handlers.texts import t
from storage.board.spending import HistoryRow, ItemRow, ProjectRow


def _money(language: Language, fen: int) -> str:
    return spoken.yuan(language, fen)


def projects(language: Language, rows: list[ProjectRow], secretary: bool) -> str:
    """💰 经费公开: each project's budget, spent and remaining."""
    if not rows:
        return t(language, "spending.list.none_secretary" if secretary else "spending.list.none")
    lines = [t(language, "spending.list.title")]
    for row in rows:
        key = "spending.list.closed" if row.closed_at else "spending.list.project"
        lines.append(t(language, key, name=row.name, status=status(language, row)))
    return "\n".join(lines)


def item_line(language: Language, number: int, item: ItemRow, today: date) -> str:
    """1. 12月3日（周四）购买路灯 2 盏：3,200 元 🧾1."""
    line = t(
        language,
        "spending.item.line",
        number=number,
        day=spoken.day(language, item.spent_on, today),
        what=item.what,
        amount=_money(language, item.amount_fen),
    )
    if item.receipts:
        line += t(language, "spending.item.receipts", count=item.receipts)
    return line


def project(language: Language, view: ProjectView, today: date) -> str:
    """One project: its budget, spent, remaining, source, matter and items."""
    p = view.project
    lines = [t(language, "spending.project.title", name=p.name)]
    if p.closed_at is not None:
        lines.append(t(language, "spending.project.closed"))
    if p.source:
        lines.append(t(language, "spending.project.source", source=p.source))
    if p.matter_id is not None:
        lines.append(
            t(
                language,
                "spending.project.matter",
                number=view.matter_number or p.matter_id,
                title=p.matter_title or "",
            )
        )
    lines.append(t(language, "spending.project.budget", amount=_money(language, p.budget_fen)))
    lines.append(t(language, "spending.project.spent", amount=_money(language, p.spent_fen)))
    if p.over_budget:
        lines.append(
            t(language, "spending.project.over", amount=_money(language, -p.remaining_fen))
        )
    else:
        lines.append(t(language, "spending.project.left", amount=_money(language, p.remaining_fen)))
    lines.append("")
    if not view.items:
        lines.append(t(language, "spending.project.no_items"))
    else:
        lines.append(t(language, "spending.project.items", count=len(view.items)))
        shown = view.shown()
        if len(shown) < len(view.items):
            lines.append(t(language, "spending.project.only_latest", shown=len(shown)))
        lines += [item_line(language, n, item, today) for n, item in shown]
    return "\n".join(lines)


def history(
    language: Language, row: ProjectRow, changes: list[HistoryRow], tz: ZoneInfo, today: date
) -> str:
    """📜 变更记录: every change, oldest first (公开: nothing is changed silently)."""
    lines = [t(language, "spending.history.title", name=row.name)]
    if len(changes) > CHANGES_SHOWN:
        lines.append(t(language, "spending.history.only_latest", shown=CHANGES_SHOWN))
    for change in changes[-CHANGES_SHOWN:]:
        detail = change.detail
        when = spoken.day(language, spoken.local_date(change.at, tz), today)
        params: dict[str, object] = {"day": when}
        if change.kind == "created":
            params["budget"] = _money(language, int(detail.get("budget_fen", 0)))
        elif change.kind in ("item_added", "item_removed"):
            params["what"] = detail.get("what", "")
            params["amount"] = _money(language, int(detail.get("amount_fen", 0)))
        elif change.kind == "item_corrected":
            params["what"] = detail.get("before", {}).get("what", "")
            params["change"] = change_text(language, detail, today)
        elif change.kind == "closed":
            params["spent"] = _money(language, int(detail.get("spent_fen", 0)))
        lines.append(t(language, f"spending.history.{change.kind}", **params))
    return "\n".join(lines)


def item_screen(language: Language, view: ItemView, today: date) -> str:
    """One item, for a secretary: what can be changed."""
    return t(
        language,
        "spending.item.screen",
        name=view.project.name,
        day=spoken.day(language, view.item.spent_on, today),
        what=view.item.what,
        amount=_money(language, view.item.amount_fen),
        receipts=view.item.receipts,
    )


def ask_project(language: Language, step: str) -> str:
    """The question of a step of opening a project."""
    return t(
        language, f"spending.ask.{step}", most={"name": NAME_MAX, "source": SOURCE_MAX}.get(step)
    )


def ask_item(language: Language, step: str, receipts: int = 0) -> str:
    """The question of a step of recording an item."""
    if step == "receipts" and receipts:
        return t(language, "spending.ask.more_receipts", count=receipts, most=MAX_RECEIPTS)
    return t(language, f"spending.ask.item_{step}", most=WHAT_MAX)


def ask_fix(language: Language, view: ItemView, field: str, today: date) -> str:
    """The question of a correction, with the value now."""
    now = {
        "what": view.item.what,
        "amount": _money(language, view.item.amount_fen),
        "date": spoken.day(language, view.item.spent_on, today),
    }[field]
    return t(language, f"spending.ask.fix_{field}", now=now, most=WHAT_MAX)


def matter_line(language: Language, rows: list[ProjectRow]) -> str:
    """Under a matter's screen: what its projects spent."""
    return "\n".join(
        t(language, "spending.matter_line", name=row.name, status=status(language, row))
        for row in rows
    )
