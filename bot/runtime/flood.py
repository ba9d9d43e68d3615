"""Telegram's flood limits, kept precisely, for every message the bot sends.

PTB's AIORateLimiter is a leaky bucket: it lets a burst of 30 through and
then 30 more within the same second, which Telegram (and our stand-in) may
answer with 429, and it has no per-private-chat limit. This limiter keeps
sliding windows instead: at most 30 messages in any second overall, one per
second per private chat for pushes (replies to what a person just did may
come in a short burst, as Telegram allows), 20 per minute per group; a
RetryAfter from Telegram pauses every send for the time Telegram asks.

Replies to people go first: a background push (the outbox sender) gives way
while a reply is waiting for the overall window. The sender reserves its slot
itself (:meth:`TelegramRateLimiter.acquire`), records the message as being
sent, renews the slot if that took longer than the margin (so the window
counts the moment the request really leaves), and then calls the Bot API
with ``rate_limit_args=PREACQUIRED``.

A reaction on a message (``setMessageReaction``: how a check-in typed in a
group is acknowledged) sends no message, so it takes no slot of the chat's
window, but it is still a request within the overall 30 per second.

Cosmetic requests (a card's live tally, edited again at its next change) say
so with ``rate_limit_args=COSMETIC``: once the bot is stopping
(:meth:`TelegramRateLimiter.stop_waiting`), such a request that would have to
wait for its window is dropped (:class:`Dropped`) instead, so that nothing
cosmetic holds up a shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.runtime.waiting import wait_or_timeout

log = logging.getLogger(__name__)

#: ``rate_limit_args`` for a request whose slot the caller already holds.
PREACQUIRED = "preacquired"

#: ``rate_limit_args`` for a cosmetic request, dropped rather than waited for at shutdown.
COSMETIC = "cosmetic"

#: Extra time added to each window, so jitter between reserving a slot here and
#: the request reaching Telegram never puts two sends inside one window.
WINDOW_MARGIN = 0.03

OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PRIVATE_PER_SECOND = 1


#: Bot API methods that count against the overall window only, not the chat's.
OVERALL_ONLY = frozenset({"setMessageReaction"})


def is_limited(endpoint: str) -> bool:
    """Whether a Bot API method counts against the flood limits (sends and edits)."""
    if endpoint in ("sendChatAction",):
        return False
    return endpoint.startswith(("send", "copyMessage", "forwardMessage", "editMessage"))


class Dropped(TelegramError):
    """A cosmetic request that was not sent: the bot is stopping and it would have waited."""

    def __init__(self) -> None:
        super().__init__("dropped: the bot is stopping")


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period + WINDOW_MARGIN
        self._times: deque[float] = deque()

    def delay(self, now: float) -> float:
        """Seconds to wait before one more event fits (0 if it fits now)."""
        while self._times and self._times[0] <= now - self.period:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.period - now

    def record(self, now: float) -> None:
        """Count an event at ``now``."""
        self._times.append(now)

    def forget(self, moment: float) -> None:
        """Uncount an event recorded at ``moment`` (a reservation given back)."""
        with contextlib.suppress(ValueError):
            self._times.remove(moment)

    @property
    def idle(self) -> bool:
        """Whether the window holds no events (it can be dropped)."""
        return not self._times


class TelegramRateLimiter(BaseRateLimiter[str]):
    """Sliding-window flood control for all of the bot's sends."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        clock: Callable[[], float] | None = None,
        time_scale: float = 1.0,
    ) -> None:
        self._max_retries = max_retries
        self._clock = clock
        #: How many of the windows' seconds pass in a real second: 1 against Telegram;
        #: more for ``pavilion demo``, whose week is compressed and whose stand-in is local.
        self._time_scale = time_scale
        self._overall = SlidingWindow(OVERALL_PER_SECOND, 1.0)
        self._chats: dict[int, SlidingWindow] = {}
        self._paused_until = 0.0
        self._replies_waiting = 0
        self._stopping = asyncio.Event()
        self.retry_afters = 0
        #: Requests waiting for their window right now.
        self.waiting = 0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def _now(self) -> float:
        now = self._clock() if self._clock else asyncio.get_running_loop().time()
        return now * self._time_scale

    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) > 10_000:
                self._chats = {key: w for key, w in self._chats.items() if not w.idle}
            if chat_id < 0:
                window = SlidingWindow(GROUP_PER_MINUTE, 60.0)
            else:
                window = SlidingWindow(PRIVATE_PER_SECOND, 1.0)
            self._chats[chat_id] = window
        return window

    def stop_waiting(self) -> None:
        """The bot is stopping: cosmetic requests stop waiting for their windows (dropped)."""
        self._stopping.set()

    async def acquire(
        self, chat_id: int | None, *, background: bool, droppable: bool = False
    ) -> float:
        """Wait until a message to ``chat_id`` fits every window, count it; returns when.

        A ``droppable`` (cosmetic) request raises :class:`Dropped` instead of
        waiting, or while waiting, once :meth:`stop_waiting` was called.
        """
        chat = self._window(chat_id) if chat_id is not None else None
        # A reply in a private chat answers what the person just did: Telegram
        # tolerates such short bursts, so replies there only count (for the
        # pushes that follow) and wait for the overall window alone.
        chat_waits = chat is not None and (background or chat_id is None or chat_id < 0)
        waiting_reply = False
        try:
            while True:
                now = self._now()
                pause = self._paused_until - now
                overall = self._overall.delay(now)
                own = chat.delay(now) if chat is not None and chat_waits else 0.0
                if background and self._replies_waiting and overall >= 0:
                    # A reply is waiting for the overall window: let it go first.
                    delay = max(pause, own, overall, 0.005)
                else:
                    delay = max(pause, overall, own)
                    if delay <= 0:
                        self._overall.record(now)
                        if chat is not None:
                            chat.record(now)
                        return now
                    blocked_overall = overall > 0 and overall >= own
                    if not background and blocked_overall and not waiting_reply:
                        waiting_reply = True
                        self._replies_waiting += 1
                if droppable and self._stopping.is_set():
                    raise Dropped
                self.waiting += 1
                try:
                    if droppable:
                        await wait_or_timeout(self._stopping.wait(), delay / self._time_scale)
                    else:
                        await asyncio.sleep(delay / self._time_scale)
                finally:
                    self.waiting -= 1
        finally:
            if waiting_reply:
                self._replies_waiting -= 1

    def note_earlier_send(self, chat_id: int | None, seconds_ago: float) -> None:
        """Count a send made before this limiter existed (by a previous run of the bot).

        Telegram remembers the last second (and minute, for groups) across our
        restarts; without this, a restarted sender would burst into 429s.
        """
        moment = self._now() - max(seconds_ago, 0.0) * self._time_scale
        self._overall.record(moment)
        if chat_id is not None:
            self._window(chat_id).record(moment)

    def is_stale(self, reserved_at: float) -> bool:
        """Whether a slot reserved at ``reserved_at`` is too old to send in now."""
        return self._now() - reserved_at > WINDOW_MARGIN / 2 * self._time_scale

    def release(self, chat_id: int | None, reserved_at: float) -> None:
        """Give back a slot that was reserved and not used."""
        self._overall.forget(reserved_at)
        if chat_id is not None and chat_id in self._chats:
            self._chats[chat_id].forget(reserved_at)

    def pause(self, seconds: float) -> None:
        """Hold every send for ``seconds`` (Telegram said RetryAfter)."""
        self._paused_until = max(self._paused_until, self._now() + seconds * self._time_scale)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Run one Bot API request within the limits, retrying after RetryAfter."""
        overall_only = endpoint in OVERALL_ONLY
        limited = overall_only or is_limited(endpoint)
        chat_id = None if overall_only else _chat_id(data.get("chat_id"))
        acquired = rate_limit_args == PREACQUIRED
        cosmetic = rate_limit_args == COSMETIC
        for attempt in range(self._max_retries + 1):
            if limited and not acquired:
                await self.acquire(chat_id, background=False, droppable=cosmetic)
            acquired = False
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self.retry_afters += 1
                seconds = _seconds(error)
                self.pause(seconds)
                if attempt == self._max_retries:
                    raise
                log.info("flood control: waiting %.1f s before retrying %s", seconds, endpoint)
        raise AssertionError("unreachable")  # pragma: no cover


def _chat_id(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None  # a channel's @username: no per-chat window
    return None


def _seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after
    seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after
    return float(seconds) + 0.1
