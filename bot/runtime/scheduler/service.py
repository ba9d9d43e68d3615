"""The scheduler service: schedules fired once each, caught up after downtime, armed.

Features register what firing a schedule of their kind does
(:meth:`SchedulerService.register_effect`), what its title names
(:meth:`SchedulerService.register_describer`) and built-in schedules of their own
(:meth:`SchedulerService.add_builtin`); they create schedules with
:meth:`SchedulerService.create` or, inside their own unit of work,
:meth:`SchedulerService.create_in`.

With several workers on one database, every worker arms every alarm; a firing is
done once however many ring (the database's ``next_due_at`` and
``record_firing`` guard it, in the schedule's community's unit of work), and
:meth:`SchedulerService.rescan` arms, every :data:`RESCAN_INTERVAL`, what another
worker created or moved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.errors import UserFacingError
from bot.runtime.scheduler.builtins import BuiltinSchedules
from bot.runtime.scheduler.effects import SchedulerEffects
from bot.runtime.scheduler.firing import LATE_AFTER, CatchUp, Describer, Effect, Firing, Timer
from bot.runtime.scheduler.rules import EVENT_RULES, CurrentCalendar, ScheduleRules
from bot.runtime.scheduler.upcoming import Upcoming
from storage import Storage, in_community
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time

log = logging.getLogger(__name__)

#: An alarm this much ahead of the due time (by our clock) waits instead of firing.
EARLY_TOLERANCE = timedelta(seconds=1)
#: How many past occurrences catch-up walks through for one schedule.
MAX_CATCH_UP_STEPS = 10_000
#: Several workers: how often each looks for schedules armed elsewhere.
RESCAN_INTERVAL = timedelta(seconds=30)


class SchedulerService:
    """Schedules: what firing one does, each firing done once, catch-up, the alarms."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        #: The calendar of the community being worked for (each has its own).
        self.calendar = CurrentCalendar(settings)
        #: Due times of rules on the calendar.
        self.rules = ScheduleRules(self.calendar)
        self._builtins = BuiltinSchedules(db, settings, clock, self.rules)
        self._timer: Timer | None = None
        self._on_queued: Callable[[], None] = lambda: None
        self._effects: dict[str, Effect] = {}
        self._describers: dict[str, Describer] = {}
        self._own = SchedulerEffects(settings, self.calendar, clock, self.describe)
        # "session.reminder" and "talk_day.opening" (the agenda and the opening of
        # each sitting) are registered by bot/deliberation/sittings.py.
        self.register_effect("party_day.reminder", self._own.party_day_reminder)
        self.register_effect("message", self._own.message)
        #: The secretaries' list of schedules (/upcoming), pause and resume.
        self.upcoming = Upcoming(db, clock, self.rules, self.describe, self)
        #: The communities whose built-in schedules to keep, and how to enter one (its
        #: rows and its profile); until :meth:`serve` is called, only the first.
        self._community_ids: Callable[[], list[int]] = lambda: [1]
        self._enter: Callable[[int], AbstractContextManager[None]] = in_community
        #: Each armed schedule's due time when :meth:`rebuild` or :meth:`rescan` last
        #: looked: what changed since is armed again.
        self._scanned: dict[int, datetime] = {}

    def serve(
        self,
        community_ids: Callable[[], list[int]],
        enter: Callable[[int], AbstractContextManager[None]],
    ) -> None:
        """Keep the built-in schedules of every community ``community_ids`` lists, and
        fire each schedule inside its own community (``enter``)."""
        self._community_ids = community_ids
        self._enter = enter

    # --- wiring -------------------------------------------------------------

    def attach(self, timer: Timer, on_queued: Callable[[], None]) -> None:
        """Connect the alarms, and who to tell when messages were queued."""
        self._timer = timer
        self._on_queued = on_queued

    def register_effect(self, kind: str, effect: Effect) -> None:
        """Say what firing a schedule of ``kind`` does (runs inside the firing's transaction)."""
        self._effects[kind] = effect

    def register_describer(self, kind: str, describer: Describer) -> None:
        """Say what, besides the payload, the title of a schedule of ``kind`` names."""
        self._describers[kind] = describer

    async def describe(self, session: Session, schedule: ScheduleRow) -> dict[str, Any]:
        """What the schedule's title is made from: its payload and the describer's facts."""
        facts = dict(schedule.payload)
        describer = self._describers.get(schedule.kind)
        if describer is not None:
            facts.update(await describer(session, schedule))
        return facts

    def add_builtin(
        self, key: str, kind: str, rule: dict[str, Any] | None, *, street: bool = False
    ) -> None:
        """Have ``ensure_builtin`` keep a schedule ``key`` with ``rule`` (None: none at all)
        in every community; ``street``: one for the whole street, in the first community."""
        self._builtins.add(key, kind, rule, street=street)

    async def arm_schedule(self, schedule_id: int) -> None:
        """Arm the alarm of a schedule a service changed in its own unit of work."""
        async with self._db.read() as session:
            row = await session.schedules.get(schedule_id)
        if row is not None and row.enabled and row.next_due_at and self._timer is not None:
            self._timer.arm(schedule_id, row.next_due_at)

    # --- start-up -------------------------------------------------------------

    async def ensure_builtin(self) -> None:
        """Create, update or disable every community's built-in reminders to match the
        configuration."""
        # Not armed here: at start, :meth:`rebuild` catches up first, then arms.
        for community in self._community_ids():
            with self._enter(community):
                await self._builtins.ensure()

    async def start_community(self, community: int) -> None:
        """A community created while the bot runs: its built-in reminders, armed at once."""
        with self._enter(community):
            await self._builtins.ensure()
            async with self._db.read() as session:
                armed = await session.schedules.armed()
        for schedule in armed:
            if schedule.next_due_at is not None and self._timer is not None:
                self._timer.arm(schedule.id, schedule.next_due_at)

    async def rebuild(self) -> CatchUp:
        """At start: catch up on what fell due while down, then arm every alarm."""
        caught = await self.catch_up()
        async with self._db.read() as session:
            armed = await session.schedules.armed_everywhere()
        self._scanned = {}
        for schedule in armed:
            if schedule.next_due_at is not None and self._timer is not None:
                self._timer.arm(schedule.id, schedule.next_due_at)
                self._scanned[schedule.id] = schedule.next_due_at
        return caught

    async def rescan(self) -> int:
        """Arm the schedules whose due time changed since the last look (several
        workers: created, moved or fired on another); returns how many were armed.
        An alarm left for a schedule changed elsewhere only finds nothing to do."""
        async with self._db.read() as session:
            armed = await session.schedules.armed_everywhere()
        seen: dict[int, datetime] = {}
        count = 0
        for schedule in armed:
            if schedule.next_due_at is None:
                continue
            seen[schedule.id] = schedule.next_due_at
            if self._scanned.get(schedule.id) != schedule.next_due_at and self._timer is not None:
                self._timer.arm(schedule.id, schedule.next_due_at)
                count += 1
        self._scanned = seen
        return count

    async def catch_up(self) -> CatchUp:
        """Do once (late) what fell due within the window; record older firings as missed."""
        now = self._clock()
        window = timedelta(minutes=self._settings.schedule.catch_up_window_minutes)
        late = missed = 0
        async with self._db.read() as session:
            overdue = [
                s
                for s in await session.schedules.armed_everywhere()
                if s.next_due_at and s.next_due_at <= now
            ]
        for schedule in overdue:
            with self._enter(schedule.community_id):
                got_late, got_missed = await self._catch_up_one(schedule, now, window)
            late += got_late
            missed += got_missed
        if late or missed:
            log.info("catch-up after downtime: %d done late, %d missed", late, missed)
            self._on_queued()
        return CatchUp(late=late, missed=missed)

    async def _catch_up_one(
        self, schedule: ScheduleRow, now: datetime, window: timedelta
    ) -> tuple[int, int]:
        """Catch up one schedule (inside its community): (done late, recorded missed)."""
        late = missed = 0
        dues: list[datetime] = []
        due = schedule.next_due_at
        while due is not None and due <= now and len(dues) < MAX_CATCH_UP_STEPS:
            dues.append(due)
            due = self.rules.next_due(schedule.rule, due)
        if due is not None and due <= now:
            due = self.rules.next_due(schedule.rule, now)  # too far behind: jump ahead
        in_window = [d for d in dues if now - d <= window]
        to_do = in_window[-1] if in_window else None
        skipped = [d for d in dues if d != to_do]
        due_first = schedule.next_due_at
        async with self._db.transaction(completes_update=False) as session:
            current = await session.schedules.get(schedule.id)
            if current is None or not current.enabled or current.next_due_at != due_first:
                return 0, 0  # caught up meanwhile (by another worker starting), or changed
            for moment in skipped:
                if await session.schedules.record_firing(schedule.id, moment, "missed", now):
                    missed += 1
            if skipped:
                await self._own.report_missed(session, schedule, skipped, now)
            if to_do is not None and await session.schedules.record_firing(
                schedule.id, to_do, "late", now
            ):
                await self._run_effect(session, schedule, to_do, late=True, now=now)
                late += 1
            await session.schedules.set_next_due(schedule.id, due, now)
        return late, missed

    # --- firing ---------------------------------------------------------------

    async def fire(self, schedule_id: int, due_at: datetime) -> bool:
        """Do the firing (schedule, due_at) unless it is stale or done; True if done now.
        It is done inside the schedule's community (the alarm knows only the id)."""
        # The moment the alarm rang, before any wait: whether it came early is judged then.
        now = self._clock()
        async with self._db.read() as session:
            community = await session.schedules.community_of(schedule_id)
        if community is None:
            return False  # deleted since the alarm was set
        with self._enter(community):
            return await self._fire_in_community(schedule_id, due_at, now)

    async def _fire_in_community(self, schedule_id: int, due_at: datetime, now: datetime) -> bool:
        async with self._db.transaction(completes_update=False) as session:
            schedule = await session.schedules.get(schedule_id)
            if schedule is None or not schedule.enabled or schedule.next_due_at != due_at:
                return False  # changed since the alarm was set
            if now < due_at - EARLY_TOLERANCE:
                # The alarm's clock disagrees with ours: doing it now would be early.
                log.warning("alarm for schedule %s came early; not fired", schedule_id)
                return False
            late = now - due_at > LATE_AFTER
            if not await session.schedules.record_firing(
                schedule_id, due_at, "late" if late else "done", now
            ):
                return False
            await self._run_effect(session, schedule, due_at, late=late, now=now)
            following = self.rules.next_due(schedule.rule, due_at)
            if following is not None and following <= now:
                following = self.rules.next_due(schedule.rule, now)
            await session.schedules.set_next_due(schedule_id, following, now)
        if following is not None and self._timer is not None:
            self._timer.arm(schedule_id, following)
        self._on_queued()
        return True

    async def _run_effect(
        self,
        session: Session,
        schedule: ScheduleRow,
        due_at: datetime,
        *,
        late: bool,
        now: datetime,
    ) -> None:
        effect = self._effects.get(schedule.kind)
        if effect is None:
            log.error("schedule %s has unknown kind %r; nothing done", schedule.id, schedule.kind)
            return
        event_at = self.rules.event_for(schedule.rule, due_at)
        if event_at is None and schedule.rule.get("type") in EVENT_RULES:
            # The calendar changed under this due time: no event is there any more.
            log.warning(
                "schedule %s (%s) due %s finds no calendar event; nothing done",
                schedule.id,
                schedule.kind,
                to_db_time(due_at),
            )
            await self._own.report_nothing_done(session, schedule, due_at, now)
            return
        await effect(Firing(schedule, due_at, event_at, late, now, session))

    async def create(
        self,
        *,
        kind: str,
        title: str,
        rule: dict[str, Any],
        payload: dict[str, Any],
        owner_id: int | None,
        key: str | None = None,
    ) -> int:
        """Add a schedule and arm it at once."""
        async with self._db.transaction() as session:
            schedule_id, due = await self.create_in(
                session,
                kind=kind,
                title=title,
                rule=rule,
                payload=payload,
                owner_id=owner_id,
                key=key,
                now=self._clock(),
            )
        if due is not None:
            self.arm(schedule_id, due)
        return schedule_id

    async def create_in(
        self,
        session: Session,
        *,
        kind: str,
        title: str,
        rule: dict[str, Any],
        payload: dict[str, Any],
        owner_id: int | None,
        now: datetime,
        key: str | None = None,
    ) -> tuple[int, datetime | None]:
        """Add a schedule inside the caller's unit of work; returns its id and first due time.

        The caller arms it with :meth:`arm` after committing (an alarm for a
        schedule that was rolled back would only find nothing to do).
        """
        due = self.rules.next_due(rule, now)
        schedule_id = await session.schedules.create(
            key=key,
            kind=kind,
            title=title,
            rule=rule,
            payload=payload,
            owner_id=owner_id,
            next_due_at=due,
            now=now,
        )
        return schedule_id, due

    def arm(self, schedule_id: int, due_at: datetime) -> None:
        """Set the alarm of a committed schedule."""
        if self._timer is not None:
            self._timer.arm(schedule_id, due_at)

    def disarm(self, schedule_id: int) -> None:
        """Drop the alarm of a schedule that has nothing more to do."""
        if self._timer is not None:
            self._timer.disarm(schedule_id)

    # --- a missed firing, done on request ---------------------------------------

    async def send_missed(self, schedule_id: int, due_at: datetime, actor_id: int | None) -> bool:
        """A secretary's 📣 现在补发: do now, once, a firing that was recorded as missed.

        False if it was done already (a second press, or another secretary's).
        """
        now = self._clock()
        async with self._db.transaction() as session:
            schedule = await session.schedules.get(schedule_id)
            if schedule is None:
                raise UserFacingError("upcoming.gone")
            if not await session.schedules.redo_missed(schedule_id, due_at, now):
                return False
            await self._run_effect(session, schedule, due_at, late=True, now=now)
            await session.audit.record(
                at=now,
                action="schedule.send_missed",
                actor_id=actor_id,
                detail=f"{schedule_id}:{to_db_time(due_at)}",
            )
        self._on_queued()
        return True
