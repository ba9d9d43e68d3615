"""The PostgreSQL engine: pools of asyncpg connections, units of work, migrations.

Units of work run on the writers' pool, each in its own transaction; reads on
the readers' pool (so a unit that also reads never waits for a connection its
own kind holds). Within a community, units of work are serialized as SQLite
serializes all of them, across every process sharing the database: each
transaction first takes the community's transaction-scoped advisory lock. The
repositories' read-then-write steps (the next matter number, "already voted?")
keep the meaning they have on SQLite, while different communities write side by
side.

Exactly-once handling of updates is as on SQLite: the first unit of work that
commits during an update's handling marks it done in the inbox, in the same
transaction. With several workers, a worker whose lease on an update ran out
(bot/runtime/claims.py) may be handling it while another does: the one whose done
mark finds the update already done rolls its effect back
(:class:`~storage.runtime.inbox.UpdateDoneElsewhere`), so the mark, and the
effect, are written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import asyncpg

from storage.backend import Storage
from storage.db import SchemaTooNewError, is_storage_full
from storage.migrations import MIGRATIONS, Migration
from storage.postgres.connection import (
    PgConnection,
    RawConnection,
    Translations,
    prepare_connection,
    reset_connection,
    run_synchronously,
)
from storage.postgres.dialect import Schema
from storage.postgres.migrations import POSTGRES_MIGRATIONS
from storage.runtime.inbox import UpdateDoneElsewhere
from storage.scope import current_community, current_update
from storage.session import Session
from storage.times import utc_now_text

T = TypeVar("T")

log = logging.getLogger(__name__)

#: The first key of every advisory lock Pavilion takes ('Pa'), so other users of the
#: same server do not collide with ours; the second names what is locked.
LOCK_NAMESPACE = 0x5061
#: Second keys that are not communities (communities are 1, 2, …).
STREET_WIDE_KEY = 0
MIGRATION_KEY = -1
#: How long a requested VACUUM waits, so a burst of requests shares one.
VACUUM_DELAY_SECONDS = 1.0
#: How many of the updates it marked done a process remembers (see ``_mark_done_once``).
MARKED_HERE_KEPT = 65_536


class PostgresDatabase(Storage):
    """One PostgreSQL database, shared by every process of a deployment."""

    shared = True

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        self.path = Path("postgresql")  # for messages; there is no file
        self._pool_size = pool_size
        self._writers: asyncpg.Pool | None = None
        self._readers: asyncpg.Pool | None = None
        self._translations = Translations(Schema())
        self._community_locks: dict[int, asyncio.Lock] = {}
        #: Updates this process marked done (the latest): a unit that finds its update
        #: done by one of these is its own update's other unit, not another worker's.
        self._marked_here: OrderedDict[int, None] = OrderedDict()
        # The synchronous units of work run here; each statement goes back to the loop.
        self.full = False
        self._vacuum: asyncio.Task[None] | None = None
        self._vacuum_wanted = False

    async def _pool(self, size: int) -> asyncpg.Pool:
        pool = await asyncpg.create_pool(
            self.url,
            min_size=1,
            max_size=size,
            init=prepare_connection,
            reset=reset_connection,
            # Statements carry their values (client-side binding): none repeats.
            statement_cache_size=0,
            server_settings={
                "standard_conforming_strings": "on",
                "application_name": "pavilion",
            },
        )
        assert pool is not None  # noqa: S101 - create_pool returns the pool it made
        return pool

    async def open(self, *, migrate: bool = True) -> None:
        """Connect both pools and (by default) apply the migrations."""
        try:
            self._writers = await self._pool(self._pool_size)
            self._readers = await self._pool(self._pool_size)
        except (OSError, asyncpg.PostgresError) as error:
            await self.close()
            raise sqlite3.OperationalError(f"cannot reach PostgreSQL: {error}") from error
        if migrate:
            await self.migrate()
        await self._learn_schema()

    async def close(self) -> None:
        """Close both pools (after a VACUUM in hand); safe to call twice."""
        if self._vacuum is not None and not self._vacuum.done():
            self._vacuum.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._vacuum
        for pool in (self._readers, self._writers):
            if pool is not None:
                await pool.close()
        self._readers = self._writers = None

    def _writers_pool(self) -> asyncpg.Pool:
        if self._writers is None:
            raise RuntimeError("database is not open")
        return self._writers

    def _readers_pool(self) -> asyncpg.Pool:
        if self._readers is None:
            raise RuntimeError("database is not open")
        return self._readers

    async def _learn_schema(self) -> None:
        """What the SQL translation needs to know (identity ids, columns never NULL)."""
        async with self._readers_pool().acquire() as raw:
            identity = await raw.fetch(
                "SELECT table_name FROM information_schema.columns WHERE table_schema ="
                " current_schema() AND column_name = 'id' AND is_identity = 'YES'"
            )
            columns = await raw.fetch(
                "SELECT column_name, bool_and(is_nullable = 'NO') AS never_null"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " GROUP BY column_name"
            )
        self._translations = Translations(
            Schema(
                identity_tables=frozenset(str(r[0]) for r in identity),
                never_null=frozenset(str(r[0]) for r in columns if r[1]),
            )
        )

    async def migrate(self) -> list[Migration]:
        """Apply the steps this database lacks, each in its own transaction; several
        processes starting at once take turns (an advisory lock)."""
        latest = MIGRATIONS[-1].version
        if POSTGRES_MIGRATIONS[-1].version != latest:
            raise RuntimeError(
                f"PostgreSQL's migrations end at {POSTGRES_MIGRATIONS[-1].version},"
                f" SQLite's at {latest}: write the step for both engines"
            )
        applied: list[Migration] = []
        async with self._writers_pool().acquire() as raw:
            await raw.execute(f"SELECT pg_advisory_lock({LOCK_NAMESPACE}, {MIGRATION_KEY})")
            try:
                await raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
                    " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                done = {int(r[0]) for r in await raw.fetch("SELECT version FROM schema_migrations")}
                current = max(done, default=0)
                if current > latest:
                    raise SchemaTooNewError(
                        f"database schema version {current} is newer than this program's {latest}"
                    )
                for migration in POSTGRES_MIGRATIONS:
                    if migration.version in done or (migration is POSTGRES_MIGRATIONS[0] and done):
                        continue
                    async with raw.transaction():
                        await raw.execute(migration.sql)
                        await raw.execute(
                            "INSERT INTO schema_migrations (version, description, applied_at)"
                            " VALUES ($1, $2, $3)",
                            migration.version,
                            migration.description,
                            utc_now_text(),
                        )
                    applied.append(migration)
            finally:
                await raw.execute(f"SELECT pg_advisory_unlock({LOCK_NAMESPACE}, {MIGRATION_KEY})")
        return applied

    async def schema_version(self) -> int:
        """The highest migration applied."""
        async with self.read() as session:
            return await session.meta.schema_version()

    def _lock_of(self, community: int) -> asyncio.Lock:
        lock = self._community_locks.get(community)
        if lock is None:
            lock = self._community_locks[community] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def transaction(self, *, completes_update: bool = True) -> AsyncIterator[Session]:
        """A unit of work (see the module's docstring); committed if the block succeeds."""
        scope = current_update.get()
        community = current_community.get()
        key = community if community is not None else STREET_WIDE_KEY
        # In this process, units of one community wait here, not holding a connection.
        async with self._lock_of(key), self._writers_pool().acquire() as raw:
            conn = PgConnection(raw, self._translations)
            marked = False
            try:
                await raw.execute(
                    f"BEGIN; SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, {int(key)})"
                )
                session = Session(cast(Any, conn))
                yield session
                marks = completes_update and scope is not None and not scope.completed
                if marks and scope is not None:
                    marked = await self._mark_done_once(session, scope.update_id)
                await raw.execute("COMMIT")
            except BaseException as error:
                await asyncio.shield(_rollback_quietly(raw))
                if marked and scope is not None:
                    self._marked_here.pop(scope.update_id, None)
                self._note_failure(error)
                raise
            if completes_update and scope is not None:
                scope.completed = True
        self.full = False

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[Session]:
        """Repositories on a writer, each statement committing by itself (see
        ``Storage.autocommit``)."""
        async with self._writers_pool().acquire() as raw:
            try:
                yield Session(cast(Any, PgConnection(raw, self._translations)))
            except BaseException as error:
                self._note_failure(error)
                raise
        self.full = False

    async def _mark_done_once(self, session: Session, update_id: int) -> bool:
        """Mark the update done in this unit of work; raise (rolling it back) if another
        worker marked it first. Found done by this process (two units of one update
        side by side, as on SQLite) or by this unit itself (an erasure scrubs the
        person's stored updates), it is not marked again and the unit commits. An
        update not in the inbox (a test's, a CLI job's) has nothing to mark. Returns
        whether this unit marked it."""
        if await session.inbox.mark_done(update_id, utc_now_text(), failed=False):
            # Noted before the commit: the other unit's mark may return the moment it lands.
            self._marked_here[update_id] = None
            while len(self._marked_here) > MARKED_HERE_KEPT:
                self._marked_here.popitem(last=False)
            return True
        if update_id not in self._marked_here and (
            await session.inbox.done_by_another_transaction(update_id)
        ):
            raise UpdateDoneElsewhere(update_id)
        return False

    def _note_failure(self, error: BaseException) -> None:
        if is_storage_full(error):
            self.full = True

    async def run_unit(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """The unit of work on the event loop (``run_synchronously``: each statement
        awaited in place), in one transaction; if the caller is cancelled, the unit is
        still finished."""
        task = asyncio.ensure_future(self._unit(work))
        return await asyncio.shield(task)

    async def _unit(self, work: Callable[[sqlite3.Connection], T]) -> T:
        async with self.transaction() as session:
            return await run_synchronously(work, cast(PgConnection, session.conn))

    async def run_read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """A synchronous query function, run against a reader."""
        async with self._readers_pool().acquire() as raw:
            return await run_synchronously(work, PgConnection(raw, self._translations))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Repositories on a reader (each statement sees what is committed)."""
        async with self._readers_pool().acquire() as raw:
            yield Session(cast(Any, PgConnection(raw, self._translations)))

    async def integrity_check(self) -> str:
        """PostgreSQL checks its pages itself; this says whether the server answers."""
        async with self._readers_pool().acquire() as raw:
            await raw.fetchval("SELECT 1")
        return "ok"

    async def checkpoint(self) -> bool:
        """Have what was overwritten or deleted (a forgotten person, an erased vote's
        secret, ballots rewritten at a close) gone from the tables' files soon: a
        VACUUM, in the background (SQLite's WAL checkpoint does this for its file).
        PostgreSQL's own write-ahead log is the server's to recycle."""
        self.request_checkpoint()
        return True

    def request_checkpoint(self) -> None:
        """Vacuum soon, once for a burst of requests."""
        self._vacuum_wanted = True
        if self._vacuum is None or self._vacuum.done():
            self._vacuum = asyncio.create_task(self._vacuums(), name="vacuum")

    async def _vacuums(self) -> None:
        while self._vacuum_wanted:
            await asyncio.sleep(VACUUM_DELAY_SECONDS)
            self._vacuum_wanted = False
            await self._vacuum_now()

    async def _vacuum_now(self) -> None:
        if self._readers is None:
            return
        try:
            async with self._readers.acquire() as raw:
                await raw.execute("VACUUM")  # outside a transaction, never blocking writes
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("VACUUM failed: %s", error)

    async def settle_checkpoints(self) -> None:
        """Do a requested VACUUM now instead of after its delay (at a close, in tests)."""
        if self._vacuum is not None and not self._vacuum.done():
            self._vacuum.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._vacuum
        if self._vacuum_wanted:
            self._vacuum_wanted = False
            await self._vacuum_now()

    async def backup(self, target: Path) -> None:
        """Not ours on PostgreSQL: pg_dump copies a live database consistently."""
        raise sqlite3.NotSupportedError(
            "on PostgreSQL, back up with pg_dump (e.g. pg_dump -Fc URL > pavilion.dump)"
        )


async def _rollback_quietly(raw: RawConnection) -> None:
    with contextlib.suppress(Exception):
        await raw.execute("ROLLBACK")
