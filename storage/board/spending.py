"""Spending per project (经费公开): projects, their items and receipts, their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class ProjectRow:
    """A project with what has been spent on it (items not removed)."""

    id: int
    name: str
    budget_fen: int
    source: str | None
    matter_id: int | None
    matter_title: str | None
    created_at: datetime
    closed_at: datetime | None
    spent_fen: int
    items: int

    @property
    def over_budget(self) -> bool:
        """Spent more than the budget (allowed, and flagged ⚠️ 超出预算)."""
        return self.spent_fen > self.budget_fen

    @property
    def remaining_fen(self) -> int:
        """The budget less what was spent (negative when over budget)."""
        return self.budget_fen - self.spent_fen


@dataclass(frozen=True)
class ItemRow:
    """One spending item, with how many receipt photos it has."""

    id: int
    project_id: int
    what: str
    amount_fen: int
    spent_on: date
    recorded_at: datetime
    removed_at: datetime | None
    receipts: int


@dataclass(frozen=True)
class HistoryRow:
    """One change of a project."""

    id: int
    project_id: int
    item_id: int | None
    kind: str
    actor_id: int | None
    at: datetime
    detail: dict[str, Any]


# Each query below adds ``p.community_id = ?`` (or ``i.``); the subqueries and the matter
# follow the project's own community, so nothing of another community is ever counted.
_PROJECT = (
    "SELECT p.*, m.title AS matter_title,"
    " coalesce((SELECT sum(i.amount_fen) FROM spending_items i"
    "  WHERE i.project_id = p.id AND i.community_id = p.community_id"
    "  AND i.removed_at IS NULL), 0) AS spent_fen,"
    " (SELECT count(*) FROM spending_items i"
    "  WHERE i.project_id = p.id AND i.community_id = p.community_id"
    "  AND i.removed_at IS NULL) AS items"
    " FROM spending_projects p LEFT JOIN matters m"
    " ON m.id = p.matter_id AND m.community_id = p.community_id"
)
_ITEM = (
    "SELECT i.*, (SELECT count(*) FROM spending_receipts r"
    "  WHERE r.item_id = i.id AND r.community_id = i.community_id) AS receipts"
    " FROM spending_items i"
)


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _project(row: aiosqlite.Row) -> ProjectRow:
    return ProjectRow(
        id=row["id"],
        name=row["name"],
        budget_fen=row["budget_fen"],
        source=row["source"],
        matter_id=row["matter_id"],
        matter_title=row["matter_title"],
        created_at=from_db_time(row["created_at"]),
        closed_at=_time(row["closed_at"]),
        spent_fen=int(row["spent_fen"]),
        items=int(row["items"]),
    )


def _item(row: aiosqlite.Row) -> ItemRow:
    return ItemRow(
        id=row["id"],
        project_id=row["project_id"],
        what=row["what"],
        amount_fen=row["amount_fen"],
        spent_on=date.fromisoformat(row["spent_on"]),
        recorded_at=from_db_time(row["recorded_at"]),
        removed_at=_time(row["removed_at"]),
        receipts=int(row["receipts"]),
    )


def _history(row: aiosqlite.Row) -> HistoryRow:
    return HistoryRow(
        id=row["id"],
        project_id=row["project_id"],
        item_id=row["item_id"],
        kind=row["kind"],
        actor_id=row["actor_id"],
        at=from_db_time(row["at"]),
        detail=json.loads(row["detail"]),
    )


class SpendingRepository:
    """Queries on ``spending_projects``, ``spending_items``, ``spending_receipts`` and
    ``spending_history``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, *args: Any) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # --- projects ---------------------------------------------------------------------

    async def create(
        self,
        name: str,
        budget_fen: int,
        source: str | None,
        matter_id: int | None,
        by: int | None,
        now: datetime,
    ) -> int:
        """A new project; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO spending_projects"
            " (name, budget_fen, source, matter_id, created_by, created_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, budget_fen, source, matter_id, by, to_db_time(now), community_id()),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return cur.lastrowid

    async def project(self, project_id: int) -> ProjectRow | None:
        """One project, or None."""
        rows = await self._rows(
            f"{_PROJECT} WHERE p.id = ? AND p.community_id = ?", project_id, community_id()
        )
        return _project(rows[0]) if rows else None

    async def projects(self) -> list[ProjectRow]:
        """Every project: those still open first, the latest first."""
        rows = await self._rows(
            f"{_PROJECT} WHERE p.community_id = ? ORDER BY p.closed_at IS NOT NULL, p.id DESC",
            community_id(),
        )
        return [_project(row) for row in rows]

    async def of_matter(self, matter_id: int) -> list[ProjectRow]:
        """The projects linked to a matter."""
        rows = await self._rows(
            f"{_PROJECT} WHERE p.matter_id = ? AND p.community_id = ? ORDER BY p.id",
            matter_id,
            community_id(),
        )
        return [_project(row) for row in rows]

    async def close(self, project_id: int, by: int | None, now: datetime) -> bool:
        """结项; False if it was closed already (or is gone)."""
        cur = await self._conn.execute(
            "UPDATE spending_projects SET closed_at = ?, closed_by = ?"
            " WHERE id = ? AND community_id = ? AND closed_at IS NULL",
            (to_db_time(now), by, project_id, community_id()),
        )
        return cur.rowcount > 0

    async def recent_matters(self, limit: int) -> list[tuple[int, str]]:
        """The latest matters a project could be linked to (not withdrawn nor merged)."""
        rows = await self._rows(
            "SELECT id, title FROM matters WHERE stage NOT IN ('withdrawn', 'merged')"
            " AND merged_into IS NULL AND community_id = ? ORDER BY id DESC LIMIT ?",
            community_id(),
            limit,
        )
        return [(int(row["id"]), str(row["title"])) for row in rows]

    # --- items --------------------------------------------------------------------------

    async def add_item(
        self,
        project_id: int,
        what: str,
        amount_fen: int,
        spent_on: date,
        by: int | None,
        now: datetime,
    ) -> int:
        """A new item; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO spending_items"
            " (project_id, what, amount_fen, spent_on, recorded_by, recorded_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                what,
                amount_fen,
                spent_on.isoformat(),
                by,
                to_db_time(now),
                community_id(),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return cur.lastrowid

    async def add_receipt(self, item_id: int, file_id: str) -> None:
        """A receipt's photo of an item."""
        await self._conn.execute(
            "INSERT INTO spending_receipts (item_id, file_id, community_id) VALUES (?, ?, ?)",
            (item_id, file_id, community_id()),
        )

    async def item(self, item_id: int) -> ItemRow | None:
        """One item (removed or not), or None."""
        rows = await self._rows(
            f"{_ITEM} WHERE i.id = ? AND i.community_id = ?", item_id, community_id()
        )
        return _item(rows[0]) if rows else None

    async def items(self, project_id: int) -> list[ItemRow]:
        """A project's items that count (not removed), by day then as recorded."""
        rows = await self._rows(
            f"{_ITEM} WHERE i.project_id = ? AND i.community_id = ? AND i.removed_at IS NULL"
            " ORDER BY i.spent_on, i.id",
            project_id,
            community_id(),
        )
        return [_item(row) for row in rows]

    async def receipts(self, item_id: int) -> list[str]:
        """The file ids of an item's receipts, in the order sent."""
        rows = await self._rows(
            "SELECT file_id FROM spending_receipts WHERE item_id = ? AND community_id = ?"
            " ORDER BY id",
            item_id,
            community_id(),
        )
        return [str(row["file_id"]) for row in rows]

    async def correct(self, item_id: int, what: str, amount_fen: int, spent_on: date) -> bool:
        """Change an item that counts; False if it was removed (or is gone)."""
        cur = await self._conn.execute(
            "UPDATE spending_items SET what = ?, amount_fen = ?, spent_on = ?"
            " WHERE id = ? AND community_id = ? AND removed_at IS NULL",
            (what, amount_fen, spent_on.isoformat(), item_id, community_id()),
        )
        return cur.rowcount > 0

    async def remove(self, item_id: int, now: datetime) -> bool:
        """An item no longer counts (it stays for its history); False if removed already."""
        cur = await self._conn.execute(
            "UPDATE spending_items SET removed_at = ?"
            " WHERE id = ? AND community_id = ? AND removed_at IS NULL",
            (to_db_time(now), item_id, community_id()),
        )
        return cur.rowcount > 0

    # --- history ------------------------------------------------------------------------

    async def record(
        self,
        project_id: int,
        kind: str,
        *,
        item_id: int | None,
        actor_id: int | None,
        now: datetime,
        **detail: Any,
    ) -> HistoryRow:
        """Append a change to the project's history; returns it."""
        cur = await self._conn.execute(
            "INSERT INTO spending_history"
            " (project_id, item_id, kind, actor_id, at, detail, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                item_id,
                kind,
                actor_id,
                to_db_time(now),
                json.dumps(detail, ensure_ascii=False),
                community_id(),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return HistoryRow(cur.lastrowid, project_id, item_id, kind, actor_id, now, detail)

    async def history(self, project_id: int) -> list[HistoryRow]:
        """The project's changes, oldest first."""
        rows = await self._rows(
            "SELECT * FROM spending_history WHERE project_id = ? AND community_id = ? ORDER BY id",
            project_id,
            community_id(),
        )
        return [_history(row) for row in rows]

    async def changes(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """For the monthly digest: each change in [since, until), with its project's name."""
        rows = await self._rows(
            "SELECT h.kind, h.detail, p.id AS project_id, p.name, p.budget_fen"
            " FROM spending_history h JOIN spending_projects p"
            " ON p.id = h.project_id AND p.community_id = h.community_id"
            " WHERE h.at >= ? AND h.at < ? AND h.community_id = ? ORDER BY h.id",
            to_db_time(since),
            to_db_time(until),
            community_id(),
        )
        return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]

    # --- the ledger, /export --------------------------------------------------------------

    async def ledger_items(self, first: date, last: date) -> list[dict[str, Any]]:
        """Items that count dated [first, last], by project: its name and matter, the day,
        what, the amount in fen and how many receipts."""
        rows = await self._rows(
            "SELECT p.id AS project_id, p.name AS project, p.budget_fen, p.matter_id,"
            " m.title AS matter_title, i.spent_on, i.what, i.amount_fen,"
            " (SELECT count(*) FROM spending_receipts r"
            "  WHERE r.item_id = i.id AND r.community_id = i.community_id) AS receipts"
            " FROM spending_items i JOIN spending_projects p"
            " ON p.id = i.project_id AND p.community_id = i.community_id"
            " LEFT JOIN matters m ON m.id = p.matter_id AND m.community_id = p.community_id"
            " WHERE i.removed_at IS NULL AND i.spent_on >= ? AND i.spent_on <= ?"
            " AND i.community_id = ? ORDER BY p.id, i.spent_on, i.id",
            first.isoformat(),
            last.isoformat(),
            community_id(),
        )
        return [dict(row) for row in rows]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the projects the person opened or closed, the items they recorded,
        the changes they made."""

        async def rows(sql: str) -> list[dict[str, Any]]:
            return [dict(row) for row in await self._rows(sql, person_id, community_id())]

        return {
            "projects_opened": await rows(
                "SELECT id, name, budget_fen, created_at FROM spending_projects"
                " WHERE created_by = ? AND community_id = ? ORDER BY id"
            ),
            "projects_closed": await rows(
                "SELECT id, name, closed_at FROM spending_projects"
                " WHERE closed_by = ? AND community_id = ? ORDER BY id"
            ),
            "spending_recorded": await rows(
                "SELECT id, project_id, what, amount_fen, spent_on, recorded_at, removed_at"
                " FROM spending_items WHERE recorded_by = ? AND community_id = ? ORDER BY id"
            ),
            "spending_changes": await rows(
                "SELECT project_id, item_id, kind, at, detail FROM spending_history"
                " WHERE actor_id = ? AND community_id = ? ORDER BY id"
            ),
        }
