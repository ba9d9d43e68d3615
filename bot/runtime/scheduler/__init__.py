"""Timed work: schedules in the database, fired once each, caught up after downtime.

The ``schedules`` table is the source of truth: each row says what to do
(``kind`` and ``payload``), when (``rule``), and its next due time. A
:class:`Timer` (PTB's JobQueue, see bot/runtime/jobs.py) only holds alarms
derived from it; it is rebuilt at start and re-armed whenever a schedule
changes, so a change takes effect at once.

A firing is the pair (schedule, due time). It is recorded in ``firings`` in
the same transaction as its effect (usually messages queued in the outbox),
and the primary key refuses a second record: a firing is never done twice,
whatever crashes or restarts happen around it. At start, what fell due while
the bot was down is done once, marked late, if it is within the catch-up
window; older firings are recorded as missed and reported to secretaries.

The modules: :mod:`.service` (firing, catch-up, arming, a missed firing sent
on request, the registry of effects), :mod:`.rules` (due times from rules on
the calendar), :mod:`.builtins` (the built-in schedules and the calendar's
fingerprint), :mod:`.upcoming` (the secretaries' list, pause and resume),
:mod:`.effects` (what the scheduler itself sends), :mod:`.firing` (what a
firing is), :mod:`.titles` (how schedules and times are named), :mod:`.before`
(reminders some hours before a close, for the features).
"""

from __future__ import annotations

from bot.runtime.scheduler.builtins import calendar_fingerprint
from bot.runtime.scheduler.firing import (
    EPOCH,
    LATE_AFTER,
    LATE_NOTE_AFTER,
    CatchUp,
    Describer,
    Effect,
    Firing,
    Timer,
    from_callback_moment,
    late_note,
    send_missed_callback,
)
from bot.runtime.scheduler.rules import EVENT_LOOKBACK, EVENT_RULES, calendar_from, daily_rule
from bot.runtime.scheduler.service import SchedulerService
from bot.runtime.scheduler.titles import lead_time, schedule_title, spoken_time
from bot.runtime.scheduler.upcoming import UPCOMING_PAGE_SIZE, Listed, UpcomingPage

__all__ = [
    "EPOCH",
    "EVENT_LOOKBACK",
    "EVENT_RULES",
    "LATE_AFTER",
    "LATE_NOTE_AFTER",
    "UPCOMING_PAGE_SIZE",
    "CatchUp",
    "Describer",
    "Effect",
    "Firing",
    "Listed",
    "SchedulerService",
    "Timer",
    "UpcomingPage",
    "calendar_fingerprint",
    "calendar_from",
    "daily_rule",
    "from_callback_moment",
    "late_note",
    "lead_time",
    "schedule_title",
    "send_missed_callback",
    "spoken_time",
]
