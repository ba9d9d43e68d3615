"""One sender per bot among several workers: the sender lock, and the seat that runs a
worker's sender only while it holds it (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

import pytest

from bot.runtime.sender import Sender
from bot.runtime.sender_seat import SenderSeat
from storage import Storage
from tests.backends import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="the sender lock is PostgreSQL's")


class FakeSender:
    """Counts starts and stops."""

    def __init__(self) -> None:
        self.starts = 0
        self.stops = 0

    async def start(self) -> None:
        self.starts += 1

    async def stop(self) -> None:
        self.stops += 1


async def eventually(condition: Callable[[], bool], seconds: float = 30) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - set by the seats' own tasks
            await asyncio.sleep(0.02)


def test_the_lock_key_is_the_bots_not_its_secrets_nor_a_communitys() -> None:
    from storage.runtime.sender_lock import sender_lock_key

    key = sender_lock_key("7000000001:SECRET")
    assert key == sender_lock_key("7000000001:OTHER-SECRET")
    assert key != sender_lock_key("7000000002:SECRET")
    keys = [sender_lock_key(f"{bot}:x") for bot in range(1, 2000)]
    assert all(-(2**31) <= k <= -2 for k in keys)  # never a community's, the street's, -1


async def test_two_contenders_one_wins_the_other_takes_over_when_it_dies(db: Storage) -> None:
    from storage.runtime.sender_lock import SessionLock

    first, second = SessionLock.for_database(db, -42), SessionLock.for_database(db, -42)
    try:
        assert await first.try_acquire()
        assert await first.still_held()
        assert not await second.try_acquire()
        # The holder's process dies: the server closes its connection, freeing the lock.
        cast(Any, first)._conn.terminate()
        assert not await first.still_held()
        async with asyncio.timeout(30):
            while not await second.try_acquire():  # noqa: ASYNC110 - the server's lock
                await asyncio.sleep(0.05)
        assert await second.still_held()
        assert not await first.try_acquire()
    finally:
        await first.release()
        await second.release()


async def test_only_the_seat_holding_the_lock_sends_and_another_takes_over(
    db: Storage,
) -> None:
    from storage.runtime.sender_lock import SessionLock

    senders = [FakeSender(), FakeSender()]
    seats = [
        SenderSeat(cast(Sender, sender), SessionLock.for_database(db, -43), retry_seconds=0.05)
        for sender in senders
    ]
    await seats[0].start()
    await seats[1].start()
    try:
        assert seats[0].sending and not seats[1].sending
        assert [s.starts for s in senders] == [1, 0]
        # The first worker's connection breaks: it stops sending, the other takes over.
        cast(Any, seats[0])._lock._conn.terminate()
        await eventually(lambda: seats[1].sending)
        await eventually(lambda: senders[0].stops == 1)
        assert senders[1].starts == 1
        # A graceful stop hands over too, and the first worker gets the seat back.
        await seats[1].stop()
        assert senders[1].stops == 1
        await eventually(lambda: seats[0].sending)
        assert senders[0].starts == 2
    finally:
        for seat in seats:
            await seat.stop()
