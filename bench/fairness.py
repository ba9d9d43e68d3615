"""Two communities share one bot's 30 messages a second: does a big push hold the other back?

The real Application runs in this process (``build_application`` + ``RunningBot``)
against the Bot API stand-in over loopback HTTP, which enforces Telegram's flood
limits (30 sends in any second overall, 1 per second per private chat; 429 beyond)
and takes 50 ms per call. Community 1 (幸福社区) pushes a micro Party lesson to 2,000
members; one second later community 2 (和平社区) has 20 vote reminders due, one for
each of 20 residents. Figures: when each reminder reaches its resident, counted from
the moment it was queued (p50, max), and how far the lesson push had got by then.

Baseline, in the same run: the sender as it was before several communities shared it,
taking due messages oldest first (``DeliveryQueue.due`` patched to the plain order), so
the reminders wait behind the whole lesson push: about 2,000 / 30 ≈ 67 s.
Goal: every reminder within 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import RunningBot, build_application
from bot.config import Language, settings_from_mapping
from bot.logs import configure_logging
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.standin import FakeBotApi, StandinServer
from storage import in_community
from storage.runtime.outbox import DeliveryQueue, OutboxRow, _outbox
from storage.times import to_db_time

TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in
LESSON_FIRST = 100_000
REMINDER_FIRST = 200_000
LATENCY = 0.05
GOAL_SECONDS = 5.0


class Stamped(FakeBotApi):
    """The stand-in, noting when it accepted each message (monotonic seconds)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.accepted: dict[int, float] = {}

    async def call(self, method: str, params: Any, files: Any = None, **kw: Any) -> dict[str, Any]:
        answer = await super().call(method, params, files, **kw)
        if method.lower() == "sendmessage" and answer.get("ok"):
            self.accepted.setdefault(int(params["chat_id"]), time.monotonic())
        return answer


async def plain_order(self: DeliveryQueue, now: datetime, limit: int) -> list[OutboxRow]:
    """The sender's order before several communities shared it: oldest first."""
    async with self._conn.execute(
        "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id LIMIT ?",
        (to_db_time(now), limit),
    ) as cur:
        rows = await cur.fetchall()
    return [_outbox(row) for row in rows]


async def people(running: RunningBot, community: int, first: int, count: int) -> dict[int, int]:
    """``count`` registered people of ``community``: Telegram id -> register id."""
    now = datetime.now(UTC)
    found: dict[int, int] = {}
    with in_community(community):
        async with running.services.db.transaction() as session:
            for tg_id in range(first, first + count):
                found[tg_id] = await session.people.insert(
                    tg_user_id=tg_id,
                    display_name=f"居民{tg_id}",
                    tg_username=None,
                    language="zh_Hans",
                    building=None,
                    grid_id=None,
                    consent_at=now,
                    now=now,
                )
    return found


async def push(running: RunningBot, community: int, to: dict[int, int], text: str) -> None:
    """Queue one message to each of ``to`` as ``community``'s push."""
    message = OutgoingMessage("schedule.message", Language.ZH_HANS, {"text": text})
    with in_community(community):
        async with running.services.db.transaction() as session:
            await queue_push(
                session,
                kind="bench",
                title=text,
                deliveries=[Delivery(tg, pid, message) for tg, pid in to.items()],
                dedupe_prefix=f"bench:{text}",
                now=running.services.clock(),
            )
    running.services.wake_sender()


async def run(lesson_size: int, reminders: int, *, fair: bool) -> dict[str, float]:
    """One run; the reminders' delays (s) and how many lesson messages had gone by then."""
    api = Stamped(enforce_limits=True, latency=LATENCY)
    server = StandinServer(api)
    await server.start()
    original = DeliveryQueue.due
    if not fair:
        DeliveryQueue.due = plain_order  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch:
            settings = settings_from_mapping(
                {
                    "telegram": {
                        "token": TOKEN,
                        "base_url": server.base_url,
                        "base_file_url": server.base_file_url,
                        "poll_timeout": 1,
                    },
                    "storage": {"path": str(Path(scratch) / "pavilion.sqlite3")},
                }
            )
            running = RunningBot(build_application(settings), webhook=False)
            await running.start()
            try:
                other = (await running.services.communities.create("和平社区", created_by=None)).id
                members = await people(running, 1, LESSON_FIRST, lesson_size)
                residents = await people(running, other, REMINDER_FIRST, reminders)
                for tg in [*members, *residents]:
                    api.add_user(tg, f"居民{tg}")
                await push(running, 1, members, "微党课《学习党章》")
                await asyncio.sleep(1.0)
                queued = time.monotonic()
                await push(running, other, residents, "投票还有2小时截止")
                deadline = queued + lesson_size / 30 * 2 + 30
                while time.monotonic() < deadline:
                    if all(tg in api.accepted for tg in residents):
                        break
                    await asyncio.sleep(0.05)
                last = max(api.accepted.get(tg, float("inf")) for tg in residents)
                lesson_by_then = sum(1 for tg in members if api.accepted.get(tg, last + 1) <= last)
                delays = [api.accepted.get(tg, float("inf")) - queued for tg in residents]
            finally:
                await running.stop()
    finally:
        DeliveryQueue.due = original  # type: ignore[method-assign]
        await server.stop()
    return {
        "p50": statistics.median(delays),
        "max": max(delays),
        "first": min(delays),
        "lesson_by_then": float(lesson_by_then),
    }


def show(name: str, figures: dict[str, float], reminders: int, lesson: int) -> None:
    """One run's line."""
    print(
        f"{name:<34} reminders arrived after: first {figures['first']:6.2f} s,"
        f" p50 {figures['p50']:6.2f} s, last {figures['max']:6.2f} s;"
        f" lesson messages sent by then {int(figures['lesson_by_then'])}/{lesson}"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lesson", type=int, default=2000)
    parser.add_argument("--reminders", type=int, default=20)
    args = parser.parse_args()
    configure_logging("WARNING")
    print(
        f"community 1 pushes a lesson to {args.lesson}; 1 s later community 2 has"
        f" {args.reminders} vote reminders due (stand-in: 30 msg/s, {LATENCY * 1000:.0f} ms a call)"
    )
    fair = await run(args.lesson, args.reminders, fair=True)
    show("in turns by community (now)", fair, args.reminders, args.lesson)
    plain = await run(args.lesson, args.reminders, fair=False)
    show("baseline: oldest first (before)", plain, args.reminders, args.lesson)
    ok = fair["max"] <= GOAL_SECONDS
    print(
        f"goal: every reminder within {GOAL_SECONDS:g} s: {'met' if ok else 'NOT met'}"
        f" ({plain['max'] / max(fair['max'], 0.001):.0f}x sooner than the baseline's last)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
