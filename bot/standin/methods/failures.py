"""Failures on demand: the next calls of a method failing (:meth:`Failures.fail_next`), an
outage refusing every call, and Telegram's flood limits (429 with ``retry_after``).
"""

from __future__ import annotations

import math
from collections import deque

from bot.standin.errors import StandinNetworkError, _ApiError
from bot.standin.world import World, _Failure


class Failures(World):
    """Injected failures, outages and the flood limits."""

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        With ``retry_after`` the answer is 429 ``Too Many Requests: retry after N`` with
        ``parameters.retry_after``. ``description="network"`` makes :meth:`call` raise
        :class:`StandinNetworkError` instead (a dropped connection).
        """
        if retry_after is not None:
            error_code = 429
            if description == "Internal Server Error":
                description = f"Too Many Requests: retry after {retry_after}"
        failure = _Failure(error_code, description, retry_after, times)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    def start_outage(
        self,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        network: bool = False,
        get_updates: bool = False,
    ) -> None:
        """Refuse every call with ``error_code`` until :meth:`end_outage`, as when Telegram
        is down; ``network=True`` drops the connection instead (see :meth:`fail_next`).

        getUpdates keeps working unless ``get_updates`` is set, so that a test can still
        act on the bot's side; calls refused are counted in :attr:`outage_refusals`.
        """
        self._outage = _Failure(error_code, "network" if network else description, None, 0)
        self._outage_get_updates = get_updates

    def end_outage(self) -> None:
        """Telegram is back: answer calls again."""
        self._outage = None
        self._notify()

    @property
    def in_outage(self) -> bool:
        """Whether :meth:`start_outage` is in force."""
        return self._outage is not None

    def _outage_failure(self, name: str) -> None:
        outage = self._outage
        if outage is None or (name == "getUpdates" and not self._outage_get_updates):
            return
        self.outage_refusals += 1
        if outage.description == "network":
            raise StandinNetworkError(f"connection dropped by the stand-in ({name})")
        raise _ApiError(outage.error_code, outage.description)

    def _injected_failure(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        if failure.description == "network":
            raise StandinNetworkError(f"connection dropped by the stand-in ({method})")
        parameters = None if failure.retry_after is None else {"retry_after": failure.retry_after}
        raise _ApiError(failure.error_code, failure.description, parameters)

    def _check_flood(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = self._clock()
        waits: list[float] = []
        per_chat = self._sent_chat.setdefault(chat_id, deque())
        limits: list[tuple[deque[float], float, int]] = [
            (self._sent_all, 1.0, 30),
            (per_chat, 1.0, 1) if chat_id > 0 else (per_chat, 60.0, 20),
        ]
        for times, window, most in limits:
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= most:
                waits.append(times[len(times) - most] + window - now)
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            self.limit_hits += 1
            raise _ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _record_send(self, chat_id: int) -> None:
        if self.enforce_limits:
            now = self._clock()
            self._sent_all.append(now)
            self._sent_chat.setdefault(chat_id, deque()).append(now)
