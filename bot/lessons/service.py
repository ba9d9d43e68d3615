"""Micro Party lessons (微党课): the feature's parts, composed into one object for
``Services.lessons``.

The rules live in bot/lessons/, with no Telegram types: handlers/lessons/ parses and
renders, calling ``services.lessons.<part>.<method>(...)``. Pushes go through the
outbox inside the unit of work that causes them; timed work is a schedule whose
effect runs in its firing's transaction, each registered by the part that owns it.

Where to look:

- writing.py: /newlesson, the draft step by step until it is saved
- sending.py: when and to whom; the ``lesson.push`` schedule and the push itself
- reminders.py: the one reminder (the ``lesson.remind`` schedule), or earlier
- studying.py: 已学习 and the quiz
- makeup.py: make-up slots, bookings, attendance and "补课 123456" check-in
- delivery.py: home delivery (送学) by grid workers
- corrections.py: edits before sending, corrections after
- leave.py: leave (请假) for a lesson or a make-up, decided by secretaries
- records.py (and sheets.py): lists, reports, study records, the export
- summary.py: the monthly summary (the ``lesson.summary`` built-in schedule)
- context.py, rules.py, results.py, messages.py: what the parts share
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.lessons.context import LessonContext
from bot.lessons.corrections import LessonCorrections
from bot.lessons.delivery import LessonDelivery
from bot.lessons.leave import LessonLeave
from bot.lessons.makeup import LessonMakeup
from bot.lessons.records import LessonRecords
from bot.lessons.reminders import LessonReminders
from bot.lessons.sending import LessonSending
from bot.lessons.studying import LessonStudying
from bot.lessons.summary import LessonSummary
from bot.lessons.writing import LessonWriting
from bot.runtime.scheduler import SchedulerService
from storage import Storage


@dataclass(frozen=True)
class Lessons:
    """Micro Party lessons, from the secretary's draft to the committee's records."""

    writing: LessonWriting
    sending: LessonSending
    reminders: LessonReminders
    studying: LessonStudying
    makeup: LessonMakeup
    delivery: LessonDelivery
    corrections: LessonCorrections
    records: LessonRecords
    summary: LessonSummary
    leave: LessonLeave

    @classmethod
    def create(
        cls,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> Lessons:
        """The parts over one context; registers the lessons' schedule effects and the
        monthly summary on ``scheduler``."""
        ctx = LessonContext(db, settings, scheduler, clock)
        reminders = LessonReminders(ctx)
        return cls(
            writing=LessonWriting(ctx),
            sending=LessonSending(ctx, reminders),
            reminders=reminders,
            studying=LessonStudying(ctx),
            makeup=LessonMakeup(ctx),
            delivery=LessonDelivery(ctx),
            corrections=LessonCorrections(ctx),
            records=LessonRecords(ctx),
            summary=LessonSummary(ctx),
            leave=LessonLeave(ctx),
        )
