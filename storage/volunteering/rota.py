"""Units and the weekly duty rota of volunteer service (志愿者打卡): members, duties, swaps.

Each community has its own units and its own rota (storage/scope.py): a unit's name and
a duty day are unique within a community (migration 33), not across the street.
"""

from __future__ import annotations

from datetime import datetime

from storage.scope import community_id
from storage.times import to_db_time
from storage.volunteering.rows import DutyRow, Queries, UnitRow


class RotaRepository(Queries):
    """Queries on units, their members, duty days and swaps."""

    async def add_unit(self, name: str, contact_id: int | None, now: datetime) -> int:
        """Register a unit; IntegrityError if the name is taken in the community."""
        cur = await self._conn.execute(
            "INSERT INTO vol_units (name, contact_id, created_at, community_id)"
            " VALUES (?, ?, ?, ?)",
            (name, contact_id, to_db_time(now), community_id()),
        )
        return int(cur.lastrowid or 0)

    async def set_unit_contact(self, unit_id: int, contact_id: int | None) -> None:
        """Name the unit's contact person."""
        await self._conn.execute(
            "UPDATE vol_units SET contact_id = ? WHERE id = ? AND community_id = ?",
            (contact_id, unit_id, community_id()),
        )

    async def units(self) -> list[UnitRow]:
        """Every unit, in registration order."""
        rows = await self._all(
            "SELECT id, name, contact_id, skip_next, last_duty_on FROM vol_units"
            " WHERE community_id = ? ORDER BY id",
            (community_id(),),
        )
        return [UnitRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    async def unit(self, unit_id: int) -> UnitRow | None:
        """One unit, or None."""
        r = await self._one(
            "SELECT id, name, contact_id, skip_next, last_duty_on FROM vol_units"
            " WHERE id = ? AND community_id = ?",
            (unit_id, community_id()),
        )
        return UnitRow(r[0], r[1], r[2], bool(r[3]), r[4]) if r else None

    async def set_member(self, person_id: int, unit_id: int, now: datetime) -> None:
        """The volunteer joins a unit (leaving any other)."""
        await self._conn.execute(
            "INSERT INTO vol_unit_members (person_id, unit_id, joined_at, community_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET"
            " unit_id = excluded.unit_id, joined_at = excluded.joined_at"
            " WHERE vol_unit_members.community_id = excluded.community_id",
            (person_id, unit_id, to_db_time(now), community_id()),
        )

    async def unit_of(self, person_id: int) -> int | None:
        """The unit the volunteer belongs to, or None."""
        row = await self._one(
            "SELECT unit_id FROM vol_unit_members WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        )
        return int(row[0]) if row else None

    async def set_skip(self, unit_id: int, skip: bool) -> None:
        """A unit asks to skip its next turn (or takes the request back)."""
        await self._conn.execute(
            "UPDATE vol_units SET skip_next = ? WHERE id = ? AND community_id = ?",
            (int(skip), unit_id, community_id()),
        )

    async def set_last_duty(self, unit_id: int, day: str) -> None:
        """Note the unit's latest duty day (round robin picks the longest waiting)."""
        await self._conn.execute(
            "UPDATE vol_units SET last_duty_on = ? WHERE id = ? AND community_id = ?",
            (day, unit_id, community_id()),
        )

    async def add_duty(self, day: str, unit_id: int, now: datetime) -> int:
        """Put a unit on a duty day; IntegrityError if the community's day is taken."""
        cur = await self._conn.execute(
            "INSERT INTO duties (day, unit_id, created_at, community_id) VALUES (?, ?, ?, ?)",
            (day, unit_id, to_db_time(now), community_id()),
        )
        return int(cur.lastrowid or 0)

    async def duties_from(self, day: str) -> list[DutyRow]:
        """Duty days from ``day`` on, soonest first."""
        rows = await self._all(
            "SELECT d.id, d.day, d.unit_id, u.name, d.activity_id FROM duties d"
            " JOIN vol_units u ON u.id = d.unit_id AND u.community_id = d.community_id"
            " WHERE d.community_id = ? AND d.day >= ? ORDER BY d.day",
            (community_id(), day),
        )
        return [DutyRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def duty(self, duty_id: int) -> DutyRow | None:
        """One duty day, or None."""
        r = await self._one(
            "SELECT d.id, d.day, d.unit_id, u.name, d.activity_id FROM duties d"
            " JOIN vol_units u ON u.id = d.unit_id AND u.community_id = d.community_id"
            " WHERE d.id = ? AND d.community_id = ?",
            (duty_id, community_id()),
        )
        return DutyRow(r[0], r[1], r[2], r[3], r[4]) if r else None

    async def set_duty_unit(self, duty_id: int, unit_id: int) -> None:
        """Move a duty day to another unit (a swap)."""
        await self._conn.execute(
            "UPDATE duties SET unit_id = ? WHERE id = ? AND community_id = ?",
            (unit_id, duty_id, community_id()),
        )

    async def set_duty_activity(self, duty_id: int, activity_id: int) -> None:
        """Link the duty day to the activity its people check in to."""
        await self._conn.execute(
            "UPDATE duties SET activity_id = ? WHERE id = ? AND community_id = ?",
            (activity_id, duty_id, community_id()),
        )

    async def move_activity_to_unit(
        self, activity_id: int, unit_id: int, organiser_id: int | None, title: str
    ) -> None:
        """A swapped duty's activity now belongs to the other unit (and its contact)."""
        await self._conn.execute(
            "UPDATE activities SET unit_id = ?, organiser_id = ?, title = ?"
            " WHERE id = ? AND community_id = ?",
            (unit_id, organiser_id, title, activity_id, community_id()),
        )

    async def ask_swap(
        self, duty_id: int, unit_id: int, asked_by: int | None, now: datetime
    ) -> int:
        """Record a unit's request that another unit take its planned duty."""
        cur = await self._conn.execute(
            "INSERT INTO duty_swaps (duty_id, unit_id, asked_by, state, asked_at, community_id)"
            " VALUES (?, ?, ?, 'asked', ?, ?)",
            (duty_id, unit_id, asked_by, to_db_time(now), community_id()),
        )
        return int(cur.lastrowid or 0)

    async def swap(self, swap_id: int) -> tuple[int, int, str] | None:
        """A swap request's duty, the unit asked, and its state; or None."""
        r = await self._one(
            "SELECT duty_id, unit_id, state FROM duty_swaps WHERE id = ? AND community_id = ?",
            (swap_id, community_id()),
        )
        return (int(r[0]), int(r[1]), str(r[2])) if r else None

    async def decide_swap(self, swap_id: int, state: str, now: datetime) -> bool:
        """Accept or decline a swap still asked; False if it was decided already."""
        cur = await self._conn.execute(
            "UPDATE duty_swaps SET state = ?, decided_at = ?"
            " WHERE id = ? AND community_id = ? AND state = 'asked'",
            (state, to_db_time(now), swap_id, community_id()),
        )
        return cur.rowcount == 1
