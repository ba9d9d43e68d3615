"""Carrying: the parts of carrying out decided matters, built over one shared context.

``services.carrying`` is a ``Carrying``; handlers call its parts, e.g.
``services.carrying.owners.assign(...)`` or ``services.carrying.referrals.refer(...)``.
Building it registers the overdue check's and the supervision term end's
schedule effects (each in the module that owns that reminder).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.deliberation.carrying.acceptance import AcceptanceService
from bot.deliberation.carrying.context import CarryingContext
from bot.deliberation.carrying.overdue import OverdueReminders
from bot.deliberation.carrying.owners import OwnerService
from bot.deliberation.carrying.progress import ProgressService
from bot.deliberation.carrying.ratings import RatingService
from bot.deliberation.carrying.referrals import ReferralService
from bot.deliberation.carrying.review import ReviewService
from bot.deliberation.carrying.supervision import SupervisionService
from bot.runtime.scheduler import SchedulerService
from storage import Storage


class Carrying:
    """Owners, progress, acceptance (by a secretary or the supervisors), ratings,
    referrals, overdue reminders, supervision."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self.context = CarryingContext(db, settings, scheduler, clock)
        self.owners = OwnerService(self.context)
        self.progress = ProgressService(self.context)
        self.acceptance = AcceptanceService(self.context)
        self.review = ReviewService(self.context)
        self.ratings = RatingService(self.context)
        self.referrals = ReferralService(self.context)
        # These two register their schedule effects (and the daily check's schedule).
        self.overdue = OverdueReminders(self.context)
        self.supervision = SupervisionService(self.context)

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.context.tz

    def due_from_days(self, days: int) -> datetime:
        """The due moment ``days`` from today: the end of that local day."""
        return self.context.due_from_days(days)

    def parse_due(self, text: str) -> datetime:
        """A typed due date (YYYY-MM-DD), today or later; UserFacingError otherwise."""
        return self.context.parse_due(text)
