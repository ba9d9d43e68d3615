"""Cards the bot keeps up to date in groups: edited a few seconds after a change,
once for however many changes came in meanwhile (Telegram limits edits).

These edits are cosmetic: the next change edits the card again with the
latest state. So they never hold up a shutdown: at stop the pending ones are
dropped (:func:`drop_pending_edits`) and one waiting for the group's window
is dropped by the rate limiter (``COSMETIC``).

With several workers (PostgreSQL), only the worker that sends the outbox edits
cards: Telegram's 20 messages a minute in a group and 30 a second in all are one
budget for the bot, kept by one rate limiter, and two workers each editing a card
every few seconds would spend it twice over (and meet 429s that pause every
send). Another worker leaves the cards that changed in the database
(:class:`CardRouter`, ``card_refreshes``), which the sending worker takes twice
a second and edits as its own; a worker that stops leaves its pending edits
there too, for whichever worker sends next. A card's refresh is found there by
its kind, the first part of its edit name (``vote-card`` in ``vote-card:12``),
as registered with :func:`refreshes`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot, JobQueue

from bot.runtime.flood import COSMETIC, Dropped
from bot.runtime.outbox import OutgoingMessage
from bot.runtime.sender import render_buttons, render_text
from storage import current_community
from storage.runtime.card_refreshes import CardRefresh

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from storage import Storage

log = logging.getLogger(__name__)

#: A card is edited at most this often, however fast presses come in.
CARD_EDIT_SECONDS = 3.0

#: Every card edit's job name starts with this (see :func:`drop_pending_edits`).
EDIT_JOB_PREFIX = "edit:"

#: How often a worker that does not send leaves the cards that changed for the one
#: that does, and how often that one takes them (several workers).
ROUTE_SECONDS = 0.5

Refresh = Callable[[Any], Coroutine[Any, Any, None]]

#: Each kind of card's refresh (see :func:`refreshes`).
_refreshers: dict[str, Refresh] = {}


def refreshes(kind: str) -> Callable[[Refresh], Refresh]:
    """Register the decorated function as the refresh of the cards whose edit names
    start with ``kind:``, so that the sending worker can make an edit another worker
    asked for (the name and the data travel through the database, not the function)."""

    def register(refresh: Refresh) -> Refresh:
        _refreshers[kind] = refresh
        return refresh

    return register


def _kind(name: str) -> str:
    return name.split(":", 1)[0]


def in_this_community(callback: Refresh) -> Refresh:
    """``callback`` as a job that runs in the community of whoever schedules it: a job
    runs later, in the job queue's own task, outside the update that asked for it."""
    community = current_community.get()
    if community is None:
        return callback

    async def run(context: Any) -> None:
        with context.services.communities.enter(community):
            await callback(context)

    return run


def edit_soon(
    job_queue: JobQueue[Any] | None,
    name: str,
    refresh: Refresh,
    data: object,
    *,
    seconds: float = CARD_EDIT_SECONDS,
) -> None:
    """Run ``refresh`` in ``seconds`` unless one is already coming under ``name``.

    A change while that refresh runs (it may wait a while for the group's window) is
    not lost: the refresh runs once more ``seconds`` after it ends. (A second job of the
    same name started meanwhile would be skipped by the scheduler, one instance at a
    time, and the card would keep the state before the last change.)

    With several workers, a worker that does not send leaves the card to the one that
    does (see the module's docstring); ``data`` then travels as JSON."""
    if job_queue is None:
        return
    asked = CardRefresh(name, data, seconds, current_community.get())
    router = _routers.get(job_queue.scheduler)
    if router is not None and not router.sending() and _refreshers.get(_kind(name)) is refresh:
        router.ask(asked)
        return
    name = EDIT_JOB_PREFIX + name
    running = _running.setdefault(job_queue.scheduler, {})
    waiting = _waiting.setdefault(job_queue.scheduler, {})
    if name in running:
        running[name] = True  # the running edit may have read the state before this change
        waiting[name] = asked
        return
    if job_queue.scheduler.get_job(name) is not None:
        return  # an edit is already coming; it will show the latest state
    callback = in_this_community(refresh)

    async def run(context: Any) -> None:
        running[name] = False
        waiting.pop(name, None)
        try:
            await callback(context)
        finally:
            again = running.pop(name, False)
            if again and job_queue.scheduler.running:
                _schedule(job_queue, name, run, data, seconds)

    waiting[name] = asked
    _schedule(job_queue, name, run, data, seconds)


#: Per scheduler, the card edits running now, and whether a change came in meanwhile.
_running: WeakKeyDictionary[Any, dict[str, bool]] = WeakKeyDictionary()

#: Per scheduler, the card edits due and not yet started (what a stopping worker
#: hands over to the next sender, see :func:`pending_edits`).
_waiting: WeakKeyDictionary[Any, dict[str, CardRefresh]] = WeakKeyDictionary()

#: Per scheduler, where its cards' edits go when another worker sends.
_routers: WeakKeyDictionary[Any, CardRouter] = WeakKeyDictionary()


def _schedule(
    job_queue: JobQueue[Any], name: str, run: Refresh, data: object, seconds: float
) -> None:
    job_queue.run_once(run, when=seconds, data=data, name=name, job_kwargs={"id": name})


def pending_edits(job_queue: JobQueue[Any] | None) -> list[CardRefresh]:
    """The card edits due and not yet started (those due after a running edit too)."""
    if job_queue is None:
        return []
    return list(_waiting.get(job_queue.scheduler, {}).values())


def drop_pending_edits(job_queue: JobQueue[Any] | None) -> int:
    """The bot is stopping: forget the card edits not yet started (those due after a
    running edit too); returns how many."""
    if job_queue is None:
        return 0
    dropped = 0
    for job in job_queue.jobs():
        if job.name and job.name.startswith(EDIT_JOB_PREFIX):
            job.schedule_removal()
            dropped += 1
    running = _running.get(job_queue.scheduler, {})
    for name, again in running.items():
        if again:
            running[name] = False
            dropped += 1
    _waiting.pop(job_queue.scheduler, None)
    return dropped


class CardRouter:
    """Several workers: card edits go to the worker that sends (see the module's
    docstring). Installed on each worker's job queue; ``sending`` says whether this
    worker sends now."""

    def __init__(
        self,
        job_queue: JobQueue[Any],
        db: Storage,
        sending: Callable[[], bool],
        enter: Callable[[int], AbstractContextManager[None]],
    ) -> None:
        self._job_queue = job_queue
        self._db = db
        self.sending = sending
        self._enter = enter
        #: Cards changed here and not yet left in the database, by community and name.
        self._asked: dict[tuple[int | None, str], CardRefresh] = {}
        self._failing = False

    def install(self) -> None:
        """Route this job queue's card edits, and pass them on twice a second."""
        _routers[self._job_queue.scheduler] = self
        self._job_queue.run_repeating(
            self._tick, interval=ROUTE_SECONDS, first=ROUTE_SECONDS, name="card-router"
        )

    def ask(self, refresh: CardRefresh) -> None:
        """A card changed on this worker, which does not send: leave it for the one that
        does at the next tick."""
        self._asked[(refresh.community, refresh.name)] = refresh

    async def _tick(self, _: Any) -> None:
        try:
            if self.sending():
                self._edit_here(list(self._asked.values()))
                self._asked.clear()
                async with self._db.autocommit() as session:
                    taken = await session.card_refreshes.take()
                self._edit_here(taken)
            elif self._asked:
                asked = list(self._asked.values())
                async with self._db.autocommit() as session:
                    await session.card_refreshes.ask(asked)
                for refresh in asked:  # unless it changed again meanwhile: ask again
                    if self._asked.get((refresh.community, refresh.name)) is refresh:
                        del self._asked[(refresh.community, refresh.name)]
        except Exception as error:  # the database away: the next tick tries again
            if not self._failing:
                log.warning("cannot pass card edits on (retrying): %r", error)
            self._failing = True
            return
        self._failing = False

    def _edit_here(self, refreshes: list[CardRefresh]) -> None:
        for refresh in refreshes:
            callback = _refreshers.get(_kind(refresh.name))
            if callback is None:
                log.warning("no refresh for card %s: not edited", refresh.name)
                continue
            community = refresh.community
            with self._enter(community) if community is not None else nullcontext():
                edit_soon(
                    self._job_queue, refresh.name, callback, refresh.data, seconds=refresh.seconds
                )

    async def hand_over(self, pending: list[CardRefresh]) -> int:
        """The worker is stopping: leave its card edits not yet made (``pending``, and
        those changed here not yet passed on) for whichever worker sends next; returns
        how many. Given up, and logged, if the database does not answer."""
        left = {(r.community, r.name): r for r in pending}
        left.update(self._asked)
        self._asked.clear()
        if not left:
            return 0
        try:
            async with self._db.autocommit() as session:
                await session.card_refreshes.ask(list(left.values()))
        except Exception as error:
            log.warning(
                "stopping: %d card edit(s) could not be handed over (%r);"
                " each card is edited at its next change",
                len(left),
                error,
            )
            return 0
        return len(left)


async def edit_everywhere(
    bot: ExtBot[Any], places: list[tuple[int, int]], message: OutgoingMessage, what: str
) -> None:
    """Edit each copy of a card to ``message``; a copy that cannot be edited is logged."""
    for chat_id, message_id in places:
        try:
            if message.photo:  # a card posted as a photo: its text is the caption
                await bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=render_text(message),
                    reply_markup=render_buttons(message),
                    rate_limit_args=COSMETIC,
                )
            else:
                await bot.edit_message_text(
                    render_text(message),
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=render_buttons(message),
                    rate_limit_args=COSMETIC,
                )
        except Dropped:
            log.info("stopping: the edit of %s is dropped; its next change edits it", what)
            return
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.warning("cannot update %s: %s", what, error.message)
        except TelegramError as error:
            log.warning("cannot update %s: %s", what, error.message)
