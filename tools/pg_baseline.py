"""Write storage/postgres/baseline.py: the PostgreSQL schema equal to SQLite's at a version.

PostgreSQL databases start at the schema SQLite reaches after its migration
``--through`` (no PostgreSQL database predates it, so SQLite's history of table
rebuilds has nothing to migrate there). This reads that schema off a fresh
SQLite database (PRAGMA table_info, index_list, foreign_key_list, and the CHECK
clauses of each CREATE TABLE) and writes it in PostgreSQL's DDL: INTEGER as
BIGINT (Telegram's ids do not fit 32 bits), REAL as DOUBLE PRECISION, a rowid
``id`` as an identity column, GLOB checks as regular expressions, foreign keys
added once every table exists, and the triggers rewritten by hand below.

    .venv/bin/python tools/pg_baseline.py --through 38

tests/storage/test_backends.py checks the committed file is what this writes.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.db import split_statements  # noqa: E402
from storage.migrations import MIGRATIONS  # noqa: E402
from storage.migrations.numbering import postgres_next_number_trigger  # noqa: E402
from storage.postgres.dialect import tokenize  # noqa: E402

#: The tables numbered per community (storage/migrations/numbering.py), each with its
#: ``<table>_next_number`` trigger.
NUMBERED_PER_COMMUNITY = (
    "matters",
    "conventions",
    "lessons",
    "leave_requests",
    "activities",
    "move_requests",
    "needs",
    "surveys",
    "checkins",
    "party_commitments",
)

#: The triggers, in PostgreSQL (SQLite's trigger bodies do not translate).
TRIGGERS = {
    **{
        f"{table}_next_number": postgres_next_number_trigger(table)
        for table in NUMBERED_PER_COMMUNITY
    },
    "needs_forget_resident": """
CREATE FUNCTION needs_forget_resident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE needs SET text = '', photo = NULL, voice = NULL, reply = NULL
        WHERE resident_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER needs_forget_resident BEFORE DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION needs_forget_resident();
""",
}

TYPES = {"INTEGER": "BIGINT", "TEXT": "TEXT", "REAL": "DOUBLE PRECISION", "BLOB": "BYTEA"}


def sqlite_at(version: int) -> sqlite3.Connection:
    """A fresh in-memory SQLite database migrated through ``version``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS:
        if migration.version > version:
            break
        conn.execute("BEGIN")
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute("COMMIT")
    return conn


def _glob_to_regex(pattern: str) -> str:
    body = pattern[1:-1].replace("''", "'")
    regex = ""
    for char in body:
        regex += {"*": ".*", "?": "."}.get(char, char)
    return "'^" + regex.replace("'", "''") + "$'"


def checks(create_sql: str) -> list[str]:
    """The CHECK clauses of a CREATE TABLE, in PostgreSQL (GLOB as ``~``)."""
    tokens = [t for t in tokenize(create_sql)]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i].upper == "CHECK":
            j = i + 1
            while tokens[j].kind == "ws":
                j += 1
            depth, k = 0, j
            while True:
                if tokens[k].text == "(":
                    depth += 1
                elif tokens[k].text == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            parts: list[str] = []
            m = j
            while m <= k:
                token = tokens[m]
                if token.upper == "GLOB":
                    n = m + 1
                    while tokens[n].kind == "ws":
                        n += 1
                    parts.append("~ " + _glob_to_regex(tokens[n].text))
                    m = n + 1
                    continue
                parts.append(" " if token.kind == "ws" else token.text)
                m += 1
            found.append("CHECK " + " ".join("".join(parts).split()))
            i = k + 1
        else:
            i += 1
    return found


def table_ddl(conn: sqlite3.Connection, table: str, create_sql: str) -> tuple[str, list[str]]:
    """The CREATE TABLE of one table, and its foreign keys as ALTER TABLE statements."""
    columns = conn.execute(f"PRAGMA table_info('{table}')").fetchall()
    without_rowid = "WITHOUT ROWID" in create_sql.upper()
    pk = [row[1] for row in sorted(columns, key=lambda r: r[5]) if row[5] > 0]
    lines: list[str] = []
    identity = (
        len(pk) == 1
        and not without_rowid
        and pk[0] == "id"
        and any(r[1] == "id" and r[2].upper() == "INTEGER" for r in columns)
    )
    for _cid, name, declared, notnull, default, _pk in columns:
        pg_type = TYPES[declared.upper()]
        line = f"    {name} {pg_type}"
        if identity and name == "id":
            line += " GENERATED BY DEFAULT AS IDENTITY"
        if notnull and name not in pk:
            line += " NOT NULL"
        if default is not None:
            line += f" DEFAULT {default}"
        lines.append(line)
    lines.append(f"    PRIMARY KEY ({', '.join(pk)})" if pk else "")
    for index in conn.execute(f"PRAGMA index_list('{table}')").fetchall():
        if index[3] == "u":
            cols = [r[2] for r in conn.execute(f"PRAGMA index_info('{index[1]}')").fetchall()]
            lines.append(f"    UNIQUE ({', '.join(cols)})")
    lines.extend(f"    {check}" for check in checks(create_sql))
    body = ",\n".join(line for line in lines if line)
    keys: dict[int, list[tuple[str, str, str, str, str]]] = {}
    for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall():
        keys.setdefault(fk[0], []).append((fk[2], fk[3], fk[4], fk[5], fk[6]))
    alters = []
    for number, parts in sorted(keys.items()):
        parent = parts[0][0]
        local = ", ".join(p[1] for p in parts)
        if parts[0][2] is None:
            parent_pk = [
                r[1]
                for r in sorted(
                    conn.execute(f"PRAGMA table_info('{parent}')").fetchall(),
                    key=lambda r: r[5],
                )
                if r[5] > 0
            ]
            remote = ", ".join(parent_pk)
        else:
            remote = ", ".join(p[2] for p in parts)
        action = ""
        if parts[0][4] and parts[0][4] != "NO ACTION":
            action += f" ON DELETE {parts[0][4]}"
        if parts[0][3] and parts[0][3] != "NO ACTION":
            action += f" ON UPDATE {parts[0][3]}"
        alters.append(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_fk{number}"
            f" FOREIGN KEY ({local}) REFERENCES {parent} ({remote}){action};"
        )
    return f"CREATE TABLE {table} (\n{body}\n);", alters


def baseline(version: int) -> str:
    """The whole PostgreSQL schema (tables, keys, indexes, triggers, first rows)."""
    conn = sqlite_at(version)
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT IN ('schema_migrations') AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    out: list[str] = []
    foreign: list[str] = []
    for name, sql in tables:
        create, alters = table_ddl(conn, name, sql)
        out.append(create)
        foreign.extend(alters)
    out.extend(foreign)
    for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ):
        out.append(" ".join(sql.split()) + ";")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ):
        if name not in TRIGGERS:
            raise SystemExit(f"trigger {name}: write its PostgreSQL form in TRIGGERS")
        out.append(TRIGGERS[name].strip())
    for name, _sql in tables:
        rows = conn.execute(f"SELECT * FROM '{name}'").fetchall()
        if not rows:
            continue
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{name}')").fetchall()]
        for row in rows:
            values = ", ".join(_literal(v) for v in row)
            out.append(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({values});")
        if "id" in columns:
            out.append(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                f" (SELECT max(id) FROM {name}));"
            )
    return "\n\n".join(out) + "\n"


#: A stored moment in the first rows is written when the database is made, as SQLite's is.
NOW_TEXT = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.000000+00:00')"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", value):
        return NOW_TEXT
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def main() -> None:
    """Write the module."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--through", type=int, required=True)
    args = parser.parse_args()
    sql = baseline(args.through)
    target = ROOT / "storage" / "postgres" / "baseline.py"
    target.write_text(render_module(args.through, sql), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")


def render_module(version: int, sql: str) -> str:
    """The text of storage/postgres/baseline.py."""
    return (
        '"""The PostgreSQL schema at version '
        f"{version}, written by tools/pg_baseline.py from SQLite's (do not edit).\n\n"
        "Every table, key, check, index and trigger SQLite has after its migration "
        f"{version},\nin PostgreSQL's DDL; see tools/pg_baseline.py for the translation.\n"
        '"""\n\n'
        f"VERSION = {version}\n\n"
        f'SQL = r"""\n{sql}"""\n'
    )


if __name__ == "__main__":
    main()
