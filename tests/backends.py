"""Which engine the tests run on: SQLite (the default) or PostgreSQL.

With ``PAVILION_TEST_DATABASE_URL=postgresql://…/postgres`` (a server the tests may
create databases on; .ci/run starts a throwaway one), every test that takes its
database from ``make_settings`` or the ``db`` fixture gets a database of its own on
that server instead of a SQLite file: the one a SQLite path names, cloned from a
template migrated once per run, and dropped when the test ends. Tests of what only
SQLite has (its file, WAL, lock, online backup) are marked ``sqlite_only``.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

T = TypeVar("T")

#: The server's administrative URL, when the tests run on PostgreSQL.
POSTGRES_URL: str | None = os.environ.get("PAVILION_TEST_DATABASE_URL") or None

_admin = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-admin")
_lock = threading.Lock()
_by_path: dict[Path, str] = {}
_created: list[str] = []
_template: str | None = None


def on_postgres() -> bool:
    """Whether this run's tests use PostgreSQL."""
    return POSTGRES_URL is not None


def _run(coro: Coroutine[Any, Any, T]) -> T:
    # Its own thread and loop: callers may be inside a test's running loop.
    return _admin.submit(asyncio.run, coro).result()


def url_of(database: str) -> str:
    """The server's URL with ``database`` as its database."""
    assert POSTGRES_URL is not None
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path="/" + database))


async def _admin_execute(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _make_template(name: str) -> None:
    import asyncpg

    from storage.postgres.database import PostgresDatabase

    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute("SELECT pg_advisory_lock(4242)")  # parallel runs share a server
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
            db = PostgresDatabase(url_of(name), pool_size=1)
            await db.open()
            await db.close()
        await conn.execute("SELECT pg_advisory_unlock(4242)")
    finally:
        await conn.close()


def _template_name() -> str:
    global _template
    if _template is None:
        import hashlib

        from storage.postgres.migrations import POSTGRES_MIGRATIONS

        digest = hashlib.sha256("".join(m.sql for m in POSTGRES_MIGRATIONS).encode()).hexdigest()[
            :12
        ]
        name = f"pavilion_template_{digest}"
        _run(_make_template(name))
        _template = name
    return _template


def postgres_url_for(path: Path) -> str:
    """The PostgreSQL database standing in for the SQLite file ``path`` (made on first ask)."""
    with _lock:
        found = _by_path.get(path)
        if found is None:
            name = f"t_{uuid4().hex[:16]}"
            _run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_name()}"'))
            _created.append(name)
            found = _by_path[path] = url_of(name)
        return found


def drop_test_databases() -> None:
    """Drop the databases this test made (a leaked connection does not keep one)."""
    with _lock:
        names, _created[:] = list(_created), []
        _by_path.clear()
    if names:
        _run(_admin_execute(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names)))


async def table_names(conn: Any) -> list[str]:
    """The database's tables (not the engine's own), on either engine."""
    sql = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        if on_postgres()
        else "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    async with conn.execute(sql) as cur:
        return sorted(str(row[0]) for row in await cur.fetchall())


async def column_names(conn: Any, table: str) -> list[str]:
    """A table's columns in their order, on either engine."""
    if on_postgres():
        sql = (
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            f" current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        )
        index = 0
    else:
        sql, index = f"PRAGMA table_info({table})", 1
    async with conn.execute(sql) as cur:
        return [str(row[index]) for row in await cur.fetchall()]


async def database_text(db: Any, without: frozenset[str] = frozenset()) -> str:
    """Everything the database holds, as text (to check a forgotten person's words are
    nowhere): SQLite's dump, or every PostgreSQL table's rows; less the tables named."""
    if not on_postgres():
        lines = [line async for line in db.writer.iterdump()]
        return "\n".join(
            line for line in lines if not any(f'INSERT INTO "{t}"' in line for t in without)
        )
    lines: list[str] = []
    async with db.read() as session:
        for table in await table_names(session.conn):
            if table in without:
                continue
            async with session.conn.execute(f"SELECT * FROM {table}") as cur:
                lines.extend(f"{table}: {tuple(row)!r}" for row in await cur.fetchall())
    return "\n".join(lines)


async def read_value(storage_settings: Any, sql: str) -> Any:
    """One value read from the database a bot's ``[storage]`` names (after it stopped)."""
    from bot.services import database_for

    db = database_for(storage_settings)
    await db.open(migrate=False)
    try:
        async with db.read() as session, session.conn.execute(sql) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]
    finally:
        await db.close()
