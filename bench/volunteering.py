"""Volunteer check-in under load, and the monthly report over 50,000 records.

1. Check-in: 500 volunteers, each signed up for one of three concurrent
   activities, send 签到 privately to the bot, running as ``pavilion run`` in
   its own process (as in production) against the Bot API stand-in served by
   this process over loopback HTTP; the database is prepared before the
   process starts. All send within the same moment; 50 of them send it a
   second time in the same burst. Figures: check-ins per second (from the
   first 签到 to the last reply the stand-in accepted), message-to-reply
   latency p50/p99 (it includes waiting behind the others), and the
   integrity count: rows in ``checkins`` against volunteers, duplicates, and
   replies of each kind. Baseline, measured in the same run: plain
   ``sqlite3`` executing, per check-in, the statements the bot's storage
   executes for one (captured with SQLite's trace callback from a real
   签到 in a small in-process run, printed), with the same pragmas (WAL,
   synchronous=FULL), one transaction per check-in.
2. The monthly report: 50,000 check-in records (500 volunteers × 100
   activities in one month, ten units). Figures: time to build the report
   (the two GROUP BY queries through the repository), to render its table,
   CSV and Excel workbook, and the peak memory (tracemalloc) of each; the
   baseline is plain ``sqlite3`` running the same two queries.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import secrets
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fixtures import as_new_update, ceiling_connection, register_people, traced_update
from process import BotProcess, write_config

from bot.app import RunningBot, build_application
from bot.config import Language, settings_from_mapping
from bot.logs import configure_logging
from bot.services import Services
from bot.spreadsheets import csv_bytes, xlsx_bytes
from bot.standin import FakeBotApi, StandinServer
from bot.volunteering.hours import MonthlyReport
from bot.volunteering.rules import month_bounds
from bot.volunteering.sheets import vol_report_sheets
from handlers.volunteering.texts import vol_report
from storage import Database, in_community
from storage.times import to_db_time

SECRETARY = 9_999
FIRST = 10_000
ACTIVITIES = 3
REPEATS = 50
TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in
#: ``pavilion run`` with the limiter's 30 messages/s overall window raised (Telegram's flood
#: limit, which bounds the replies), to show what the bot itself can do.
LIFTED = (
    "import sys; from bot.runtime import flood as limits;"
    " limits.OVERALL_PER_SECOND = 1_000_000; from bot.cli import main; sys.exit(main())"
)


class TimedApi(FakeBotApi):
    """The stand-in, noting when the bot replied in each private chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.replied_at: dict[int, list[tuple[float, str]]] = {}

    def _send_message(self, params: dict[str, Any], files: Any) -> Any:
        chat_id = int(params.get("chat_id", 0))
        self.replied_at.setdefault(chat_id, []).append(
            (time.perf_counter(), str(params.get("text", "")))
        )
        return super()._send_message(params, files)


@dataclass
class CheckinFigures:
    volunteers: int
    seconds: float
    p50_ms: float
    p99_ms: float
    rows: int
    distinct: int
    ok_replies: int
    already_replies: int
    statements: list[str]
    first_person: int
    first_activity: int


async def community(services: Services, volunteers: int) -> tuple[int, int]:
    """Volunteers signed up round-robin for three activities running now."""
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id, people = await register_people(
            session,
            secretary=SECRETARY,
            first=FIRST,
            count=volunteers,
            role="volunteer",
            name="志愿者",
            now=now,
        )
        activity_ids = [
            await session.volunteering.activities.create_activity(
                series_id=None,
                title=f"活动{index}",
                description="",
                place="社区服务站",
                latitude=None,
                longitude=None,
                radius_m=200,
                starts_at=now - timedelta(minutes=5),
                ends_at=now + timedelta(hours=2),
                capacity=volunteers,
                by_location=False,
                by_code=False,
                audience="volunteers",
                unit_id=None,
                code_secret=secrets.token_hex(16),
                organiser_id=secretary_id,
                now=now,
            )
            for index in range(ACTIVITIES)
        ]
        for index, person_id in enumerate(people):
            await session.volunteering.signups.put_signup(
                activity_ids[index % ACTIVITIES], person_id, "signed", now
            )
    return people[0], activity_ids[0]


class LiftedBotProcess(BotProcess):
    """``pavilion run`` with the limiter's overall window lifted (see ``LIFTED``)."""

    async def start(self) -> None:
        env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=self.token)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                LIFTED,
                "run",
                "--config",
                str(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )


def make_api(volunteers: int) -> TimedApi:
    api = TimedApi()
    api.add_user(SECRETARY, "书记")
    for index in range(volunteers):
        api.add_user(FIRST + index, f"志愿者{index}")
    return api


async def trace(volunteers: int, scratch: Path) -> list[str]:
    """The statements one 签到 costs the storage, traced from a small in-process run."""
    api = make_api(volunteers)
    server = StandinServer(api)
    await server.start()
    settings = settings_from_mapping(
        {
            "telegram": {
                "token": TOKEN,
                "base_url": server.base_url,
                "base_file_url": server.base_file_url,
                "poll_timeout": 1,
            },
            "community": {"secretaries": [SECRETARY]},
            "storage": {"path": str(scratch / "traced.sqlite3")},
        }
    )
    running = RunningBot(build_application(settings), webhook=False)
    await running.start()
    try:
        with in_community(1):  # the configured community
            await community(running.services, volunteers)
        statements: list[str] = []
        writer = running.services.db.writer
        reader_conn = running.services.db._reader
        assert reader_conn is not None
        await writer._execute(writer._conn.set_trace_callback, statements.append)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, statements.append)
        handled = running.ingress.handled
        api.send_text(FIRST, None, "签到")
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
        await writer._execute(writer._conn.set_trace_callback, None)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, None)
    finally:
        await running.stop()
        await server.stop()
    return statements


async def run_bot(
    volunteers: int,
    scratch: Path,
    name: str,
    statements: list[str],
    *,
    spread: float = 0.0,
    lift_limit: bool = False,
) -> CheckinFigures:
    """One run: the 签到 of every volunteer, at once or spread over ``spread`` seconds,
    with the bot as ``pavilion run`` in its own process.

    ``lift_limit`` raises the limiter's 30 messages/s overall window (Telegram's
    flood limit, which bounds the replies) to show what the bot itself can do.
    """
    api = make_api(volunteers)
    server = StandinServer(api)
    await server.start()
    db_path = scratch / f"{name}.sqlite3"
    config = write_config(scratch, server, db_path, f"[community]\nsecretaries = [{SECRETARY}]\n")
    settings = settings_from_mapping(
        {
            "telegram": {"token": TOKEN},
            "community": {"secretaries": [SECRETARY]},
            "storage": {"path": str(db_path)},
        }
    )
    services = Services.create(settings)
    await services.db.open()
    try:
        with in_community(1):  # the configured community
            first_person, first_activity = await community(services, volunteers)
    finally:
        await services.db.close()
    process_class = LiftedBotProcess if lift_limit else BotProcess
    bot = process_class(config, scratch / f"{name}.log", TOKEN)
    await bot.start()
    try:
        # The bot is up once it answers a first message (the secretary's /start).
        api.send_text(SECRETARY, None, "/start")
        await api.wait_for(lambda: SECRETARY in api.replied_at, timeout=60)
        sent_at: dict[int, float] = {}
        repeated = set(range(0, volunteers, max(1, volunteers // REPEATS))[:REPEATS])
        started = time.perf_counter()
        for index in range(volunteers):
            if spread:
                await asyncio.sleep(started + spread * index / volunteers - time.perf_counter())
            sent_at[FIRST + index] = time.perf_counter()
            api.send_text(FIRST + index, None, "签到")
            if index in repeated:
                api.send_text(FIRST + index, None, "签到")  # a second 签到, same moment
        expected = {FIRST + index: 2 if index in repeated else 1 for index in range(volunteers)}
        await api.wait_for(
            lambda: all(len(api.replied_at.get(u, [])) >= n for u, n in expected.items()),
            timeout=300,
        )
        seconds = max(api.replied_at[user][-1][0] for user in expected) - started
        latencies = sorted((api.replied_at[user][0][0] - at) * 1000 for user, at in sent_at.items())
        await asyncio.sleep(1)  # a reply too many would show now
        replies = [text for user in expected for _, text in api.replied_at[user]]
    finally:
        await bot.stop(signal.SIGTERM)
        await server.stop()
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT activity_id || ':' || person_id) FROM checkins"
        ).fetchone()
    return CheckinFigures(
        volunteers=volunteers,
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        rows=int(row[0]),
        distinct=int(row[1]),
        ok_replies=sum(1 for text in replies if text.startswith("✅ 签到成功")),
        already_replies=sum(1 for text in replies if "已经签到过" in text),
        statements=statements,
        first_person=first_person,
        first_activity=first_activity,
    )


def run_ceiling(figures: CheckinFigures, volunteers: int, scratch: Path) -> float:
    """Seconds for plain sqlite3 to run one check-in's statements for each volunteer.

    The traced statements carry the first volunteer's values; each repetition
    substitutes the volunteer's Telegram id, register id and activity, so every
    INSERT is a new row as in the bot.
    """
    conn = ceiling_connection(scratch / "burst.sqlite3", scratch / "ceiling.sqlite3", "checkins")
    p0, a0 = figures.first_person, figures.first_activity
    traced = traced_update(figures.statements)
    started = time.perf_counter()
    for index in range(volunteers):
        person, activity = p0 + index, a0 + index % ACTIVITIES
        for statement in figures.statements:
            text = statement.replace(str(FIRST), str(FIRST + index))
            text = re.sub(rf"person_id = {p0}\b", f"person_id = {person}", text)
            text = re.sub(rf"\({a0}, {p0}, ", f"({activity}, {person}, ", text)
            conn.execute(as_new_update(text, traced, index)).fetchall()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


# --- the monthly report ----------------------------------------------------------------------


def fill_records(path: Path, people: int, activities: int) -> date:
    """people × activities check-in records in one month (ten units)."""
    month = date(2026, 10, 1)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    now = to_db_time(datetime.now(UTC))
    for unit in range(10):
        conn.execute("INSERT INTO vol_units (name, created_at) VALUES (?, ?)", (f"单位{unit}", now))
    for index in range(people):
        conn.execute(
            "INSERT INTO people (tg_user_id, display_name, language, consent_at, registered_at,"
            " last_seen_at) VALUES (?, ?, 'zh_Hans', ?, ?, ?)",
            (FIRST + index, f"志愿者{index}", now, now, now),
        )
    for index in range(activities):
        start = datetime(2026, 10, 1 + index % 30, 1, 0, tzinfo=UTC)
        conn.execute(
            "INSERT INTO activities (title, place, starts_at, ends_at, capacity, unit_id,"
            " code_secret, created_at) VALUES (?, '社区', ?, ?, ?, ?, 'x', ?)",
            (
                f"活动{index}",
                to_db_time(start),
                to_db_time(start + timedelta(hours=2)),
                people,
                1 + index % 10,
                now,
            ),
        )
    conn.executemany(
        "INSERT INTO checkins (activity_id, person_id, checked_in_at, method, checked_out_at,"
        " out_method, minutes) VALUES (?, ?, ?, 'window', ?, 'self', ?)",
        (
            (a + 1, p + 1, now, now, 30 + (a * 7 + p) % 90)
            for a in range(activities)
            for p in range(people)
        ),
    )
    conn.execute("COMMIT")
    conn.close()
    return month


async def run_report(path: Path, month: date) -> dict[str, tuple[float, float]]:
    """Seconds and peak MiB of building, rendering and exporting the report."""
    figures: dict[str, tuple[float, float]] = {}
    db = Database(path)
    await db.open()
    tz = __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    since, until = month_bounds(month, tz)
    try:
        tracemalloc.start()
        started = time.perf_counter()
        async with db.read() as session:
            report = MonthlyReport(
                month,
                await session.volunteering.records.minutes_by_person(since, until),
                await session.volunteering.records.minutes_by_unit(since, until),
            )
        figures["build (2 queries, repository)"] = _done(started)
        started = time.perf_counter()
        text = vol_report(Language.ZH_HANS, report)
        figures["table text"] = _done(started)
        started = time.perf_counter()
        sheets = vol_report_sheets(Language.ZH_HANS, report, ZoneInfo("Asia/Shanghai"))
        csv = csv_bytes(sheets[0])
        figures["CSV"] = _done(started)
        started = time.perf_counter()
        xlsx = xlsx_bytes(sheets)
        figures["Excel workbook"] = _done(started)
        tracemalloc.stop()
        assert len(report.people) == 500 and len(report.units) == 10, report.units
        assert text and csv and xlsx
    finally:
        await db.close()
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    for sql in (
        "SELECT c.person_id, coalesce(p.display_name, '—'), sum(c.minutes), count(*)"
        " FROM checkins c JOIN activities a ON a.id = c.activity_id"
        " LEFT JOIN people p ON p.id = c.person_id"
        " WHERE a.starts_at >= ? AND a.starts_at < ?"
        " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
        " GROUP BY c.person_id ORDER BY sum(c.minutes) DESC, c.person_id",
        "SELECT a.unit_id, u.name, sum(c.minutes), count(*)"
        " FROM checkins c JOIN activities a ON a.id = c.activity_id"
        " JOIN vol_units u ON u.id = a.unit_id"
        " WHERE a.starts_at >= ? AND a.starts_at < ?"
        " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
        " GROUP BY a.unit_id ORDER BY sum(c.minutes) DESC, a.unit_id",
    ):
        conn.execute(sql, (to_db_time(since), to_db_time(until))).fetchall()
    figures["baseline: plain sqlite3, same 2 queries"] = (time.perf_counter() - started, 0.0)
    conn.close()
    return figures


def _done(started: float) -> tuple[float, float]:
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    return seconds, peak / 2**20


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volunteers", type=int, default=500)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        statements = await trace(20, scratch)
        # The stand-in runs in this process and timestamps each reply when it handles it;
        # a garbage-collection pause here would add to the latencies a delay the bot never
        # caused (as in outbox.py). The bot's own process keeps its collector; the report
        # below is measured in this process, with the collector back on.
        gc.disable()
        print(f"statements per check-in ({len(statements)}), as traced from the bot:")
        for statement in statements:
            print(f"  {statement[:110]}")
        bot = await run_bot(args.volunteers, scratch, "burst", statements)
        ceiling = run_ceiling(bot, args.volunteers, scratch)
        lifted = await run_bot(args.volunteers, scratch, "lifted", statements, lift_limit=True)
        minute = await run_bot(args.volunteers, scratch, "minute", statements, spread=60.0)
        gc.enable()
        report_db = scratch / "report.sqlite3"
        database = Database(report_db)
        await database.open()
        await database.close()
        month = fill_records(report_db, 500, 100)
        with in_community(1):  # the seeded records are the configured community's
            report = await run_report(report_db, month)
    ceiling_rate = args.volunteers / ceiling
    print()
    print("the bot runs as `pavilion run` in its own process")
    print(f"{'run':<52}{'check-ins':>10}{'s':>7}{'per s':>8}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}")
    print(
        f"{'plain sqlite3, same statements (ceiling)':<52}{args.volunteers:>10}"
        f"{ceiling:>7.2f}{ceiling_rate:>8.0f}{1:>7.2f}"
    )
    for name, figures in (
        ("bot, one burst, Telegram's 30 msg/s reply limit", bot),
        ("bot, one burst, flood limit lifted (bot's own)", lifted),
        ("bot, spread over one minute", minute),
    ):
        rate = figures.volunteers / figures.seconds
        print(
            f"{name:<52}{figures.volunteers:>10}{figures.seconds:>7.2f}"
            f"{rate:>8.0f}{rate / ceiling_rate:>7.2f}{figures.p50_ms:>8.0f}{figures.p99_ms:>8.0f}"
        )
    for name, figures in (("burst", bot), ("lifted", lifted), ("one minute", minute)):
        lost = args.volunteers - figures.distinct
        doubled = figures.rows - figures.distinct
        print(
            f"{name}: {figures.rows} check-in rows for {args.volunteers} volunteers"
            f" (+{REPEATS} repeated 签到): lost {lost}, doubled {doubled};"
            f" replies 签到成功 {figures.ok_replies}, 已经签到过 {figures.already_replies}"
        )
    print()
    print("monthly report over 50,000 check-in records (500 volunteers × 100 activities):")
    for name, (seconds, peak) in report.items():
        memory = f"{peak:8.1f} MiB peak" if peak else ""
        print(f"  {name:<44}{seconds * 1000:8.1f} ms {memory}")


if __name__ == "__main__":
    asyncio.run(main())
