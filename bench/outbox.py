"""The outbox sender against Telegram's flood limits, and across a crash.

A push to 2,000 people is queued in a fresh database, then ``pavilion run`` is
started as a real process against the Bot API stand-in, served by this
process over loopback HTTP. The stand-in enforces Telegram's limits (30 sends
in any second overall, 1 per second per private chat) and answers 429 beyond
them; every call takes a simulated 50 ms round trip. Send times are taken on
the stand-in's side, when it accepts a message.

Figures, each next to its goal:

- rate: messages / (last send − first send), as a fraction of the 30 msg/s
  limit (goal ≥ 0.95: the sender should use the whole allowance);
- 429s provoked (goal 0: the sender keeps the limits itself and never makes
  Telegram slow the bot down);
- duplicates: chats that got the message twice (must be 0);
- missing: chats that got nothing.

The busiest second (most sends the stand-in accepted within any one second)
is printed as a check: it is 30 at most, since the stand-in refuses the rest.

Run A lets the push finish. Run B SIGKILLs the process once half of the
messages were delivered and restarts it at once; its rate is also given with
the downtime left out. A row caught mid-send by the kill may or may not have
reached Telegram, so at the next start it is marked ``uncertain`` and never
sent again (a gap that the push's summary names is better than a second
copy): such a row that had not reached the stand-in is a missing chat.

Run C puts a 60-minute outage in the middle of the push: once half of the
messages were delivered, the stand-in answers every call (getUpdates too)
with 500 for an hour of the bot's clock, then recovers. The bot runs in its
own process through bench/clocked_run.py, ``pavilion run``'s composition root
with a clock this script compresses (120 s per second during the outage, so
the hour passes in 30 s); the flood limits keep real time on both sides.
Figures: delivered (goal 2,000), duplicates (0), how soon after recovery the
sender is back at ≥ 0.95 of 30 msg/s over 5 s (goal ≤ 10 s) and the rate
from then on, the final report the secretary got, and what the bot's log
said about the outage.

The baseline, in the same run, is PTB's own AIORateLimiter (the library's
default, a leaky bucket that lets bursts through) on a plain ExtBot sending
600 messages as fast as it allows, to another enforcing stand-in. It retries
after a 429 as PTB does when asked (``rate_limit_args``), so its messages all
arrive; the figure is how many 429s it provokes on the way.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from process import BotProcess, write_config

from bot.config import Language
from bot.logs import configure_logging
from bot.runtime.outbox import Delivery, OutgoingMessage, PushReport, queue_push
from bot.standin import FakeBotApi, StandinServer
from storage import Database, in_community

TOKEN = "4242:BENCH-OUTBOX"  # noqa: S105 - a made-up token for the stand-in
FIRST_USER = 100_000
LIMIT = 30.0  # Telegram: messages per second overall
LATENCY = 0.05


class TimedApi(FakeBotApi):
    """The stand-in, noting when each sendMessage was accepted (monotonic s, chat id)."""

    def __init__(self, *, latency: float) -> None:
        super().__init__(enforce_limits=True, latency=latency)
        self.sent_at: list[tuple[float, int]] = []
        self.refused_at: list[tuple[float, int]] = []  # 429s: (monotonic s, chat id)
        self.to_people = 0  # sendMessage calls accepted for chats from FIRST_USER on

    async def call(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, tuple[str, bytes]] | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        answer = await super().call(method, params, files, token=token)
        if method.lower() == "sendmessage" and answer.get("ok"):
            chat_id = int(answer["result"]["chat"]["id"])
            self.sent_at.append((time.monotonic(), chat_id))
            self.to_people += chat_id >= FIRST_USER
        elif answer.get("error_code") == 429:
            self.refused_at.append((time.monotonic(), int(params.get("chat_id") or 0)))
        return answer


@dataclass
class Result:
    """What one run achieved, as seen by the stand-in (and the outbox, for the bot)."""

    name: str
    chats: int
    sent_at: list[tuple[float, int]]
    per_chat: dict[int, int]
    limit_hits: int
    refused: list[tuple[float, int]] = field(default_factory=list)  # 429s (monotonic s, chat)
    states: dict[str, int] = field(default_factory=dict)
    sending_seconds: float | None = None  # downtime left out (run B)
    downtime: float | None = None
    uncertain_arrived: int = 0
    uncertain_missing: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return len(self.sent_at)

    @property
    def seconds(self) -> float:
        times = [at for at, _ in self.sent_at]
        return max(times) - min(times) if len(times) > 1 else float("nan")

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds

    @property
    def busiest_second(self) -> int:
        """Most sends the stand-in accepted within any one second."""
        times = sorted(at for at, _ in self.sent_at)
        most, start = 0, 0
        for end, at in enumerate(times):
            while times[start] <= at - 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most

    @property
    def duplicates(self) -> int:
        return sum(1 for count in self.per_chat.values() if count > 1)

    @property
    def missing(self) -> int:
        return sum(1 for count in self.per_chat.values() if count == 0)


def user_ids(count: int) -> list[int]:
    return [FIRST_USER + index for index in range(count)]


async def prepare_db(path: Path, ids: list[int], *, report_chat: int | None = None) -> None:
    """A migrated database with the people and ONE push of a message to each of them."""
    db = Database(path)
    await db.open()
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            deliveries = []
            for tg_id in ids:
                person_id = await session.people.insert(
                    tg_user_id=tg_id,
                    display_name=f"居民{tg_id}",
                    tg_username=None,
                    language="zh_Hans",
                    building=None,
                    grid_id=None,
                    consent_at=now,
                    now=now,
                )
                message = OutgoingMessage(
                    "schedule.message", Language.ZH_HANS, {"text": "明天上午九点停水，请提前储水。"}
                )
                deliveries.append(Delivery(tg_id, person_id, message))
            await queue_push(
                session,
                kind="bench",
                title="bench push",
                deliveries=deliveries,
                dedupe_prefix="bench",
                now=now,
                report=PushReport(None, report_chat, Language.ZH_HANS) if report_chat else None,
            )
    finally:
        await db.close()


def outbox_states(db_path: Path) -> dict[str, int]:
    """``SELECT state, count(*) FROM outbox GROUP BY state``, read-only."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}
    finally:
        conn.close()


def uncertain_chats(db_path: Path) -> list[int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT chat_id FROM outbox WHERE state = 'uncertain'").fetchall()
        return [int(row[0]) for row in rows]
    finally:
        conn.close()


async def wait_settled(
    api: TimedApi, bot: BotProcess, db_path: Path, total: int, give_up_after: float = 240.0
) -> None:
    """Until every message arrived, or the outbox has nothing left and no progress is made."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_after
    last_count, last_progress = -1, loop.time()
    while len(api.sent_at) < total:
        now = loop.time()
        if len(api.sent_at) != last_count:
            last_count, last_progress = len(api.sent_at), now
        if now > deadline:
            raise TimeoutError(
                f"only {len(api.sent_at)} of {total} messages after {give_up_after} s"
            )
        if bot.exited:
            raise RuntimeError(f"the bot exited early; see {bot.log}")
        if now - last_progress > 2.0:
            states = outbox_states(db_path)
            if not states.get("pending") and not states.get("sending"):
                return
        await asyncio.sleep(0.1)


def fail_with_log(log: Path, error: BaseException) -> None:
    tail = log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""
    print(f"run failed: {error!r}\n--- bot log (tail) ---\n{tail}", file=sys.stderr)


async def run_bot(people: int, *, kill_at: int | None, latency: float) -> Result:
    """One push to ``people`` through ``pavilion run``; SIGKILL + restart at ``kill_at``."""
    ids = user_ids(people)
    api = TimedApi(latency=latency)
    for tg_id in ids:
        api.add_user(tg_id, f"居民{tg_id}")
    server = StandinServer(api)
    await server.start()
    name = "pavilion, no kill" if kill_at is None else f"pavilion, SIGKILL at {kill_at}"
    result = Result(name, people, [], {}, 0)
    try:
        with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
            scratch = Path(scratch_dir)
            db_path = scratch / "pavilion.sqlite3"
            await prepare_db(db_path, ids)
            log = scratch / "bot.log"
            bot = BotProcess(write_config(scratch, server, db_path), log, TOKEN)
            try:
                await bot.start()
                restart_after = 0.0
                if kill_at is not None:
                    await api.wait_for(lambda: len(api.sent_at) >= kill_at, timeout=240)
                    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
                    killed_at = time.monotonic()
                    result.notes.append(f"killed after {len(api.sent_at)} messages had arrived")
                    # Requests already on the wire land within one round trip.
                    restart_after = killed_at + latency + 0.2
                    bot = BotProcess(bot.config, log, TOKEN)
                    await bot.start()
                await wait_settled(api, bot, db_path, people)
                code = await bot.stop(signal.SIGTERM)
                if code != 0:
                    result.notes.append(f"SIGTERM exit status {code}")
            except BaseException as error:
                fail_with_log(log, error)
                if bot.process is not None and bot.process.returncode is None:
                    await bot.stop(signal.SIGKILL)
                raise
            result.states = outbox_states(db_path)
            result.sent_at = list(api.sent_at)
            result.per_chat = {tg_id: len(api.bot_messages(tg_id)) for tg_id in ids}
            result.limit_hits = api.limit_hits
            if kill_at is not None:
                before = [at for at, _ in api.sent_at if at <= restart_after]
                after = [at for at, _ in api.sent_at if at > restart_after]
                if before and after:
                    result.sending_seconds = (max(before) - min(before)) + (max(after) - min(after))
                    result.downtime = min(after) - max(before)
                for chat_id in uncertain_chats(db_path):
                    if result.per_chat.get(chat_id):
                        result.uncertain_arrived += 1
                    else:
                        result.uncertain_missing += 1
            text = log.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in text:
                result.notes.append("the bot's log holds a traceback:\n" + text[-3000:])
    finally:
        await server.stop()
    return result


async def run_baseline(messages: int, *, latency: float, parallel: int = 32) -> Result:
    """PTB's AIORateLimiter (library defaults) on a plain ExtBot, as fast as it lets through."""
    from telegram.error import RetryAfter
    from telegram.ext import AIORateLimiter, ExtBot

    ids = user_ids(messages)
    api = TimedApi(latency=latency)
    for tg_id in ids:
        api.add_user(tg_id, f"居民{tg_id}")
    server = StandinServer(api)
    await server.start()
    failed = 0
    try:
        bot = ExtBot(
            TOKEN,
            base_url=server.base_url,
            base_file_url=server.base_file_url,
            rate_limiter=AIORateLimiter(),
        )
        gate = asyncio.Semaphore(parallel)

        async def send(chat_id: int) -> None:
            nonlocal failed
            async with gate:
                try:
                    # AIORateLimiter gives up at the first 429 unless told how often to retry.
                    await bot.send_message(chat_id, "🔔 明天上午九点停水。", rate_limit_args=5)
                except RetryAfter:
                    failed += 1

        async with bot:
            await asyncio.gather(*(send(chat_id) for chat_id in ids))
    finally:
        await server.stop()
    result = Result("PTB AIORateLimiter (baseline)", messages, list(api.sent_at), {}, 0)
    result.per_chat = {tg_id: len(api.bot_messages(tg_id)) for tg_id in ids}
    result.limit_hits = api.limit_hits
    if failed:
        result.notes.append(f"{failed} message(s) given up after 5 retries")
    return result


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(result: Result, *, goals: bool) -> None:
    print(f"\n== {result.name}")
    fraction = result.rate / LIMIT
    print(
        f"  delivered {result.delivered} message(s) to {result.chats - result.missing} of"
        f" {result.chats} chats in {result.seconds:.2f} s (first to last send, stand-in clock)"
    )
    line = f"  rate {result.rate:.2f} msg/s = {fraction:.3f} of the {LIMIT:.0f} msg/s limit"
    print(line + (f"  (goal ≥ 0.95: {verdict(fraction >= 0.95)})" if goals else ""))
    if result.sending_seconds is not None:
        excl = result.delivered / result.sending_seconds
        print(
            f"  rate with the downtime ({result.downtime:.2f} s) left out: {excl:.2f} msg/s"
            f" = {excl / LIMIT:.3f} of the limit over {result.sending_seconds:.2f} s of sending"
            + (f"  (goal ≥ 0.95: {verdict(excl / LIMIT >= 0.95)})" if goals else "")
        )
    print(f"  busiest second: {result.busiest_second} sends (the limit allows 30)")
    print(
        f"  429s provoked: {result.limit_hits}"
        + (f"  (goal 0: {verdict(result.limit_hits == 0)})" if goals else "")
    )
    print(
        f"  duplicates: {result.duplicates}"
        + (f"  (must be 0: {verdict(result.duplicates == 0)})" if goals else "")
    )
    print(f"  missing: {result.missing}")
    if result.states:
        states = ", ".join(f"{state} {count}" for state, count in sorted(result.states.items()))
        print(f"  outbox states: {states}")
    if result.sending_seconds is not None or result.uncertain_arrived or result.uncertain_missing:
        uncertain = result.states.get("uncertain", 0)
        print(
            f"  uncertain rows (caught mid-send by the kill, not resent by design so that no one"
            f" gets the message twice): {uncertain}; of these {result.uncertain_arrived} had"
            f" reached the stand-in and {result.uncertain_missing} had not"
        )
        explained = result.missing == result.uncertain_missing
        print(
            f"  missing chats explained by uncertain rows that never arrived:"
            f" {result.uncertain_missing} of {result.missing} ({verdict(explained)})"
        )
    for note in result.notes:
        print(f"  note: {note}")


# --- the outage run: Telegram answering 500 for an hour in the middle of the push -------------

SECRETARY = 99_999  # who started the push, and gets its progress report


@dataclass
class OutageFigures:
    started_after: int = 0  # messages delivered when the outage began
    virtual_minutes: float = 0.0
    real_seconds: float = 0.0
    refused: int = 0  # calls the stand-in refused with 500 during the outage
    recovered_at: float = 0.0  # monotonic, when the stand-in answered again
    first_after: float = float("nan")  # seconds from recovery to the first delivery
    full_rate_after: float = float("nan")  # seconds from recovery to a 5-s window at ≥ 0.95
    rate_after: float = float("nan")  # msg/s from that moment to the last delivery
    rate_since: float = float("nan")  # msg/s from recovery itself to the last delivery
    report: str = ""
    log: list[str] = field(default_factory=list)  # what the operator's log said about it


def outage_figures(result: Result, figures: OutageFigures) -> None:
    after = sorted(at for at, _ in result.sent_at if at > figures.recovered_at)
    if not after:
        return
    figures.first_after = after[0] - figures.recovered_at
    figures.rate_since = len(after) / (after[-1] - figures.recovered_at)
    end = 0
    for start, at in enumerate(after):
        while end < len(after) and after[end] < at + 5.0:
            end += 1
        if end == len(after) and after[-1] - at < 5.0:
            break  # the push ends inside the window: too short to judge
        if (end - start) / 5.0 >= 0.95 * LIMIT:
            figures.full_rate_after = at - figures.recovered_at
            rest = after[start:]
            if len(rest) > 1:
                figures.rate_after = (len(rest) - 1) / (rest[-1] - rest[0])
            break


async def run_outage(
    people: int, *, latency: float, outage_minutes: float, factor: float
) -> tuple[Result, OutageFigures]:
    """The push with ``outage_minutes`` of 500s in its middle, on a compressed clock.

    The bot runs in its own process like the runs above, through bench/clocked_run.py
    (``pavilion run``'s composition root with a clock this process speeds up by
    writing to its stdin): the outage passes in ``outage_minutes * 60 / factor`` real
    seconds, while the flood limits keep real time.
    """
    ids = user_ids(people)
    api = TimedApi(latency=latency)
    for tg_id in ids:
        api.add_user(tg_id, f"居民{tg_id}")
    api.add_user(SECRETARY, "书记")
    server = StandinServer(api)
    await server.start()
    result = Result(f"pavilion, {outage_minutes:.0f}-min outage", people, [], {}, 0)
    figures = OutageFigures(virtual_minutes=outage_minutes)
    wanted = set(ids)

    def delivered() -> int:  # O(1): the stand-in calls this after every request
        return api.to_people

    try:
        with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
            scratch = Path(scratch_dir)
            db_path = scratch / "pavilion.sqlite3"
            await prepare_db(db_path, ids, report_chat=SECRETARY)
            config = write_config(scratch, server, db_path)
            log = scratch / "bot.log"
            env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=TOKEN)
            script = Path(__file__).with_name("clocked_run.py")
            with log.open("ab") as out:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(script),
                    str(config),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=out,
                    stderr=out,
                    env=env,
                )
            assert process.stdin is not None

            async def set_factor(value: float) -> None:
                assert process.stdin is not None
                process.stdin.write(f"{value}\n".encode())
                await process.stdin.drain()

            try:
                await api.wait_for(lambda: delivered() >= people // 2, timeout=240)
                figures.started_after = delivered()
                api.start_outage(get_updates=True)  # Telegram down: every call answers 500
                began = time.monotonic()
                await set_factor(factor)
                await asyncio.sleep(outage_minutes * 60 / factor)
                figures.refused = api.outage_refusals
                api.end_outage()
                await set_factor(1.0)
                figures.recovered_at = time.monotonic()
                figures.real_seconds = figures.recovered_at - began
                await api.wait_for(lambda: delivered() >= people, timeout=240)
                await api.wait_for(
                    lambda: any("✅" in m.get("text", "") for m in api.bot_messages(SECRETARY)),
                    timeout=30,
                )
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), timeout=60)
                if code != 0:
                    result.notes.append(f"SIGTERM exit status {code}")
            except BaseException as error:
                fail_with_log(log, error)
                if process.returncode is None:
                    process.kill()
                    await process.wait()
                raise
            result.states = outbox_states(db_path)
            result.sent_at = [(at, chat_id) for at, chat_id in api.sent_at if chat_id in wanted]
            result.per_chat = {tg_id: len(api.bot_messages(tg_id)) for tg_id in ids}
            result.limit_hits = api.limit_hits
            result.refused = list(api.refused_at)
            reports = api.bot_messages(SECRETARY)
            figures.report = reports[-1].get("text", "") if reports else "(no report)"
            if len(reports) != 1:
                result.notes.append(f"{len(reports)} report messages (expected one, edited)")
            text = log.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in text:
                result.notes.append("the bot's log holds a traceback:\n" + text[-3000:])
            figures.log = [
                line for line in text.splitlines() if "Telegram" in line and "WARNING" in line
            ]
    finally:
        await server.stop()
    outage_figures(result, figures)
    return result, figures


def report_outage(result: Result, figures: OutageFigures) -> None:
    print(f"\n== {result.name}")
    print(
        f"  outage: {figures.virtual_minutes:.0f} min on the bot's clock"
        f" ({figures.real_seconds:.1f} s real), begun after {figures.started_after} deliveries;"
        f" the stand-in refused {figures.refused} call(s) with 500 meanwhile"
    )
    print(
        f"  delivered {result.delivered} of {result.chats}"
        f"  (goal {result.chats}: {verdict(result.delivered == result.chats)})"
    )
    print(f"  duplicates: {result.duplicates}  (must be 0: {verdict(result.duplicates == 0)})")
    print(f"  missing: {result.missing}")
    print(f"  first delivery {figures.first_after:.2f} s after Telegram answered again")
    within = figures.full_rate_after <= 10.0
    print(
        f"  back at ≥ 0.95 of {LIMIT:.0f} msg/s (over 5 s) {figures.full_rate_after:.2f} s after"
        f" recovery  (goal ≤ 10 s: {verdict(within)})"
    )
    fraction = figures.rate_after / LIMIT
    print(
        f"  rate from then to the end: {figures.rate_after:.2f} msg/s = {fraction:.3f} of the"
        f" limit  (goal ≥ 0.95: {verdict(fraction >= 0.95)})"
    )
    print(
        f"  rate from recovery itself (probe wait included) to the end: {figures.rate_since:.2f}"
        f" msg/s = {figures.rate_since / LIMIT:.3f} of the limit"
    )
    print(f"  429s provoked: {result.limit_hits}  (goal 0: {verdict(result.limit_hits == 0)})")
    if result.states:
        states = ", ".join(f"{state} {count}" for state, count in sorted(result.states.items()))
        print(f"  outbox states: {states}")
    print("  final report to the secretary: " + figures.report.replace("\n", " | "))
    for line in figures.log:
        print(f"  bot log: {line}")
    for note in result.notes:
        print(f"  note: {note}")


async def main() -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # The stand-in runs in this process and timestamps a send when it handles
    # it. A garbage-collection pause here (the stand-in keeps a copy of every
    # message) would hold requests back and then handle them in a burst, which
    # its clock would count as a flood that the bot never sent: with the
    # collector on, a few 429s appear late in the 2,000-message run. The bot's
    # own process keeps its collector.
    gc.disable()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=2000, help="recipients of the push")
    parser.add_argument("--baseline", type=int, default=600, help="messages for the baseline")
    parser.add_argument("--latency", type=float, default=LATENCY, help="simulated round trip (s)")
    parser.add_argument(
        "--outage-minutes", type=float, default=60.0, help="the outage, on the bot's clock"
    )
    parser.add_argument(
        "--compress", type=float, default=120.0, help="bot-clock seconds per real second"
    )
    parser.add_argument("--only-outage", action="store_true", help="run the outage run alone")
    args = parser.parse_args()
    configure_logging("WARNING")
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    print(
        f"stand-in enforcing Telegram's limits (30/s overall, 1/s per private chat),"
        f" {args.latency * 1000:.0f} ms simulated round trip; one push to {args.people} people"
    )
    runs: list[Result] = []
    if not args.only_outage:
        baseline = await run_baseline(args.baseline, latency=args.latency)
        report(baseline, goals=False)
        plain = await run_bot(args.people, kill_at=None, latency=args.latency)
        report(plain, goals=True)
        killed = await run_bot(args.people, kill_at=args.people // 2, latency=args.latency)
        report(killed, goals=True)
        runs = [baseline, plain, killed]
    outage, figures = await run_outage(
        args.people,
        latency=args.latency,
        outage_minutes=args.outage_minutes,
        factor=args.compress,
    )
    report_outage(outage, figures)

    print()
    header = (
        f"{'sender':<32}{'msgs':>6}{'secs':>8}{'msg/s':>8}{'of 30':>7}"
        f"{'429s':>6}{'dups':>6}{'missing':>8}"
    )
    print(header)
    for result in runs:
        print(
            f"{result.name:<32}{result.delivered:>6}{result.seconds:>8.2f}{result.rate:>8.2f}"
            f"{result.rate / LIMIT:>7.3f}{result.limit_hits:>6}{result.duplicates:>6}"
            f"{result.missing:>8}"
        )
        if result.sending_seconds is not None:
            rate = result.delivered / result.sending_seconds
            label = "  … downtime left out"
            print(
                f"{label:<32}{result.delivered:>6}{result.sending_seconds:>8.2f}{rate:>8.2f}"
                f"{rate / LIMIT:>7.3f}"
            )
    rate = figures.rate_after
    print(
        f"{outage.name:<32}{outage.delivered:>6}{'':>8}{rate:>8.2f}{rate / LIMIT:>7.3f}"
        f"{outage.limit_hits:>6}{outage.duplicates:>6}{outage.missing:>8}"
        f"  (rate after recovery; full rate {figures.full_rate_after:.1f} s after it)"
    )
    print("goals: ≥ 0.95 of 30 msg/s, 0 429s, 0 duplicates (the baseline has no goals);")
    print("outage run: 2,000 delivered, 0 duplicates, ≥ 0.95 of 30 msg/s within 10 s of recovery")


if __name__ == "__main__":
    # The set-up writes the first community's records, as its secretary would.
    with in_community(1):
        asyncio.run(main())
