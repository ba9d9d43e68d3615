"""1,000 residents vote on one matter through the real bot, against the raw storage ceiling.

The bot runs against the Bot API stand-in over loopback HTTP. 1,000
registered residents press an option on the vote's card in the residents'
group, all at once, as fast as the stand-in delivers the presses. Figures:
votes per second, press-to-answer latency (p50/p99; it includes waiting in
line behind the other presses), card edits against the edit budget (one edit
per 3 s), and the tally at the close against the ballots and against the
presses made.

Baseline, measured in the same run: plain ``sqlite3`` executing, per vote,
the statements the bot's storage executes for one ballot (captured with
SQLite's trace callback from a real press, and printed), in one transaction
per vote with the same pragmas (WAL, synchronous=FULL) on the same disk.
That is the storage ceiling; the goal is a ratio of at least 0.5.

The run is repeated with the stand-in adding 100 ms to every call (a real
round trip to Telegram): throughput must stay at or above 500 votes/s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fixtures import as_new_update, ceiling_connection, register_people, traced_update
from process import BotProcess, write_config

from bot.app import RunningBot, build_application
from bot.community.register import Actor
from bot.config import Language, settings_from_mapping
from bot.logs import configure_logging
from bot.services import Services
from bot.standin import FakeBotApi, StandinServer
from storage import in_community

GROUP = -100_500
SECRETARY = 9_999
FIRST_RESIDENT = 10_000
#: The bot's [updates] max_concurrent (its default unless BENCH_CONCURRENT says otherwise).
MAX_CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "256"))


class TimedApi(FakeBotApi):
    """The stand-in, noting when each callback query was answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answered_at: dict[str, float] = {}

    def _answer_callback_query(self, params: dict[str, Any], files: Any) -> Any:
        self.answered_at[str(params.get("callback_query_id"))] = time.perf_counter()
        return super()._answer_callback_query(params, files)


@dataclass
class BotFigures:
    votes: int
    seconds: float
    p50_ms: float
    p99_ms: float
    card_edits: int
    edit_budget: int
    tally: list[int]
    ballots: list[int]
    pressed: list[int]
    statements: list[str]


async def community(services: Services, residents: int) -> tuple[int, int]:
    """Register the residents and a secretary, bind the group, raise a matter, open a vote."""
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id, _ = await register_people(
            session,
            secretary=SECRETARY,
            first=FIRST_RESIDENT,
            count=residents,
            role="resident",
            name="居民",
            now=now,
        )
        await session.chats.seen(GROUP, "居民群", "supergroup", True, now)
        await session.chats.bind(GROUP, "residents", secretary_id, now)
        matter_id = await session.matters.create(
            title="小区门口加装路灯",
            details="晚上太黑，老人出门不方便。",
            raised_by=None,
            support_until=now + timedelta(days=14),
            now=now,
        )
        secretary = await session.people.by_telegram_id(SECRETARY)
    actor = Actor(SECRETARY, Language.ZH_HANS, secretary, configured_secretary=True)
    await services.votes.setup.start_setup(actor, SECRETARY, matter_id)
    vote = await services.votes.setup.open(actor, SECRETARY)
    services.wake_sender()
    return matter_id, vote.id


async def run_bot(residents: int, latency: float, scratch: Path) -> BotFigures:
    """Seconds for ``residents`` presses, with latencies, edits and the tallies."""
    api = TimedApi(latency=latency)
    api.add_user(SECRETARY, "书记")
    for index in range(residents):
        api.add_user(FIRST_RESIDENT + index, f"居民{index}")
    api.add_group(GROUP, "居民群")
    server = StandinServer(api)
    await server.start()
    settings = settings_from_mapping(
        {
            "telegram": {
                "token": "1:BENCH",
                "base_url": server.base_url,
                "base_file_url": server.base_file_url,
                "poll_timeout": 1,
            },
            "community": {"secretaries": [SECRETARY]},
            "updates": {"max_concurrent": MAX_CONCURRENT},
            "storage": {"path": str(scratch / f"bot-{latency}.sqlite3")},
        }
    )
    running = RunningBot(build_application(settings), webhook=False)
    await running.start()
    try:
        matter_id, vote_id = await community(running.services, residents)
        await api.wait_for(lambda: bool(api.bot_messages(GROUP)), timeout=30)
        sender = running.sender
        assert sender is not None
        await sender.idle()
        card = api.bot_messages(GROUP)[-1]
        rng = random.Random(4)
        choices = [rng.choice((0, 0, 0, 1, 2)) for _ in range(residents)]

        # The first press is traced: the statements one ballot costs the storage.
        statements: list[str] = []
        writer = running.services.db.writer
        reader_conn = running.services.db._reader
        assert reader_conn is not None
        await writer._execute(writer._conn.set_trace_callback, statements.append)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, statements.append)
        handled = running.ingress.handled
        api.press_button(FIRST_RESIDENT, GROUP, card["message_id"], f"vb:{vote_id}:{choices[0]}")
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
        await writer._execute(writer._conn.set_trace_callback, None)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, None)

        edits_before = _edits(api, card["message_id"])
        handled = running.ingress.handled
        pressed_at: dict[str, float] = {}
        started = time.perf_counter()
        for index in range(1, residents):
            query_id = api.press_button(
                FIRST_RESIDENT + index, GROUP, card["message_id"], f"vb:{vote_id}:{choices[index]}"
            )
            pressed_at[query_id] = time.perf_counter()
        await api.wait_for(lambda: running.ingress.handled >= handled + residents - 1, timeout=600)
        seconds = time.perf_counter() - started
        latencies = sorted(
            (api.answered_at[query_id] - at) * 1000 for query_id, at in pressed_at.items()
        )
        await asyncio.sleep(4)  # the last card edit
        card_edits = _edits(api, card["message_id"]) - edits_before

        votes = running.services.votes
        actor = running.services.community
        secretary = await actor.identify(_caller(SECRETARY))
        closed = await votes.closing.close_now(secretary, matter_id)
        tally = list(closed.vote.tally["counts"]) if closed.vote.tally else []
        async with running.services.db.read() as session:
            from_ballots = [0, 0, 0]
            for choice, ballots in await session.votes.choice_counts(vote_id):
                for index in choice:
                    from_ballots[index] += ballots
    finally:
        await running.stop()
        await server.stop()
    pressed = [choices.count(option) for option in range(3)]
    return BotFigures(
        votes=residents - 1,
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        card_edits=card_edits,
        edit_budget=int(seconds / 3.0) + 2,
        tally=tally,
        ballots=from_ballots,
        pressed=pressed,
        statements=statements,
    )


TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in


async def run_bot_process(residents: int, latency: float, scratch: Path) -> BotFigures:
    """The same presses, with the bot as ``pavilion run`` in its own process (as in
    production, where Telegram is not in the bot's process)."""
    api = TimedApi(latency=latency)
    api.add_user(SECRETARY, "书记")
    for index in range(residents):
        api.add_user(FIRST_RESIDENT + index, f"居民{index}")
    api.add_group(GROUP, "居民群")
    server = StandinServer(api)
    await server.start()
    db_path = scratch / f"process-{latency}.sqlite3"
    extra = (
        f"[community]\nsecretaries = [{SECRETARY}]\n\n"
        f"[updates]\nmax_concurrent = {MAX_CONCURRENT}\n"
    )
    config = write_config(scratch, server, db_path, extra)
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
        matter_id, vote_id = await community(services, residents)
    finally:
        await services.db.close()
    bot = BotProcess(config, scratch / f"bot-{latency}.log", TOKEN)
    await bot.start()
    try:
        await api.wait_for(lambda: bool(api.bot_messages(GROUP)), timeout=60)
        card = api.bot_messages(GROUP)[-1]
        rng = random.Random(4)
        choices = [rng.choice((0, 0, 0, 1, 2)) for _ in range(residents)]
        edits_before = _edits(api, card["message_id"])
        pressed_at: dict[str, float] = {}
        started = time.perf_counter()
        for index in range(residents):
            query_id = api.press_button(
                FIRST_RESIDENT + index, GROUP, card["message_id"], f"vb:{vote_id}:{choices[index]}"
            )
            pressed_at[query_id] = time.perf_counter()
        await api.wait_for(lambda: len(api.answered_at) >= residents, timeout=600)
        seconds = time.perf_counter() - started
        latencies = sorted(
            (api.answered_at[query_id] - at) * 1000 for query_id, at in pressed_at.items()
        )
        await asyncio.sleep(4)  # the last card edit
        card_edits = _edits(api, card["message_id"]) - edits_before
    finally:
        await bot.stop(signal.SIGTERM)
        await server.stop()
    await services.db.open()
    try:
        async with services.db.read() as session:
            secretary = await session.people.by_telegram_id(SECRETARY)
        actor = Actor(SECRETARY, Language.ZH_HANS, secretary, configured_secretary=True)
        closed = await services.votes.closing.close_now(actor, matter_id)
        tally = list(closed.vote.tally["counts"]) if closed.vote.tally else []
        async with services.db.read() as session:
            from_ballots = [0, 0, 0]
            for choice, ballots in await session.votes.choice_counts(vote_id):
                for option in choice:
                    from_ballots[option] += ballots
    finally:
        await services.db.close()
    return BotFigures(
        votes=residents,
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        card_edits=card_edits,
        edit_budget=int(seconds / 3.0) + 2,
        tally=tally,
        ballots=from_ballots,
        pressed=[choices.count(option) for option in range(3)],
        statements=[],
    )


def _caller(user_id: int) -> Any:
    from bot.community.register import Caller

    return Caller(tg_user_id=user_id, first_name="书记", language_code="zh-hans")


def _edits(api: FakeBotApi, message_id: int) -> int:
    return sum(
        1
        for method, params in api.calls
        if method == "editMessageText" and int(params.get("message_id", 0)) == message_id
    )


def run_ceiling(statements: list[str], residents: int, source: Path, scratch: Path) -> float:
    """Seconds for plain sqlite3 to run one vote's statements ``residents`` times.

    The traced statements carry the first voter's literal values; each
    repetition substitutes the voter's own Telegram id, register id, voter key
    and update id, so every INSERT is a new row as in the bot. ``source`` is a
    database with the same residents, copied first.
    """
    conn = ceiling_connection(source, scratch / "ceiling.sqlite3", "ballots")
    first_person = conn.execute(
        "SELECT id FROM people WHERE tg_user_id = ?", (FIRST_RESIDENT,)
    ).fetchone()[0]
    traced = traced_update(statements)
    started = time.perf_counter()
    for index in range(residents):
        person = first_person + index
        for statement in statements:
            text = (
                statement.replace(str(FIRST_RESIDENT), str(FIRST_RESIDENT + index))
                # A public ballot names its voter beside the key (one ballot per person).
                .replace(f"'p{first_person}', {first_person},", f"'p{person}', {person},")
                .replace(f"'p{first_person}'", f"'p{person}'")
                .replace(f"= {first_person} ", f"= {person} ")
            )
            conn.execute(as_new_update(text, traced, index)).fetchall()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


async def main() -> None:
    # The stand-in (Telegram's side) runs in this process and keeps a copy of
    # every message; a garbage-collection pause here would hold the presses and
    # answers back and charge the bot for it. The bot's own process keeps its
    # collector (as in outbox.py and lessons.py).
    gc.disable()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1000)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        # One in-process run traces the statements a ballot costs (for the ceiling).
        traced = await run_bot(20, 0.0, scratch)
        print(f"statements per ballot ({len(traced.statements)}), as traced from the bot:")
        for statement in traced.statements:
            print(f"  {statement[:110]}")
        fast = await run_bot_process(args.residents, 0.0, scratch)
        slow = await run_bot_process(args.residents, 0.1, scratch)
        source = scratch / "process-0.0.sqlite3"
        ceiling = run_ceiling(traced.statements, args.residents, source, scratch)
    ceiling_rate = args.residents / ceiling
    print()
    print(f"the bot runs as `pavilion run` in its own process; max_concurrent={MAX_CONCURRENT}")
    print(f"{'run':<44}{'votes':>6}{'s':>7}{'votes/s':>9}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}")
    print(
        f"{'plain sqlite3, same statements (ceiling)':<44}{args.residents:>6}"
        f"{ceiling:>7.2f}{ceiling_rate:>9.0f}{1:>7.2f}"
    )
    runs = (("bot, stand-in without latency", fast), ("bot, stand-in +100 ms per call", slow))
    for name, figures in runs:
        rate = figures.votes / figures.seconds
        print(
            f"{name:<44}{figures.votes:>6}{figures.seconds:>7.2f}{rate:>9.0f}"
            f"{rate / ceiling_rate:>7.2f}{figures.p50_ms:>8.0f}{figures.p99_ms:>8.0f}"
        )
    for name, figures in (("no latency", fast), ("+100 ms", slow)):
        same = figures.tally == figures.ballots == figures.pressed
        print(
            f"{name}: card edits {figures.card_edits} (budget {figures.edit_budget});"
            f" tally at close {figures.tally}, counted from ballots {figures.ballots},"
            f" presses made {figures.pressed}: {'equal' if same else 'DIFFERENT'}"
        )


if __name__ == "__main__":
    # The set-up writes the first community's records, as its secretary would.
    with in_community(1):
        asyncio.run(main())
