"""Cards the bot keeps up to date in groups: edited a few seconds after a change,
once for however many changes came in meanwhile (Telegram limits edits).

These edits are cosmetic: the next change edits the card again with the
latest state. So they never hold up a shutdown: at stop the pending ones are
dropped (:func:`drop_pending_edits`) and one waiting for the group's window
is dropped by the rate limiter (``COSMETIC``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from weakref import WeakKeyDictionary

from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot, JobQueue

from bot.runtime.flood import COSMETIC, Dropped
from bot.runtime.outbox import OutgoingMessage
from bot.runtime.sender import render_buttons, render_text
from storage import current_community

log = logging.getLogger(__name__)

#: A card is edited at most this often, however fast presses come in.
CARD_EDIT_SECONDS = 3.0

#: Every card edit's job name starts with this (see :func:`drop_pending_edits`).
EDIT_JOB_PREFIX = "edit:"

Refresh = Callable[[Any], Coroutine[Any, Any, None]]


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
    time, and the card would keep the state before the last change.)"""
    if job_queue is None:
        return
    name = EDIT_JOB_PREFIX + name
    running = _running.setdefault(job_queue.scheduler, {})
    if name in running:
        running[name] = True  # the running edit may have read the state before this change
        return
    if job_queue.scheduler.get_job(name) is not None:
        return  # an edit is already coming; it will show the latest state
    callback = in_this_community(refresh)

    async def run(context: Any) -> None:
        running[name] = False
        try:
            await callback(context)
        finally:
            again = running.pop(name, False)
            if again and job_queue.scheduler.running:
                _schedule(job_queue, name, run, data, seconds)

    _schedule(job_queue, name, run, data, seconds)


#: Per scheduler, the card edits running now, and whether a change came in meanwhile.
_running: WeakKeyDictionary[Any, dict[str, bool]] = WeakKeyDictionary()


def _schedule(
    job_queue: JobQueue[Any], name: str, run: Refresh, data: object, seconds: float
) -> None:
    job_queue.run_once(run, when=seconds, data=data, name=name, job_kwargs={"id": name})


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
    return dropped


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
