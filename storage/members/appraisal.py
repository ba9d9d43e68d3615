"""The yearly democratic appraisal (民主评议): the year's appraisal, self-assessments,
peer ratings, the branch's grades, and residents' ratings of public pledges."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class AppraisalRow:
    """One year's appraisal: open until ``closed_at`` is set."""

    id: int
    year: int
    opened_at: datetime
    closed_at: datetime | None
    closed_on: date | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class SelfRow:
    """A member's self-assessment: the grade and the few words they typed."""

    person_id: int
    grade: str | None
    text: str | None


@dataclass(frozen=True)
class BranchRow:
    """The branch's grade of a member, and the secretary's note."""

    member_id: int
    grade: str | None
    note: str | None


_APPRAISAL = "SELECT id, year, opened_at, closed_at, closed_on FROM appraisals"


def _appraisal(row: aiosqlite.Row) -> AppraisalRow:
    return AppraisalRow(
        id=row[0],
        year=row[1],
        opened_at=from_db_time(row[2]),
        closed_at=from_db_time(row[3]) if row[3] else None,
        closed_on=date.fromisoformat(row[4]) if row[4] else None,
    )


class AppraisalRepository:
    """Queries on ``appraisals``, ``appraisal_self``, ``appraisal_peer``,
    ``appraisal_branch`` and ``pledge_ratings``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # --- the year's appraisal ---------------------------------------------------------

    async def of_year(self, year: int) -> AppraisalRow | None:
        async with self._conn.execute(
            f"{_APPRAISAL} WHERE year = ? AND community_id = ?", (year, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _appraisal(row) if row else None

    async def by_id(self, appraisal_id: int) -> AppraisalRow | None:
        async with self._conn.execute(
            f"{_APPRAISAL} WHERE id = ? AND community_id = ?", (appraisal_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _appraisal(row) if row else None

    async def open(self, year: int, by: int | None, now: datetime) -> int | None:
        """Open the year's appraisal; None if it was opened already."""
        cur = await self._conn.execute(
            "INSERT INTO appraisals (year, opened_by, opened_at, community_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (community_id, year) DO NOTHING",
            (year, by, to_db_time(now), community_id()),
        )
        return cur.lastrowid if cur.rowcount > 0 else None

    async def close(self, appraisal_id: int, by: int | None, day: date, now: datetime) -> bool:
        """Close it; False if it was closed already."""
        cur = await self._conn.execute(
            "UPDATE appraisals SET closed_by = ?, closed_at = ?, closed_on = ?"
            " WHERE id = ? AND community_id = ? AND closed_at IS NULL",
            (by, to_db_time(now), day.isoformat(), appraisal_id, community_id()),
        )
        return cur.rowcount > 0

    # --- self, peer, branch -----------------------------------------------------------

    async def set_self_grade(
        self, appraisal_id: int, person_id: int, grade: str, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO appraisal_self (appraisal_id, person_id, grade, at, community_id)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (appraisal_id, person_id) DO UPDATE SET grade = excluded.grade,"
            " at = excluded.at",
            (appraisal_id, person_id, grade, to_db_time(now), community_id()),
        )

    async def set_self_text(
        self, appraisal_id: int, person_id: int, text: str, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO appraisal_self (appraisal_id, person_id, text, at, community_id)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (appraisal_id, person_id) DO UPDATE SET text = excluded.text,"
            " at = excluded.at",
            (appraisal_id, person_id, text, to_db_time(now), community_id()),
        )

    async def selves(self, appraisal_id: int) -> dict[int, SelfRow]:
        async with self._conn.execute(
            "SELECT person_id, grade, text FROM appraisal_self"
            " WHERE appraisal_id = ? AND community_id = ?",
            (appraisal_id, community_id()),
        ) as cur:
            return {row[0]: SelfRow(row[0], row[1], row[2]) for row in await cur.fetchall()}

    async def rate_peer(
        self, appraisal_id: int, rater_id: int, member_id: int, grade: str, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO appraisal_peer"
            " (appraisal_id, rater_id, member_id, grade, at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (appraisal_id, rater_id, member_id)"
            " DO UPDATE SET grade = excluded.grade, at = excluded.at",
            (appraisal_id, rater_id, member_id, grade, to_db_time(now), community_id()),
        )

    async def given_by(self, appraisal_id: int, rater_id: int) -> dict[int, str]:
        """The grades a rater gave, by member."""
        async with self._conn.execute(
            "SELECT member_id, grade FROM appraisal_peer"
            " WHERE appraisal_id = ? AND rater_id = ? AND community_id = ?",
            (appraisal_id, rater_id, community_id()),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def peer_counts(self, appraisal_id: int) -> dict[int, Counter[str]]:
        """How many of each grade each member got from the others."""
        counts: dict[int, Counter[str]] = {}
        async with self._conn.execute(
            "SELECT member_id, grade, COUNT(*) FROM appraisal_peer"
            " WHERE appraisal_id = ? AND community_id = ? GROUP BY member_id, grade",
            (appraisal_id, community_id()),
        ) as cur:
            for member_id, grade, count in await cur.fetchall():
                counts.setdefault(member_id, Counter())[grade] = count
        return counts

    async def peer_total(self, appraisal_id: int) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM appraisal_peer WHERE appraisal_id = ? AND community_id = ?",
            (appraisal_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_branch_grade(
        self, appraisal_id: int, member_id: int, grade: str, by: int | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO appraisal_branch"
            " (appraisal_id, member_id, grade, set_by, at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (appraisal_id, member_id)"
            " DO UPDATE SET grade = excluded.grade, set_by = excluded.set_by, at = excluded.at",
            (appraisal_id, member_id, grade, by, to_db_time(now), community_id()),
        )

    async def set_branch_note(
        self, appraisal_id: int, member_id: int, note: str, by: int | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO appraisal_branch"
            " (appraisal_id, member_id, note, set_by, at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (appraisal_id, member_id)"
            " DO UPDATE SET note = excluded.note, set_by = excluded.set_by, at = excluded.at",
            (appraisal_id, member_id, note, by, to_db_time(now), community_id()),
        )

    async def branch(self, appraisal_id: int) -> dict[int, BranchRow]:
        async with self._conn.execute(
            "SELECT member_id, grade, note FROM appraisal_branch"
            " WHERE appraisal_id = ? AND community_id = ?",
            (appraisal_id, community_id()),
        ) as cur:
            return {row[0]: BranchRow(row[0], row[1], row[2]) for row in await cur.fetchall()}

    # --- residents' ratings of public pledges -------------------------------------------

    async def rate_pledge(
        self, commitment_id: int, person_id: int, rating: str, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO pledge_ratings (commitment_id, person_id, rating, at, community_id)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (commitment_id, person_id) DO UPDATE SET rating = excluded.rating,"
            " at = excluded.at",
            (commitment_id, person_id, rating, to_db_time(now), community_id()),
        )

    async def pledge_counts(self, member_ids: list[int], year: int) -> dict[int, Counter[str]]:
        """Residents' ratings of each member's commitments due in ``year``."""
        counts: dict[int, Counter[str]] = {}
        if not member_ids:
            return counts
        marks = ", ".join("?" for _ in member_ids)
        async with self._conn.execute(
            "SELECT c.person_id, r.rating, COUNT(*) FROM pledge_ratings r"
            " JOIN party_commitments c ON c.id = r.commitment_id"
            f" WHERE c.person_id IN ({marks}) AND substr(c.due_on, 1, 4) = ?"
            " AND r.community_id = ? AND c.community_id = ?"
            " GROUP BY c.person_id, r.rating",
            (*member_ids, f"{year:04d}", community_id(), community_id()),
        ) as cur:
            for member_id, rating, count in await cur.fetchall():
                counts.setdefault(member_id, Counter())[rating] = count
        return counts

    async def pledge_total(self, year: int) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM pledge_ratings r JOIN party_commitments c"
            " ON c.id = r.commitment_id WHERE substr(c.due_on, 1, 4) = ?"
            " AND r.community_id = ? AND c.community_id = ?",
            (f"{year:04d}", community_id(), community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def commitment_counts(
        self, member_ids: list[int], year: int, reckoned_on: date
    ) -> dict[int, tuple[int, int, int]]:
        """Per member, their public commitments due in ``year``: (total, kept, overdue:
        still open and due before ``reckoned_on``)."""
        result: dict[int, tuple[int, int, int]] = {}
        if not member_ids:
            return result
        marks = ", ".join("?" for _ in member_ids)
        async with self._conn.execute(
            "SELECT person_id, COUNT(*), SUM(state = 'done'),"
            " SUM(state = 'approved' AND due_on < ?) FROM party_commitments"
            f" WHERE person_id IN ({marks}) AND state IN ('approved', 'done')"
            " AND substr(due_on, 1, 4) = ? AND community_id = ? GROUP BY person_id",
            (reckoned_on.isoformat(), *member_ids, f"{year:04d}", community_id()),
        ) as cur:
            for person_id, total, kept, overdue in await cur.fetchall():
                result[person_id] = (int(total), int(kept or 0), int(overdue or 0))
        return result

    # --- /export ---------------------------------------------------------------------------

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: their self-assessments, the grades they gave members and
        pledges, the branch grades they set (as a secretary), the appraisals they
        opened or closed. (What others said of them is in their table row.)"""

        async def rows(sql: str) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (person_id, community_id())) as cur:
                return [dict(row) for row in await cur.fetchall()]

        # Their row of each closed year's table: what others said, never who.
        about: list[dict[str, Any]] = []
        async with self._conn.execute(
            "SELECT id, year FROM appraisals WHERE closed_at IS NOT NULL AND community_id = ?"
            " ORDER BY year",
            (community_id(),),
        ) as cur:
            closed = [(row[0], row[1]) for row in await cur.fetchall()]
        for appraisal_id, year in closed:
            peer = (await self.peer_counts(appraisal_id)).get(person_id, Counter())
            residents = (await self.pledge_counts([person_id], year)).get(person_id, Counter())
            branch = (await self.branch(appraisal_id)).get(person_id)
            if not peer and not residents and branch is None:
                continue
            about.append(
                {
                    "year": year,
                    "peer_grades": dict(peer),
                    "residents_ratings": dict(residents),
                    "branch_grade": branch.grade if branch else None,
                    "branch_note": branch.note if branch else None,
                }
            )
        return {
            "appraisal_rows": about,
            "appraisal_self": await rows(
                "SELECT a.year, s.grade, s.text, s.at FROM appraisal_self s"
                " JOIN appraisals a ON a.id = s.appraisal_id"
                " WHERE s.person_id = ? AND s.community_id = ? ORDER BY a.year"
            ),
            "appraisal_peer_given": await rows(
                "SELECT a.year, p.display_name AS member, r.grade, r.at FROM appraisal_peer r"
                " JOIN appraisals a ON a.id = r.appraisal_id"
                " JOIN people p ON p.id = r.member_id WHERE r.rater_id = ? AND r.community_id = ?"
                " ORDER BY a.year, r.member_id"
            ),
            "appraisal_branch_given": await rows(
                "SELECT a.year, p.display_name AS member, b.grade, b.note, b.at"
                " FROM appraisal_branch b JOIN appraisals a ON a.id = b.appraisal_id"
                " JOIN people p ON p.id = b.member_id WHERE b.set_by = ? AND b.community_id = ?"
                " ORDER BY a.year, b.member_id"
            ),
            "appraisals_opened_or_closed": await rows(
                "SELECT year, opened_at, closed_at FROM appraisals"
                " WHERE (opened_by = ?1 OR closed_by = ?1) AND community_id = ?2 ORDER BY year"
            ),
            "pledge_ratings_given": await rows(
                "SELECT r.commitment_id, c.what, r.rating, r.at FROM pledge_ratings r"
                " JOIN party_commitments c ON c.id = r.commitment_id"
                " WHERE r.person_id = ? AND r.community_id = ?"
                " ORDER BY r.commitment_id"
            ),
        }
