"""A database of an older schema, for the tests of a migration: every step below one,
on SQLite or PostgreSQL, filled with the rows an older Pavilion wrote."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from uuid import uuid4

from storage import Storage
from storage.db import split_statements
from storage.migrations import MIGRATIONS


def database_before(path: Path, version: int) -> sqlite3.Connection:
    """A new database at ``path`` with every migration below ``version`` applied (and
    recorded), as an older Pavilion left it; the caller fills it, commits and closes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS:
        if migration.version >= version:
            break
        if migration.rebuilds_tables:
            conn.execute("PRAGMA foreign_keys = OFF")
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
            (migration.version, migration.description),
        )
    return conn


#: Rows an older Pavilion wrote: (SQL with ``?`` placeholders, parameters).
OldRows = Sequence[tuple[str, tuple[object, ...]]]

#: The time every old row was written at.
STAMP = "2026-01-01T00:00:00.000000+00:00"

#: A second community (和平社区, id 2) beside the first, and a person in each: 1 in the
#: first, 2 in the second (the numbering migrations' tests start from these).
TWO_COMMUNITIES: OldRows = (
    (
        "INSERT INTO communities (id, name, grids, created_at) VALUES (2, '和平社区', '[]', ?)",
        (STAMP,),
    ),
    *(
        (
            "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
            " registered_at, last_seen_at, community_id)"
            " VALUES (?, ?, '张三', 'zh_Hans', ?, ?, ?, ?)",
            (person_id, 100 + person_id, STAMP, STAMP, STAMP, community),
        )
        for person_id, community in ((1, 1), (2, 2))
    ),
)


def sqlite_database_before(path: Path, version: int, rows: OldRows) -> None:
    """:func:`database_before`, filled with ``rows``, committed and closed."""
    conn = database_before(path, version)
    for sql, params in rows:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


async def on_sqlite_before(
    path: Path, version: int, rows: OldRows, check: Callable[[Storage], Awaitable[None]]
) -> None:
    """SQLite's :func:`sqlite_database_before` at ``path``, then ``check`` on the database
    opened as Pavilion opens it (which migrates it); closed afterwards."""
    from storage.db import Database

    sqlite_database_before(path, version, rows)
    db = Database(path)
    await db.open()
    try:
        await check(db)
    finally:
        await db.close()


async def on_postgresql_before(
    version: int,
    rows: OldRows,
    identities: Sequence[str],
    check: Callable[[Storage], Awaitable[None]],
) -> None:
    """PostgreSQL's steps below ``version`` on a new database, ``rows`` written into it
    (``identities``: the tables whose id sequence must go on after the ids written), then
    ``check`` on the database opened as Pavilion opens it (which migrates it); dropped
    afterwards."""
    import asyncpg

    from storage.postgres.database import PostgresDatabase
    from storage.postgres.migrations import POSTGRES_MIGRATIONS
    from tests.backends import POSTGRES_URL, url_of

    name = f"t_{uuid4().hex[:16]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            conn = await asyncpg.connect(url_of(name))
            try:
                await conn.execute(
                    "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY,"
                    " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                for migration in POSTGRES_MIGRATIONS:
                    if migration.version >= version:
                        break
                    await conn.execute(migration.sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations VALUES ($1, $2, '2026-01-01')",
                        migration.version,
                        migration.description,
                    )
                for sql, params in rows:
                    parts = sql.split("?")
                    numbered = "".join(
                        part + (f"${i + 1}" if i < len(parts) - 1 else "")
                        for i, part in enumerate(parts)
                    )
                    await conn.execute(numbered, *params)
                for table in identities:
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
            finally:
                await conn.close()
            db = PostgresDatabase(url_of(name), pool_size=1)
            await db.open()
            try:
                await check(db)
            finally:
                await db.close()
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()
