"""The check-in desk: the check-in statements, synchronous, for the hot path.

The check-in and check-out statements are shared, as module constants,
between the async repository and :class:`CheckinDesk`, the synchronous form
used for the hot path (``Database.run_unit``). Every statement is of one
community's rows: the async repository passes the current one
(storage/scope.py); the desk runs in the database's thread, which the current
community does not reach, so it is given the community it works for.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.migrations.numbering import next_number
from storage.times import from_db_time, to_db_time
from storage.volunteering.rows import (
    ACTIVITY_COLUMNS,
    CHECKIN_COLUMNS,
    ActivityRow,
    CheckinRow,
    activity_row,
    checkin_row,
)

#: Activities of community ?4 whose check-in window is open at ?2 for person ?1 (signed
#: up), with whether they are already checked in (window opens ?3 before the start).
OPEN_FOR_PERSON_SQL = (
    f"SELECT {', '.join('a.' + c.strip() for c in ACTIVITY_COLUMNS.split(','))},"
    " c.id AS checkin_id, c.checked_out_at AS checkin_out"
    " FROM signups s JOIN activities a ON a.id = s.activity_id AND a.community_id = ?4"
    " LEFT JOIN checkins c ON c.activity_id = a.id AND c.person_id = s.person_id"
    " AND c.community_id = ?4"
    " WHERE s.person_id = ?1 AND s.community_id = ?4 AND s.state = 'signed'"
    " AND a.cancelled_at IS NULL AND a.starts_at <= ?3 AND a.ends_at > ?2"
    " ORDER BY a.starts_at, a.id"
)
#: The next activity of community ?3 person ?1 signed up for whose window has not
#: opened at ?2.
NEXT_FOR_PERSON_SQL = (
    f"SELECT {', '.join('a.' + c.strip() for c in ACTIVITY_COLUMNS.split(','))}"
    " FROM signups s JOIN activities a ON a.id = s.activity_id AND a.community_id = ?3"
    " WHERE s.person_id = ?1 AND s.community_id = ?3 AND s.state = 'signed'"
    " AND a.cancelled_at IS NULL AND a.starts_at > ?2 ORDER BY a.starts_at, a.id LIMIT 1"
)
#: A check-in, numbered next in its community (the last two parameters: the community,
#: twice).
INSERT_CHECKIN_SQL = (
    "INSERT INTO checkins (activity_id, person_id, checked_in_at, method, distance_m,"
    f" recorded_by, community_id, number) VALUES (?, ?, ?, ?, ?, ?, ?, {next_number('checkins')})"
)
#: Open check-ins of person ?1 in community ?2, with their activity's start and end.
OPEN_CHECKINS_SQL = (
    f"SELECT {', '.join('c.' + c.strip() for c in CHECKIN_COLUMNS.split(','))},"
    " a.title AS title, a.starts_at AS a_start, a.ends_at AS a_end"
    " FROM checkins c JOIN activities a ON a.id = c.activity_id AND a.community_id = ?2"
    " WHERE c.person_id = ?1 AND c.community_id = ?2 AND c.checked_out_at IS NULL"
    " ORDER BY c.checked_in_at DESC, c.id DESC"
)
#: Closes a check-in (the last two parameters: its id and the community).
CHECK_OUT_SQL = (
    "UPDATE checkins SET checked_out_at = ?, out_method = ?, minutes = ?, review = ?"
    " WHERE id = ? AND community_id = ? AND checked_out_at IS NULL"
)
ANY_CHECKIN_SQL = "SELECT 1 FROM checkins WHERE person_id = ? AND community_id = ? LIMIT 1"
#: Person ?1's latest check-out since ?2 in community ?4 (of activity ?3 only, if not NULL).
LAST_CHECKOUT_SQL = (
    "SELECT a.title, c.checked_out_at, c.out_method FROM checkins c"
    " JOIN activities a ON a.id = c.activity_id AND a.community_id = ?4"
    " WHERE c.person_id = ?1 AND c.community_id = ?4 AND c.checked_out_at IS NOT NULL"
    " AND c.checked_out_at >= ?2 AND (?3 IS NULL OR c.activity_id = ?3)"
    " ORDER BY c.checked_out_at DESC, c.id DESC LIMIT 1"
)


@dataclass(frozen=True)
class OpenActivity:
    """An activity whose check-in window is open for a person, and their check-in if any."""

    activity: ActivityRow
    checkin_id: int | None
    checked_out: bool


@dataclass(frozen=True)
class OpenCheckin:
    """A check-in not yet closed, with its activity's title and times."""

    checkin: CheckinRow
    title: str
    starts_at: datetime
    ends_at: datetime


def _open_activity(row: sqlite3.Row) -> OpenActivity:
    return OpenActivity(activity_row(row), row["checkin_id"], row["checkin_out"] is not None)


def _open_checkin(row: sqlite3.Row) -> OpenCheckin:
    return OpenCheckin(
        checkin_row(row), row["title"], from_db_time(row["a_start"]), from_db_time(row["a_end"])
    )


class CheckinDesk:
    """The check-in statements, synchronous, for a unit of work run in one hop to the
    writer's thread (``Database.run_unit``): checking in is the hot write of an activity.

    ``community`` is the community the unit works for: the caller captures
    :func:`storage.scope.community_id` before the hop, since the database's thread
    does not see the task's context.
    """

    def __init__(self, conn: sqlite3.Connection, community: int) -> None:
        self._conn = conn
        self._community = community

    def open_for(self, person_id: int, now: datetime, opens_before: datetime) -> list[OpenActivity]:
        """Activities whose window is open for the person (``opens_before`` = now + lead)."""
        rows = self._conn.execute(
            OPEN_FOR_PERSON_SQL,
            (person_id, to_db_time(now), to_db_time(opens_before), self._community),
        ).fetchall()
        return [_open_activity(row) for row in rows]

    def next_for(self, person_id: int, now: datetime) -> ActivityRow | None:
        """The person's next signed-up activity not yet started."""
        row = self._conn.execute(
            NEXT_FOR_PERSON_SQL, (person_id, to_db_time(now), self._community)
        ).fetchone()
        return activity_row(row) if row else None

    def check_in(
        self,
        activity_id: int,
        person_id: int,
        now: datetime,
        method: str,
        distance_m: int | None = None,
        recorded_by: int | None = None,
    ) -> int:
        """Insert the check-in; IntegrityError if the person already has one."""
        cur = self._conn.execute(
            INSERT_CHECKIN_SQL,
            (
                activity_id,
                person_id,
                to_db_time(now),
                method,
                distance_m,
                recorded_by,
                self._community,
                self._community,
            ),
        )
        return int(cur.lastrowid or 0)

    def open_checkins(self, person_id: int) -> list[OpenCheckin]:
        """The person's check-ins not yet closed, latest first."""
        rows = self._conn.execute(OPEN_CHECKINS_SQL, (person_id, self._community)).fetchall()
        return [_open_checkin(row) for row in rows]

    def check_out(
        self, checkin_id: int, now: datetime, out_method: str, minutes: int, review: str
    ) -> bool:
        """Close the check-in; False if it was closed already."""
        cur = self._conn.execute(
            CHECK_OUT_SQL,
            (to_db_time(now), out_method, minutes, review, checkin_id, self._community),
        )
        return cur.rowcount == 1

    def last_checkout(
        self, person_id: int, since: datetime, activity_id: int | None = None
    ) -> tuple[str, datetime, str] | None:
        """The activity title, time and way (self/kiosk/auto) of the person's latest
        check-out since ``since`` (of ``activity_id`` only, if given)."""
        params = (person_id, to_db_time(since), activity_id, self._community)
        row = self._conn.execute(LAST_CHECKOUT_SQL, params).fetchone()
        return (str(row[0]), from_db_time(row[1]), str(row[2])) if row else None

    def has_any_checkin(self, person_id: int) -> bool:
        """Whether the person has ever checked in."""
        found = self._conn.execute(ANY_CHECKIN_SQL, (person_id, self._community)).fetchone()
        return found is not None
