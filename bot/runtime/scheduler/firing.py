"""What a firing is: the schedule and due time being done, and how it says it is late."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.i18n import translate
from bot.runtime.scheduler.titles import spoken_time
from storage.runtime.schedules import ScheduleRow
from storage.session import Session

#: A firing this late after its due time is recorded as late, not done.
LATE_AFTER = timedelta(minutes=1)
#: A message done this late after its due time says when it was due.
LATE_NOTE_AFTER = timedelta(minutes=2)
#: Button data names a due time in microseconds since this moment.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Timer(Protocol):
    """Alarms for schedules: fire ``schedule_id`` at ``due_at``."""

    def arm(self, schedule_id: int, due_at: datetime) -> None:
        """Set (or move) the schedule's alarm."""

    def disarm(self, schedule_id: int) -> None:
        """Remove the schedule's alarm, if any."""


@dataclass(frozen=True)
class Firing:
    """One firing being done: its schedule, due time, and the unit of work it runs in."""

    schedule: ScheduleRow
    due_at: datetime
    event_at: datetime | None
    late: bool
    now: datetime
    session: Session

    @property
    def noticeably_late(self) -> bool:
        """Done so late (after downtime) that its message should say when it was due."""
        return self.now - self.due_at > LATE_NOTE_AFTER


def late_note(firing: Firing, language: Language, tz: ZoneInfo) -> str:
    """For a message done late: a line (after a blank one) saying when it was due; else ""."""
    if not firing.noticeably_late:
        return ""
    due = firing.due_at.astimezone(tz)
    same_day = due.date() == firing.now.astimezone(tz).date()
    when = (
        spoken.clock(language, due)
        if same_day
        else spoken_time(firing.due_at, tz, language, spoken.local_date(firing.now, tz))
    )
    return "\n\n" + translate(language, "schedule.late_note", due=when)


def send_missed_callback(schedule_id: int, due_at: datetime) -> str:
    """📣 现在补发 under a missed notice (decoded by handlers/callbacks.py SendMissed)."""
    return f"sms:{schedule_id}:{(due_at - EPOCH) // timedelta(microseconds=1)}"


def from_callback_moment(microseconds: int) -> datetime:
    """The moment :func:`send_missed_callback` wrote as microseconds since the epoch."""
    return EPOCH + timedelta(microseconds=microseconds)


Effect = Callable[[Firing], Awaitable[None]]


@dataclass(frozen=True)
class CatchUp:
    """What start-up found: firings done late, and firings missed."""

    late: int
    missed: int


#: What a schedule's title is made from, besides its payload (e.g. an activity's title).
Describer = Callable[[Session, ScheduleRow], Awaitable[dict[str, Any]]]
