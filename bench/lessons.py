"""One micro Party lesson pushed to 1,000 members, then 1,000 已学习 presses.

The real Application runs against the Bot API stand-in over loopback HTTP.
The stand-in is served from its own thread and event loop, so the moment it
accepts a message is not delayed by the bot's own work in the same loop (the
sender keeps the windows with a 30 ms margin). It enforces Telegram's flood
limits (30 sends in any second overall, 1 per second per private chat, 20 per
minute per group, 429 beyond) and every call takes a simulated 50 ms round
trip.

Push: a secretary presses 现在发送 on a lesson for 1,000 party members (the
service call the button makes); the members' group gets the post and each
member a private message. Figures: seconds from the press to the last message
the stand-in accepted, against the physical limit (messages / 30 msg/s), as a
ratio (goal ≥ 0.9); duplicates (chats that got it twice, must be 0); missing
chats; 429s provoked.

Study: then the 1,000 members press ✅ 已学习 under their private copy, all at
once. Figures: presses/s and press-to-answer latency p50/p99 (it includes
waiting in line behind the other presses), and the study records counted
afterwards (must be 1,000). Baseline, in the same run: plain ``sqlite3``
executing the statements one press costs the storage (captured with SQLite's
trace callback from a real press, and printed), one transaction per press,
with the same pragmas (WAL, synchronous=FULL) on the same disk.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import RunningBot, build_application
from bot.community import Actor
from bot.config import Language, settings_from_mapping
from bot.logs import configure_logging
from bot.standin import FakeBotApi, StandinServer

GROUP = -100_700
SECRETARY = 9_999
FIRST_MEMBER = 10_000
LIMIT = 30.0
LATENCY = 0.05


class TimedApi(FakeBotApi):
    """The stand-in, noting accepted sends and when each button press was answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent_at: list[tuple[float, int]] = []
        self.answered_at: dict[str, float] = {}
        self.refused = 0

    async def call(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, tuple[str, bytes]] | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        answer = await super().call(method, params, files, token=token)
        name = method.lower()
        if name == "sendmessage" and answer.get("ok"):
            self.sent_at.append((time.perf_counter(), int(answer["result"]["chat"]["id"])))
        if answer.get("error_code") == 429:
            self.refused += 1
        if name == "answercallbackquery":
            self.answered_at[str(params.get("callback_query_id"))] = time.perf_counter()
        return answer


class ThreadedStandin:
    """The stand-in's HTTP server on its own thread and event loop."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.server = StandinServer(api)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()

    def do(self, action: Callable[[], Any]) -> Any:
        """Run ``action`` (a user's action on the stand-in) on the stand-in's thread."""

        async def run() -> Any:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result()


async def community(running: RunningBot, members: int) -> tuple[Actor, int]:
    """A secretary, ``members`` party members, the members' group, one lesson (no quiz)."""
    services = running.services
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id = await session.people.insert(
            tg_user_id=SECRETARY,
            display_name="书记",
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=now,
            now=now,
        )
        await session.people.grant(secretary_id, "secretary", None, now)
        for index in range(members):
            person_id = await session.people.insert(
                tg_user_id=FIRST_MEMBER + index,
                display_name=f"党员{index}",
                tg_username=None,
                language="zh_Hans",
                building=None,
                grid_id=None,
                consent_at=now,
                now=now,
            )
            await session.people.grant(person_id, "party_member", None, now)
        await session.chats.seen(GROUP, "党员群", "supergroup", True, now)
        await session.chats.bind(GROUP, "members", secretary_id, now)
        lesson_id = await session.lessons.create(
            title="学习党章",
            body="党章是党的根本大法。\n\n每个党员都要认真学习党章、遵守党章。",
            link=None,
            attachments=[],
            quiz=[],
            created_by=secretary_id,
            now=now,
        )
        secretary = await session.people.by_telegram_id(SECRETARY)
    return Actor(SECRETARY, Language.ZH_HANS, secretary, configured_secretary=True), lesson_id


async def run(members: int, scratch: Path) -> dict[str, Any]:
    api = TimedApi(enforce_limits=True, latency=LATENCY)
    api.add_user(SECRETARY, "书记")
    for index in range(members):
        api.add_user(FIRST_MEMBER + index, f"党员{index}")
    api.add_group(GROUP, "党员群")
    standin = ThreadedStandin(api)
    standin.start()
    server = standin.server
    settings = settings_from_mapping(
        {
            "telegram": {
                "token": "1:BENCH",
                "base_url": server.base_url,
                "base_file_url": server.base_file_url,
                "poll_timeout": 1,
            },
            "community": {"secretaries": [SECRETARY]},
            "storage": {"path": str(scratch / "bot.sqlite3")},
        }
    )
    running = RunningBot(build_application(settings), webhook=False)
    await running.start()
    figures: dict[str, Any] = {}
    try:
        actor, lesson_id = await community(running, members)
        chats = {GROUP} | {FIRST_MEMBER + i for i in range(members)}
        started = time.perf_counter()
        await running.services.lessons.send_now(actor, lesson_id, SECRETARY)
        queued = time.perf_counter() - started
        running.services.wake_sender()

        def reached() -> bool:
            return chats <= {chat for _, chat in api.sent_at}

        await api.wait_for(reached, timeout=600)
        push_seconds = max(at for at, chat in api.sent_at if chat in chats) - started
        per_chat = Counter(chat for _, chat in api.sent_at if chat in chats)
        sender = running.sender
        assert sender is not None
        await sender.idle()
        figures.update(
            messages=len(chats),
            push_seconds=push_seconds,
            physical_seconds=len(chats) / LIMIT,
            duplicates=sum(1 for n in per_chat.values() if n > 1),
            missing=len(chats - set(per_chat)),
            refused=api.refused,
            queued=queued,
        )

        # The first press is traced: the statements one 已学习 costs the storage.
        message_of = {
            chat: message["message_id"]
            for chat in chats
            if chat != GROUP
            for message in api.bot_messages(chat)[-1:]
        }
        data = f"lst:{lesson_id}"
        statements: list[str] = []
        writer = running.services.db.writer
        reader = running.services.db._reader
        assert reader is not None
        await writer._execute(writer._conn.set_trace_callback, statements.append)
        await reader._execute(reader._conn.set_trace_callback, statements.append)
        handled = running.ingress.handled
        standin.do(
            lambda: api.press_button(FIRST_MEMBER, FIRST_MEMBER, message_of[FIRST_MEMBER], data)
        )
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
        await writer._execute(writer._conn.set_trace_callback, None)
        await reader._execute(reader._conn.set_trace_callback, None)

        handled = running.ingress.handled
        pressed_at: dict[str, float] = {}
        started = time.perf_counter()
        for index in range(1, members):
            user = FIRST_MEMBER + index
            query_id = standin.do(
                lambda user=user: api.press_button(user, user, message_of[user], data)
            )
            pressed_at[query_id] = time.perf_counter()
        await api.wait_for(lambda: running.ingress.handled >= handled + members - 1, timeout=600)
        seconds = time.perf_counter() - started
        await api.wait_for(lambda: set(pressed_at) <= set(api.answered_at), timeout=60)
        latencies = sorted((api.answered_at[q] - at) * 1000 for q, at in pressed_at.items())
        async with (
            running.services.db.read() as session,
            session.conn.execute(
                "SELECT count(*) FROM lesson_studies WHERE lesson_id = ?", (lesson_id,)
            ) as cur,
        ):
            row = await cur.fetchone()
        figures.update(
            presses=members - 1,
            press_seconds=seconds,
            p50_ms=statistics.median(latencies),
            p99_ms=latencies[int(len(latencies) * 0.99) - 1],
            studies=int(row[0]) if row else 0,
            statements=statements,
        )
    finally:
        await running.stop()
        standin.stop()
    return figures


def run_ceiling(statements: list[str], members: int, scratch: Path) -> float:
    """Seconds for plain sqlite3 to run one press's statements for ``members`` members."""
    path = scratch / "ceiling.sqlite3"
    with sqlite3.connect(scratch / "bot.sqlite3") as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM lesson_studies")
    first_person = conn.execute(
        "SELECT id FROM people WHERE tg_user_id = ?", (FIRST_MEMBER,)
    ).fetchone()[0]
    started = time.perf_counter()
    for index in range(members):
        person = first_person + index
        for statement in statements:
            text = (
                statement.replace(str(FIRST_MEMBER), str(FIRST_MEMBER + index))
                .replace(f", {first_person}, ", f", {person}, ")
                .replace(f"= {first_person}", f"= {person}")
            )
            conn.execute(text).fetchall()
    seconds = time.perf_counter() - started
    studies = conn.execute("SELECT count(*) FROM lesson_studies").fetchone()[0]
    conn.close()
    if studies != members:
        print(f"(ceiling check: {studies} study rows for {members} presses)")
    return seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        figures = await run(args.members, scratch)
        ceiling = run_ceiling(figures["statements"], args.members, scratch)
    ratio = figures["physical_seconds"] / figures["push_seconds"]
    print(
        f"push: {figures['messages']} messages (group + {args.members} members) in"
        f" {figures['push_seconds']:.1f} s; physical limit {figures['physical_seconds']:.1f} s"
        f" at 30 msg/s; ratio {ratio:.2f} (goal >= 0.9); duplicates {figures['duplicates']},"
        f" missing {figures['missing']}, 429s provoked {figures['refused']};"
        f" queuing the push (one transaction) took {figures['queued'] * 1000:.0f} ms"
    )
    print(f"statements per 已学习 ({len(figures['statements'])}), as traced from the bot:")
    for statement in figures["statements"]:
        print(f"  {statement[:110]}")
    ceiling_rate = args.members / ceiling
    rate = figures["presses"] / figures["press_seconds"]
    print()
    print(f"{'run':<44}{'presses':>8}{'s':>7}{'per s':>8}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}")
    print(
        f"{'plain sqlite3, same statements (ceiling)':<44}{args.members:>8}"
        f"{ceiling:>7.2f}{ceiling_rate:>8.0f}{1:>7.2f}"
    )
    print(
        f"{'bot, stand-in +50 ms per call':<44}{figures['presses']:>8}"
        f"{figures['press_seconds']:>7.2f}{rate:>8.0f}{rate / ceiling_rate:>7.2f}"
        f"{figures['p50_ms']:>8.0f}{figures['p99_ms']:>8.0f}"
    )
    print(f"study records: {figures['studies']} for {args.members} presses")


if __name__ == "__main__":
    asyncio.run(main())
