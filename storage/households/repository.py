"""Households (党员联户): what belongs to a household, lead households, visits.

A household is (building, door) of the register: :meth:`HouseholdsRepository.homes`
reads the pairs from ``people`` and ``paper_residents``; ``households`` holds a row per
household once it is listed (its flags, its contact member), and the households added
by hand that the register does not have.

Every method works in the current community (:func:`storage.scope.community_id`): a
household's key is unique within its community only, and an id of another community's
household, lead or visit finds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time

_COLUMNS = (
    "h.id, h.key, h.building, h.door, h.added, h.grid_id, h.note, h.flags, h.contact_id,"
    " c.display_name, h.created_at,"
    " (SELECT max(v.visited_on) FROM household_visits v"
    " WHERE v.household_id = h.id AND v.community_id = h.community_id)"
)
_FROM = "households h LEFT JOIN people c ON c.id = h.contact_id"


@dataclass(frozen=True)
class HouseholdRow:
    """One household's own record."""

    id: int
    key: str
    building: str
    door: str
    #: Added by hand (not from the register).
    added: bool
    grid_id: str | None
    note: str | None
    flags: tuple[str, ...]
    contact_id: int | None
    contact_name: str | None
    created_at: datetime
    last_visit: date | None

    @classmethod
    def of(cls, row: aiosqlite.Row) -> HouseholdRow:
        return cls(
            id=row[0],
            key=row[1],
            building=row[2],
            door=row[3],
            added=bool(row[4]),
            grid_id=row[5],
            note=row[6],
            flags=tuple(json.loads(row[7])),
            contact_id=row[8],
            contact_name=row[9],
            created_at=from_db_time(row[10]),
            last_visit=date.fromisoformat(row[11]) if row[11] else None,
        )


@dataclass(frozen=True)
class Resident:
    """Someone of the register living at a (building, door): a person or a paper entry."""

    building: str
    door: str
    grid_id: str | None
    name: str
    #: The person's register id (None for a resident entered on paper).
    person_id: int | None


@dataclass(frozen=True)
class VisitRow:
    """A visit (入户走访): who, which day, the note."""

    id: int
    household_id: int
    person_id: int | None
    member_name: str | None
    visited_on: date
    note: str
    logged_at: datetime


class HouseholdsRepository:
    """Queries on ``households``, ``household_leads``, ``lead_members``, ``household_visits``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # --- households --------------------------------------------------------------------

    async def residents(self) -> list[Resident]:
        """Everyone of the register with a building and a door, by building and door."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT building, door, grid_id, display_name, id FROM people"
            " WHERE community_id = ? AND building IS NOT NULL AND door IS NOT NULL"
            " UNION ALL SELECT building, door, grid_id, display_name, NULL FROM paper_residents"
            " WHERE community_id = ? AND door IS NOT NULL ORDER BY 1, 2, 4",
            (cid, cid),
        ) as cur:
            return [Resident(r[0], r[1], r[2], r[3], r[4]) for r in await cur.fetchall()]

    async def ensure(self, key: str, building: str, door: str, now: datetime) -> None:
        """The household's row, made if it has none yet (a household of the register)."""
        await self._conn.execute(
            "INSERT INTO households (community_id, key, building, door, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, key) DO NOTHING",
            (community_id(), key, building, door, to_db_time(now)),
        )

    async def add(
        self,
        key: str,
        building: str,
        door: str,
        grid_id: str | None,
        note: str | None,
        now: datetime,
    ) -> int | None:
        """A household added by hand; None if one with that building and door exists."""
        cur = await self._conn.execute(
            "INSERT INTO households"
            " (community_id, key, building, door, added, grid_id, note, created_at)"
            " VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (community_id, key) DO NOTHING",
            (community_id(), key, building, door, grid_id, note, to_db_time(now)),
        )
        return cur.lastrowid if cur.rowcount > 0 else None

    async def _many(self, where: str, *args: Any) -> list[HouseholdRow]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE h.community_id = ? AND ({where})"
            " ORDER BY h.building, h.door, h.id",
            (community_id(), *args),
        ) as cur:
            return [HouseholdRow.of(row) for row in await cur.fetchall()]

    async def every(self) -> list[HouseholdRow]:
        return await self._many("1 = 1")

    async def by_id(self, household_id: int) -> HouseholdRow | None:
        rows = await self._many("h.id = ?", household_id)
        return rows[0] if rows else None

    async def by_key(self, key: str) -> HouseholdRow | None:
        rows = await self._many("h.key = ?", key)
        return rows[0] if rows else None

    async def of_contact(self, person_id: int) -> list[HouseholdRow]:
        """The households a member looks after."""
        return await self._many("h.contact_id = ?", person_id)

    async def set_flags(self, household_id: int, flags: list[str]) -> None:
        await self._conn.execute(
            "UPDATE households SET flags = ? WHERE id = ? AND community_id = ?",
            (json.dumps(flags), household_id, community_id()),
        )

    async def set_contact(self, household_id: int, person_id: int | None) -> None:
        await self._conn.execute(
            "UPDATE households SET contact_id = ? WHERE id = ? AND community_id = ?",
            (person_id, household_id, community_id()),
        )

    async def contact_counts(self) -> dict[int, int]:
        """How many households each member looks after."""
        async with self._conn.execute(
            "SELECT contact_id, count(*) FROM households"
            " WHERE community_id = ? AND contact_id IS NOT NULL GROUP BY contact_id",
            (community_id(),),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def delete(self, household_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM households WHERE id = ? AND community_id = ?",
            (household_id, community_id()),
        )

    # --- lead households (党员中心户) ----------------------------------------------------

    async def leads(self) -> list[int]:
        """The Party members marked as lead households, by when they were marked."""
        async with self._conn.execute(
            "SELECT person_id FROM household_leads WHERE community_id = ?"
            " ORDER BY marked_at, person_id",
            (community_id(),),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def mark_lead(self, person_id: int, now: datetime) -> bool:
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO household_leads (community_id, person_id, marked_at) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id) DO NOTHING",
            (cid, person_id, to_db_time(now)),
        )
        if cur.rowcount > 0:
            # A lead is not one of another lead's members.
            await self._conn.execute(
                "DELETE FROM lead_members WHERE member_id = ? AND community_id = ?",
                (person_id, cid),
            )
        return cur.rowcount > 0

    async def unmark_lead(self, person_id: int) -> bool:
        cur = await self._conn.execute(
            "DELETE FROM household_leads WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        )
        return cur.rowcount > 0

    async def lead_of_members(self) -> dict[int, int]:
        """member id -> their lead's id."""
        async with self._conn.execute(
            "SELECT member_id, lead_id FROM lead_members WHERE community_id = ?",
            (community_id(),),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def link_member(self, lead_id: int, member_id: int, now: datetime) -> None:
        """The member is looked after by ``lead_id`` (moved from another lead if any)."""
        await self._conn.execute(
            "INSERT INTO lead_members (community_id, member_id, lead_id, linked_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET"
            " lead_id = excluded.lead_id, linked_at = excluded.linked_at"
            " WHERE lead_members.community_id = excluded.community_id",
            (community_id(), member_id, lead_id, to_db_time(now)),
        )

    async def unlink_member(self, lead_id: int, member_id: int) -> bool:
        cur = await self._conn.execute(
            "DELETE FROM lead_members WHERE member_id = ? AND lead_id = ? AND community_id = ?",
            (member_id, lead_id, community_id()),
        )
        return cur.rowcount > 0

    # --- visits (入户走访) ---------------------------------------------------------------

    async def add_visit(
        self, household_id: int, person_id: int, day: date, note: str, now: datetime
    ) -> int:
        cur = await self._conn.execute(
            "INSERT INTO household_visits"
            " (community_id, household_id, person_id, visited_on, note, logged_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (community_id(), household_id, person_id, day.isoformat(), note, to_db_time(now)),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has one
        return cur.lastrowid

    async def _visits(self, where: str, *args: Any) -> list[VisitRow]:
        async with self._conn.execute(
            "SELECT v.id, v.household_id, v.person_id, p.display_name, v.visited_on, v.note,"
            " v.logged_at FROM household_visits v LEFT JOIN people p ON p.id = v.person_id"
            f" WHERE v.community_id = ? AND ({where}) ORDER BY v.visited_on DESC, v.id DESC",
            (community_id(), *args),
        ) as cur:
            rows = await cur.fetchall()
        return [
            VisitRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), r[5], from_db_time(r[6]))
            for r in rows
        ]

    async def visits_of(self, household_id: int) -> list[VisitRow]:
        """A household's visits, the latest first."""
        return await self._visits("v.household_id = ?", household_id)

    async def visits_between(self, first: date, last: date) -> list[VisitRow]:
        """Every visit made on a day of [first, last], the latest first."""
        return await self._visits(
            "v.visited_on BETWEEN ? AND ?", first.isoformat(), last.isoformat()
        )

    async def visit_counts(self, people_ids: list[int], first: date, last: date) -> dict[int, int]:
        """How many visits each of ``people_ids`` made on the days of [first, last]."""
        if not people_ids:
            return {}
        marks = ", ".join("?" for _ in people_ids)
        async with self._conn.execute(
            "SELECT person_id, count(*) FROM household_visits WHERE community_id = ?"
            f" AND person_id IN ({marks}) AND visited_on BETWEEN ? AND ? GROUP BY person_id",
            (community_id(), *people_ids, first.isoformat(), last.isoformat()),
        ) as cur:
            counts = {row[0]: row[1] for row in await cur.fetchall()}
        return {person_id: counts.get(person_id, 0) for person_id in people_ids}

    # --- a person's data ---------------------------------------------------------------

    async def person_record(self, person_id: int, key: str | None) -> dict[str, Any]:
        """For /export: their household (``key``) with its flags; the households they look
        after; whether they are a lead household and whose member; the visits they logged."""
        cid = community_id()
        household = await self.by_key(key) if key else None
        looked_after = await self.of_contact(person_id)
        async with self._conn.execute(
            "SELECT marked_at FROM household_leads WHERE person_id = ? AND community_id = ?",
            (person_id, cid),
        ) as cur:
            lead = await cur.fetchone()
        async with self._conn.execute(
            "SELECT p.display_name, m.linked_at FROM lead_members m"
            " LEFT JOIN people p ON p.id = m.lead_id WHERE m.member_id = ? AND m.community_id = ?",
            (person_id, cid),
        ) as cur:
            under = await cur.fetchone()
        visits = await self._visits("v.person_id = ?", person_id)
        homes = {h.id: h for h in looked_after}
        for visit in visits:
            if visit.household_id not in homes:
                found = await self.by_id(visit.household_id)
                if found is not None:
                    homes[found.id] = found
        return {
            "household": (
                {
                    "building": household.building,
                    "door": household.door,
                    "flags": list(household.flags),
                    "contact_member": household.contact_name,
                }
                if household
                else None
            ),
            "looked_after": [
                {"building": h.building, "door": h.door, "flags": list(h.flags)}
                for h in looked_after
            ],
            "lead_household_since": lead[0] if lead else None,
            "lead_household": (
                {"lead": under[0], "linked_at": under[1]} if under is not None else None
            ),
            "visits": [
                {
                    "building": homes[v.household_id].building if v.household_id in homes else None,
                    "door": homes[v.household_id].door if v.household_id in homes else None,
                    "visited_on": v.visited_on.isoformat(),
                    "note": v.note,
                    "logged_at": to_db_time(v.logged_at),
                }
                for v in visits
            ],
        }

    async def forget_visit_notes(self, person_id: int) -> None:
        """/forget: the notes of their visits go (the day stays on the household, nameless
        once the person is deleted)."""
        await self._conn.execute(
            "UPDATE household_visits SET note = '' WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        )
