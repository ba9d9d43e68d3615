"""One micro Party lesson pushed to 1,000 members, then 1,000 已学习 presses.

The bot runs as ``pavilion run`` in its own process (as in production, where
Telegram is not in the bot's process), against the Bot API stand-in served by
this process over loopback HTTP. The stand-in enforces Telegram's flood
limits (30 sends in any second overall, 1 per second per private chat, 20 per
minute per group, 429 beyond) and every call takes a simulated 50 ms round
trip. The database (secretary, members, the members' group, one lesson) is
prepared before the process starts.

Push: the secretary opens the lesson through the bot (/lessons → the lesson →
📅 发送时间) and presses 📤 现在发送 on the stand-in, for 1,000 party members;
the members' group gets the post and each member a private message. Figures:
seconds from the press to the last message the stand-in accepted, against
the physical limit (messages / 30 msg/s), as a ratio (goal ≥ 0.9);
duplicates (chats that got it twice, must be 0); missing chats; 429s
provoked; and how long the press took to be answered (the push is queued in
one transaction before the answer).

Study: then the 1,000 members press ✅ 已学习 under their private copy, all at
once. Figures: presses/s and press-to-answer latency p50/p99 (it includes
waiting in line behind the other presses), and the study records counted
afterwards (must be 1,000). Baseline, in the same run: plain ``sqlite3``
executing the statements one press costs the storage (captured with SQLite's
trace callback from a real press in a small in-process run, and printed), one
transaction per press, with the same pragmas (WAL, synchronous=FULL) on the
same disk.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
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

GROUP = -100_700
SECRETARY = 9_999
FIRST_MEMBER = 10_000
LIMIT = 30.0
LATENCY = 0.05
TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in


class TimedApi(FakeBotApi):
    """The stand-in, noting accepted sends and when each button press was answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent_at: list[tuple[float, int]] = []
        self.answered_at: dict[str, float] = {}
        self.refused = 0
        self.refusals: list[tuple[float, str, int]] = []

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
            self.refusals.append((time.perf_counter(), method, int(params.get("chat_id", 0))))
        if name == "answercallbackquery":
            self.answered_at[str(params.get("callback_query_id"))] = time.perf_counter()
        return answer


def make_api(members: int, **kwargs: Any) -> TimedApi:
    api = TimedApi(**kwargs)
    api.add_user(SECRETARY, "书记")
    for index in range(members):
        api.add_user(FIRST_MEMBER + index, f"党员{index}")
    api.add_group(GROUP, "党员群")
    return api


async def community(services: Services, members: int) -> tuple[Actor, int]:
    """A secretary, ``members`` party members, the members' group, one lesson (no quiz)."""
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id, _ = await register_people(
            session,
            secretary=SECRETARY,
            first=FIRST_MEMBER,
            count=members,
            role="party_member",
            name="党员",
            now=now,
        )
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


def _copies(api: FakeBotApi, members: int) -> dict[int, int]:
    """Each member's private copy of the lesson (the message id)."""
    return {
        FIRST_MEMBER + index: message["message_id"]
        for index in range(members)
        for message in api.bot_messages(FIRST_MEMBER + index)[-1:]
    }


async def trace(members: int, scratch: Path) -> list[str]:
    """The statements one 已学习 costs the storage, traced from a small in-process run."""
    api = make_api(members)
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
        actor, lesson_id = await community(running.services, members)
        await running.services.lessons.sending.send_now(actor, lesson_id, SECRETARY)
        running.services.wake_sender()
        await api.wait_for(lambda: len(_copies(api, members)) == members, timeout=60)
        sender = running.sender
        assert sender is not None
        await sender.idle()
        # The sender's last progress report and wake-up are over before the trace starts
        # (their statements would otherwise be counted as the press's).
        await asyncio.sleep(2.0)
        message_of = _copies(api, members)
        statements: list[str] = []
        writer = running.services.db.writer
        reader = running.services.db._reader
        assert reader is not None
        await writer._execute(writer._conn.set_trace_callback, statements.append)
        await reader._execute(reader._conn.set_trace_callback, statements.append)
        handled = running.ingress.handled
        api.press_button(FIRST_MEMBER, FIRST_MEMBER, message_of[FIRST_MEMBER], f"lst:{lesson_id}")
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
        await writer._execute(writer._conn.set_trace_callback, None)
        await reader._execute(reader._conn.set_trace_callback, None)
    finally:
        await running.stop()
        await server.stop()
    return statements


async def press_label(api: FakeBotApi, user: int, label: str) -> str:
    """The user presses the button labelled ``label`` on the bot's latest message to them."""

    def find() -> tuple[int, str] | None:
        for message in reversed(api.bot_messages(user)):
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            for row in rows:
                for button in row:
                    if label in button.get("text", "") and "callback_data" in button:
                        return message["message_id"], button["callback_data"]
            return None
        return None

    await api.wait_for(lambda: find() is not None, timeout=60)
    found = find()
    assert found is not None
    return api.press_button(user, user, found[0], found[1])


async def run(members: int, scratch: Path) -> dict[str, Any]:
    """The push and the presses, with the bot as ``pavilion run`` in its own process."""
    api = make_api(members, enforce_limits=True, latency=LATENCY)
    server = StandinServer(api)
    await server.start()
    db_path = scratch / "bot.sqlite3"
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
        _, lesson_id = await community(services, members)
    finally:
        await services.db.close()
    bot = BotProcess(config, scratch / "bot.log", TOKEN)
    await bot.start()
    figures: dict[str, Any] = {}
    try:
        # The secretary opens the lesson through the bot, then presses 现在发送.
        api.send_text(SECRETARY, None, "/lessons")
        for label in ("学习党章", "发送时间"):
            query = await press_label(api, SECRETARY, label)
            await api.wait_for(lambda query=query: query in api.answered_at, timeout=60)
        # She reads the screen before pressing: a press within a second of the bot's last
        # message to her would have the push's progress report (sent like a reply, which in
        # a private chat does not wait for the 1/s window) refused by the strict stand-in.
        await asyncio.sleep(1.2)
        chats = {GROUP} | {FIRST_MEMBER + i for i in range(members)}
        refused_before = api.refused
        query = await press_label(api, SECRETARY, "现在发送")
        started = time.perf_counter()
        await api.wait_for(lambda: query in api.answered_at, timeout=60)
        answered = api.answered_at[query] - started

        def reached() -> bool:
            return chats <= {chat for _, chat in api.sent_at}

        await api.wait_for(reached, timeout=600)
        push_seconds = max(at for at, chat in api.sent_at if chat in chats) - started
        await asyncio.sleep(3)  # anything still on its way (a duplicate would show now)
        per_chat = Counter(chat for _, chat in api.sent_at if chat in chats)
        figures.update(
            messages=len(chats),
            push_seconds=push_seconds,
            physical_seconds=len(chats) / LIMIT,
            duplicates=sum(1 for n in per_chat.values() if n > 1),
            missing=len(chats - set(per_chat)),
            refused=api.refused - refused_before,
            refused_secretary=sum(
                1 for at, _, chat in api.refusals if chat == SECRETARY and at >= started
            ),
            answered=answered,
        )

        message_of = _copies(api, members)
        data = f"lst:{lesson_id}"
        pressed_at: dict[str, float] = {}
        started = time.perf_counter()
        for user, message_id in message_of.items():
            query_id = api.press_button(user, user, message_id, data)
            pressed_at[query_id] = time.perf_counter()
        await api.wait_for(lambda: set(pressed_at) <= set(api.answered_at), timeout=600)
        seconds = max(api.answered_at[q] for q in pressed_at) - started
        latencies = sorted((api.answered_at[q] - at) * 1000 for q, at in pressed_at.items())
    finally:
        await bot.stop(signal.SIGTERM)
        await server.stop()
    with sqlite3.connect(db_path) as conn:
        studies = conn.execute(
            "SELECT count(*) FROM lesson_studies WHERE lesson_id = ?", (lesson_id,)
        ).fetchone()[0]
    figures.update(
        presses=len(pressed_at),
        press_seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        studies=int(studies),
    )
    return figures


def run_ceiling(statements: list[str], members: int, scratch: Path) -> float:
    """Seconds for plain sqlite3 to run one press's statements for ``members`` members."""
    conn = ceiling_connection(
        scratch / "bot.sqlite3", scratch / "ceiling.sqlite3", "lesson_studies"
    )
    first_person = conn.execute(
        "SELECT id FROM people WHERE tg_user_id = ?", (FIRST_MEMBER,)
    ).fetchone()[0]
    traced = traced_update(statements)
    started = time.perf_counter()
    for index in range(members):
        person = first_person + index
        for statement in statements:
            text = (
                statement.replace(str(FIRST_MEMBER), str(FIRST_MEMBER + index))
                .replace(f", {first_person}, ", f", {person}, ")
                .replace(f"= {first_person}", f"= {person}")
            )
            conn.execute(as_new_update(text, traced, index)).fetchall()
    seconds = time.perf_counter() - started
    studies = conn.execute("SELECT count(*) FROM lesson_studies").fetchone()[0]
    conn.close()
    if studies != members:
        print(f"(ceiling check: {studies} study rows for {members} presses)")
    return seconds


async def main() -> None:
    # The stand-in runs in this process and timestamps a send when it handles
    # it. A garbage-collection pause here (the stand-in keeps a copy of every
    # message) would hold requests back and then handle them in a burst, which
    # its clock would count as a flood the bot never sent (as in outbox.py: with
    # the collector on, 15-25 429s appear, most of them in one burst). The bot's
    # own process keeps its collector.
    gc.disable()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        statements = await trace(20, scratch)
        figures = await run(args.members, scratch)
        ceiling = run_ceiling(statements, args.members, scratch)
    ratio = figures["physical_seconds"] / figures["push_seconds"]
    print(
        f"push: {figures['messages']} messages (group + {args.members} members) in"
        f" {figures['push_seconds']:.1f} s; physical limit {figures['physical_seconds']:.1f} s"
        f" at 30 msg/s; ratio {ratio:.2f} (goal >= 0.9); duplicates {figures['duplicates']},"
        f" missing {figures['missing']}, 429s provoked {figures['refused']}"
        f" ({figures['refused_secretary']} in the secretary's chat);"
        f" the 现在发送 press (the push queued in one transaction) was answered in"
        f" {figures['answered'] * 1000:.0f} ms"
    )
    print(f"statements per 已学习 ({len(statements)}), as traced from the bot:")
    for statement in statements:
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
        f"{'bot process, stand-in +50 ms per call':<44}{figures['presses']:>8}"
        f"{figures['press_seconds']:>7.2f}{rate:>8.0f}{rate / ceiling_rate:>7.2f}"
        f"{figures['p50_ms']:>8.0f}{figures['p99_ms']:>8.0f}"
    )
    print(f"study records: {figures['studies']} for {args.members} presses")


if __name__ == "__main__":
    # The set-up writes the first community's records, as its secretary would.
    with in_community(1):
        asyncio.run(main())
