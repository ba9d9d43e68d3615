"""Sign-ups of volunteer service (志愿者打卡): signed, waiting (the waitlist), cancelled; of
the current community only (storage/scope.py)."""

from __future__ import annotations

from datetime import datetime

from storage.scope import community_id
from storage.times import to_db_time
from storage.volunteering.rows import (
    ACTIVITY_COLUMNS,
    ActivityRow,
    Queries,
    SignupRow,
    activity_row,
    signup_row,
)


class SignupsRepository(Queries):
    """Queries on sign-ups and the waitlist."""

    async def signup(self, activity_id: int, person_id: int) -> SignupRow | None:
        """The person's sign-up to the activity, in any state, or None."""
        row = await self._one(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ? AND s.person_id = ? AND s.community_id = ?",
            (activity_id, person_id, community_id()),
        )
        return signup_row(row) if row else None

    async def put_signup(self, activity_id: int, person_id: int, state: str, now: datetime) -> None:
        """Sign up (or join the waitlist) anew; a cancelled sign-up goes to the back."""
        await self._conn.execute(
            "INSERT INTO signups (activity_id, person_id, state, signed_at, changed_at,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, person_id)"
            " DO UPDATE SET state = excluded.state, signed_at = excluded.signed_at,"
            " changed_at = excluded.changed_at WHERE signups.community_id = excluded.community_id",
            (activity_id, person_id, state, to_db_time(now), to_db_time(now), community_id()),
        )

    async def set_signup_state(
        self, activity_id: int, person_id: int, state: str, now: datetime
    ) -> None:
        """Move a sign-up to ``state`` (keeps its place in the queue)."""
        await self._conn.execute(
            "UPDATE signups SET state = ?, changed_at = ? WHERE activity_id = ? AND person_id = ?"
            " AND community_id = ?",
            (state, to_db_time(now), activity_id, person_id, community_id()),
        )

    async def signups(self, activity_id: int, state: str) -> list[SignupRow]:
        """The activity's sign-ups in ``state``, in queue order."""
        rows = await self._all(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ? AND s.state = ? AND s.community_id = ?"
            " ORDER BY s.signed_at, s.person_id",
            (activity_id, state, community_id()),
        )
        return [signup_row(row) for row in rows]

    async def counts(self, activity_id: int) -> tuple[int, int, int]:
        """Signed, waiting and checked-in counts of the activity."""
        row = await self._one(
            "SELECT (SELECT count(*) FROM signups WHERE activity_id = ?1 AND community_id = ?2"
            " AND state = 'signed'),"
            " (SELECT count(*) FROM signups WHERE activity_id = ?1 AND community_id = ?2"
            " AND state = 'waiting'),"
            " (SELECT count(*) FROM checkins WHERE activity_id = ?1 AND community_id = ?2)",
            (activity_id, community_id()),
        )
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    async def person_signups(self, person_id: int, now: datetime) -> list[tuple[ActivityRow, str]]:
        """The person's sign-ups (signed or waiting) to activities not yet ended."""
        rows = await self._all(
            f"SELECT {', '.join('a.' + c.strip() for c in ACTIVITY_COLUMNS.split(','))},"
            " s.state AS state FROM signups s JOIN activities a ON a.id = s.activity_id"
            " WHERE s.person_id = ?1 AND s.community_id = ?3 AND a.community_id = ?3"
            " AND s.state IN ('signed', 'waiting') AND a.ends_at > ?2"
            " AND a.cancelled_at IS NULL ORDER BY a.starts_at, a.id",
            (person_id, to_db_time(now), community_id()),
        )
        return [(activity_row(row), str(row["state"])) for row in rows]

    async def no_shows(self, activity_id: int) -> list[SignupRow]:
        """Who signed up and did not check in."""
        rows = await self._all(
            "SELECT s.activity_id, s.person_id, s.state, s.signed_at, p.display_name,"
            " p.tg_user_id, p.language FROM signups s JOIN people p ON p.id = s.person_id"
            " WHERE s.activity_id = ?1 AND s.community_id = ?2 AND s.state = 'signed'"
            " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.activity_id = s.activity_id"
            " AND c.person_id = s.person_id AND c.community_id = ?2)"
            " ORDER BY s.signed_at, s.person_id",
            (activity_id, community_id()),
        )
        return [signup_row(row) for row in rows]
