"""``pavilion migrate --to postgresql://…``: a SQLite database copied into PostgreSQL.

The copy is one PostgreSQL transaction: either every row of every table is there,
counted and sampled against the SQLite file, or nothing is (the target stays as
empty as it was). In order:

1. The SQLite file's lock is taken (storage/lock.py: never beside a running bot) and
   the file is migrated to this program's schema; the target is opened (which
   migrates it to the same version) and both versions must agree.
2. Inside the transaction every table is locked and the target must be empty: a
   fresh database holds only its schema and the first community's seed row, which
   the copy replaces. Anything else and the copy refuses (:class:`TargetNotEmptyError`).
3. The foreign keys are dropped, the tables copied, and the keys added back, which
   checks every row at once. Copying in an order that satisfies the keys is not
   enough (a convention names the later one that superseded it; a matter the one it
   was merged into), ``SET CONSTRAINTS … DEFERRED`` applies only to keys declared
   DEFERRABLE (ours are not), and ``session_replication_role = replica`` needs a
   superuser, which the database's owner (who ran the migrations) need not be;
   dropping and re-adding needs only ownership, and is PostgreSQL's own advice for
   bulk loading. The triggers stay: those on insert number a row of a table numbered
   per community (storage/migrations/numbering.py) that has no number, and every
   copied row has one.
4. Each table streams from SQLite in batches (:data:`BATCH_ROWS`) through COPY
   (asyncpg's ``copy_records_to_table``), never all in memory. Values are brought
   to the column's PostgreSQL type where that loses nothing (an integer in a TEXT
   column becomes its text, in a REAL column a float; a whole float in an INTEGER
   column an integer); any other value is refused, naming table, column and row.
5. Every identity sequence is set past the table's largest id.
6. Verification: per table, PostgreSQL's row count must equal SQLite's, and a sample
   of rows (up to :data:`SAMPLE_ROWS`, every n-th row in SQLite's order, looked up by
   primary key, else by every column) must be equal column by column on both sides
   after the same type normalisation. A mismatch raises :class:`CopyError` naming
   the table, and the transaction is rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
import asyncpg

from storage.db import Database, SchemaTooNewError
from storage.lock import DatabaseLock

#: Rows read from SQLite and sent to PostgreSQL at a time.
BATCH_ROWS = 5000
#: Rows compared column by column per table.
SAMPLE_ROWS = 50
#: Tables with more rows than this report their progress while they are copied…
PROGRESS_OVER = 20_000
#: …every this many rows.
PROGRESS_EVERY = 50_000
#: The first community's row a fresh PostgreSQL database is made with (baseline.py).
SEED_TABLE = "communities"
#: How long the copy waits for a lock on the target (a bot running on it holds some).
LOCK_TIMEOUT = "10s"

_INTEGER_TEXT = re.compile(r"[+-]?\d+")

Value = Any


class CopyError(RuntimeError):
    """The copy cannot be done, or did not verify; nothing was written to the target."""


class TargetNotEmptyError(CopyError):
    """The PostgreSQL database already holds data."""


@dataclass
class TableCopy:
    """What was copied of one table."""

    name: str
    rows: int
    #: Values brought to the column's type (an integer stored in a TEXT column, …).
    converted: int = 0
    sampled: int = 0


@dataclass
class CopyReport:
    """The whole copy, once committed."""

    schema_version: int
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows copied, all tables together."""
        return sum(table.rows for table in self.tables)


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    #: The primary key's columns, or every column when the table has none.
    key: tuple[str, ...]

    def key_positions(self) -> tuple[int, ...]:
        return tuple(self.columns.index(column) for column in self.key)


class _BadValue(ValueError):
    pass


def _to_bigint(value: Value) -> Value:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value)
    raise _BadValue("is not an integer")


def _to_text(value: Value) -> Value:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadValue("is bytes that are not UTF-8 text") from None
    raise _BadValue("is not text")


def _to_double(value: Value) -> Value:
    if isinstance(value, int):
        return float(value)
    raise _BadValue("is not a number")


def _to_moment(value: Value) -> Value:
    # Only the inbox's lease is a moment on PostgreSQL; SQLite leaves it empty, and a
    # moment written there as text is ISO 8601.
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _BadValue("is not a moment (ISO 8601)") from None
        if moment.tzinfo is not None:
            return moment
    raise _BadValue("is not a moment with its time zone")


def _to_bytea(value: Value) -> Value:
    raise _BadValue("is not bytes")


#: PostgreSQL's type → (the Python type asyncpg takes for it, how other values get there).
_TYPES: dict[str, tuple[type, Callable[[Value], Value]]] = {
    "bigint": (int, _to_bigint),
    "integer": (int, _to_bigint),
    "text": (str, _to_text),
    "double precision": (float, _to_double),
    "bytea": (bytes, _to_bytea),
    "timestamp with time zone": (datetime, _to_moment),
}


class _Normaliser:
    """One table's values brought to its PostgreSQL column types."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        self.columns: list[tuple[type, Callable[[Value], Value]]] = []
        for column, kind in zip(table.columns, table.types, strict=True):
            if kind not in _TYPES:
                raise CopyError(f"{table.name}.{column}: PostgreSQL type {kind} is not copied")
            self.columns.append(_TYPES[kind])
        self.wanted = tuple(wanted for wanted, _convert in self.columns)
        self.converted = 0

    def record(self, row: Sequence[Value]) -> tuple[Value, ...]:
        """The row as PostgreSQL takes it; CopyError names a value that cannot be."""
        if all(v is None or type(v) is t for v, t in zip(row, self.wanted, strict=True)):
            return tuple(row)  # the common case: every value already of its column's type
        out = list(row)
        for index, (wanted, convert) in enumerate(self.columns):
            value = out[index]
            if value is None or type(value) is wanted:
                continue
            try:
                out[index] = convert(value)
            except _BadValue as problem:
                column = self.table.columns[index]
                key = {
                    c: row[i]
                    for c, i in zip(self.table.key, self.table.key_positions(), strict=True)
                }
                where = ", ".join(f"{c}={v!r}" for c, v in key.items())
                raise CopyError(
                    f"{self.table.name}.{column}: the row with {where} holds {value!r}, which"
                    f" {problem} ({self.table.types[index]} in PostgreSQL); correct that row in"
                    " the SQLite file and run again"
                ) from None
            self.converted += 1
        return tuple(out)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rows_text(count: int) -> str:
    """``1 row``, ``12 rows``."""
    return f"{count} row" if count == 1 else f"{count} rows"


def describe_target(url: str) -> str:
    """The target for messages: its database and host, never its password."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "postgres"
    return f"PostgreSQL database {database!r} on {parts.hostname or 'localhost'}"


async def copy_to_postgres(
    source: Path,
    url: str,
    *,
    synchronous: str = "FULL",
    out: Callable[[str], None] = print,
    batch_rows: int = BATCH_ROWS,
    sample_rows: int = SAMPLE_ROWS,
) -> CopyReport:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database at
    ``url`` (see the module's docstring); ``out`` gets a line per table and progress.

    Raises :class:`storage.lock.DatabaseInUseError` if a bot has the file,
    :class:`TargetNotEmptyError` if the target holds data, and :class:`CopyError`
    for anything else that stops the copy (the target is then left as it was).
    """
    if not await asyncio.to_thread(source.exists):
        raise CopyError(f"{source}: no database to copy")
    with DatabaseLock(source):
        version = await _migrate_source(source, synchronous)
        target_version = await _migrate_target(url)
        if target_version != version:
            raise CopyError(
                f"schema versions differ: {source} is at {version},"
                f" the PostgreSQL database at {target_version}"
            )
        reader = await aiosqlite.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
        try:
            writer = await asyncpg.connect(url, statement_cache_size=0)
        except (OSError, TimeoutError, asyncpg.PostgresError) as error:
            await reader.close()
            raise CopyError(f"cannot reach PostgreSQL: {error}") from error
        try:
            await reader.execute("BEGIN")  # one snapshot of the file for the whole copy
            copier = _Copier(reader, writer, url, out, batch_rows, sample_rows)
            report = CopyReport(schema_version=version)
            await copier.run(report)
            return report
        finally:
            await writer.close()
            await reader.close()


def _readable(source: Path) -> None:
    """sqlite3.Error unless ``source`` is a SQLite database (checked apart, so that a
    connection refused half-way is not left open)."""
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


async def _migrate_source(source: Path, synchronous: str) -> int:
    try:
        await asyncio.to_thread(_readable, source)
    except sqlite3.Error as error:
        raise CopyError(f"{source}: {error}") from error
    database = Database(source, synchronous=synchronous)
    try:
        await database.open()
        return await database.schema_version()
    except (sqlite3.Error, SchemaTooNewError) as error:
        raise CopyError(f"{source}: {error}") from error
    finally:
        await database.close()


async def _migrate_target(url: str) -> int:
    from storage.postgres.database import PostgresDatabase

    target = PostgresDatabase(url, pool_size=1)
    try:
        await target.open()
    except sqlite3.OperationalError as error:
        hint = ""
        if "does not exist" in str(error):
            database = urlsplit(url).path.lstrip("/")
            hint = f"; create it first (createdb {database}) and run again"
        raise CopyError(f"{error}{hint}") from error
    except SchemaTooNewError as error:
        raise CopyError(f"the PostgreSQL database's {error}") from error
    try:
        return await target.schema_version()
    finally:
        await target.close()


class _Copier:
    """One copy, on one SQLite reader and one PostgreSQL connection."""

    def __init__(
        self,
        reader: aiosqlite.Connection,
        writer: asyncpg.Connection,
        url: str,
        out: Callable[[str], None],
        batch_rows: int,
        sample_rows: int,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.url = url
        self.out = out
        self.batch_rows = batch_rows
        self.sample_rows = sample_rows

    async def run(self, report: CopyReport) -> None:
        tables = await self._tables()
        async with self.writer.transaction():
            await self.writer.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            names = ", ".join(_quote(t.name) for t in tables)
            try:
                await self.writer.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
            except asyncpg.LockNotAvailableError:
                raise CopyError(
                    f"{describe_target(self.url)} is in use (is a bot running on it?);"
                    " stop it and run again"
                ) from None
            await self._refuse_data(tables)
            keys = await self._drop_foreign_keys()
            await self.writer.execute(f"DELETE FROM {SEED_TABLE}")
            samples: dict[str, list[tuple[Value, ...]]] = {}
            for table in tables:
                copied, keys_of_sample = await self._copy_table(table)
                samples[table.name] = keys_of_sample
                report.tables.append(copied)
            await self._restore_foreign_keys(keys)
            await self._reset_sequences()
            for table, copied in zip(tables, report.tables, strict=True):
                await self._verify(table, copied, samples[table.name])

    async def _tables(self) -> list[_Table]:
        """The tables both databases have (the same set, or CopyError), PostgreSQL's
        column order and types."""
        async with self.reader.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'"
        ) as cur:
            in_sqlite = {str(row[0]) for row in await cur.fetchall()}
        columns = await self.writer.fetch(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
            " AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
            " WHERE c.table_schema = current_schema() AND c.table_name <> 'schema_migrations'"
            " ORDER BY c.table_name, c.ordinal_position"
        )
        primary = await self.writer.fetch(
            "SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage k ON k.constraint_name ="
            " tc.constraint_name AND k.table_schema = tc.table_schema"
            " WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'"
            " ORDER BY tc.table_name, k.ordinal_position"
        )
        by_table: dict[str, list[tuple[str, str]]] = {}
        for row in columns:
            by_table.setdefault(str(row[0]), []).append((str(row[1]), str(row[2])))
        keys: dict[str, list[str]] = {}
        for row in primary:
            keys.setdefault(str(row[0]), []).append(str(row[1]))
        if set(by_table) != in_sqlite:
            only_sqlite = sorted(in_sqlite - set(by_table))
            only_pg = sorted(set(by_table) - in_sqlite)
            raise CopyError(
                "the two schemas differ: tables only in SQLite "
                f"{only_sqlite or 'none'}, only in PostgreSQL {only_pg or 'none'}"
            )
        tables = []
        for name in sorted(by_table):
            pg_columns = [column for column, _kind in by_table[name]]
            async with self.reader.execute(f"PRAGMA table_info({_quote(name)})") as cur:
                sqlite_columns = {str(row[1]) for row in await cur.fetchall()}
            if set(pg_columns) != sqlite_columns:
                raise CopyError(
                    f"{name}: the columns differ: SQLite has {sorted(sqlite_columns)},"
                    f" PostgreSQL {sorted(pg_columns)}"
                )
            tables.append(
                _Table(
                    name=name,
                    columns=tuple(pg_columns),
                    types=tuple(kind for _column, kind in by_table[name]),
                    key=tuple(keys.get(name) or pg_columns),
                )
            )
        return tables

    async def _refuse_data(self, tables: list[_Table]) -> None:
        """TargetNotEmptyError unless the target is as a fresh one is."""
        held = []
        for table in tables:
            count = int(await self.writer.fetchval(f"SELECT count(*) FROM {_quote(table.name)}"))
            if table.name == SEED_TABLE and count <= 1:
                extra = await self.writer.fetchval(
                    f"SELECT count(*) FROM {SEED_TABLE} WHERE id <> 1"
                )
                if not extra:
                    continue
            if count:
                held.append((count, table.name))
        if held:
            held.sort(key=lambda found: (-found[0], found[1]))
            shown = ", ".join(f"{name}: {rows_text(count)}" for count, name in held[:5])
            if held[5:]:
                shown += f" and {len(held) - 5} more tables"
            database = urlsplit(self.url).path.lstrip("/") or "postgres"
            raise TargetNotEmptyError(
                f"{describe_target(self.url)} already holds data ({shown}); --to copies only"
                " into an empty database. To start over, drop it and create it again"
                f" (dropdb {database} && createdb {database}, as its owner) and run this again"
            )

    async def _drop_foreign_keys(self) -> list[tuple[str, str, str]]:
        """Drop every foreign key; what it takes to add them back."""
        rows = await self.writer.fetch(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f'"
            " AND connamespace = current_schema()::regnamespace ORDER BY 1, 2"
        )
        keys = [(str(r[0]), str(r[1]), str(r[2])) for r in rows]
        for table, name, _definition in keys:
            await self.writer.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
        return keys

    async def _restore_foreign_keys(self, keys: list[tuple[str, str, str]]) -> None:
        """Add the keys back; each checks every row of its table."""
        for table, name, definition in keys:
            try:
                await self.writer.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}"
                )
            except asyncpg.ForeignKeyViolationError as error:
                detail = getattr(error, "detail", None) or str(error)
                raise CopyError(
                    f"{table}: a row refers to one that is not there ({detail};"
                    f" {definition}); nothing was copied"
                ) from None

    async def _copy_table(self, table: _Table) -> tuple[TableCopy, list[tuple[Value, ...]]]:
        """Stream one table; the keys of its sampled rows (as SQLite holds them)."""
        quoted = _quote(table.name)
        async with self.reader.execute(f"SELECT count(*) FROM {quoted}") as cur:
            found = await cur.fetchone()
        total = int(found[0]) if found else 0
        stride = max(1, -(-total // self.sample_rows)) if total else 1
        normaliser = _Normaliser(table)
        positions = table.key_positions()
        sample: list[tuple[Value, ...]] = []
        copied = 0
        select = ", ".join(_quote(c) for c in table.columns)
        # While one batch is on its way to PostgreSQL, the next is read and converted.
        sending: asyncio.Task[None] | None = None
        try:
            async with self.reader.execute(f"SELECT {select} FROM {quoted}") as cur:
                while True:
                    rows = list(await cur.fetchmany(self.batch_rows))
                    if not rows:
                        break
                    records = []
                    for offset, row in enumerate(rows):
                        if (copied + offset) % stride == 0 and len(sample) < self.sample_rows:
                            sample.append(tuple(row[i] for i in positions))
                        records.append(normaliser.record(row))
                    if sending is not None:
                        await sending
                    sending = asyncio.ensure_future(
                        write_batch(self.writer, table.name, table.columns, records)
                    )
                    copied += len(rows)
                    if (
                        total > PROGRESS_OVER
                        and copied < total
                        and copied % PROGRESS_EVERY < len(rows)
                    ):
                        self.out(f"  {table.name}: {copied:,} of {total:,} rows…")
            if sending is not None:
                await sending
        finally:
            if sending is not None and not sending.done():
                # A value refused while a batch was on its way: let that batch finish,
                # so the rollback that follows has the connection to itself.
                with contextlib.suppress(Exception):
                    await sending
        self.out(f"{table.name}: {rows_text(copied)}")
        return TableCopy(table.name, copied, normaliser.converted), sample

    async def _reset_sequences(self) -> None:
        """Each identity column's next value past the largest id copied."""
        rows = await self.writer.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for row in rows:
            table, column = _quote(str(row[0])), _quote(str(row[1]))
            await self.writer.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{row[1]}'),"
                f" greatest(coalesce(max({column}), 0), 1), max({column}) IS NOT NULL)"
                f" FROM {table}"
            )

    async def _verify(
        self, table: _Table, copied: TableCopy, sample: list[tuple[Value, ...]]
    ) -> None:
        """The row counts equal, and each sampled row equal column by column."""
        quoted = _quote(table.name)
        async with self.reader.execute(f"SELECT count(*) FROM {quoted}") as cur:
            found = await cur.fetchone()
        in_sqlite = int(found[0]) if found else 0
        in_pg = int(await self.writer.fetchval(f"SELECT count(*) FROM {quoted}"))
        if in_pg != in_sqlite:
            raise CopyError(
                f"{table.name}: {in_pg} rows in PostgreSQL but {in_sqlite} in SQLite;"
                " nothing was copied (rolled back)"
            )
        select = ", ".join(_quote(c) for c in table.columns)
        normaliser = _Normaliser(table)
        key_normaliser = _Normaliser(_key_table(table))
        for key in sample:
            # "=" where the key has a value (so both engines use the key's index), IS NULL
            # where it has none (only in a table without a primary key).
            present = [(c, v) for c, v in zip(table.key, key, strict=True) if v is not None]
            nulls = [
                f"{_quote(c)} IS NULL" for c, v in zip(table.key, key, strict=True) if v is None
            ]
            sqlite_where = " AND ".join([f"{_quote(c)} = ?" for c, _v in present] + nulls)
            pg_where = " AND ".join(
                [f"{_quote(c)} = ${n}" for n, (c, _v) in enumerate(present, start=1)] + nulls
            )
            pg_key = [v for v in key_normaliser.record(key) if v is not None]
            async with self.reader.execute(
                f"SELECT {select} FROM {quoted} WHERE {sqlite_where} LIMIT 1",
                [v for _c, v in present],
            ) as cur:
                source_row = await cur.fetchone()
            target_rows = await self.writer.fetch(
                f"SELECT {select} FROM {quoted} WHERE {pg_where} LIMIT 1", *pg_key
            )
            shown = ", ".join(f"{c}={v!r}" for c, v in zip(table.key, key, strict=True))
            if source_row is None or not target_rows:
                side = "SQLite" if source_row is None else "PostgreSQL"
                raise CopyError(
                    f"{table.name}: the row with {shown} is missing in {side};"
                    " nothing was copied (rolled back)"
                )
            expected = normaliser.record(tuple(source_row))
            got = tuple(target_rows[0])
            for column, want, have in zip(table.columns, expected, got, strict=True):
                if want != have:
                    raise CopyError(
                        f"{table.name}: the row with {shown} differs in {column}:"
                        f" {want!r} in SQLite, {have!r} in PostgreSQL; nothing was copied"
                        " (rolled back)"
                    )
        copied.sampled = len(sample)


def _key_table(table: _Table) -> _Table:
    types = tuple(table.types[table.columns.index(c)] for c in table.key)
    return _Table(table.name, table.key, types, table.key)


async def write_batch(
    writer: asyncpg.Connection,
    table: str,
    columns: Sequence[str],
    records: list[tuple[Value, ...]],
) -> None:
    """Send one batch of rows by COPY; CopyError (naming the table) if PostgreSQL
    refuses one (a CHECK its schema has, text with a NUL character, …)."""
    try:
        await writer.copy_records_to_table(table, records=records, columns=list(columns))
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise CopyError(
            f"{table}: PostgreSQL refused a row ({type(error).__name__}: {error});"
            " nothing was copied"
        ) from None
