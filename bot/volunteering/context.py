"""What every part of volunteer service (志愿者打卡) shares: the database, settings, clock.

Also the few readings of them the parts have in common: the group language,
local times as people read them, how early the check-in window opens, and
the counting of a check-in's minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import spoken
from bot.clock import Clock, system_clock
from bot.codes import CodeWindows
from bot.config import Language, Settings, VolunteerSettings
from bot.runtime.scheduler import SchedulerService
from bot.volunteering.rules import counted_minutes
from storage import Storage
from storage.volunteering.rows import ActivityRow


@dataclass(frozen=True)
class VolunteerContext:
    """The database, settings, scheduler and clock the volunteer parts share."""

    db: Storage
    settings: Settings
    scheduler: SchedulerService
    clock: Clock = system_clock

    @property
    def config(self) -> VolunteerSettings:
        """The ``[volunteer]`` settings."""
        return self.settings.volunteer

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.settings.community.tz

    @property
    def language(self) -> Language:
        """The language of what is posted to groups."""
        return self.settings.community.default_language

    @property
    def codes(self) -> CodeWindows:
        """The rotation of the on-site codes (``code_valid_minutes``)."""
        return CodeWindows(self.config.code_valid_minutes)

    def now(self) -> datetime:
        """The service's clock."""
        return self.clock()

    def today(self) -> date:
        """The community's calendar day now, by the service's clock."""
        return self.clock().astimezone(self.tz).date()

    def local(self, moment: datetime, language: Language | None = None) -> str:
        """A moment as people say it in ``language`` (the group's by default), relative to
        today: 明天（周六）上午9点 / tomorrow (Sat), 9 am; 11月28日（周六）上午9点."""
        return spoken.moment(language or self.language, moment, self.tz, self.today())

    def said_time(self, moment: datetime, now: datetime, language: Language | None = None) -> str:
        """晚上7点45分 for a moment today, 昨天（周三）晚上7点45分 or 11月28日（周六）晚上7点45分
        for another day."""
        language = language or self.language
        today = now.astimezone(self.tz).date()
        if moment.astimezone(self.tz).date() == today:
            return spoken.clock(language, moment, self.tz)
        return spoken.moment(language, moment, self.tz, today)

    def lead(self) -> timedelta:
        """How long before the start the check-in window opens."""
        return timedelta(minutes=self.config.checkin_opens_minutes)

    def late_after(self) -> timedelta:
        """A check-in this long after the start is late (迟到)."""
        return timedelta(minutes=self.config.late_after_minutes)

    def count(self, checked_in: datetime, checked_out: datetime, a: ActivityRow) -> int:
        """The minutes a check-in counts at activity ``a``, rounded as configured."""
        return counted_minutes(
            checked_in,
            checked_out,
            a.starts_at,
            a.ends_at,
            step=self.config.rounding_minutes,
            rounding=self.config.rounding,
        )
