"""Pushes and the outbox: messages the bot sends on its own, durably queued."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time

#: Outbox states in which a message is finished (delivered or given up).
FINAL_STATES = ("sent", "failed", "unreachable", "uncertain")

#: How the last error of a message given up at its retry deadline begins.
DEADLINE_PASSED = "deadline passed"


@dataclass(frozen=True)
class OutboxRow:
    """One message to push."""

    id: int
    push_id: int | None
    chat_id: int
    person_id: int | None
    content: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    #: When the message was first due: its retries end ``retry_for_hours`` after.
    first_due_at: datetime
    last_error: str | None = None
    #: The community whose message it is.
    community_id: int = 1


@dataclass(frozen=True)
class PushRow:
    """A push and where its progress is reported."""

    id: int
    kind: str
    title: str
    started_by: int | None
    report_chat_id: int | None
    report_message_id: int | None
    report_language: str
    reported_at: datetime | None
    finished_at: datetime | None
    created_at: datetime | None = None
    #: The community whose push it is.
    community_id: int = 1


@dataclass(frozen=True)
class PushCounts:
    """How far a push has got."""

    total: int
    sent: int
    failed: int
    unreachable: int
    uncertain: int

    @property
    def done(self) -> int:
        """Messages that are finished one way or another."""
        return self.sent + self.failed + self.unreachable + self.uncertain

    @property
    def finished(self) -> bool:
        """Whether nothing is left to send."""
        return self.done == self.total


def _outbox(row: sqlite3.Row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        push_id=row["push_id"],
        chat_id=row["chat_id"],
        person_id=row["person_id"],
        content=json.loads(row["content"]),
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=from_db_time(row["next_attempt_at"]),
        first_due_at=from_db_time(row["first_due_at"] or row["created_at"]),
        last_error=row["last_error"],
        community_id=row["community_id"],
    )


def _push(row: sqlite3.Row) -> PushRow:
    return PushRow(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        started_by=row["started_by"],
        report_chat_id=row["report_chat_id"],
        report_message_id=row["report_message_id"],
        report_language=row["report_language"],
        reported_at=from_db_time(row["reported_at"]) if row["reported_at"] else None,
        finished_at=from_db_time(row["finished_at"]) if row["finished_at"] else None,
        created_at=from_db_time(row["created_at"]) if row["created_at"] else None,
        community_id=row["community_id"],
    )


class OutboxRepository:
    """A community's side of ``pushes`` and ``outbox``: queueing its messages, and finding
    what became of them (scoped to the current community; the sender's side is
    :class:`DeliveryQueue`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create_push(
        self,
        *,
        kind: str,
        title: str,
        started_by: int | None,
        report_chat_id: int | None,
        report_language: str,
        now: datetime,
    ) -> int:
        """Start a push; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO pushes (community_id, kind, title, started_by, report_chat_id,"
            " report_language, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                kind,
                title,
                started_by,
                report_chat_id,
                report_language,
                to_db_time(now),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def enqueue(
        self,
        *,
        push_id: int | None,
        chat_id: int,
        person_id: int | None,
        content: dict[str, Any],
        dedupe_key: str,
        not_before: datetime,
        now: datetime,
    ) -> bool:
        """Queue one message; False if a message with this dedupe key exists already."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO outbox (community_id, push_id, chat_id, person_id, content,"
            " dedupe_key, next_attempt_at, first_due_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                push_id,
                chat_id,
                person_id,
                json.dumps(content, ensure_ascii=False, sort_keys=True),
                dedupe_key,
                to_db_time(not_before),
                to_db_time(not_before),
                to_db_time(now),
            ),
        )
        return cur.rowcount > 0

    async def sent_messages(self, push_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of the push's messages that arrived."""
        async with self._conn.execute(
            "SELECT chat_id, message_id FROM outbox WHERE push_id = ? AND state = 'sent'"
            " AND message_id IS NOT NULL AND community_id = ? ORDER BY id",
            (push_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [(int(row[0]), int(row[1])) for row in rows]

    async def by_dedupe_key(self, dedupe_key: str) -> tuple[str, int | None] | None:
        """The state and (once sent) message id of the message queued as ``dedupe_key``.

        For a message kept up to date after it is sent (a check-in roll-call).
        """
        async with self._conn.execute(
            "SELECT state, message_id FROM outbox WHERE dedupe_key = ? AND community_id = ?",
            (dedupe_key, community_id()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return str(row[0]), None if row[1] is None else int(row[1])

    # --- finding a push from one of its messages (replies to cards) -----------------

    async def push_of_message(self, chat_id: int, message_id: int) -> int | None:
        """The push whose message landed as ``message_id`` in ``chat_id``, or None.

        Used to find what a reply in a group is about (a matter's card, a vote's card).
        """
        async with self._conn.execute(
            "SELECT push_id FROM outbox WHERE chat_id = ? AND message_id = ?"
            " AND push_id IS NOT NULL AND community_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id, message_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None


class DeliveryQueue:
    """Street-wide: the queue the sender drains. One bot token serves every community, so
    Telegram's limits are the street's, and the sender takes messages (and reports
    pushes) across communities; each row says whose it is (``community_id``), and
    whatever the sender does to a community's records afterwards it does inside it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def due(self, now: datetime, limit: int) -> list[OutboxRow]:
        """Pending messages whose time has come, taken in turns across communities: each
        community's oldest first, then each one's second, and so on. One community's push
        to 2,000 people does not hold another's vote reminder behind it for a minute; it
        shares the street's 30 messages a second with whoever else has something due."""
        async with self._conn.execute(
            "SELECT * FROM (SELECT o.*, row_number() OVER ("
            "  PARTITION BY community_id ORDER BY next_attempt_at, id) AS turn"
            " FROM outbox o WHERE state = 'pending' AND next_attempt_at <= ?)"
            " ORDER BY turn, next_attempt_at, id LIMIT ?",
            (to_db_time(now), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [_outbox(row) for row in rows]

    async def next_attempt_at(self) -> datetime | None:
        """When the next pending message is due, or None if nothing is pending."""
        async with self._conn.execute(
            "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'"
        ) as cur:
            row = await cur.fetchone()
        return from_db_time(row[0]) if row and row[0] else None

    async def claim(self, outbox_id: int) -> bool:
        """Mark a message as being sent now; False if it is no longer pending."""
        cur = await self._conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
            " WHERE id = ? AND state = 'pending'",
            (outbox_id,),
        )
        return cur.rowcount > 0

    async def finish(
        self,
        outbox_id: int,
        state: str,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a message ended: sent, failed, unreachable or uncertain."""
        await self._conn.execute(
            "UPDATE outbox SET state = ?, message_id = ?, last_error = ?, done_at = ? WHERE id = ?",
            (state, message_id, error, to_db_time(now), outbox_id),
        )

    async def retry_later(self, outbox_id: int, when: datetime, error: str) -> None:
        """Put a message back in the queue for another attempt at ``when``."""
        await self._conn.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
            (to_db_time(when), error, outbox_id),
        )

    async def expire(self, due_before: datetime, now: datetime, *, untried_too: bool) -> list[int]:
        """Give up pending messages first due before ``due_before`` (their retry
        deadline passed); returns the pushes they belong to.

        Only messages already tried are given up, unless ``untried_too`` (while
        Telegram is down, waiting for it is trying for every message): one
        that simply waited for a bot that was not running still goes.
        """
        async with self._conn.execute(
            "UPDATE outbox SET state = 'failed', done_at = ?,"
            " last_error = ? || CASE WHEN last_error IS NULL THEN '' ELSE ': ' || last_error END"
            " WHERE state = 'pending' AND coalesce(first_due_at, created_at) < ?"
            " AND (attempts > 0 OR ? = 1) RETURNING push_id",
            (to_db_time(now), DEADLINE_PASSED, to_db_time(due_before), int(untried_too)),
        ) as cur:
            rows = await cur.fetchall()
        return sorted({int(row[0]) for row in rows if row[0] is not None})

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its queued messages follow it."""
        await self._conn.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state IN ('pending', 'sending')",
            (new_chat_id, old_chat_id),
        )

    async def abandon_in_flight(self, now: datetime) -> int:
        """After a crash: messages caught mid-send may or may not have arrived.

        They are not sent again (no one gets a push twice); they are marked
        uncertain and counted in the push's summary.
        """
        cur = await self._conn.execute(
            "UPDATE outbox SET state = 'uncertain', done_at = ?,"
            " last_error = 'interrupted while sending' WHERE state = 'sending'",
            (to_db_time(now),),
        )
        return cur.rowcount

    async def push(self, push_id: int) -> PushRow | None:
        """The push, or None."""
        async with self._conn.execute("SELECT * FROM pushes WHERE id = ?", (push_id,)) as cur:
            row = await cur.fetchone()
        return _push(row) if row else None

    async def open_pushes(self) -> list[PushRow]:
        """Pushes not yet finished."""
        async with self._conn.execute(
            "SELECT * FROM pushes WHERE finished_at IS NULL ORDER BY id"
        ) as cur:
            rows = await cur.fetchall()
        return [_push(row) for row in rows]

    async def counts(self, push_id: int) -> PushCounts:
        """How many of the push's messages are in each state."""
        async with self._conn.execute(
            "SELECT count(*),"
            " count(*) FILTER (WHERE state = 'sent'),"
            " count(*) FILTER (WHERE state = 'failed'),"
            " count(*) FILTER (WHERE state = 'unreachable'),"
            " count(*) FILTER (WHERE state = 'uncertain')"
            " FROM outbox WHERE push_id = ?",
            (push_id,),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return PushCounts(*(int(value) for value in row))

    async def not_reached(self, push_id: int) -> list[tuple[int, int | None, str, str | None]]:
        """(chat id, person id, state, last error) of the push's messages that did not arrive."""
        async with self._conn.execute(
            "SELECT chat_id, person_id, state, last_error FROM outbox WHERE push_id = ?"
            " AND state IN ('failed', 'unreachable', 'uncertain') ORDER BY id",
            (push_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [(int(row[0]), row[1], str(row[2]), row[3]) for row in rows]

    async def sends_before_done(self, push_id: int) -> int:
        """How many messages leave before the push's last one does, taking turns across
        communities (see :meth:`due`): the push's own pending ones, and of every other
        community's, as many as the push has (or all they have, if fewer)."""
        async with self._conn.execute(
            "WITH mine AS (SELECT community_id, count(*) AS n FROM outbox"
            "  WHERE push_id = ? AND state IN ('pending', 'sending') GROUP BY community_id),"
            " others AS (SELECT o.community_id, count(*) AS n FROM outbox o, mine"
            "  WHERE o.state IN ('pending', 'sending') AND o.community_id != mine.community_id"
            "  GROUP BY o.community_id)"
            " SELECT coalesce((SELECT n FROM mine), 0)"
            " + coalesce((SELECT sum(min(others.n, mine.n)) FROM others, mine), 0)",
            (push_id,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] else 0

    async def pending_count(self) -> int:
        """Messages still waiting to be sent (for the operator's log during an outage)."""
        async with self._conn.execute(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_report_message(self, push_id: int, message_id: int) -> None:
        """Remember the message that shows the push's progress."""
        await self._conn.execute(
            "UPDATE pushes SET report_message_id = ? WHERE id = ?", (message_id, push_id)
        )

    async def mark_reported(self, push_id: int, now: datetime, *, finished: bool) -> None:
        """Note when progress was last shown, and whether the push is over."""
        await self._conn.execute(
            "UPDATE pushes SET reported_at = ?, finished_at = CASE WHEN ? = 1 THEN ? ELSE"
            " finished_at END WHERE id = ?",
            (to_db_time(now), int(finished), to_db_time(now), push_id),
        )

    async def recent_sends(self, since: datetime) -> list[tuple[int, datetime]]:
        """(chat id, when) of messages that left (or may have left) since ``since``."""
        async with self._conn.execute(
            "SELECT chat_id, done_at FROM outbox WHERE state IN ('sent', 'uncertain')"
            " AND done_at >= ? ORDER BY done_at",
            (to_db_time(since),),
        ) as cur:
            rows = await cur.fetchall()
        return [(int(row[0]), from_db_time(row[1])) for row in rows]

    async def forget_chat(self, chat_id: int) -> None:
        """A person left the register: drop their messages and their progress reports."""
        await self._conn.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))
        await self._conn.execute(
            "UPDATE pushes SET report_chat_id = NULL, report_message_id = NULL"
            " WHERE report_chat_id = ?",
            (chat_id,),
        )

    async def sent_per_chat(self) -> dict[int, int]:
        """How many messages were sent to each chat (for checks and benchmarks)."""
        async with self._conn.execute(
            "SELECT chat_id, count(*) FROM outbox WHERE state = 'sent' GROUP BY chat_id"
        ) as cur:
            rows = await cur.fetchall()
        return {int(row[0]): int(row[1]) for row in rows}
