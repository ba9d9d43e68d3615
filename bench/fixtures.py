"""What the benchmarks share: a community registered straight into the database, and the
plain-sqlite3 ceiling that replays the statements one press costs the bot."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.scope import community_id
from storage.times import to_db_time


async def register_people(
    session: Any, *, secretary: int, first: int, count: int, role: str, name: str, now: datetime
) -> tuple[int, list[int]]:
    """A secretary and ``count`` people holding ``role`` (Telegram ids ``first``,
    ``first + 1``, …, named ``name0``, ``name1``, …); their register ids."""
    ids = []
    for tg_user_id, display_name, held in [(secretary, "书记", "secretary")] + [
        (first + index, f"{name}{index}", role) for index in range(count)
    ]:
        person_id = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=display_name,
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=now,
            now=now,
        )
        await session.people.grant(person_id, held, None, now)
        ids.append(person_id)
    return ids[0], ids[1:]


async def insert_people(
    session: Any,
    *,
    first: int,
    count: int,
    name: str,
    now: datetime,
    roles: Callable[[int], tuple[str, ...]] = lambda index: ("resident",),
) -> list[int]:
    """``count`` people of the current community straight into the register, fast
    (one ``executemany`` per table, in the caller's transaction): Telegram ids ``first``,
    ``first + 1``, …, named ``name0``, ``name1``, …, across 30 buildings and their doors,
    each holding ``roles(index)``; their register ids, in that order.

    The rows are those ``people.insert`` and ``people.grant`` write, without an
    await per row: a street of 300,000 people is built in seconds."""
    cid = community_id()
    at = to_db_time(now)
    await session.conn.executemany(
        "INSERT INTO people (tg_user_id, display_name, language, building, door, consent_at,"
        " registered_at, last_seen_at, community_id) VALUES (?, ?, 'zh_Hans', ?, ?, ?, ?, ?, ?)",
        (
            (
                first + index,
                f"{name}{index}",
                f"{1 + index % 30}号楼",
                f"{1 + index // 30 % 6}-{101 + index // 180 % 18}",
                at,
                at,
                at,
                cid,
            )
            for index in range(count)
        ),
    )
    async with session.conn.execute(
        "SELECT id, tg_user_id FROM people WHERE community_id = ? AND tg_user_id BETWEEN ? AND ?",
        (cid, first, first + count - 1),
    ) as cur:
        by_tg = {tg: person for person, tg in await cur.fetchall()}
    ids = [by_tg[first + index] for index in range(count)]
    await session.conn.executemany(
        "INSERT INTO person_roles (person_id, role, granted_at, community_id) VALUES (?, ?, ?, ?)",
        ((person, role, at, cid) for index, person in enumerate(ids) for role in roles(index)),
    )
    return ids


def ceiling_connection(source: Path, path: Path, *emptied: str) -> sqlite3.Connection:
    """A copy of the bot's database at ``path`` with the bot's pragmas, ``emptied`` tables
    cleared, for the plain-sqlite3 ceiling."""
    with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    for table in emptied:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - the benchmark's own table names
    return conn


def traced_update(statements: list[str]) -> str | None:
    """The update id the traced press was stored under in the inbox."""
    for statement in statements:
        match = re.search(r"INTO inbox \(update_id.*?VALUES \((\d+),", statement)
        if match:
            return match.group(1)
    return None


def as_new_update(text: str, traced: str | None, index: int) -> str:
    """A traced inbox statement rewritten for press ``index``: every press is a new
    update, so a new inbox row, as in the bot."""
    if traced is None or "inbox" not in text:
        return text
    update = str(10_000_000 + index)
    text = text.replace(f"VALUES ({traced},", f"VALUES ({update},")
    text = text.replace(f"update_id = {traced}", f"update_id = {update}")
    return text.replace(f"IN ({traced})", f"IN ({update})")


def database_mb(path: Path) -> float:
    """The database's size on disk in MB, its WAL and shared memory included."""
    return sum(part.stat().st_size for part in path.parent.glob(f"{path.name}*")) / 1e6
