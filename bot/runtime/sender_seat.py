"""Which worker sends: with several workers, the one holding the bot's sender lock.

Every worker builds its :class:`~bot.runtime.sender.Sender`, but only the holder of
the bot's session lock (storage/runtime/sender_lock.py) runs it; the others try
for the lock every :data:`RETRY_SECONDS` and take over when the holder dies (its
connection closes, the lock is free). A sender that starts treats the messages
its predecessor had on the wire as uncertain (``Sender.start``): none is sent
twice. The holder checks its lock's connection as often; if it broke, the lock
is gone (the server freed it, another worker may hold it now), so it stops
sending at once and tries again like the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from bot.runtime.sender import Sender

if TYPE_CHECKING:  # asyncpg is PostgreSQL's extra: imported where a lock is made
    from storage.runtime.sender_lock import SessionLock

log = logging.getLogger(__name__)

#: How often a worker that does not send tries for the lock, and the holder checks it.
RETRY_SECONDS = 2.0


class SenderSeat:
    """Runs ``sender`` while ``lock`` is held (see the module's docstring)."""

    def __init__(
        self, sender: Sender, lock: SessionLock, *, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        self._sender = sender
        self._lock = lock
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        #: Whether this worker's sender is running.
        self.sending = False

    async def start(self) -> None:
        """Try for the lock now (the sender starts if it is free), then keep trying."""
        await self._try()
        self._task = asyncio.create_task(self._loop(), name="sender-seat")

    async def stop(self) -> None:
        """Stop trying; stop the sender if it runs, then give the lock up."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.sending:
            self.sending = False
            await self._sender.stop()
        await self._lock.release()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._retry)
            try:
                await self._check()
            except Exception:  # never the end of the seat: the next round tries again
                log.exception("the sender seat's check failed")

    async def _check(self) -> None:
        if not self.sending:
            await self._try()
        elif not await self._lock.still_held():
            log.warning(
                "lost the sender lock (the connection to PostgreSQL broke):"
                " this worker stops sending; another takes over"
            )
            self.sending = False
            await self._sender.stop()

    async def _try(self) -> None:
        try:
            got = await self._lock.try_acquire()
        except Exception as error:
            if not self._failing:
                log.warning("cannot try for the sender lock (retrying): %r", error)
            self._failing = True
            return
        self._failing = False
        if not got:
            return
        try:
            await self._sender.start()
        except Exception:
            log.exception("the sender could not start; giving the lock up")
            await self._lock.release()
            return
        self.sending = True
        log.info("this worker sends the outbox (it holds the sender lock)")
