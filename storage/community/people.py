"""People of the community register and their roles.

Every method works on the current community's rows only (storage/scope.py). One
lookup is street-wide by design, :func:`person_by_telegram_id_street_wide`: a
Telegram account is registered in one community at a time (``people.tg_user_id`` is
globally UNIQUE), so who sent an update is found before anyone knows whose community
the update is; the row's ``community_id`` says which community the person belongs to
(bot/community/register.py treats a person of another community as a visitor).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class PersonRow:
    """One registered person, with the roles they hold."""

    id: int
    tg_user_id: int
    display_name: str
    tg_username: str | None
    language: str
    building: str | None
    grid_id: str | None
    consent_at: datetime
    registered_at: datetime
    reachable: bool
    last_seen_at: datetime
    roles: frozenset[str]
    #: The door (门牌, e.g. "201"): with the building, the person's household.
    door: str | None = None
    #: The day they joined the Party (入党日期), if given (bot/members/birthdays.py).
    party_joined_on: date | None = None
    #: The community they are registered in (one at a time; moving is a request).
    community_id: int = 1


@dataclass(frozen=True)
class PaperResidentRow:
    """A resident without Telegram, entered by a grid worker or a secretary (paper consent)."""

    id: int
    display_name: str
    building: str
    grid_id: str | None
    consent_method: str
    consent_at: datetime
    entered_by: int | None
    entered_at: datetime
    door: str | None = None


@dataclass(frozen=True)
class HomeCount:
    """How many in the register live at a place, the place said only as far as it was
    asked for (:meth:`PeopleRepository.resident_counts`; the rest is None): what an
    electorate's size is counted from (a vote card's refresh counts it every few seconds)."""

    building: str | None
    door: str | None
    grid_id: str | None
    people: int


#: The columns :meth:`PeopleRepository.resident_counts` may group by.
HOME_COLUMNS = ("building", "door", "grid_id")


def _paper(row: sqlite3.Row) -> PaperResidentRow:
    return PaperResidentRow(
        id=row["id"],
        display_name=row["display_name"],
        building=row["building"],
        grid_id=row["grid_id"],
        consent_method=row["consent_method"],
        consent_at=from_db_time(row["consent_at"]),
        entered_by=row["entered_by"],
        entered_at=from_db_time(row["entered_at"]),
        door=row["door"],
    )


_COLUMNS = (
    "p.id, p.tg_user_id, p.display_name, p.tg_username, p.language, p.building, p.grid_id,"
    " p.consent_at, p.registered_at, p.reachable, p.last_seen_at, p.door, p.party_joined_on,"
    " p.community_id,"
    " (SELECT group_concat(role) FROM person_roles r WHERE r.person_id = p.id"
    " AND r.community_id = p.community_id) AS roles"
)


_BY_TELEGRAM_ID_STREET_WIDE = f"SELECT {_COLUMNS} FROM people p WHERE p.tg_user_id = ?"


def person_by_telegram_id_street_wide(
    conn: sqlite3.Connection, tg_user_id: int
) -> PersonRow | None:
    """The person with this Telegram user id in whichever community they are registered,
    synchronously: for ``Database.run_read``, so resolving who sent an update (every
    update) is one hop to the reader's thread.

    Street-wide by design: an account is registered in one community at a time, and the
    sender is resolved before (and to find) the update's community. The caller compares
    ``community_id`` with the current community (a person of another is a visitor).
    """
    row = conn.execute(_BY_TELEGRAM_ID_STREET_WIDE, (tg_user_id,)).fetchone()
    return _person(row) if row else None


def _person(row: sqlite3.Row) -> PersonRow:
    roles = row["roles"]
    return PersonRow(
        id=row["id"],
        tg_user_id=row["tg_user_id"],
        display_name=row["display_name"],
        tg_username=row["tg_username"],
        language=row["language"],
        building=row["building"],
        grid_id=row["grid_id"],
        consent_at=from_db_time(row["consent_at"]),
        registered_at=from_db_time(row["registered_at"]),
        reachable=bool(row["reachable"]),
        last_seen_at=from_db_time(row["last_seen_at"]),
        roles=frozenset(roles.split(",")) if roles else frozenset(),
        door=row["door"],
        party_joined_on=date.fromisoformat(joined) if (joined := row["party_joined_on"]) else None,
        community_id=row["community_id"],
    )


class PeopleRepository:
    """Queries on ``people`` and ``person_roles`` (and the register's small tables:
    residents without Telegram, requests for a proxy, reminders turned off), each scoped
    to the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def by_telegram_id(self, tg_user_id: int) -> PersonRow | None:
        """The person with this Telegram user id registered in this community, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM people p WHERE p.tg_user_id = ? AND p.community_id = ?",
            (tg_user_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _person(row) if row else None

    async def by_id(self, person_id: int) -> PersonRow | None:
        """The person with this register id in this community, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM people p WHERE p.id = ? AND p.community_id = ?",
            (person_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _person(row) if row else None

    async def insert(
        self,
        *,
        tg_user_id: int,
        display_name: str,
        tg_username: str | None,
        language: str,
        building: str | None,
        grid_id: str | None,
        consent_at: datetime,
        now: datetime,
    ) -> int:
        """Register a person in this community; returns their id. The schema refuses a
        second row per Telegram account (in any community)."""
        cur = await self._conn.execute(
            "INSERT INTO people (tg_user_id, display_name, tg_username, language, building,"
            " grid_id, consent_at, registered_at, last_seen_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tg_user_id,
                display_name,
                tg_username,
                language,
                building,
                grid_id,
                to_db_time(consent_at),
                to_db_time(now),
                to_db_time(now),
                community_id(),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def refresh_contact(self, person_id: int, tg_username: str | None, now: datetime) -> None:
        """Keep the Telegram username current and note that the person is reachable."""
        await self._conn.execute(
            "UPDATE people SET tg_username = ?, last_seen_at = ?, reachable = 1"
            " WHERE id = ? AND community_id = ?",
            (tg_username, to_db_time(now), person_id, community_id()),
        )

    async def set_language(self, person_id: int, language: str) -> None:
        """Change the language the person is spoken to in."""
        await self._conn.execute(
            "UPDATE people SET language = ? WHERE id = ? AND community_id = ?",
            (language, person_id, community_id()),
        )

    async def set_grid(self, person_id: int, grid_id: str | None) -> bool:
        """Set the person's grid (one of this community's); False if they are not here."""
        cur = await self._conn.execute(
            "UPDATE people SET grid_id = ? WHERE id = ? AND community_id = ?",
            (grid_id, person_id, community_id()),
        )
        return cur.rowcount > 0

    async def set_home(self, person_id: int, building: str | None, door: str | None) -> None:
        """Set the person's building and door (门牌): their household."""
        await self._conn.execute(
            "UPDATE people SET building = ?, door = ? WHERE id = ? AND community_id = ?",
            (building, door, person_id, community_id()),
        )

    async def set_paper_door(self, resident_id: int, door: str | None) -> bool:
        """Set the door of a resident without Telegram; False if they are gone."""
        cur = await self._conn.execute(
            "UPDATE paper_residents SET door = ? WHERE id = ? AND community_id = ?",
            (door, resident_id, community_id()),
        )
        return cur.rowcount > 0

    async def known_buildings(self) -> list[str]:
        """Every building a resident (registered, or entered on paper) gives."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT p.building FROM people p JOIN person_roles r ON r.person_id = p.id"
            " AND r.role = 'resident' AND r.community_id = p.community_id"
            " WHERE p.building IS NOT NULL AND p.community_id = ?"
            " UNION SELECT building FROM paper_residents WHERE community_id = ?",
            (cid, cid),
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall()]

    async def set_reachable_street_wide(self, tg_user_id: int, reachable: bool) -> bool:
        """Mark whether the bot can message this Telegram account (False after it blocked
        the bot).

        Street-wide by design: reachability is the account's, whichever community it is
        registered in, and the outbox sender that learns it works outside any community
        (a message queued by the old community of a person who moved still tells)."""
        cur = await self._conn.execute(
            "UPDATE people SET reachable = ? WHERE tg_user_id = ? AND reachable != ?",
            (int(reachable), tg_user_id, int(reachable)),
        )
        return cur.rowcount > 0

    async def delete(self, person_id: int) -> bool:
        """Remove a person; their roles go with them, their contributions lose the link."""
        cur = await self._conn.execute(
            "DELETE FROM people WHERE id = ? AND community_id = ?", (person_id, community_id())
        )
        return cur.rowcount > 0

    async def page(self, offset: int, limit: int) -> list[PersonRow]:
        """A page of the register, ordered by name."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM people p WHERE p.community_id = ?"
            " ORDER BY p.display_name, p.id LIMIT ? OFFSET ?",
            (community_id(), limit, offset),
        ) as cur:
            rows = await cur.fetchall()
        return [_person(row) for row in rows]

    async def with_role(self, role: str) -> list[PersonRow]:
        """Everyone who holds ``role``, by name.

        Written from the community's people to their roles: as a join on ``role``, SQLite
        took the index of the role street-wide (every resident of 1,000 communities, 55 ms
        against 1.6 ms for 300,000 people; bench/city.py), and each vote card's refresh
        counts its electorate with it."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM people p WHERE p.community_id = ? AND EXISTS"
            " (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = ?"
            " AND r.community_id = p.community_id) ORDER BY p.display_name, p.id",
            (community_id(), role),
        ) as cur:
            rows = await cur.fetchall()
        return [_person(row) for row in rows]

    async def resident_counts(self, by: Iterable[str]) -> list[HomeCount]:
        """How many residents (registered ones, holding the role, and those without
        Telegram entered on paper) live at each place, the place being ``by`` (some of
        :data:`HOME_COLUMNS`; none: one count of everyone). Counted here, in one query,
        rather than every resident's row sent over: 300 rows per vote card refresh led a
        PostgreSQL street's profile (bench/city.py)."""
        wanted = set(by)
        columns = [column for column in HOME_COLUMNS if column in wanted]
        unknown = wanted - set(HOME_COLUMNS)
        if unknown:
            raise ValueError(f"cannot group homes by {sorted(unknown)}")
        shown = ", ".join(
            column if column in columns else f"NULL AS {column}" for column in HOME_COLUMNS
        )
        grouped = f" GROUP BY {', '.join(columns)}" if columns else ""
        async with self._conn.execute(
            f"SELECT {shown}, count(*) FROM ("
            "SELECT p.building, p.door, p.grid_id FROM people p WHERE p.community_id = ?"
            " AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id"
            " AND r.role = ? AND r.community_id = p.community_id)"
            " UNION ALL SELECT w.building, w.door, w.grid_id FROM paper_residents w"
            f" WHERE w.community_id = ?) AS homes{grouped}",
            (community_id(), "resident", community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [HomeCount(row[0], row[1], row[2], int(row[3])) for row in rows if row[3]]

    async def count(self) -> int:
        """How many people are registered."""
        async with self._conn.execute(
            "SELECT count(*) FROM people WHERE community_id = ?", (community_id(),)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def count_in_grid(self, grid_id: str) -> int:
        """How many registered people are in the grid ``grid_id``."""
        async with self._conn.execute(
            "SELECT count(*) FROM people WHERE community_id = ? AND grid_id = ?",
            (community_id(), grid_id),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def count_by_role(self) -> dict[str, int]:
        """How many people hold each role."""
        async with self._conn.execute(
            "SELECT role, count(*) FROM person_roles WHERE community_id = ? GROUP BY role",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return {str(row[0]): int(row[1]) for row in rows}

    async def grant(self, person_id: int, role: str, granted_by: int | None, now: datetime) -> bool:
        """Give a role (in this community, to a person of it); False if the person already
        had it, or is not of this community."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO person_roles (person_id, role, granted_at, granted_by,"
            " community_id) SELECT id, ?, ?, ?, community_id FROM people"
            " WHERE id = ? AND community_id = ?",
            (role, to_db_time(now), granted_by, person_id, cid),
        )
        return cur.rowcount > 0

    async def grant_all(
        self, person_id: int, roles: Iterable[str], granted_by: int | None, now: datetime
    ) -> None:
        """Give several roles at once (already held ones are kept as they were)."""
        for role in roles:
            await self.grant(person_id, role, granted_by, now)

    async def revoke(self, person_id: int, role: str) -> bool:
        """Take a role away; False if the person did not have it."""
        cur = await self._conn.execute(
            "DELETE FROM person_roles WHERE person_id = ? AND role = ? AND community_id = ?",
            (person_id, role, community_id()),
        )
        return cur.rowcount > 0

    async def role_grants(self, person_id: int) -> list[dict[str, Any]]:
        """The person's roles with when they were granted, for their data export."""
        async with self._conn.execute(
            "SELECT role, granted_at FROM person_roles WHERE person_id = ? AND community_id = ?"
            " ORDER BY role",
            (person_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [{"role": row["role"], "granted_at": row["granted_at"]} for row in rows]

    async def move_here(self, person_id: int, from_community: int) -> bool:
        """Move a person of ``from_community`` into this one (their request accepted):
        their roles but resident go, their grid, building and door are cleared (they
        choose again here). What they did there stays there. False if they are no longer
        registered in ``from_community``."""
        cid = community_id()
        cur = await self._conn.execute(
            "UPDATE people SET community_id = ?, grid_id = NULL, building = NULL, door = NULL"
            " WHERE id = ? AND community_id = ?",
            (cid, person_id, from_community),
        )
        if cur.rowcount == 0:
            return False
        await self._conn.execute(
            "DELETE FROM person_roles WHERE person_id = ? AND role != 'resident'", (person_id,)
        )
        await self._conn.execute(
            "UPDATE person_roles SET community_id = ? WHERE person_id = ?", (cid, person_id)
        )
        return True

    # --- residents without Telegram, and requests for a proxy ------------------------

    async def add_paper_resident(
        self,
        *,
        display_name: str,
        building: str,
        grid_id: str | None,
        entered_by: int,
        now: datetime,
        door: str | None = None,
    ) -> int:
        """Enter a resident without Telegram whose consent is on paper; returns the id."""
        cur = await self._conn.execute(
            "INSERT INTO paper_residents (display_name, building, grid_id, consent_method,"
            " consent_at, entered_by, entered_at, door, community_id)"
            " VALUES (?, ?, ?, 'paper', ?, ?, ?, ?, ?)",
            (
                display_name,
                building,
                grid_id,
                to_db_time(now),
                entered_by,
                to_db_time(now),
                door,
                community_id(),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def paper_resident(self, resident_id: int) -> PaperResidentRow | None:
        """One resident without Telegram, or None."""
        async with self._conn.execute(
            "SELECT * FROM paper_residents WHERE id = ? AND community_id = ?",
            (resident_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _paper(row) if row else None

    async def paper_residents(self) -> list[PaperResidentRow]:
        """Every resident without Telegram, by grid and name."""
        async with self._conn.execute(
            "SELECT * FROM paper_residents WHERE community_id = ?"
            " ORDER BY grid_id, display_name, id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_paper(row) for row in rows]

    async def delete_paper_resident(self, resident_id: int) -> bool:
        """Remove a resident without Telegram (moved away, withdrew consent); their
        ballots stay counted without them."""
        cur = await self._conn.execute(
            "DELETE FROM paper_residents WHERE id = ? AND community_id = ?",
            (resident_id, community_id()),
        )
        return cur.rowcount > 0

    async def set_proxy_request(self, person_id: int, asked: bool, now: datetime) -> bool:
        """Make or withdraw the person's standing request for a proxy; False if unchanged."""
        cid = community_id()
        if asked:
            cur = await self._conn.execute(
                "INSERT OR IGNORE INTO proxy_requests (person_id, requested_at, community_id)"
                " VALUES (?, ?, ?)",
                (person_id, to_db_time(now), cid),
            )
        else:
            cur = await self._conn.execute(
                "DELETE FROM proxy_requests WHERE person_id = ? AND community_id = ?",
                (person_id, cid),
            )
        return cur.rowcount > 0

    async def asked_for_proxy(self, person_id: int) -> bool:
        """Whether the person asked their grid worker to record their ballots."""
        async with self._conn.execute(
            "SELECT 1 FROM proxy_requests WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None

    async def set_reminders(self, person_id: int, kind: str, on: bool, now: datetime) -> bool:
        """Turn the person's reminders of ``kind`` (e.g. "vote") on or off; False if unchanged."""
        cid = community_id()
        if on:
            cur = await self._conn.execute(
                "DELETE FROM reminder_opt_outs WHERE person_id = ? AND kind = ?"
                " AND community_id = ?",
                (person_id, kind, cid),
            )
        else:
            cur = await self._conn.execute(
                "INSERT OR IGNORE INTO reminder_opt_outs (person_id, kind, at, community_id)"
                " VALUES (?, ?, ?, ?)",
                (person_id, kind, to_db_time(now), cid),
            )
        return cur.rowcount > 0

    async def reminders_off(self, kind: str) -> set[int]:
        """The people who turned off reminders of ``kind``."""
        async with self._conn.execute(
            "SELECT person_id FROM reminder_opt_outs WHERE kind = ? AND community_id = ?",
            (kind, community_id()),
        ) as cur:
            return {int(row[0]) for row in await cur.fetchall()}

    async def proxy_requesters(self) -> list[PersonRow]:
        """Every registered resident who asked for a proxy, by name."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM people p JOIN proxy_requests q ON q.person_id = p.id"
            " AND q.community_id = p.community_id"
            " JOIN person_roles r ON r.person_id = p.id AND r.role = 'resident'"
            " AND r.community_id = p.community_id"
            " WHERE p.community_id = ? ORDER BY p.display_name, p.id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_person(row) for row in rows]
