"""Micro Party lessons (微党课): the monthly summary for secretaries.

Where it is scheduled: here. ``LessonSummary.__init__`` registers the
``lesson.summary`` effect and the built-in schedule ``builtin:lesson_summary``
(``lessons.monthly_summary`` days from the Party day; none if 0); the effect
counts, per lesson of the month before, who studied it.
"""

from __future__ import annotations

from datetime import timedelta

from bot import spoken
from bot.community.calendar import local
from bot.lessons.context import LessonContext
from bot.lessons.results import LessonReport
from bot.runtime.scheduler import Firing


class LessonSummary:
    """The monthly summary of lessons for secretaries."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect("lesson.summary", self._summary_effect)
        offset = ctx.settings.lessons.monthly_summary
        ctx.scheduler.add_builtin(
            "builtin:lesson_summary",
            "lesson.summary",
            {"type": "party_day", "offset": offset} if offset else None,
        )

    async def _summary_effect(self, firing: Firing) -> None:
        """The monthly summary for secretaries: the lessons of the month before."""
        event = local(firing.event_at or firing.now, self._ctx.tz).date()
        last = event.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        start, end = self._ctx.period(first, last)
        session = firing.session
        lessons = await session.lessons.sent_between(start, end)
        lines = []
        for lesson in lessons:
            counts = LessonReport(
                lesson, tuple(await session.lessons.standings(lesson.id))
            ).counts()
            done = counts["studied"] + counts["makeup"] + counts["delivered"]
            lines.append(f"#{lesson.number} {lesson.title}: {done}/{counts['reached']}")
        await self._ctx.to_secretaries(
            session,
            "lesson.monthly_summary",
            f"lesson-summary:{first.isoformat()}",
            firing.now,
            month=spoken.month(self._ctx.settings.community.default_language, first),
            count=len(lessons),
            lines="\n".join(lines) or "-",
        )
