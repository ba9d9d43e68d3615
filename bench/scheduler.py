"""1,000 schedules: rebuilding the JobQueue at start, and how late firings are.

The real Application runs in this process (``build_application`` +
``RunningBot``) against the Bot API stand-in over loopback HTTP with no
simulated latency, on a fresh database. Before the bot starts, 1,000 one-off
schedules are written straight into storage, due evenly spread from 8 s to
18 s after that moment, so that they fall due only after start-up. No chat is
bound, so firing one queues no message: what is measured is the scheduler
itself (alarm, firing transaction, record), not the sender.

Rebuild: ``RunningBot.start()`` arms one JobQueue job per schedule (catch-up,
then ``SchedulerService.rebuild``). It is timed with 1,000 schedules and with
none (the baseline, same run); the difference is what the schedules cost at
start. The ``rebuild()`` call inside ``start()`` is also timed on its own, and
next to it the time for 1,000 plain ``JobQueue.run_once`` calls.

Lateness: each firing is recorded in ``firings`` with its due time and the
time the bot began it (``fired_at``); fired_at − due_at is the figure (goal:
p99 < 1 s on an idle machine). The time the firing's transaction was
committed is also noted. The baseline, measured in the same run, is a bare
PTB JobQueue (APScheduler 3) with 1,000 no-op ``run_once`` jobs at the same
spread: how late the alarm mechanism alone is.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.app import RunningBot, build_application
from bot.config import settings_from_mapping
from bot.logs import configure_logging
from bot.standin import FakeBotApi, StandinServer
from storage import Database
from storage.times import from_db_time

TOKEN = "4242:BENCH-SCHEDULER"  # noqa: S105 - a made-up token for the stand-in
FIRST_DUE = 8.0  # seconds after the schedules are written
WINDOW = 10.0  # due times spread over this many seconds
SETTLE = 3.0  # wait this long after the last due time
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}  # as bot/runtime/jobs.py


@dataclass
class Run:
    """One measured start and its firings."""

    name: str
    schedules: int
    start_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    jobs: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds after the due time
    committed: list[float] = field(default_factory=list)  # seconds after the due time
    outcomes: dict[str, int] = field(default_factory=dict)


def due_times(base: datetime, count: int) -> list[datetime]:
    """``count`` moments evenly spread from base + FIRST_DUE to base + FIRST_DUE + WINDOW."""
    step = WINDOW / max(count - 1, 1)
    return [base + timedelta(seconds=FIRST_DUE + index * step) for index in range(count)]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def prepare_db(path: Path, dues: list[datetime], now: datetime) -> None:
    """A migrated database holding one one-off schedule per due time."""
    db = Database(path)
    await db.open()
    try:
        async with db.transaction(completes_update=False) as session:
            for index, due in enumerate(dues):
                await session.schedules.create(
                    kind="message",
                    title=f"bench {index}",
                    rule={"type": "once", "at": due.isoformat()},
                    payload={"text": "x"},
                    owner_id=None,
                    next_due_at=due,
                    now=now,
                    key=None,
                )
    finally:
        await db.close()


def read_firings(path: Path) -> list[tuple[int, datetime, datetime, str]]:
    """(schedule id, due_at, fired_at, outcome) of every firing, read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT schedule_id, due_at, fired_at, outcome FROM firings").fetchall()
    finally:
        conn.close()
    return [(int(sid), from_db_time(due), from_db_time(at), str(out)) for sid, due, at, out in rows]


async def run_bot(count: int, server: StandinServer) -> Run:
    """Start the real bot on a database with ``count`` schedules; wait for them to fire."""
    run = Run("pavilion" if count else "pavilion, no schedules", count)
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        db_path = Path(scratch_dir) / "pavilion.sqlite3"
        base = datetime.now(UTC)
        dues = due_times(base, count)
        await prepare_db(db_path, dues, base)
        settings = settings_from_mapping(
            {
                "telegram": {
                    "token": TOKEN,
                    "base_url": server.base_url,
                    "base_file_url": server.base_file_url,
                    "poll_timeout": 1,
                },
                "storage": {"path": str(db_path)},
            }
        )
        app = build_application(settings)
        running = RunningBot(app, webhook=False)
        scheduler = running.services.scheduler

        # Timing wrappers on this instance only (start() looks both up on it).
        rebuild = scheduler.rebuild
        fire = scheduler.fire

        async def timed_rebuild() -> Any:
            started = time.perf_counter()
            try:
                return await rebuild()
            finally:
                run.rebuild_seconds = time.perf_counter() - started

        async def timed_fire(schedule_id: int, due_at: datetime) -> bool:
            done = await fire(schedule_id, due_at)
            if done:
                run.committed.append((datetime.now(UTC) - due_at).total_seconds())
            return done

        scheduler.rebuild = timed_rebuild  # type: ignore[method-assign]
        scheduler.fire = timed_fire  # type: ignore[method-assign]

        started = time.perf_counter()
        await running.start()
        run.start_seconds = time.perf_counter() - started
        try:
            assert app.job_queue is not None
            run.jobs = len(app.job_queue.jobs())
            if count:
                if datetime.now(UTC) > dues[0]:
                    print(f"  warning: start-up outlasted the first due time ({FIRST_DUE} s)")
                wait = (dues[-1] + timedelta(seconds=SETTLE) - datetime.now(UTC)).total_seconds()
                await asyncio.sleep(max(wait, 0.0))
        finally:
            await running.stop()
        firings = read_firings(db_path)
    run.lateness = [(fired - due).total_seconds() for _, due, fired, _ in firings]
    run.outcomes = dict(Counter(outcome for *_, outcome in firings))
    return run


async def run_bare(count: int, server: StandinServer) -> tuple[Run, float]:
    """A bare PTB JobQueue: ``count`` no-op run_once jobs at the same spread."""
    run = Run("bare PTB JobQueue (baseline)", count)
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .updater(None)
        .build()
    )
    job_queue = app.job_queue
    assert job_queue is not None

    def noop(due: datetime) -> Callable[[CallbackContext[Any, Any, Any, Any]], Awaitable[None]]:
        async def callback(_: CallbackContext[Any, Any, Any, Any]) -> None:
            run.lateness.append((datetime.now(UTC) - due).total_seconds())

        return callback

    await app.initialize()
    await app.start()
    try:
        dues = due_times(datetime.now(UTC), count)
        started = time.perf_counter()
        for index, due in enumerate(dues):
            job_queue.run_once(noop(due), when=due, name=f"job:{index}", job_kwargs=JOB_KWARGS)
        scheduling = time.perf_counter() - started
        run.jobs = len(job_queue.jobs())
        wait = (dues[-1] + timedelta(seconds=SETTLE) - datetime.now(UTC)).total_seconds()
        await asyncio.sleep(max(wait, 0.0))
    finally:
        await app.stop()
        await app.shutdown()
    run.outcomes = {"ran": len(run.lateness)}
    return run, scheduling


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=1000)
    args = parser.parse_args()
    configure_logging("WARNING")
    count = args.schedules
    api = FakeBotApi()
    server = StandinServer(api)
    await server.start()
    try:
        print(
            f"{count} one-off schedules due from {FIRST_DUE:.0f} s to"
            f" {FIRST_DUE + WINDOW:.0f} s after they are written; no chat bound (nothing sent)"
        )
        bare, scheduling = await run_bare(count, server)
        empty = await run_bot(0, server)
        full = await run_bot(count, server)
    finally:
        await server.stop()

    print("\nstart-up (RunningBot.start(): open, menus, catch-up, rebuild)")
    print(f"{'':<36}{'start s':>9}{'rebuild s':>11}{'jobs':>7}")
    print(
        f"{'pavilion, no schedules (baseline)':<36}{empty.start_seconds:>9.3f}"
        f"{empty.rebuild_seconds:>11.3f}{empty.jobs:>7}"
    )
    print(
        f"{f'pavilion, {count} schedules':<36}{full.start_seconds:>9.3f}"
        f"{full.rebuild_seconds:>11.3f}{full.jobs:>7}"
    )
    print(f"{f'bare JobQueue, {count} run_once calls':<36}{'':>9}{scheduling:>11.3f}{bare.jobs:>7}")
    extra = full.start_seconds - empty.start_seconds
    print(
        f"cost of {count} schedules at start: {extra:.3f} s (start() difference);"
        f" rebuild() alone {full.rebuild_seconds:.3f} s vs {empty.rebuild_seconds:.3f} s"
    )
    expected = empty.jobs + count
    print(
        f"jobs armed: {full.jobs} = {count} schedules + {empty.jobs} built-in"
        f" ({'ok' if full.jobs == expected else f'expected {expected}'})"
    )

    print("\nlateness behind the due time, ms")
    print(f"{'':<40}{'n':>6}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}")
    rows = [
        ("bare JobQueue, callback ran (baseline)", bare.lateness),
        ("pavilion, fired_at (firings table)", full.lateness),
        ("pavilion, firing committed", full.committed),
    ]
    for label, values in rows:
        print(
            f"{label:<40}{len(values):>6}{ms(percentile(values, 0.5)):>8}"
            f"{ms(percentile(values, 0.9)):>8}{ms(percentile(values, 0.99)):>8}"
            f"{ms(max(values) if values else float('nan')):>8}"
        )
    outcomes = ", ".join(f"{name} {n}" for name, n in sorted(full.outcomes.items()))
    print(f"firings recorded: {len(full.lateness)} of {count} ({outcomes})")
    p99 = percentile(full.lateness, 0.99)
    print(f"goal p99 < 1 s: {ms(p99)} ms ({'ok' if p99 < 1.0 else 'MISSED'})")


if __name__ == "__main__":
    asyncio.run(main())
