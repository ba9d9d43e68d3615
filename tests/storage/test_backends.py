"""The two engines: PostgreSQL's schema is SQLite's, and the dialect's translations."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from storage import Storage
from storage.migrations import MIGRATIONS
from storage.postgres import baseline
from storage.postgres.dialect import Schema, translate
from storage.postgres.migrations import POSTGRES_MIGRATIONS
from tests.backends import column_names, on_postgres, table_names

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("pg_baseline", ROOT / "tools" / "pg_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_baseline_is_what_the_tool_writes() -> None:
    tool = _tool()
    written = tool.render_module(baseline.VERSION, tool.baseline(baseline.VERSION))
    assert (ROOT / "storage" / "postgres" / "baseline.py").read_text(encoding="utf-8") == written


def test_both_engines_end_at_the_same_version() -> None:
    # A new SQLite step needs its PostgreSQL twin (storage/postgres/migrations.py).
    assert POSTGRES_MIGRATIONS[-1].version == MIGRATIONS[-1].version


@pytest.mark.skipif(not on_postgres(), reason="compares a PostgreSQL database with SQLite's")
async def test_postgres_has_every_table_and_column_sqlite_has(db: Storage) -> None:
    tool = _tool()
    sqlite = tool.sqlite_at(MIGRATIONS[-1].version)
    expected = {
        name: [r[1] for r in sqlite.execute(f"PRAGMA table_info('{name}')")]
        for (name,) in sqlite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    async with db.read() as session:
        tables = await table_names(session.conn)
        found = {table: await column_names(session.conn, table) for table in tables}
    assert found == expected


S = Schema(identity_tables=frozenset({"matters"}), never_null=frozenset({"id"}))


def _sql(text: str, params: object = None) -> str:
    translated = translate(text, S)
    return translated.render(params)  # type: ignore[arg-type]


def test_values_are_written_in_as_quoted_literals() -> None:
    assert _sql("SELECT 1 WHERE a = ? AND b = ?", ("it's", -3)) == (
        "SELECT 1 WHERE a = 'it''s' AND b = (-3)"
    )
    assert _sql("SELECT ?2, ?1", ("a", "b")) == "SELECT 'b', 'a'"
    assert _sql("SELECT :n + :n", {"n": 2}) == "SELECT 2 + 2"
    assert _sql("SELECT ?", (b"\x00\xff",)) == "SELECT '\\x00ff'::bytea"
    assert _sql("SELECT ?", (True,)) == "SELECT 1"
    assert _sql("SELECT ?", ("a\x00b",)) == "SELECT 'a\ufffdb'"  # PostgreSQL's text has no NUL
    # A question mark inside a string or a comment is not a placeholder.
    assert _sql("SELECT '?' -- why?\n, ?", (1,)) == "SELECT '?'  \n, 1"


def test_sqlite_syntax_becomes_postgresql_syntax() -> None:
    assert _sql("INSERT OR IGNORE INTO t (a) VALUES (?)", (1,)) == (
        "INSERT  INTO t (a) VALUES (1) ON CONFLICT DO NOTHING"
    )
    assert _sql("INSERT INTO matters (a) VALUES (?)", (1,)).endswith(" RETURNING id")
    assert translate("INSERT INTO matters (a) VALUES (1)", S).returns_id
    assert _sql("SELECT max(a, b), max(c), min(d, 1) FROM t") == (
        "SELECT greatest(a, b), max(c), least(d, 1) FROM t"
    )
    assert _sql("SELECT 1 WHERE a IS ? AND b IS NOT c AND d IS NOT NULL", (None,)) == (
        "SELECT 1 WHERE a IS NOT DISTINCT FROM NULL AND b IS DISTINCT FROM  c AND d IS NOT NULL"
    )
    assert _sql("SELECT n FROM (SELECT 1 AS n) WHERE n = 1") == (
        "SELECT n FROM (SELECT 1 AS n) AS _subquery1 WHERE n = 1"
    )
    assert (
        _sql("SELECT count(*) FROM (SELECT 1) AS named")
        == "SELECT count(*) FROM (SELECT 1) AS named"
    )
    assert _sql("SELECT group_concat(a, char(31)) FROM t") == (
        "SELECT group_concat(a, chr(31)) FROM t"
    )


def test_nulls_sort_where_sqlite_puts_them() -> None:
    assert (
        _sql("SELECT a FROM t ORDER BY a\n LIMIT 1")
        == "SELECT a FROM t ORDER BY a NULLS FIRST\n LIMIT 1"
    )
    assert _sql("SELECT a FROM t ORDER BY a, b DESC, id LIMIT 3") == (
        "SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST, id LIMIT 3"
    )
    assert _sql("SELECT row_number() OVER (PARTITION BY c ORDER BY x) FROM t") == (
        "SELECT row_number() OVER (PARTITION BY c ORDER BY x NULLS FIRST) FROM t"
    )


def test_an_unknown_value_type_is_refused() -> None:
    with pytest.raises(TypeError):
        _sql("SELECT ?", (object(),))


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's errors")
async def test_postgres_errors_keep_the_classes_the_code_catches(db: Storage) -> None:
    async with db.transaction() as session:
        await session.conn.execute(
            "INSERT INTO people (tg_user_id, display_name, language, consent_at, registered_at,"
            " last_seen_at, community_id) VALUES (1, 'A', 'zh_Hans', 'x', 'x', 'x', 1)"
        )
        with pytest.raises(sqlite3.IntegrityError):
            async with session.savepoint():
                await session.conn.execute(
                    "INSERT INTO people (tg_user_id, display_name, language, consent_at,"
                    " registered_at, last_seen_at, community_id)"
                    " VALUES (1, 'B', 'zh_Hans', 'x', 'x', 'x', 1)"
                )
        # The savepoint kept the unit of work alive.
        async with session.conn.execute("SELECT count(*) FROM people") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 1
