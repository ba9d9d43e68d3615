"""An asyncpg connection that the repositories use as they use aiosqlite's.

The repositories call ``conn.execute(sql, params)`` (awaited, or as ``async
with``), read ``fetchone`` / ``fetchall`` / ``lastrowid`` / ``rowcount`` off the
cursor, and ``executemany``; the hot paths that run synchronously in SQLite's
thread (``Database.run_unit``) call the same on a ``sqlite3.Connection``.
:class:`PgConnection` and :class:`SyncPgConnection` give both shapes over one
asyncpg connection, with the SQL translated by storage/postgres/dialect.py.
Rows are asyncpg's ``Record``: by name and by position, as ``sqlite3.Row``.

Errors keep the DB-API classes the code already catches (the repositories'
contract is the same on both engines): a broken constraint is a
``sqlite3.IntegrityError``, a full disk says "database or disk is full" (see
``storage.db.is_storage_full``), anything else from the server is a
``sqlite3.OperationalError``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from greenlet import getcurrent, greenlet

from storage.postgres.dialect import Schema, Translated, translate

T = TypeVar("T")

Params = Sequence[Any] | Mapping[str, Any] | None

#: A connection of ours, or one lent by a pool.
RawConnection = asyncpg.Connection | PoolConnectionProxy

_STATUS_COUNT = re.compile(r"(\d+)\s*$")


class Translations:
    """Each SQL text translated once (the repositories' texts are constants)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._cache: dict[str, Translated] = {}

    def get(self, sql: str) -> Translated:
        """The translation of ``sql``."""
        found = self._cache.get(sql)
        if found is None:
            found = translate(sql, self.schema)
            if len(self._cache) < 20_000:  # built SQL (IN lists) must not grow it for ever
                self._cache[sql] = found
        return found


class PgCursor:
    """The rows and counts of one executed statement (all fetched at once)."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def _one(self) -> Any:
        if self._next >= len(self._rows):
            return None
        row = self._rows[self._next]
        self._next += 1
        return row

    def _rest(self) -> list[Any]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._one()

    async def fetchall(self) -> list[Any]:
        """The rows not yet fetched."""
        return self._rest()

    async def close(self) -> None:
        """Nothing to release: the rows are already here."""


class _Pending:
    """``conn.execute(...)``: awaitable, and an async context manager, as aiosqlite's."""

    def __init__(self, run: Awaitable[PgCursor]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._run.__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._run

    async def __aexit__(self, *exc: object) -> None:
        return None


def _decode_numeric(text: str) -> int | float:
    # SQLite's sum() of integers is an integer; PostgreSQL's is numeric.
    if "." in text or "e" in text.lower() or text in {"NaN", "Infinity", "-Infinity"}:
        return float(text)
    return int(text)


async def reset_connection(raw: asyncpg.Connection) -> None:
    """What a connection needs when it goes back to the pool: a rollback, if a unit left
    its transaction open (a cancelled one). asyncpg's own reset sends RESET ALL, CLOSE
    ALL, UNLISTEN * and pg_advisory_unlock_all() every time, a round trip per unit of
    work for state Pavilion never leaves on a pooled connection: settings are given at
    connect, no cursor outlives its statement, nothing LISTENs, and the only
    session-level advisory lock (the sender's seat) has a connection of its own."""
    if raw.is_in_transaction():
        await raw.execute("ROLLBACK")


async def prepare_connection(raw: asyncpg.Connection) -> None:
    """Per connection: numeric as int/float, as SQLite returns the same values."""
    await raw.set_type_codec(
        "numeric",
        schema="pg_catalog",
        encoder=lambda value: str(Decimal(value)),
        decoder=_decode_numeric,
        format="text",
    )


def _as_sqlite_error(error: BaseException, sql: str = "") -> BaseException:
    # The statement's text without its values (which may be a person's data) helps
    # whoever reads the log find the query.
    where = f" [in: {' '.join(sql.split())[:300]}]" if sql else ""
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return sqlite3.IntegrityError(f"{type(error).__name__}: {error}")
    if isinstance(error, asyncpg.DiskFullError) or getattr(error, "sqlstate", "") in {
        "53100",
        "53200",
    }:
        return sqlite3.OperationalError(f"database or disk is full ({error})")
    if isinstance(error, asyncpg.PostgresError):
        return sqlite3.OperationalError(f"{type(error).__name__}: {error}{where}")
    if isinstance(error, (asyncpg.InterfaceError, OSError)):
        return sqlite3.OperationalError(f"database unavailable: {error}")
    return error


class PgConnection:
    """One asyncpg connection with aiosqlite's surface (see the module's docstring)."""

    #: For the few repository steps that differ by engine (aiosqlite's has none).
    engine = "postgresql"

    def __init__(self, raw: RawConnection, translations: Translations) -> None:
        self.raw = raw
        self._translations = translations

    def execute(self, sql: str, params: Params = None) -> _Pending:
        """Run one statement; its cursor (awaitable, or ``async with``)."""
        return _Pending(self.run(sql, params))

    async def run(self, sql: str, params: Params = None) -> PgCursor:
        """Run one statement now; its cursor."""
        translated = self._translations.get(sql)
        text = translated.render(params)
        try:
            if translated.returns_rows:
                rows = await self.raw.fetch(text)
                lastrowid = int(rows[0][0]) if translated.returns_id and rows else None
                return PgCursor(rows, len(rows), lastrowid)
            status = await self.raw.execute(text)
        except Exception as error:
            mapped = _as_sqlite_error(error, sql)
            if mapped is error:
                raise
            raise mapped from error
        found = _STATUS_COUNT.search(status or "")
        return PgCursor([], int(found.group(1)) if found else -1, None)

    async def executemany(self, sql: str, seq: Iterable[Params]) -> PgCursor:
        """Run one statement for each set of parameters, in one round trip."""
        translated = self._translations.get(sql)
        texts = [translated.render(params) for params in seq]
        if not texts:
            return PgCursor([], 0, None)
        try:
            await self.raw.execute(";\n".join(texts))
        except Exception as error:
            mapped = _as_sqlite_error(error, sql)
            if mapped is error:
                raise
            raise mapped from error
        return PgCursor([], len(texts), None)


class SyncCursor:
    """A cursor for the synchronous units of work (rows fetched already)."""

    def __init__(self, cursor: PgCursor) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor._one()

    def fetchall(self) -> list[Any]:
        """The rows not yet fetched."""
        return self._cursor._rest()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor._rest())


async def run_synchronously(work: Callable[[Any], T], conn: PgConnection) -> T:
    """Run ``work`` (a synchronous function of a ``sqlite3.Connection``) on the event
    loop, over ``conn``.

    ``work`` runs in a greenlet of its own: each statement it sends switches back
    here with the statement's awaitable, which is awaited on the loop, and the
    result (or the error) is switched back in. Nothing leaves the event loop's
    thread, so a statement costs one round trip to the server and no thread
    hand-over (a thread per unit paid two context switches and a lock per
    statement). ``work`` has no contextvars of the caller's, as in a thread: it
    is given what it needs as arguments.
    """
    child = greenlet(work)
    request = child.switch(SyncPgConnection(conn))
    while not child.dead:
        try:
            value = await request
        except BaseException as error:  # handed to the unit: it rolls back or handles it
            request = child.throw(error)
        else:
            request = child.switch(value)
    return cast(T, request)


class SyncPgConnection:
    """``sqlite3.Connection``'s surface over one of our connections, for the synchronous
    units of work (see :func:`run_synchronously`)."""

    def __init__(self, conn: PgConnection) -> None:
        self._conn = conn

    def _wait(self, make: Callable[[], Awaitable[T]]) -> T:
        # In run_synchronously's greenlet: the parent awaits the statement, and
        # switches its result back in (or throws its error here).
        return cast(T, getcurrent().parent.switch(make()))

    def execute(self, sql: str, params: Params = None) -> SyncCursor:
        """Run one statement; its cursor."""
        return SyncCursor(self._wait(lambda: self._conn.run(sql, params)))

    def executemany(self, sql: str, seq: Iterable[Params]) -> SyncCursor:
        """Run one statement for each set of parameters."""
        rows = list(seq)
        return SyncCursor(self._wait(lambda: self._conn.executemany(sql, rows)))
