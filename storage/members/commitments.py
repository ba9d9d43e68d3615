"""The commitment system (党员承诺制): commitments and their progress reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

_COLUMNS = (
    "c.id, c.person_id, p.display_name, c.what, c.for_whom, c.due_on, c.phone, c.state,"
    " c.return_reason, c.submitted_at, c.decided_by, c.approved_on, c.done_at, c.reminded_at,"
    " c.round, c.number"
)
_FROM = "party_commitments c JOIN people p ON p.id = c.person_id"


@dataclass(frozen=True)
class CommitmentRow:
    """One commitment: the member's words, its state and the decision's traces."""

    id: int
    person_id: int
    member_name: str
    what: str
    for_whom: str
    due_on: date
    phone: str | None
    #: 'pending' (待审核), 'returned' (退回), 'approved' (践诺中) or 'done' (已践诺).
    state: str
    return_reason: str | None
    submitted_at: datetime
    decided_by: int | None
    approved_on: date | None
    done_at: datetime | None
    reminded_at: datetime | None
    #: 1, then one more each time it is resubmitted after being returned.
    round: int
    #: What people call it (党员承诺 #3): counted within the community, unlike ``id``.
    number: int = 0

    @classmethod
    def of(cls, row: aiosqlite.Row) -> CommitmentRow:
        return cls(
            id=row[0],
            person_id=row[1],
            member_name=row[2],
            what=row[3],
            for_whom=row[4],
            due_on=date.fromisoformat(row[5]),
            phone=row[6],
            state=row[7],
            return_reason=row[8],
            submitted_at=from_db_time(row[9]),
            decided_by=row[10],
            approved_on=date.fromisoformat(row[11]) if row[11] else None,
            done_at=from_db_time(row[12]) if row[12] else None,
            reminded_at=from_db_time(row[13]) if row[13] else None,
            round=row[14],
            number=int(row[15]),
        )


@dataclass(frozen=True)
class ProgressRow:
    """A progress report: the member's text and, if sent, a photo (its Telegram file id)."""

    id: int
    text: str
    photo: str | None
    at: datetime


class CommitmentsRepository:
    """Queries on ``party_commitments`` and ``commitment_progress``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, *args: Any) -> list[CommitmentRow]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE c.community_id = ? AND ({where})"
            " ORDER BY c.due_on, c.id",
            (community_id(), *args),
        ) as cur:
            return [CommitmentRow.of(row) for row in await cur.fetchall()]

    async def by_id(self, commitment_id: int) -> CommitmentRow | None:
        rows = await self._many("c.id = ?", commitment_id)
        return rows[0] if rows else None

    async def of_person(self, person_id: int) -> list[CommitmentRow]:
        """A member's commitments, by deadline."""
        return await self._many("c.person_id = ?", person_id)

    async def every(self) -> list[CommitmentRow]:
        """Every commitment, by deadline (the secretary's review)."""
        return await self._many("1 = 1")

    async def in_state(self, *states: str) -> list[CommitmentRow]:
        marks = ", ".join("?" for _ in states)
        return await self._many(f"c.state IN ({marks})", *states)

    async def submit(
        self,
        commitment_id: int | None,
        person_id: int,
        what: str,
        for_whom: str,
        due_on: date,
        phone: str | None,
        now: datetime,
    ) -> int | None:
        """A new commitment, or a returned one resubmitted (edited): waiting for review.
        None if the returned one is not the member's or not returned any more."""
        if commitment_id is None:
            cid = community_id()
            cur = await self._conn.execute(
                "INSERT INTO party_commitments (person_id, what, for_whom, due_on, phone,"
                " phones_given, submitted_at, community_id, number) VALUES"
                " (?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN '[]' ELSE json_array(?) END, ?, ?,"
                f" {next_number('party_commitments')})",
                (
                    person_id,
                    what,
                    for_whom,
                    due_on.isoformat(),
                    phone,
                    phone,
                    phone,
                    to_db_time(now),
                    cid,
                    cid,
                ),
            )
            return cur.lastrowid
        cur = await self._conn.execute(
            "UPDATE party_commitments SET what = ?, for_whom = ?, due_on = ?, phone = ?,"
            " state = 'pending', submitted_at = ?, round = round + 1,"
            " decided_by = NULL, decided_at = NULL,"
            " phones_given = CASE WHEN ? IS NULL THEN phones_given"
            " ELSE json_insert(phones_given, '$[#]', ?) END"
            " WHERE id = ? AND person_id = ? AND community_id = ? AND state = 'returned'",
            (
                what,
                for_whom,
                due_on.isoformat(),
                phone,
                to_db_time(now),
                phone,
                phone,
                commitment_id,
                person_id,
                community_id(),
            ),
        )
        return commitment_id if cur.rowcount > 0 else None

    async def approve(self, commitment_id: int, by: int | None, day: date, now: datetime) -> bool:
        """Pending → approved (践诺中); False if decided already."""
        cur = await self._conn.execute(
            "UPDATE party_commitments SET state = 'approved', decided_by = ?, decided_at = ?,"
            " approved_on = ?, return_reason = NULL"
            " WHERE id = ? AND community_id = ? AND state = 'pending'",
            (by, to_db_time(now), day.isoformat(), commitment_id, community_id()),
        )
        return cur.rowcount > 0

    async def give_back(
        self, commitment_id: int, by: int | None, reason: str, now: datetime
    ) -> bool:
        """Pending → returned, with the reason; False if decided already."""
        cur = await self._conn.execute(
            "UPDATE party_commitments SET state = 'returned', decided_by = ?, decided_at = ?,"
            " return_reason = ? WHERE id = ? AND community_id = ? AND state = 'pending'",
            (by, to_db_time(now), reason, commitment_id, community_id()),
        )
        return cur.rowcount > 0

    async def finish(self, commitment_id: int, person_id: int, now: datetime) -> bool:
        """Approved → done (已践诺), by its member; False otherwise."""
        cur = await self._conn.execute(
            "UPDATE party_commitments SET state = 'done', done_at = ?"
            " WHERE id = ? AND person_id = ? AND community_id = ? AND state = 'approved'",
            (to_db_time(now), commitment_id, person_id, community_id()),
        )
        return cur.rowcount > 0

    async def mark_reminded(self, commitment_id: int, now: datetime) -> bool:
        """Note the reminder; False if it was sent already (once each)."""
        cur = await self._conn.execute(
            "UPDATE party_commitments SET reminded_at = ?"
            " WHERE id = ? AND community_id = ? AND reminded_at IS NULL",
            (to_db_time(now), commitment_id, community_id()),
        )
        return cur.rowcount > 0

    async def add_progress(
        self, commitment_id: int, person_id: int, text: str, photo: str | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO commitment_progress"
            " (commitment_id, person_id, text, photo, at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (commitment_id, person_id, text, photo, to_db_time(now), community_id()),
        )

    async def progress(self, commitment_id: int) -> list[ProgressRow]:
        async with self._conn.execute(
            "SELECT id, text, photo, at FROM commitment_progress"
            " WHERE commitment_id = ? AND community_id = ? ORDER BY at, id",
            (commitment_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [ProgressRow(row[0], row[1], row[2], from_db_time(row[3])) for row in rows]

    async def phones_given(self, person_id: int) -> list[str]:
        """Every phone number the person gave on a commitment (for /forget's scrub)."""
        async with self._conn.execute(
            "SELECT DISTINCT j.value FROM party_commitments c, json_each(c.phones_given) j"
            " WHERE c.person_id = ? AND c.community_id = ?",
            (person_id, community_id()),
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall() if row[0]]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the member's commitments with their progress, and the decisions
        they made on others' (as a secretary)."""
        async with self._conn.execute(
            "SELECT id, what, for_whom, due_on, phone, phones_given, state, return_reason,"
            " submitted_at, decided_at, approved_on, done_at, reminded_at FROM party_commitments"
            " WHERE person_id = ? AND community_id = ? ORDER BY id",
            (person_id, community_id()),
        ) as cur:
            commitments = [dict(row) for row in await cur.fetchall()]
        for commitment in commitments:
            commitment["phones_given"] = json.loads(commitment["phones_given"])
            async with self._conn.execute(
                "SELECT text, photo, at FROM commitment_progress"
                " WHERE commitment_id = ? AND person_id = ? AND community_id = ? ORDER BY at, id",
                (commitment["id"], person_id, community_id()),
            ) as cur:
                commitment["progress"] = [dict(row) for row in await cur.fetchall()]
        async with self._conn.execute(
            "SELECT id, state, decided_at FROM party_commitments"
            " WHERE decided_by = ? AND community_id = ? ORDER BY id",
            (person_id, community_id()),
        ) as cur:
            decided = [dict(row) for row in await cur.fetchall()]
        return {"commitments": commitments, "commitments_decided": decided}
