"""A database of an older schema, for the tests of a migration: every step below one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
