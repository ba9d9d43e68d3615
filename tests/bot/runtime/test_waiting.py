"""A loop waiting for an event with a deadline stops when it is cancelled, even at the
moment the event is set (Python 3.11's wait_for swallows that cancellation)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest

from bot.runtime.waiting import wait_or_timeout

Wait = Callable[[Awaitable[object], float], Awaitable[object]]


async def by_wait_for(waiting: Awaitable[object], seconds: float) -> None:
    """The form the runtime's loops used to wait in."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(waiting, seconds)


async def cancelled_as_the_event_is_set(wait: Wait) -> bool:
    """Whether a loop waiting with ``wait`` ends when cancelled just as its event is set."""
    event = asyncio.Event()
    rounds = 0

    async def loop() -> None:
        nonlocal rounds
        while rounds < 1000:
            rounds += 1
            event.clear()
            await wait(event.wait(), 10)

    task = asyncio.create_task(loop())
    for _ in range(3):
        await asyncio.sleep(0)
    event.set()
    await asyncio.sleep(0)  # the event's waiter is done; the loop has not run yet
    task.cancel()
    for _ in range(20):  # a cancelled loop ends within a round or two
        await asyncio.sleep(0)
    stopped = task.done()
    while not task.done():  # one that ran on is stopped for good
        task.cancel()
        await asyncio.sleep(0)
    return stopped


async def test_a_loop_stops_when_cancelled_as_its_event_is_set() -> None:
    assert await cancelled_as_the_event_is_set(wait_or_timeout)


@pytest.mark.parametrize("seconds, finished", [(0.01, False), (10, True)])
async def test_whether_it_finished_in_time(seconds: float, finished: bool) -> None:
    event = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, event.set)
    assert await wait_or_timeout(event.wait(), seconds) is finished


async def test_the_old_form_shows_the_fault_it_fixes() -> None:
    # The same race through asyncio.wait_for: on Python 3.11 the loop runs on.
    import sys

    if sys.version_info >= (3, 12):
        pytest.skip("wait_for lets the cancellation through from Python 3.12 on")
    assert not await cancelled_as_the_event_is_set(by_wait_for)
