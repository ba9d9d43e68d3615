"""Updates per second through the real bot, concurrent vs one at a time.

The bot runs against the Bot API stand-in over loopback HTTP; every call but
getUpdates takes a simulated Telegram round trip (100 ms by default). Each
person sends /help, which costs one read and one reply. The baseline is the
same bot with ``updates.max_concurrent = 1`` (how a bot that handles one update
at a time fares), measured in the same run. A second scenario has each person
send several messages in a row: those must stay in order, so they cannot run
side by side, and the figure shows what concurrency buys then.

Replies also pass PTB's AIORateLimiter (Telegram's ~30 messages/s overall),
so the concurrent figures are bounded by that limit, not by the round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bot.app import RunningBot, build_application
from bot.config import settings_from_mapping
from bot.logs import configure_logging
from bot.standin import FakeBotApi, StandinServer


async def measure(
    *, people: int, per_person: int, max_concurrent: int, latency: float
) -> tuple[float, int]:
    """Seconds to handle people × per_person updates; and the replies counted."""
    api = FakeBotApi(latency=latency)
    for index in range(people):
        api.add_user(10_000 + index, f"居民{index}")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
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
                "storage": {"path": str(scratch / "bench.sqlite3")},
                "updates": {"max_concurrent": max_concurrent},
            }
        )
        running = RunningBot(build_application(settings), webhook=False)
        await running.start()
        try:
            total = people * per_person
            started = time.perf_counter()
            for _ in range(per_person):
                for index in range(people):
                    api.send_text(10_000 + index, None, "/help")
            await api.wait_for(lambda: running.ingress.handled >= total, timeout=600)
            elapsed = time.perf_counter() - started
        finally:
            await running.stop()
            await server.stop()
        replies = sum(len(api.bot_messages(10_000 + index)) for index in range(people))
    return elapsed, replies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1, help="simulated round trip (s)")
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    configure_logging("WARNING")
    print(
        f"simulated Telegram round trip: {args.latency * 1000:.0f} ms;"
        " replies rate-limited to Telegram's ~30 msg/s overall"
    )
    print(f"{'scenario':<34}{'updates':>8}{'seconds':>9}{'updates/s':>11}{'vs baseline':>13}")
    scenarios = [
        ("one at a time (baseline)", args.people, 1, 1),
        ("concurrent, 1 message each", args.people, 1, 64),
        ("concurrent, 5 in a row each", args.people // 5, 5, 64),
    ]
    baseline_rate = 0.0
    for name, people, per_person, concurrency in scenarios:
        seconds, replies = await measure(
            people=people, per_person=per_person, max_concurrent=concurrency, latency=args.latency
        )
        updates = people * per_person
        assert replies == updates, f"{name}: {replies} replies for {updates} updates"
        rate = updates / seconds
        baseline_rate = baseline_rate or rate
        print(f"{name:<34}{updates:>8}{seconds:>9.2f}{rate:>11.1f}{rate / baseline_rate:>12.1f}×")


if __name__ == "__main__":
    asyncio.run(main())
