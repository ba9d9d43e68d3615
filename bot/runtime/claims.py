"""A worker's share of an inbox several workers fill (PostgreSQL, ``db.shared``).

Behind a load balancer each ``pavilion run --webhook`` process stores the
updates it is sent (bot/runtime/ingress.py), but which worker handles an update
is decided here, in the database: a claim pass (``InboxRepository.claim``) leases
to this worker the oldest updates nobody holds whose turn it is, an update being
a person's (or chat's) next only once their earlier updates are done, wherever
they were handled. So each person's updates are handled in order across the
workers, each by one worker at a time.

An update stays in its worker's hands until it is finished, reply sent (not
only until its effect committed): the pass that follows clears the claims of
what this worker finished, and only then is the person's next update claimable,
so replies keep the order too, as with one process.

A pass runs when this worker stored updates, when one of its updates finished
(the person's next may be waiting), and every :data:`SWEEP_SECONDS` (what
another worker stored or finished, and the updates of a worker that died: once
its lease runs out they are anybody's). While it works on them, the worker's
heartbeat renews its leases every third of the lease; at a graceful stop it
gives back those it did not finish, so another takes them at once.

A lease that runs out under a worker still alive (stalled past the lease) lets a
second worker handle the same update; the done mark, written in the effect's
own transaction, is then found written already by the one that commits second,
whose effect is rolled back (storage/postgres/database.py): applied once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable

from bot.runtime.waiting import wait_or_timeout
from storage import Storage
from storage.db import is_storage_full
from storage.runtime.inbox import InboxRow

log = logging.getLogger(__name__)

#: How often a worker looks for updates it was not told about (seconds).
SWEEP_SECONDS = 1.0
#: How long a claim pass that failed (the database unreachable) waits before the next.
RETRY_SECONDS = 1.0


def new_worker_id() -> str:
    """This process's name in the inbox's ``claimed_by``: host, pid and a random part
    (a restarted process with the same pid is another worker)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class InboxClaims:
    """Claim passes, the heartbeat and the release of one worker (see the module)."""

    def __init__(
        self,
        db: Storage,
        *,
        lease_seconds: float,
        dispatch: Callable[[list[InboxRow]], None],
        capacity: Callable[[], int],
        in_hand: Callable[[], list[int]],
        worker: str | None = None,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        self._db = db
        self.lease_seconds = lease_seconds
        self._dispatch = dispatch
        self._capacity = capacity
        self._in_hand = in_hand
        self.worker = worker or new_worker_id()
        self._sweep = sweep_seconds
        self._wanted = asyncio.Event()
        self._passing = False
        self._loop_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._failing = False
        #: Updates finished here whose claims the next pass clears.
        self._finished: set[int] = set()
        #: Updates this worker claimed (for the operator, tests and benches).
        self.claimed = 0
        #: Leases renewed by the heartbeat.
        self.renewed = 0

    def request(self) -> None:
        """Run a claim pass soon (passes asked for while one runs make one more)."""
        self._wanted.set()

    def finished(self, update_id: int) -> None:
        """This worker is finished with the update: the next pass lets its person's next
        update go (here or to another worker)."""
        self._finished.add(update_id)
        self._wanted.set()

    @property
    def busy(self) -> bool:
        """Whether a pass is running or asked for."""
        return self._passing or self._wanted.is_set()

    async def start(self) -> int:
        """The first pass (what was left by workers that stopped or died, when their
        leases have run out; never what live workers hold), then the loop and the
        heartbeat. Returns how many updates the first pass claimed."""
        self._passing = True
        try:
            got, _ = await self._pass()
        finally:
            self._passing = False
        self._loop_task = asyncio.create_task(self._loop(), name="inbox-claims")
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="inbox-heartbeat")
        return got

    async def stop_claiming(self) -> None:
        """Claim nothing more (the heartbeat keeps the leases of what is in hand)."""
        await _cancel(self._loop_task)
        self._loop_task = None
        self._wanted.clear()

    async def stop(self) -> int:
        """Stop the heartbeat and give back the updates in hand that are not done;
        returns how many were given back (another worker claims them at once)."""
        await self.stop_claiming()
        await _cancel(self._heartbeat_task)
        self._heartbeat_task = None
        try:
            async with self._db.autocommit() as session:
                return await session.inbox.release(self.worker)
        except Exception as error:
            # They come back to the others anyway, once the leases run out.
            log.warning("could not give back the updates in hand: %r", error)
            return 0

    async def _pass(self) -> tuple[int, int]:
        """One claim pass: (claimed, asked for). It first lets go of what was finished."""
        limit = self._capacity()
        finished = sorted(self._finished)
        if limit <= 0 and not finished:
            return 0, 0
        async with self._db.autocommit() as session:
            await session.inbox.finish(self.worker, finished)
            rows = await session.inbox.claim(self.worker, self.lease_seconds, limit)
        self._finished.difference_update(finished)
        if rows:
            self.claimed += len(rows)
            self._dispatch(rows)
        return len(rows), limit

    async def _loop(self) -> None:
        while True:
            self._wanted.clear()
            self._passing = True
            full = False
            try:
                got, limit = await self._pass()
                full = got > 0 and got >= limit
                if self._failing:
                    self._failing = False
                    log.warning("claiming updates works again")
            except Exception as error:
                self._note_failure(error)
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                self._passing = False
            if full:
                continue  # a whole batch: more may be waiting
            await wait_or_timeout(self._wanted.wait(), self._sweep)

    def _note_failure(self, error: Exception) -> None:
        if is_storage_full(error):
            log.error(
                "database or disk is full: cannot claim updates; retrying",
                extra={"storage_full": True},
            )
        elif not self._failing:
            log.warning("cannot claim updates (retrying every %g s): %r", RETRY_SECONDS, error)
        self._failing = True

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            ids = self._in_hand()
            if not ids:
                continue
            try:
                async with self._db.autocommit() as session:
                    renewed = await session.inbox.renew(self.worker, ids, self.lease_seconds)
            except Exception as error:
                # The next beat tries again; a lease that runs out meanwhile is taken
                # over, and the done mark keeps the update applied once.
                log.warning("could not renew the leases of %d update(s): %r", len(ids), error)
                continue
            self.renewed += len(renewed)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is None or task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
