"""``pavilion run`` with a clock the benchmark can speed up, for the outage run of outbox.py.

The same composition root and lifecycle as ``pavilion run`` (``bot.app``), in a
process of its own, except that the bot's clock is a :class:`CompressedClock`:
each line on stdin is a number of bot-clock seconds per real second (``120``
makes an hour pass in 30 s, ``1`` is real time again). Only the bot's own sense
of time is compressed (retry deadlines, backoff, probes, progress reports); the
flood limits on both sides keep real seconds, so rates measured are real.

Usage: ``python bench/clocked_run.py CONFIG`` with PAVILION_TELEGRAM__TOKEN set.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


class CompressedClock:
    """Real time, except that while compressed each real second counts as ``factor``."""

    def __init__(self) -> None:
        self._base = datetime.now(UTC)
        self._real0 = time.monotonic()
        self._virtual0 = 0.0
        self.factor = 1.0

    def elapsed(self) -> float:
        """Seconds since the start, on this clock."""
        return self._virtual0 + (time.monotonic() - self._real0) * self.factor

    def __call__(self) -> datetime:
        return self._base + timedelta(seconds=self.elapsed())

    def set_factor(self, factor: float) -> None:
        """From now on, ``factor`` clock seconds per real second."""
        self._virtual0 = self.elapsed()
        self._real0 = time.monotonic()
        self.factor = factor


async def main(config: Path) -> None:
    from bot.app import RunningBot, build_application
    from bot.config import load_settings
    from bot.logs import configure_logging

    settings = load_settings(config)
    configure_logging(settings.logging.level, [settings.bot_token()])
    clock = CompressedClock()
    running = RunningBot(build_application(settings, clock=clock), webhook=False)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, running.stop_event.set)

    async def read_factors() -> None:
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            clock.set_factor(float(line))
            print(f"clock: {clock.factor:g} s per second", file=sys.stderr, flush=True)

    async def tick() -> None:
        # The sender waits on real time; while its clock runs fast it is woken
        # as often as its own timer would have fired.
        while True:
            if clock.factor != 1.0 and running.sender is not None:
                running.sender.wake()
            await asyncio.sleep(0.02)

    helpers = [asyncio.create_task(read_factors()), asyncio.create_task(tick())]
    try:
        await running.start()
        gc.freeze()
        await running.wait()
    finally:
        for helper in helpers:
            helper.cancel()
        await running.stop()


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    asyncio.run(main(Path(sys.argv[1])))
