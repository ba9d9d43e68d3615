"""Flood control: sliding windows, replies before pushes, RetryAfter pauses."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime import flood
from bot.runtime.flood import WINDOW_MARGIN, TelegramRateLimiter


class VirtualTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    clock = VirtualTime()
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        clock.now += seconds
        await real_sleep(0)

    monkeypatch.setattr(flood.asyncio, "sleep", sleep)
    return clock


async def test_at_most_30_in_any_second_overall(time: VirtualTime) -> None:
    limiter = TelegramRateLimiter(clock=time)
    moments = [await limiter.acquire(5000 + n, background=True) for n in range(95)]
    for first, later in zip(moments, moments[30:], strict=False):
        assert later - first >= 1.0 + WINDOW_MARGIN - 1e-9
    assert moments[29] == moments[0]  # the first 30 go at once
    assert moments[-1] - moments[0] < 3 * (1.0 + WINDOW_MARGIN) + 1e-6  # and no slower


async def test_pushes_to_one_person_are_a_second_apart(time: VirtualTime) -> None:
    limiter = TelegramRateLimiter(clock=time)
    first = await limiter.acquire(42, background=True)
    second = await limiter.acquire(42, background=True)
    assert second - first == pytest.approx(1.0 + WINDOW_MARGIN)
    # A reply to that person does not wait for the per-chat second…
    reply = await limiter.acquire(42, background=False)
    assert reply == second
    # …but it counts: the next push waits for it.
    assert await limiter.acquire(42, background=True) == pytest.approx(reply + 1.0 + WINDOW_MARGIN)


async def test_twenty_a_minute_in_a_group(time: VirtualTime) -> None:
    limiter = TelegramRateLimiter(clock=time)
    moments = [await limiter.acquire(-100, background=False) for _ in range(21)]
    assert moments[19] == moments[0]
    assert moments[20] - moments[0] == pytest.approx(60.0 + WINDOW_MARGIN)


async def test_retry_after_pauses_everything_and_a_released_slot_is_reused(
    time: VirtualTime,
) -> None:
    limiter = TelegramRateLimiter(clock=time)
    start = time.now
    limiter.pause(3.0)
    assert await limiter.acquire(7, background=True) == pytest.approx(start + 3.0)
    reserved = await limiter.acquire(8, background=True)
    limiter.release(8, reserved)
    assert await limiter.acquire(8, background=True) == reserved  # not a second later


async def test_sends_of_a_previous_run_still_count(time: VirtualTime) -> None:
    limiter = TelegramRateLimiter(clock=time)
    start = time.now
    for n in range(30):  # the last run sent 30 messages half a second ago
        limiter.note_earlier_send(6000 + n, seconds_ago=0.5)
    first = await limiter.acquire(7000, background=True)
    assert first == pytest.approx(start - 0.5 + 1.0 + WINDOW_MARGIN)


async def test_reactions_take_no_group_slot_but_count_overall(time: VirtualTime) -> None:
    limiter = TelegramRateLimiter(clock=time)
    group = -100
    for _ in range(20):  # the group's minute is used up
        await limiter.acquire(group, background=False)
    moments: list[float] = []

    async def react() -> bool:
        moments.append(time.now)
        return True

    data = {"chat_id": group, "message_id": 1, "reaction": [{"type": "emoji", "emoji": "👌"}]}
    for _ in range(20):
        await limiter.process_request(react, (), {}, "setMessageReaction", data, None)
    # No reaction waited for the group's minute; but with the 20 sends, 30 fit in the
    # first second and the other 10 wait for the next one.
    assert moments[9] == moments[0] and moments[-1] - moments[0] < 2.0
    assert moments[10] - moments[0] == pytest.approx(1.0 + WINDOW_MARGIN)
