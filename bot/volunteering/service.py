"""Volunteer service (志愿者打卡): "online mobilisation, on-site service, check-in supervision".

- Activities: a secretary creates one in a guided private conversation
  (title, description, place with an optional venue location and radius,
  start and end, capacity) and then one screen of buttons (check-in methods,
  who may sign up, recurrence); each occurrence's card goes to the
  volunteers' group with 报名 / 取消报名 buttons and live counts. A full
  activity takes a waitlist; a cancellation promotes the first waiting person,
  who is told. Reminders go to those signed up before the start.
- Leave (请假): a volunteer signed up asks before the start, with a reason; the
  organiser (or a secretary) decides; approved, the place is freed as by a
  cancellation and the volunteer counts as excused, not as a no-show.
- Check-in (签到) and check-out (签退), privately or typed in a group (there
  acknowledged on the person's message and privately, and counted on one
  live roll-call per activity, not answered with one reply each): the window opens
  ``checkin_opens_minutes`` before the start and closes at the end. Each
  activity may ask for a location within its radius (only the distance is
  kept, with the person's separate consent) and/or a rotating 6-digit code
  (or the QR link on the organiser's screen, whose token rotates with it);
  with neither, the window is the verification. An organiser can check in a
  person without a phone (kiosk), recorded as such. A failed verification
  records nothing. One check-in per person per activity is the schema's.
- At the end plus ``checkout_grace_minutes`` a forgotten check-out is closed
  at the scheduled end and flagged; the organiser hears of no-shows and of
  records to review, and approves, adjusts (with a reason) or rejects them;
  every change is kept in ``checkin_changes``.
- Hours: from the later of check-in and start to the earlier of check-out
  and end, rounded as configured. ``/hours`` shows a volunteer's month, year
  and total with milestones; secretaries get the monthly report (per
  volunteer and per unit) as a table, files and a chart, and a summary on
  the 1st of each month.
- The weekly duty rota (周五我值日): registered units take turns fairly
  (round robin by the longest since their last duty); a unit may ask to skip
  its next turn, or hand a planned duty to another unit that agrees (the two
  exchange places in the rotation). The duty becomes an activity its people
  check in to, and the unit's contact is reminded.

The parts, each in its module and each taking the shared
:class:`~bot.volunteering.context.VolunteerContext`, are gathered here in
:class:`Volunteering` (``services.volunteer``): ``.activities``, ``.signup``,
``.checkin``, ``.roll_call``, ``.organiser``, ``.leave``, ``.review``, ``.hours``, ``.reminders``
and ``.rota``. The parts that own a schedule register its effect on the
scheduler when built.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import spoken
from bot.clock import Clock, system_clock
from bot.config import Language, Settings
from bot.runtime.scheduler import SchedulerService
from bot.volunteering.activities import ActivityService
from bot.volunteering.checkin import CheckinService
from bot.volunteering.context import VolunteerContext
from bot.volunteering.hours import HoursService
from bot.volunteering.leave import LeaveService
from bot.volunteering.organiser import OrganiserService
from bot.volunteering.reminders import ReminderService
from bot.volunteering.review import ReviewService
from bot.volunteering.roll_call import RollCallService
from bot.volunteering.rota import RotaService
from bot.volunteering.signup import SignupService
from storage import Storage


class Volunteering:
    """Volunteer service: one part per sub-capability, all sharing one context."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self.context = VolunteerContext(db, settings, scheduler, clock)
        self.activities = ActivityService(self.context)
        self.signup = SignupService(self.context)
        self.checkin = CheckinService(self.context)
        # The one message a group sees for check-ins typed there (not a reply to each).
        self.roll_call = RollCallService(self.context)
        self.organiser = OrganiserService(self.context)
        # Leave (请假): asked by volunteers, decided by organisers; frees the place.
        self.leave = LeaveService(self.context, self.signup)
        # These register their schedule effects on the scheduler; the rota and
        # the hours also their built-in schedules (the duty's first, as before).
        self.reminders = ReminderService(self.context)
        self.review = ReviewService(self.context)
        self.rota = RotaService(self.context)
        self.hours = HoursService(self.context)

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.context.tz

    def now(self) -> datetime:
        """The service's clock."""
        return self.context.now()

    def local(self, moment: datetime, language: Language | None = None) -> str:
        """A moment as people say it (see VolunteerContext.local)."""
        return self.context.local(moment, language)

    def clock_text(self, moment: datetime, language: Language) -> str:
        """The time of day of a moment as people say it: 上午9点03分 / 9:03 am."""
        return spoken.clock(language, moment, self.tz)
