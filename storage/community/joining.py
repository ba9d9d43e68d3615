"""Joining a community and moving between communities: the requests to move
(``move_requests``), and the two lookups the joining needs across communities.

A request lives in the community asked to take the person in (its ``community_id``):
that community's secretaries list and decide it, scoped as every repository is
(storage/scope.py). The person asks from their own community, ``from_community``:
their open request is found from there.

Street-wide by design, and named so:

- :func:`registering_community`: the community whose registration form a newcomer has
  open. They are registered nowhere yet, so nothing else says whose their private
  messages are until the form is done.
- :func:`former_communities`: the communities a person moved from, for forgetting
  them: their traces stay behind there (storage/privacy.py scrubs those too).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

#: The registration form's flow name (bot/community/registration.py FLOW).
REGISTER_FLOW = "register"


@dataclass(frozen=True)
class MoveRow:
    """A request to move into this community, with who asks."""

    id: int
    community_id: int
    person_id: int
    from_community: int
    state: str  # requested | accepted | refused | withdrawn
    asked_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    display_name: str
    tg_user_id: int
    language: str
    #: What its secretaries call it (搬入申请 #3): counted within the community asked.
    number: int = 0


def _move(row: sqlite3.Row) -> MoveRow:
    return MoveRow(
        id=row["id"],
        community_id=row["community_id"],
        person_id=row["person_id"],
        from_community=row["from_community"],
        state=row["state"],
        asked_at=from_db_time(row["asked_at"]),
        decided_by=row["decided_by"],
        decided_at=from_db_time(row["decided_at"]) if row["decided_at"] else None,
        display_name=row["display_name"],
        tg_user_id=row["tg_user_id"],
        language=row["language"],
        number=int(row["number"]),
    )


# The person named by a request (registered in from_community until it is accepted).
_SELECT = (
    "SELECT m.*, p.display_name, p.tg_user_id, p.language"
    " FROM move_requests m JOIN people p ON p.id = m.person_id"
)


class MoveRequestsRepository:
    """Requests to move between communities."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def ask(self, person_id: int, to_community: int, now: datetime) -> int:
        """The current community's person asks to move to ``to_community``; an open
        request of theirs is withdrawn first (one at a time). Returns the new id; the
        request is numbered next in ``to_community``, whose secretaries decide it."""
        here = community_id()
        await self._conn.execute(
            "UPDATE move_requests SET state = 'withdrawn', decided_at = ?"
            " WHERE person_id = ? AND from_community = ? AND state = 'requested'",
            (to_db_time(now), person_id, here),
        )
        cur = await self._conn.execute(
            "INSERT INTO move_requests (community_id, person_id, from_community, asked_at,"
            f" number) VALUES (?, ?, ?, ?, {next_number('move_requests')})",
            (to_community, person_id, here, to_db_time(now), to_community),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def open_from_here(self, person_id: int) -> MoveRow | None:
        """The person's open request, asked from the current community, or None."""
        async with self._conn.execute(
            f"{_SELECT} WHERE m.person_id = ? AND m.from_community = ? AND m.state = 'requested'",
            (person_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _move(row) if row else None

    async def get(self, request_id: int) -> MoveRow | None:
        """A request to move into the current community, or None."""
        async with self._conn.execute(
            f"{_SELECT} WHERE m.id = ? AND m.community_id = ?", (request_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _move(row) if row else None

    async def open_here(self) -> list[MoveRow]:
        """The requests to move into the current community still to decide, oldest first."""
        async with self._conn.execute(
            f"{_SELECT} WHERE m.community_id = ? AND m.state = 'requested' ORDER BY m.id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_move(row) for row in rows]

    async def decide(self, request_id: int, accept: bool, by: int | None, now: datetime) -> bool:
        """Accept or refuse a request into the current community, once; False if it was
        decided (or withdrawn) before."""
        cur = await self._conn.execute(
            "UPDATE move_requests SET state = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND community_id = ? AND state = 'requested'",
            ("accepted" if accept else "refused", by, to_db_time(now), request_id, community_id()),
        )
        return cur.rowcount == 1

    async def person_record(self, person_id: int) -> dict[str, list[dict[str, object]]]:
        """For /export: their requests from or into this community, and those they
        decided here."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT community_id AS to_community, from_community, state, asked_at, decided_at"
            " FROM move_requests WHERE person_id = ? AND (community_id = ? OR from_community = ?)"
            " ORDER BY id",
            (person_id, cid, cid),
        ) as cur:
            asked = [dict(row) for row in await cur.fetchall()]
        async with self._conn.execute(
            "SELECT id, state, decided_at FROM move_requests"
            " WHERE decided_by = ? AND community_id = ? AND person_id != ? ORDER BY id",
            (person_id, cid, person_id),
        ) as cur:
            decided = [dict(row) for row in await cur.fetchall()]
        return {"move_requests": asked, "moves_decided": decided}


def registering_community(conn: sqlite3.Connection, tg_user_id: int) -> int | None:
    """The community whose registration form this account has open in its private chat,
    or None; synchronously, for ``Database.run_read``. Street-wide by design (see the
    module's docstring)."""
    # The form notes its community in its data (the row's own column is the dialogs
    # repository's to write).
    row = conn.execute(
        "SELECT data, community_id FROM dialogs WHERE chat_id = ? AND user_id = ? AND flow = ?",
        (tg_user_id, tg_user_id, REGISTER_FLOW),
    ).fetchone()
    if row is None:
        return None
    data: Any = json.loads(row[0] or "{}")
    noted = data.get("community") if isinstance(data, dict) else None
    return int(noted) if noted is not None else int(row[1])


async def former_communities(conn: aiosqlite.Connection, person_id: int) -> list[int]:
    """The communities the person moved from (accepted requests). Street-wide by design:
    forgetting them must reach the traces they left there."""
    async with conn.execute(
        "SELECT DISTINCT from_community FROM move_requests"
        " WHERE person_id = ? AND state = 'accepted'",
        (person_id,),
    ) as cur:
        return [int(row[0]) for row in await cur.fetchall()]
