"""``pavilion migrate --to``: a SQLite database of 10,000 people and 100,000 ballots
copied into PostgreSQL, verified; beside it, in the same run, the bare ceilings.

The community is written straight into a fresh SQLite file (the people through the
register's repository, ten matters each with a vote every person cast a ballot in,
and the poll book beside them, 100,000 ballots in all). Then:

- the copy: ``copy_to_postgres`` (storage/postgres/copy.py) into a new database on
  the server, timed from the start to the commit (migrating both, copying in batches,
  re-adding the foreign keys, resetting the sequences, counting and sampling), with
  the process's peak resident memory before and after;
- baselines, same run: SQLite's own online backup of the file (what ``pavilion
  backup`` does: the fastest copy of these bytes anywhere), and a bare
  ``copy_records_to_table`` of the ballots, all in memory at once, into an unlogged
  table with no keys, and again with the ballots' primary key (the wire's and the
  server's ceiling for the largest table).

    PAVILION_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55433/postgres \\
        .venv/bin/python bench/migrate_to.py [--people 10000] [--votes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fixtures import register_people
from storage import Database, in_community
from storage.postgres.copy import copy_to_postgres


async def build(path: Path, people: int, votes: int) -> tuple[int, int]:
    """The community: ``people`` residents, ``votes`` votes each with everyone's ballot."""
    now = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
    db = Database(path, synchronous="NORMAL")
    await db.open()
    try:
        async with db.transaction(completes_update=False) as session:
            _secretary, ids = await register_people(
                session,
                secretary=1001,
                first=100_000,
                count=people,
                role="resident",
                name="居民",
                now=now,
            )
            vote_ids = []
            for n in range(votes):
                matter = await session.matters.create(
                    title=f"议题{n}",
                    details="详情" * 20,
                    raised_by=ids[n],
                    support_until=now + timedelta(days=14),
                    now=now,
                )
                vote_ids.append(
                    await session.votes.create(
                        matter_id=matter,
                        kind="yes_no",
                        options=("yes", "no", "abstain"),
                        anonymous=False,
                        salt=None,
                        quorum=0,
                        threshold="majority",
                        opened_by=None,
                        closes_at=now + timedelta(days=1),
                        now=now,
                    )
                )
    finally:
        await db.close()
    cast_at = now.isoformat(timespec="microseconds")
    with sqlite3.connect(path) as conn:
        for vote_id in vote_ids:
            conn.executemany(
                "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at)"
                " VALUES (?, ?, ?, ?, ?)",
                ((vote_id, f"p{p}", p, str(p % 3), cast_at) for p in ids),
            )
            conn.executemany(
                "INSERT INTO poll_book (vote_id, person_id) VALUES (?, ?)",
                ((vote_id, p) for p in ids),
            )
    return len(ids) + 1, len(ids) * votes


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def bare_copy(url: str, source: Path, *, keyed: bool) -> float:
    """Seconds to COPY every ballot, read all at once, into an unlogged table, with the
    ballots' primary key or with none."""
    with sqlite3.connect(source) as conn:
        rows = conn.execute(
            "SELECT vote_id, voter_key, person_id, choice, cast_at FROM ballots"
        ).fetchall()
    target = await asyncpg.connect(url)
    try:
        name = "keyed_ballots" if keyed else "bare_ballots"
        key = ", PRIMARY KEY (vote_id, voter_key)" if keyed else ""
        await target.execute(
            f"CREATE UNLOGGED TABLE {name} (vote_id BIGINT, voter_key TEXT,"
            f" person_id BIGINT, choice TEXT, cast_at TEXT{key})"
        )
        started = time.perf_counter()
        await target.copy_records_to_table(name, records=rows)
        return time.perf_counter() - started
    finally:
        await target.close()


async def main() -> None:
    """Build, copy, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=10)
    args = parser.parse_args()
    admin = os.environ.get("PAVILION_TEST_DATABASE_URL")
    if not admin:
        raise SystemExit("set PAVILION_TEST_DATABASE_URL to a server this may create databases on")
    names = [f"bench_copy_{os.getpid()}", f"bench_bare_{os.getpid()}"]
    parts = urlsplit(admin)
    urls = [urlunsplit(parts._replace(path="/" + name)) for name in names]
    server = await asyncpg.connect(admin)
    try:
        for name in names:
            await server.execute(f'CREATE DATABASE "{name}"')
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "pavilion.sqlite3"
            started = time.perf_counter()
            with in_community(1):
                people, ballots = await build(source, args.people, args.votes)
            built = time.perf_counter() - started
            size = source.stat().st_size / 2**20
            print(
                f"source: {people:,} people, {ballots:,} ballots, {size:.1f} MiB (built in"
                f" {built:.1f} s)"
            )

            started = time.perf_counter()
            with sqlite3.connect(source) as src, sqlite3.connect(Path(scratch) / "b.db") as dst:
                src.backup(dst)
            backup = time.perf_counter() - started

            lines: list[str] = []
            before = peak_mib()
            started = time.perf_counter()
            report = await copy_to_postgres(source, urls[0], out=lines.append)
            copied = time.perf_counter() - started
            after = peak_mib()
            bare = await bare_copy(urls[1], source, keyed=False)
            keyed = await bare_copy(urls[1], source, keyed=True)
    finally:
        for name in names:
            await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()
    for line in lines:
        if "ballots" in line or "people" in line or "poll_book" in line:
            print(f"  {line}")
    sampled = sum(t.sampled for t in report.tables)
    print(
        f"pavilion migrate --to: {report.rows:,} rows in {len(report.tables)} tables,"
        f" {copied:.2f} s ({report.rows / copied:,.0f} rows/s), verified ({sampled} rows"
        f" sampled); peak RSS {before:.0f} MiB before, {after:.0f} MiB after"
    )
    print(f"baseline: SQLite online backup of the file: {backup:.2f} s")
    print(
        f"baseline: bare COPY of the {ballots:,} ballots (all in memory, no keys):"
        f" {bare:.2f} s ({ballots / bare:,.0f} rows/s); with their primary key:"
        f" {keyed:.2f} s ({ballots / keyed:,.0f} rows/s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
