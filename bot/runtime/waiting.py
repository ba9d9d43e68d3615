"""Waiting for an event with a deadline, in the loops that run until they are cancelled.

Not ``asyncio.wait_for(event.wait(), timeout)``: on Python 3.11 it returns normally
when it is cancelled at the moment the event is set (CPython gh-86296, fixed in 3.12),
so a loop cancelled just then runs on, and whoever awaits its cancellation (a stop)
waits forever. It was seen: a PostgreSQL test run hung in a bot's stop, its claim loop
alive, after thousands of runs that passed. ``asyncio.timeout`` lets the cancellation
through.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable


async def wait_or_timeout(waiting: Awaitable[object], seconds: float) -> bool:
    """Await ``waiting`` for at most ``seconds``; whether it finished in time (when not, it
    is cancelled). A cancellation of the caller always propagates."""
    try:
        async with asyncio.timeout(seconds):
            await waiting
    except TimeoutError:
        return False
    return True
