"""Micro Party lessons (微党课): what every part of the feature shares — the
database, the configuration, the scheduler and the clock — and the few helpers
that need them (a lesson or a refusal, typed moments and periods in community
time, a message to the secretaries)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing
from bot.clock import Clock, system_clock
from bot.community.calendar import local, local_moment, to_utc
from bot.community.register import secretaries_to_tell
from bot.config import Language, Settings
from bot.errors import UserFacingError
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.lessons.rows import LessonRow
from storage.session import Session


@dataclass(frozen=True)
class LessonContext:
    """The parts' shared dependencies (one per running bot)."""

    db: Storage
    settings: Settings
    scheduler: SchedulerService
    clock: Clock = system_clock

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.settings.community.tz

    @property
    def late_after(self) -> timedelta:
        """How long after the push a lesson's deadline is: its one reminder. Studied after
        it is late (迟学); leave for the lesson is asked before it."""
        return timedelta(days=self.settings.lessons.remind_after_days)

    def deadline(self, lesson: LessonRow) -> datetime | None:
        """The lesson's deadline (None before it is sent)."""
        return lesson.sent_at + self.late_after if lesson.sent_at is not None else None

    async def lesson(self, lesson_id: int) -> LessonRow:
        """The lesson, or a short refusal."""
        async with self.db.read() as session:
            lesson = await session.lessons.get(lesson_id)
        if lesson is None:
            raise UserFacingError("lesson.not_found", number=lesson_id)
        return lesson

    def moment(self, match: re.Match[str]) -> datetime | None:
        """The typed date and time of ``match`` (rules.WHEN or rules.SLOT), in UTC;
        None if there is no such day or time."""
        now = local(self.clock(), self.tz)
        year = int(match["year"]) if match["year"] else now.year
        day = parsing.calendar_day(year, int(match["month"]), int(match["day"]))
        if day is None:
            return None
        try:
            at = local_moment(
                day,
                datetime.min.time().replace(hour=int(match["hour"]), minute=int(match["minute"])),
                self.tz,
            )
        except ValueError:
            return None
        if not match["year"] and at < self.clock() - timedelta(days=1):
            # "01-05" typed in December means next January.
            try:
                at = local_moment(
                    day.replace(year=year + 1), at.timetz().replace(tzinfo=None), self.tz
                )
            except ValueError:
                return None
        return to_utc(at)

    def period(self, first: date, last: date) -> tuple[datetime, datetime]:
        """The days [first, last] in community time, as a UTC interval [start, end)."""
        midnight = datetime.min.time()
        return (
            to_utc(local_moment(first, midnight, self.tz)),
            to_utc(local_moment(last + timedelta(days=1), midnight, self.tz)),
        )

    async def to_secretaries(
        self, session: Session, key: str, prefix: str, now: datetime, **params: Any
    ) -> None:
        """Queue the message ``key`` for the secretaries to tell, in this unit of work."""
        secretaries = await secretaries_to_tell(session, self.settings.community)
        await queue_push(
            session,
            kind="lesson",
            title=key,
            deliveries=[
                Delivery(s.tg_user_id, s.id, OutgoingMessage(key, Language(s.language), params))
                for s in secretaries
            ],
            dedupe_prefix=prefix,
            now=now,
        )
