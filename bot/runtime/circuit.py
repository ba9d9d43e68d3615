"""When to try a message again: the outcome of one attempt, the capped backoff, and
the circuit breaker that pauses every push while Telegram cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: The longest wait between two attempts at one message.
BACKOFF_CAP_SECONDS = 60.0
#: The longest wait between two probes while Telegram cannot be reached: a
#: probe is one message, so probing often costs nothing, and it bounds how
#: long after Telegram is back the pushes resume.
PROBE_CAP_SECONDS = 5.0
#: Passing failures in a row, with no answer from Telegram in between, after
#: which Telegram counts as down and the sender pauses.
OUTAGE_AFTER_FAILURES = 5


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt to send a message."""

    state: str  # sent | failed | unreachable | uncertain | retry
    message_id: int | None = None
    error: str | None = None
    retry_in: float = 0.0
    #: No answer from Telegram (a network error, a 5xx, a timeout): a sign it may be down.
    no_answer: bool = False


class Circuit:
    """Whether Telegram as a whole answers: a circuit breaker for the sender.

    Closed, messages go at full rate. After ``threshold`` passing failures in
    a row with no answer in between, it opens: nothing goes but one probe
    message at a time, the first 1 s later, then with doubling waits up to
    ``cap``. Any answer from Telegram (a message taken, or refused for a
    reason of its own) closes it again. Times are the sender's clock.
    """

    def __init__(
        self, threshold: int = OUTAGE_AFTER_FAILURES, cap: float = PROBE_CAP_SECONDS
    ) -> None:
        self.threshold = threshold
        self.cap = cap
        self.open_since: datetime | None = None
        self.probe_at: datetime | None = None
        self.probe_row: int | None = None
        self.last_error = ""
        self._in_row = 0
        self._probe_wait = 1.0

    @property
    def is_open(self) -> bool:
        """Whether sending is paused."""
        return self.open_since is not None

    def failed(self, row_id: int | None, now: datetime, error: str) -> bool:
        """A call got no answer; True if this opened the circuit."""
        self.last_error = error
        if self.open_since is not None:
            if row_id is not None and row_id == self.probe_row:
                self.probe_row = None
                self._probe_wait = min(self._probe_wait * 2, self.cap)
                self.probe_at = now + timedelta(seconds=self._probe_wait)
            return False
        self._in_row += 1
        if self._in_row < self.threshold:
            return False
        self.open_since = now
        self._probe_wait = 1.0
        self.probe_at = now + timedelta(seconds=self._probe_wait)
        return True

    def answered(self) -> datetime | None:
        """Telegram answered; returns when the outage began if this ends one."""
        self._in_row = 0
        since, self.open_since = self.open_since, None
        self.probe_at = None
        self.probe_row = None
        return since

    def take_probe(self, row_id: int, now: datetime) -> bool:
        """Whether ``row_id`` may go now, as the one probe of an open circuit."""
        if self.probe_row is not None or self.probe_at is None or now < self.probe_at:
            return False
        self.probe_row = row_id
        return True

    def probe_ended(self, row_id: int) -> None:
        """The probe finished without a verdict (not sent at all): the next may go."""
        if self.probe_row == row_id:
            self.probe_row = None

    def seconds_to_probe(self, now: datetime) -> float:
        """Seconds until the next probe may go (0 if it may go now)."""
        if self.probe_at is None:
            return 0.0
        return max(0.0, (self.probe_at - now).total_seconds())
