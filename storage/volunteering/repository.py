"""Volunteer service (志愿者打卡): activities, sign-ups, check-ins, hour reviews, units, rota.

One check-in per person per activity is the ``checkins`` table's UNIQUE
constraint. A location check-in keeps only the distance, never a
coordinate. The check-in and check-out statements are shared, as module
constants, between the async repository and :class:`CheckinDesk`, the
synchronous form used for the hot path (``Database.run_unit``).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import aiosqlite

from storage.times import from_db_time, to_db_time
from storage.volunteering.desk import CHECK_OUT_SQL, INSERT_CHECKIN_SQL
from storage.volunteering.rows import (
    ACTIVITY_COLUMNS,
    CHECKIN_COLUMNS,
    ActivityRow,
    ChangeRow,
    CheckinRow,
    DutyRow,
    HoursRow,
    SignupRow,
    UnitRow,
    activity_row,
    checkin_row,
    signup_row,
)


class VolunteeringRepository:
    """Queries on activities, sign-ups, check-ins, their changes, units and the rota."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            row: sqlite3.Row | None = await cur.fetchone()
            return row

    # --- activities -----------------------------------------------------------------

    async def create_activity(
        self,
        *,
        series_id: int | None,
        title: str,
        description: str,
        place: str,
        latitude: float | None,
        longitude: float | None,
        radius_m: int,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        by_location: bool,
        by_code: bool,
        audience: str,
        unit_id: int | None,
        code_secret: str,
        organiser_id: int | None,
        now: datetime,
    ) -> int:
        """Add one occurrence of an activity; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO activities (series_id, title, description, place, latitude, longitude,"
            " radius_m, starts_at, ends_at, capacity, by_location, by_code, audience, unit_id,"
            " code_secret, organiser_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                series_id,
                title,
                description,
                place,
                latitude,
                longitude,
                radius_m,
                to_db_time(starts_at),
                to_db_time(ends_at),
                capacity,
                int(by_location),
                int(by_code),
                audience,
                unit_id,
                code_secret,
                organiser_id,
                to_db_time(now),
            ),
        )
        return int(cur.lastrowid or 0)

    async def activity(self, activity_id: int) -> ActivityRow | None:
        """One activity, or None."""
        row = await self._one(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = ?", (activity_id,)
        )
        return activity_row(row) if row else None

    async def set_card_push(self, activity_id: int, push_id: int) -> None:
        """Remember the push that posted the activity's card (to edit its copies)."""
        await self._conn.execute(
            "UPDATE activities SET card_push_id = ? WHERE id = ?", (push_id, activity_id)
        )

    async def upcoming(self, now: datetime, limit: int) -> list[ActivityRow]:
        """Activities not yet ended, soonest first."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE ends_at > ?"
            " AND cancelled_at IS NULL ORDER BY starts_at, id LIMIT ?",
            (to_db_time(now), limit),
        )
        return [activity_row(row) for row in rows]

    async def running(self, now: datetime, opens_before: datetime) -> list[ActivityRow]:
        """Activities whose check-in window is open now."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE starts_at <= ? AND ends_at > ?"
            " AND cancelled_at IS NULL ORDER BY starts_at, id",
            (to_db_time(opens_before), to_db_time(now)),
        )
        return [activity_row(row) for row in rows]

    async def recent(self, since: datetime, until: datetime) -> list[ActivityRow]:
        """Activities starting between ``since`` and ``until``, latest first."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE starts_at >= ? AND starts_at <= ?"
            " AND cancelled_at IS NULL ORDER BY starts_at DESC, id DESC",
            (to_db_time(since), to_db_time(until)),
        )
        return [activity_row(row) for row in rows]

    # --- sign-ups -----------------------------------------------------------------------

    async def signup(self, activity_id: int, person_id: int) -> SignupRow | None:
        """The person's sign-up to the activity, in any state, or None."""
        row = await self._one(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ? AND s.person_id = ?",
            (activity_id, person_id),
        )
        return signup_row(row) if row else None

    async def put_signup(self, activity_id: int, person_id: int, state: str, now: datetime) -> None:
        """Sign up (or join the waitlist) anew; a cancelled sign-up goes to the back."""
        await self._conn.execute(
            "INSERT INTO signups (activity_id, person_id, state, signed_at, changed_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, person_id) DO UPDATE SET"
            " state = excluded.state, signed_at = excluded.signed_at,"
            " changed_at = excluded.changed_at",
            (activity_id, person_id, state, to_db_time(now), to_db_time(now)),
        )

    async def set_signup_state(
        self, activity_id: int, person_id: int, state: str, now: datetime
    ) -> None:
        """Move a sign-up to ``state`` (keeps its place in the queue)."""
        await self._conn.execute(
            "UPDATE signups SET state = ?, changed_at = ? WHERE activity_id = ? AND person_id = ?",
            (state, to_db_time(now), activity_id, person_id),
        )

    async def signups(self, activity_id: int, state: str) -> list[SignupRow]:
        """The activity's sign-ups in ``state``, in queue order."""
        rows = await self._all(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ? AND s.state = ? ORDER BY s.signed_at, s.person_id",
            (activity_id, state),
        )
        return [signup_row(row) for row in rows]

    async def counts(self, activity_id: int) -> tuple[int, int, int]:
        """Signed, waiting and checked-in counts of the activity."""
        row = await self._one(
            "SELECT (SELECT count(*) FROM signups WHERE activity_id = ?1 AND state = 'signed'),"
            " (SELECT count(*) FROM signups WHERE activity_id = ?1 AND state = 'waiting'),"
            " (SELECT count(*) FROM checkins WHERE activity_id = ?1)",
            (activity_id,),
        )
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    async def person_signups(self, person_id: int, now: datetime) -> list[tuple[ActivityRow, str]]:
        """The person's sign-ups (signed or waiting) to activities not yet ended."""
        rows = await self._all(
            f"SELECT {', '.join('a.' + c.strip() for c in ACTIVITY_COLUMNS.split(','))},"
            " s.state AS state FROM signups s JOIN activities a ON a.id = s.activity_id"
            " WHERE s.person_id = ? AND s.state IN ('signed', 'waiting') AND a.ends_at > ?"
            " AND a.cancelled_at IS NULL ORDER BY a.starts_at, a.id",
            (person_id, to_db_time(now)),
        )
        return [(activity_row(row), str(row["state"])) for row in rows]

    async def no_shows(self, activity_id: int) -> list[SignupRow]:
        """Who signed up and did not check in."""
        rows = await self._all(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ? AND s.state = 'signed' AND NOT EXISTS (SELECT 1 FROM"
            " checkins c WHERE c.activity_id = s.activity_id AND c.person_id = s.person_id)"
            " ORDER BY s.signed_at, s.person_id",
            (activity_id,),
        )
        return [signup_row(row) for row in rows]

    # --- check-ins ------------------------------------------------------------------------

    async def check_in(
        self,
        activity_id: int,
        person_id: int,
        now: datetime,
        method: str,
        distance_m: int | None = None,
        recorded_by: int | None = None,
    ) -> int:
        """Insert a check-in; IntegrityError if the person already has one here."""
        cur = await self._conn.execute(
            INSERT_CHECKIN_SQL,
            (activity_id, person_id, to_db_time(now), method, distance_m, recorded_by),
        )
        return int(cur.lastrowid or 0)

    async def checkin_of(self, activity_id: int, person_id: int) -> CheckinRow | None:
        """The person's check-in at the activity, or None."""
        row = await self._one(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE activity_id = ? AND person_id = ?",
            (activity_id, person_id),
        )
        return checkin_row(row) if row else None

    async def checkin(self, checkin_id: int) -> CheckinRow | None:
        """One check-in, or None."""
        row = await self._one(f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE id = ?", (checkin_id,))
        return checkin_row(row) if row else None

    async def check_out(
        self, checkin_id: int, now: datetime, out_method: str, minutes: int, review: str
    ) -> bool:
        """Close a check-in; False if it was already closed."""
        cur = await self._conn.execute(
            CHECK_OUT_SQL, (to_db_time(now), out_method, minutes, review, checkin_id)
        )
        return cur.rowcount == 1

    async def still_open(self, activity_id: int) -> list[CheckinRow]:
        """The activity's check-ins nobody checked out of."""
        rows = await self._all(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE activity_id = ?"
            " AND checked_out_at IS NULL ORDER BY id",
            (activity_id,),
        )
        return [checkin_row(row) for row in rows]

    async def checkins(self, activity_id: int) -> list[tuple[CheckinRow, str]]:
        """Every check-in of the activity, with the person's name."""
        rows = await self._all(
            f"SELECT {', '.join('c.' + c.strip() for c in CHECKIN_COLUMNS.split(','))},"
            " coalesce(p.display_name, '—') AS name FROM checkins c"
            " LEFT JOIN people p ON p.id = c.person_id WHERE c.activity_id = ? ORDER BY c.id",
            (activity_id,),
        )
        return [(checkin_row(row), str(row["name"])) for row in rows]

    async def flagged(self, activity_ids: list[int] | None = None) -> list[tuple[CheckinRow, str]]:
        """Check-ins waiting for review, with the person's name (of some activities, or all)."""
        rows = await self._all(
            f"SELECT {', '.join('c.' + c.strip() for c in CHECKIN_COLUMNS.split(','))},"
            " coalesce(p.display_name, '—') AS name FROM checkins c"
            " LEFT JOIN people p ON p.id = c.person_id WHERE c.review = 'flagged' ORDER BY c.id"
        )
        found = [(checkin_row(row), str(row["name"])) for row in rows]
        if activity_ids is None:
            return found
        return [item for item in found if item[0].activity_id in activity_ids]

    async def set_review(self, checkin_id: int, review: str, minutes: int | None) -> None:
        """Record a review's outcome on the check-in."""
        await self._conn.execute(
            "UPDATE checkins SET review = ?, minutes = ? WHERE id = ?",
            (review, minutes, checkin_id),
        )

    async def add_change(
        self,
        checkin_id: int,
        *,
        at: datetime,
        by_id: int | None,
        action: str,
        old_minutes: int | None,
        new_minutes: int | None,
        reason: str | None,
    ) -> None:
        """Keep one change of a check-in's hours."""
        await self._conn.execute(
            "INSERT INTO checkin_changes (checkin_id, at, by_id, action, old_minutes,"
            " new_minutes, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (checkin_id, to_db_time(at), by_id, action, old_minutes, new_minutes, reason),
        )

    async def changes(self, checkin_id: int) -> list[ChangeRow]:
        """Every change of a check-in's hours, oldest first."""
        rows = await self._all(
            "SELECT checkin_id, at, by_id, action, old_minutes, new_minutes, reason"
            " FROM checkin_changes WHERE checkin_id = ? ORDER BY id",
            (checkin_id,),
        )
        return [
            ChangeRow(
                r["checkin_id"],
                from_db_time(r["at"]),
                r["by_id"],
                r["action"],
                r["old_minutes"],
                r["new_minutes"],
                r["reason"],
            )
            for r in rows
        ]

    # --- consent ------------------------------------------------------------------------------

    async def has_location_consent(self, person_id: int) -> bool:
        """Whether the person agreed to check in by location."""
        return (
            await self._one("SELECT 1 FROM location_consents WHERE person_id = ?", (person_id,))
            is not None
        )

    async def give_location_consent(self, person_id: int, now: datetime) -> None:
        """Record the person's consent to check in by location."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO location_consents (person_id, given_at) VALUES (?, ?)",
            (person_id, to_db_time(now)),
        )

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """Everything the volunteer service holds about a person (for /export)."""
        signups = await self._all(
            "SELECT s.activity_id, a.title, s.state, s.signed_at FROM signups s"
            " JOIN activities a ON a.id = s.activity_id WHERE s.person_id = ? ORDER BY s.signed_at",
            (person_id,),
        )
        checkins = await self._all(
            "SELECT c.activity_id, a.title, c.checked_in_at, c.method, c.distance_m,"
            " c.checked_out_at, c.out_method, c.minutes, c.review FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id WHERE c.person_id = ? ORDER BY c.id",
            (person_id,),
        )
        consent = await self._one(
            "SELECT given_at FROM location_consents WHERE person_id = ?", (person_id,)
        )
        unit = await self._one(
            "SELECT u.name FROM vol_unit_members m JOIN vol_units u ON u.id = m.unit_id"
            " WHERE m.person_id = ?",
            (person_id,),
        )
        return {
            "signups": [dict(row) for row in signups],
            "checkins": [dict(row) for row in checkins],
            "location_consent_at": consent[0] if consent else None,
            "unit": unit[0] if unit else None,
        }

    # --- hours --------------------------------------------------------------------------------

    async def person_minutes(self, person_id: int, since: datetime | None) -> int:
        """Counted minutes of the person from activities starting at or after ``since``."""
        row = await self._one(
            "SELECT coalesce(sum(c.minutes), 0) FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id WHERE c.person_id = ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND a.starts_at >= ?",
            (person_id, to_db_time(since) if since else ""),
        )
        return int(row[0]) if row else 0

    async def minutes_by_person(self, since: datetime, until: datetime) -> list[HoursRow]:
        """Counted minutes per person for activities starting in [since, until), most first."""
        rows = await self._all(
            "SELECT c.person_id, coalesce(p.display_name, '—'), sum(c.minutes), count(*)"
            " FROM checkins c JOIN activities a ON a.id = c.activity_id"
            " LEFT JOIN people p ON p.id = c.person_id"
            " WHERE a.starts_at >= ? AND a.starts_at < ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
            " GROUP BY c.person_id ORDER BY sum(c.minutes) DESC, c.person_id",
            (to_db_time(since), to_db_time(until)),
        )
        return [HoursRow(r[0], str(r[1]), int(r[2] or 0), int(r[3])) for r in rows]

    async def minutes_by_unit(self, since: datetime, until: datetime) -> list[HoursRow]:
        """Counted minutes per unit (activities of a unit's duty) in [since, until)."""
        rows = await self._all(
            "SELECT a.unit_id, u.name, sum(c.minutes), count(*)"
            " FROM checkins c JOIN activities a ON a.id = c.activity_id"
            " JOIN vol_units u ON u.id = a.unit_id"
            " WHERE a.starts_at >= ? AND a.starts_at < ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
            " GROUP BY a.unit_id ORDER BY sum(c.minutes) DESC, a.unit_id",
            (to_db_time(since), to_db_time(until)),
        )
        return [HoursRow(r[0], str(r[1]), int(r[2] or 0), int(r[3])) for r in rows]

    # --- units and the rota -----------------------------------------------------------------

    async def add_unit(self, name: str, contact_id: int | None, now: datetime) -> int:
        """Register a unit; IntegrityError if the name is taken."""
        cur = await self._conn.execute(
            "INSERT INTO vol_units (name, contact_id, created_at) VALUES (?, ?, ?)",
            (name, contact_id, to_db_time(now)),
        )
        return int(cur.lastrowid or 0)

    async def set_unit_contact(self, unit_id: int, contact_id: int | None) -> None:
        """Name the unit's contact person."""
        await self._conn.execute(
            "UPDATE vol_units SET contact_id = ? WHERE id = ?", (contact_id, unit_id)
        )

    async def units(self) -> list[UnitRow]:
        """Every unit, in registration order."""
        rows = await self._all(
            "SELECT id, name, contact_id, skip_next, last_duty_on FROM vol_units ORDER BY id"
        )
        return [UnitRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    async def unit(self, unit_id: int) -> UnitRow | None:
        """One unit, or None."""
        r = await self._one(
            "SELECT id, name, contact_id, skip_next, last_duty_on FROM vol_units WHERE id = ?",
            (unit_id,),
        )
        return UnitRow(r[0], r[1], r[2], bool(r[3]), r[4]) if r else None

    async def set_member(self, person_id: int, unit_id: int, now: datetime) -> None:
        """The volunteer joins a unit (leaving any other)."""
        await self._conn.execute(
            "INSERT INTO vol_unit_members (person_id, unit_id, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE SET unit_id = excluded.unit_id,"
            " joined_at = excluded.joined_at",
            (person_id, unit_id, to_db_time(now)),
        )

    async def unit_of(self, person_id: int) -> int | None:
        """The unit the volunteer belongs to, or None."""
        row = await self._one(
            "SELECT unit_id FROM vol_unit_members WHERE person_id = ?", (person_id,)
        )
        return int(row[0]) if row else None

    async def set_skip(self, unit_id: int, skip: bool) -> None:
        """A unit asks to skip its next turn (or takes the request back)."""
        await self._conn.execute(
            "UPDATE vol_units SET skip_next = ? WHERE id = ?", (int(skip), unit_id)
        )

    async def set_last_duty(self, unit_id: int, day: str) -> None:
        """Note the unit's latest duty day (round robin picks the longest waiting)."""
        await self._conn.execute(
            "UPDATE vol_units SET last_duty_on = ? WHERE id = ?", (day, unit_id)
        )

    async def add_duty(self, day: str, unit_id: int, now: datetime) -> int:
        """Put a unit on a duty day; IntegrityError if the day is taken."""
        cur = await self._conn.execute(
            "INSERT INTO duties (day, unit_id, created_at) VALUES (?, ?, ?)",
            (day, unit_id, to_db_time(now)),
        )
        return int(cur.lastrowid or 0)

    async def duties_from(self, day: str) -> list[DutyRow]:
        """Duty days from ``day`` on, soonest first."""
        rows = await self._all(
            "SELECT d.id, d.day, d.unit_id, u.name, d.activity_id FROM duties d"
            " JOIN vol_units u ON u.id = d.unit_id WHERE d.day >= ? ORDER BY d.day",
            (day,),
        )
        return [DutyRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def duty(self, duty_id: int) -> DutyRow | None:
        """One duty day, or None."""
        r = await self._one(
            "SELECT d.id, d.day, d.unit_id, u.name, d.activity_id FROM duties d"
            " JOIN vol_units u ON u.id = d.unit_id WHERE d.id = ?",
            (duty_id,),
        )
        return DutyRow(r[0], r[1], r[2], r[3], r[4]) if r else None

    async def set_duty_unit(self, duty_id: int, unit_id: int) -> None:
        """Move a duty day to another unit (a swap)."""
        await self._conn.execute("UPDATE duties SET unit_id = ? WHERE id = ?", (unit_id, duty_id))

    async def set_duty_activity(self, duty_id: int, activity_id: int) -> None:
        """Link the duty day to the activity its people check in to."""
        await self._conn.execute(
            "UPDATE duties SET activity_id = ? WHERE id = ?", (activity_id, duty_id)
        )

    async def move_activity_to_unit(
        self, activity_id: int, unit_id: int, organiser_id: int | None, title: str
    ) -> None:
        """A swapped duty's activity now belongs to the other unit (and its contact)."""
        await self._conn.execute(
            "UPDATE activities SET unit_id = ?, organiser_id = ?, title = ? WHERE id = ?",
            (unit_id, organiser_id, title, activity_id),
        )

    async def ask_swap(
        self, duty_id: int, unit_id: int, asked_by: int | None, now: datetime
    ) -> int:
        """Record a unit's request that another unit take its planned duty."""
        cur = await self._conn.execute(
            "INSERT INTO duty_swaps (duty_id, unit_id, asked_by, state, asked_at)"
            " VALUES (?, ?, ?, 'asked', ?)",
            (duty_id, unit_id, asked_by, to_db_time(now)),
        )
        return int(cur.lastrowid or 0)

    async def swap(self, swap_id: int) -> tuple[int, int, str] | None:
        """A swap request's duty, the unit asked, and its state; or None."""
        r = await self._one(
            "SELECT duty_id, unit_id, state FROM duty_swaps WHERE id = ?", (swap_id,)
        )
        return (int(r[0]), int(r[1]), str(r[2])) if r else None

    async def decide_swap(self, swap_id: int, state: str, now: datetime) -> bool:
        """Accept or decline a swap still asked; False if it was decided already."""
        cur = await self._conn.execute(
            "UPDATE duty_swaps SET state = ?, decided_at = ? WHERE id = ? AND state = 'asked'",
            (state, to_db_time(now), swap_id),
        )
        return cur.rowcount == 1
