"""The row types of volunteer service (志愿者打卡), their column lists and row readers.

Shared by the repositories of storage/volunteering/ and by :class:`CheckinDesk`;
:class:`Queries` is the base of those repositories.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.times import from_db_time


@dataclass(frozen=True)
class ActivityRow:
    """One occurrence of a volunteer activity."""

    id: int
    series_id: int | None
    title: str
    description: str
    place: str
    latitude: float | None
    longitude: float | None
    radius_m: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    by_location: bool
    by_code: bool
    audience: str
    unit_id: int | None
    code_secret: str
    organiser_id: int | None
    card_push_id: int | None
    created_at: datetime
    cancelled_at: datetime | None
    #: What people call it (志愿活动 #3): counted within the community, unlike ``id``.
    number: int = 0


@dataclass(frozen=True)
class SignupRow:
    """A person's sign-up to an activity: signed, waiting, or cancelled."""

    activity_id: int
    person_id: int
    state: str
    signed_at: datetime
    display_name: str
    tg_user_id: int
    language: str


@dataclass(frozen=True)
class CheckinRow:
    """A check-in: when, how it was verified, the check-out and the minutes counted."""

    id: int
    activity_id: int
    person_id: int | None
    checked_in_at: datetime
    method: str
    distance_m: int | None
    recorded_by: int | None
    checked_out_at: datetime | None
    out_method: str | None
    minutes: int | None
    review: str
    #: What people call it (记录 #3): counted within the community, unlike ``id``.
    number: int = 0


@dataclass(frozen=True)
class ChangeRow:
    """One change to a check-in's hours after the fact."""

    checkin_id: int
    at: datetime
    by_id: int | None
    action: str
    old_minutes: int | None
    new_minutes: int | None
    reason: str | None


@dataclass(frozen=True)
class UnitRow:
    """A local organisation that takes turns on the weekly duty."""

    id: int
    name: str
    contact_id: int | None
    skip_next: bool
    last_duty_on: str | None


@dataclass(frozen=True)
class DutyRow:
    """One duty day of the rota and the unit on it."""

    id: int
    day: str
    unit_id: int
    unit_name: str
    activity_id: int | None


@dataclass(frozen=True)
class HoursRow:
    """Counted minutes of one person (or unit) in a report."""

    key: int | None
    name: str
    minutes: int
    records: int


@dataclass(frozen=True)
class AttendanceRow:
    """One person expected at an activity (signed up, checked in, or excused): the
    sign-up's state, the check-in's moment, leave (请假) asked and its reason."""

    person_id: int
    name: str
    state: str
    checked_in_at: datetime | None
    leave_state: str | None
    leave_reason: str | None


ACTIVITY_COLUMNS = (
    "id, series_id, title, description, place, latitude, longitude, radius_m, starts_at,"
    " ends_at, capacity, by_location, by_code, audience, unit_id, code_secret, organiser_id,"
    " card_push_id, created_at, cancelled_at, number"
)
CHECKIN_COLUMNS = (
    "id, activity_id, person_id, checked_in_at, method, distance_m, recorded_by,"
    " checked_out_at, out_method, minutes, review, number"
)


def activity_row(row: sqlite3.Row, offset: int = 0) -> ActivityRow:
    """An activity from its columns (ACTIVITY_COLUMNS), starting at ``offset`` in ``row``."""
    r = tuple(row)[offset : offset + 21]
    return ActivityRow(
        id=r[0],
        series_id=r[1],
        title=r[2],
        description=r[3],
        place=r[4],
        latitude=r[5],
        longitude=r[6],
        radius_m=r[7],
        starts_at=from_db_time(r[8]),
        ends_at=from_db_time(r[9]),
        capacity=r[10],
        by_location=bool(r[11]),
        by_code=bool(r[12]),
        audience=r[13],
        unit_id=r[14],
        code_secret=r[15],
        organiser_id=r[16],
        card_push_id=r[17],
        created_at=from_db_time(r[18]),
        cancelled_at=from_db_time(r[19]) if r[19] else None,
        number=int(r[20]),
    )


def checkin_row(row: sqlite3.Row) -> CheckinRow:
    """A check-in from its columns (CHECKIN_COLUMNS)."""
    r = tuple(row)
    return CheckinRow(
        id=r[0],
        activity_id=r[1],
        person_id=r[2],
        checked_in_at=from_db_time(r[3]),
        method=r[4],
        distance_m=r[5],
        recorded_by=r[6],
        checked_out_at=from_db_time(r[7]) if r[7] else None,
        out_method=r[8],
        minutes=r[9],
        review=r[10],
        number=int(r[11]),
    )


def signup_row(row: sqlite3.Row) -> SignupRow:
    """A sign-up from its columns."""
    return SignupRow(
        activity_id=row[0],
        person_id=row[1],
        state=row[2],
        signed_at=from_db_time(row[3]),
        display_name=row[4],
        tg_user_id=row[5],
        language=row[6],
    )


class Queries:
    """The connection and the two fetch helpers every volunteering repository uses."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            row: sqlite3.Row | None = await cur.fetchone()
            return row
