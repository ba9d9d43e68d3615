"""The SQLite database: connections, pragmas, migrations and units of work.

There is one writer connection, used by one unit of work at a time
(:meth:`Database.transaction`, ``BEGIN IMMEDIATE`` … ``COMMIT``), and one
read-only connection for queries that change nothing (:meth:`Database.read`);
in WAL mode the reader sees the last committed state and never blocks the
writer.

Exactly-once handling of Telegram updates lives here too: while an update is
being handled, :data:`current_update` names it, and the first unit of work that
commits during that handling also marks the update done in the inbox, in the
same transaction. Either both the effect and the mark are on disk, or neither
is and the update is replayed after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.backend import Storage
from storage.migrations import MIGRATIONS, Migration
from storage.runtime.inbox import MARK_DONE_SQL
from storage.scope import current_update
from storage.session import Session
from storage.times import utc_now_text

T = TypeVar("T")

log = logging.getLogger(__name__)

#: How long a requested WAL checkpoint waits, so a burst of ballots shares one.
CHECKPOINT_DELAY_SECONDS = 1.0

#: The WAL is cut back to this size after each checkpoint that empties it, so a
#: burst (or a disk-full episode) does not leave it holding the space for good.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer version of Pavilion."""


def is_storage_full(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) means the disk or the database is full:
    SQLite's SQLITE_FULL ("database or disk is full") or the OS's ENOSPC."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, sqlite3.Error):
            code = getattr(error, "sqlite_errorcode", None)
            if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
                return True
            if "database or disk is full" in str(error):
                return True
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


class Database(Storage):
    """Owns the SQLite connections of one database file."""

    def __init__(
        self,
        path: Path,
        *,
        synchronous: str = "FULL",
        busy_timeout_ms: int = 5000,
    ) -> None:
        self.path = path
        self._synchronous = synchronous
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._units: list[_Unit] = []
        self._unit_writer: asyncio.Task[None] | None = None
        self._checkpoint_wanted = False
        self._checkpointer: asyncio.Task[None] | None = None
        #: Whether the last write failed because the disk (or database) is full.
        self.full = False

    async def open(self, *, migrate: bool = True) -> None:
        """Open both connections, set the pragmas and (by default) apply migrations."""
        if self.path.parent != Path():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        if migrate:
            await self.migrate()
        self._reader = await self._connect()
        await self._reader.execute("PRAGMA query_only = ON")

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a unit of
        # work is exactly what the code says it is.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await conn.execute("PRAGMA journal_mode = WAL")
            synchronous = "FULL" if self._synchronous == "FULL" else "NORMAL"
            await conn.execute(f"PRAGMA synchronous = {synchronous}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Deleted content is overwritten with zeros, in the pages and in the WAL's
            # copies of them: a forgotten person, an anonymous vote's salt, a handled
            # update's payload leave no bytes behind (see checkpoint).
            await conn.execute("PRAGMA secure_delete = ON")
            await conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        except BaseException:
            # Not a database (or unreadable): the connection's thread must not outlive us.
            await conn.close()
            raise
        return conn

    async def close(self) -> None:
        """Close both connections (after the units of work in hand); safe to call twice."""
        if self._unit_writer is not None and not self._unit_writer.done():
            await asyncio.wait([self._unit_writer])
        if self._writer is not None:
            await self.settle_checkpoints()
            # SQLite keeps no statistics unless asked: let it gather those its queries
            # of this run would have used (cheap; nothing if nothing is needed).
            with contextlib.suppress(sqlite3.Error):
                await self._writer.execute("PRAGMA optimize")
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @property
    def writer(self) -> aiosqlite.Connection:
        """The writer connection; only for code that holds the write lock."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        return self._writer

    async def migrate(self) -> list[Migration]:
        """Apply the migrations this database lacks, each in its own transaction."""
        conn = self.writer
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with conn.execute("SELECT version FROM schema_migrations") as cur:
            done = {int(row[0]) for row in await cur.fetchall()}
        current = max(done, default=0)
        latest = MIGRATIONS[-1].version
        if current > latest:
            raise SchemaTooNewError(
                f"database schema version {current} is newer than this program's {latest}"
            )
        applied = []
        for migration in MIGRATIONS:
            # Every step not yet recorded, not only those above the highest: branches that
            # landed together may have been applied out of order by a development build.
            if migration.version in done:
                continue
            async with self._write_lock:
                if migration.rebuilds_tables:
                    # Only outside a transaction does this pragma take effect.
                    await conn.execute("PRAGMA foreign_keys = OFF")
                try:
                    await self._apply(conn, migration)
                finally:
                    if migration.rebuilds_tables:
                        await conn.execute("PRAGMA foreign_keys = ON")
                if migration.vacuums:
                    await conn.execute("VACUUM")
            if migration.vacuums:
                await self.checkpoint()
            applied.append(migration)
        return applied

    @staticmethod
    async def _apply(conn: aiosqlite.Connection, migration: Migration) -> None:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            if migration.rebuilds_tables:
                async with conn.execute("PRAGMA foreign_key_check") as cur:
                    broken = await cur.fetchall()
                if broken:
                    raise sqlite3.IntegrityError(
                        f"migration {migration.version} breaks foreign keys: {list(broken)[:3]}"
                    )
            await conn.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, utc_now_text()),
            )
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()

    async def schema_version(self) -> int:
        """The highest migration applied to this database."""
        async with self.read() as session:
            return await session.meta.schema_version()

    @asynccontextmanager
    async def transaction(self, *, completes_update: bool = True) -> AsyncIterator[Session]:
        """A unit of work on the writer: committed if the block succeeds, else rolled back.

        With ``completes_update`` (the default) the update being handled, if
        any, is marked done in the same transaction. Housekeeping writes that
        are not the update's effect pass ``completes_update=False``.
        """
        scope = current_update.get()
        async with self._write_lock:
            conn = self.writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
                session = Session(conn)
                yield session
                marks = completes_update and scope is not None and not scope.completed
                if marks and scope is not None:
                    await session.inbox.mark_done(scope.update_id, utc_now_text(), failed=False)
                # Inside the try: a COMMIT refused (a full disk) is rolled back too.
                await conn.commit()
            except BaseException as error:
                # Also on cancellation: the connection's thread runs requests in
                # order, so this rollback follows whatever was already queued
                # (even a BEGIN whose await was cancelled) and precedes the next
                # unit of work. Shielded, so a second cancellation cannot skip it.
                await asyncio.shield(_rollback_quietly(conn))
                self._note_failure(error)
                raise
            if completes_update and scope is not None:
                scope.completed = True
        await self._note_success()

    def _note_failure(self, error: BaseException) -> None:
        if is_storage_full(error):
            self.full = True

    async def _note_success(self) -> None:
        """After a write that succeeded: if the disk was full until now, say so once
        and give the WAL's space back (it may have grown while writes kept failing)."""
        if not self.full:
            return
        self.full = False
        log.warning("database writes succeed again: the disk has room; checkpointing the WAL")
        try:
            await self.checkpoint()
        except sqlite3.Error as error:
            self._note_failure(error)

    async def run_unit(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a whole unit of work in the writer's thread, committed with its neighbours.

        ``work`` gets the plain ``sqlite3`` connection and runs its statements
        synchronously; the update being handled is marked done with it, as
        :meth:`transaction` does. Units that arrive while a batch is being
        written form the next batch: one hop to the writer's thread and one
        ``BEGIN IMMEDIATE`` … ``COMMIT`` (one fsync) for all of them, each in
        its own savepoint, so a unit that raises is rolled back alone and its
        error is raised to its caller (group commit). The caller returns only
        once its unit is committed. This is for the hottest writes (a ballot, a
        check-in), where a transaction of one await per statement would hold
        the write lock for a round of event-loop turns per statement.
        If the caller is cancelled, its unit is still written (or rolled back)
        with its batch.
        """
        scope = current_update.get()
        marks = scope is not None and not scope.completed
        update_id = scope.update_id if scope is not None else None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        # If the caller was cancelled meanwhile, nobody awaits the outcome: consume it.
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._units.append(_Unit(work, update_id if marks else None, future))
        if self._unit_writer is None or self._unit_writer.done():
            self._unit_writer = asyncio.create_task(self._write_units(), name="unit-writer")
        result: T = await asyncio.shield(future)
        if marks and scope is not None:
            scope.completed = True
        return result

    async def _write_units(self) -> None:
        while self._units:
            batch, self._units = self._units, []
            try:
                async with self._write_lock:
                    outcomes = await _in_thread(self.writer, _run_batch, batch)
            except BaseException as error:  # the batch could not be written at all
                self._note_failure(error)
                for unit in batch:
                    if not unit.future.done():
                        unit.future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            if any(not ok and is_storage_full(value) for ok, value in outcomes):
                self.full = True
            else:
                await self._note_success()
            for unit, (ok, value) in zip(batch, outcomes, strict=True):
                if unit.future.done():
                    continue
                if ok:
                    unit.future.set_result(value)
                else:
                    unit.future.set_exception(value)

    async def run_read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only query function in one hop to the reader's thread (for the query
        every update makes: who is this?)."""
        if self._reader is None:
            raise RuntimeError("database is not open")
        result: T = await _in_thread(self._reader, work)
        return result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Repositories on the read-only connection, for queries that change nothing."""
        if self._reader is None:
            raise RuntimeError("database is not open")
        yield Session(self._reader)

    async def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: "ok" when the file is sound."""
        async with self.writer.execute("PRAGMA integrity_check") as cur:
            rows = await cur.fetchall()
        return "\n".join(str(row[0]) for row in rows)

    async def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate it to zero bytes, so what was
        overwritten or deleted (with ``secure_delete``) is gone from both files.

        False if a reader kept it from completing (it is then requested again).
        """
        async with (
            self._write_lock,
            self.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur,
        ):
            row = await cur.fetchone()
        if row is not None and int(row[0]) != 0:
            log.warning("WAL checkpoint was blocked by a reader; trying again shortly")
            self.request_checkpoint()
            return False
        return True

    def request_checkpoint(self) -> None:
        """Checkpoint soon (see :meth:`checkpoint`), once for a burst of requests.

        Called after a unit of work whose old bytes must not linger in the WAL (a
        ballot of an anonymous vote, a vote's secret erased at its close).
        """
        self._checkpoint_wanted = True
        if self._checkpointer is None or self._checkpointer.done():
            self._checkpointer = asyncio.create_task(self._checkpoints(), name="wal-checkpoint")

    async def _checkpoints(self) -> None:
        while self._checkpoint_wanted:
            await asyncio.sleep(CHECKPOINT_DELAY_SECONDS)
            self._checkpoint_wanted = False
            try:
                await self.checkpoint()
            except sqlite3.Error as error:
                log.warning("WAL checkpoint failed: %s", error)

    async def settle_checkpoints(self) -> None:
        """Do a requested checkpoint now instead of after its delay (at close, in tests)."""
        if self._checkpointer is not None and not self._checkpointer.done():
            self._checkpointer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpointer
        if self._checkpoint_wanted:
            self._checkpoint_wanted = False
            await self.checkpoint()

    async def backup(self, target: Path) -> None:
        """Copy the live database to ``target`` with SQLite's online backup API."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._write_lock, aiosqlite.connect(target) as dest:
            await self.writer.backup(dest)


async def _in_thread(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(sqlite3_connection, *args)`` on the connection's own thread, in one hop.

    aiosqlite runs every request as a function queued to its thread; this
    queues ours the same way, after whatever the connection was already given.
    """
    connection: Any = conn
    result: T = await connection._execute(fn, connection._conn, *args)
    return result


@dataclass(frozen=True)
class _Unit:
    """A unit of work waiting for the next group commit."""

    work: Callable[[sqlite3.Connection], Any]
    marks_update: int | None  # the update to mark done with it, if any
    future: asyncio.Future[Any]


def _run_batch(conn: sqlite3.Connection, batch: list[_Unit]) -> list[tuple[bool, Any]]:
    """In the writer's thread: every unit in its savepoint, one COMMIT for all."""
    outcomes: list[tuple[bool, Any]] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for unit in batch:
            conn.execute("SAVEPOINT unit")
            try:
                result = unit.work(conn)
                if unit.marks_update is not None:
                    conn.execute(MARK_DONE_SQL, (utc_now_text(), 0, unit.marks_update))
            except Exception as error:
                conn.execute("ROLLBACK TO unit")
                conn.execute("RELEASE unit")
                outcomes.append((False, error))
                continue
            conn.execute("RELEASE unit")
            outcomes.append((True, result))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (so they can run in one transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def _rollback_quietly(conn: aiosqlite.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):  # nothing was begun
        await conn.rollback()
