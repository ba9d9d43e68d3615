"""What every part of volunteer service (志愿者打卡) shares: the database, settings, clock.

Also the few readings of them the parts have in common: the group language,
local times as people read them, how early the check-in window opens, and
the counting of a check-in's minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, system_clock
from bot.codes import CodeWindows
from bot.config import Language, Settings, VolunteerSettings
from bot.runtime.scheduler import SchedulerService
from bot.volunteering.rules import counted_minutes
from storage import Database
from storage.volunteering.rows import ActivityRow


@dataclass(frozen=True)
class VolunteerContext:
    """The database, settings, scheduler and clock the volunteer parts share."""

    db: Database
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

    def local(self, moment: datetime) -> str:
        """A moment as people read it: 11-28 09:00."""
        return moment.astimezone(self.tz).strftime("%m-%d %H:%M")

    def said_time(self, moment: datetime, now: datetime) -> str:
        """19:45 for a moment today, 11-28 19:45 for another day."""
        local = moment.astimezone(self.tz)
        if local.date() == now.astimezone(self.tz).date():
            return local.strftime("%H:%M")
        return self.local(moment)

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
