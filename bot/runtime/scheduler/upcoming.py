"""/upcoming, the secretaries' list of schedules: a page of it, pause and resume."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.community.calendar import Move
from bot.config import Language
from bot.errors import UserFacingError
from bot.runtime.scheduler.firing import Describer, Timer
from bot.runtime.scheduler.rules import EVENT_RULES, ScheduleRules
from bot.runtime.scheduler.titles import schedule_title
from storage import Storage
from storage.runtime.schedules import ScheduleRow

#: How many schedules one page of /upcoming lists.
UPCOMING_PAGE_SIZE = 8


@dataclass(frozen=True)
class Listed:
    """A schedule as /upcoming lists it, with what its title is made from."""

    row: ScheduleRow
    facts: dict[str, Any]
    #: Why the calendar event of its next due time is not on its usual date (a holiday).
    moves: tuple[Move, ...] = ()
    #: That event's local date, when it has one.
    event_day: date | None = None


@dataclass(frozen=True)
class UpcomingPage:
    """One page of /upcoming: armed schedules soonest first, then paused ones."""

    items: tuple[Listed, ...]
    page: int
    pages: int
    first_number: int
    #: How many schedules there are in all.
    total: int


class Upcoming:
    """What secretaries do with the schedules: list them a page at a time, pause, resume."""

    def __init__(
        self,
        db: Storage,
        clock: Clock,
        rules: ScheduleRules,
        describe: Describer,
        alarms: Timer,
    ) -> None:
        self._db = db
        self._clock = clock
        self._rules = rules
        self._describe = describe
        #: The scheduler's alarms (which do nothing before they are attached).
        self._alarms = alarms

    async def page(self, page: int = 0) -> UpcomingPage:
        """One page of every schedule: armed ones soonest first, then paused ones.

        A page past the end shows the last one (the list may have shrunk
        since the button was drawn).
        """
        async with self._db.read() as session:
            rows = await session.schedules.all()
            active = [row for row in rows if row.enabled and row.next_due_at is not None]
            paused = [row for row in rows if not row.enabled]
            listed = active + paused
            pages = max(1, -(-len(listed) // UPCOMING_PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            start = page * UPCOMING_PAGE_SIZE
            items = tuple(
                [
                    self._with_moves(Listed(row, await self._describe(session, row)))
                    for row in listed[start : start + UPCOMING_PAGE_SIZE]
                ]
            )
        return UpcomingPage(items, page, pages, start + 1, len(listed))

    def _with_moves(self, item: Listed) -> Listed:
        """The schedule with why its next calendar event moved (e.g. 因国庆节顺延).

        An event rule's event is found from its due time; a one-off schedule set
        at a calendar event (a describer's ``calendar_event`` fact, e.g. a Party
        day lesson) is due at the event itself.
        """
        rule, due = item.row.rule, item.row.next_due_at
        if not item.row.enabled or due is None:
            return item
        kind = rule.get("type")
        if kind in EVENT_RULES:
            event = self._rules.event_for(rule, due)
        elif item.facts.get("calendar_event") in EVENT_RULES:
            kind, event = item.facts["calendar_event"], due
        else:
            return item
        if event is None:
            return item
        calendar = self._rules.calendar
        moves = calendar.moves(str(kind), event)
        return replace(item, moves=moves, event_day=event.astimezone(calendar.tz).date())

    async def title(self, schedule_id: int, language: Language) -> str:
        """A schedule's title in ``language``; UserFacingError if it is gone."""
        async with self._db.read() as session:
            row = await session.schedules.get(schedule_id)
            if row is None:
                raise UserFacingError("upcoming.gone")
            facts = await self._describe(session, row)
        return schedule_title(row, language, facts)

    async def schedule(self, schedule_id: int) -> ScheduleRow:
        """One schedule; UserFacingError if it is gone."""
        async with self._db.read() as session:
            row = await session.schedules.get(schedule_id)
        if row is None:
            raise UserFacingError("upcoming.gone")
        return row

    async def pause(self, schedule_id: int, actor_id: int | None) -> bool:
        """Stop a schedule from firing; False if it was already paused."""
        now = self._clock()
        async with self._db.transaction() as session:
            if await session.schedules.get(schedule_id) is None:
                raise UserFacingError("upcoming.gone")
            changed = await session.schedules.set_enabled(schedule_id, False, None, now)
            if changed:
                await session.audit.record(
                    at=now, action="schedule.pause", actor_id=actor_id, detail=str(schedule_id)
                )
        if changed:
            self._alarms.disarm(schedule_id)
        return changed

    async def resume(self, schedule_id: int, actor_id: int | None) -> bool:
        """Let a paused schedule fire again, from its next due time after now."""
        now = self._clock()
        async with self._db.transaction() as session:
            row = await session.schedules.get(schedule_id)
            if row is None:
                raise UserFacingError("upcoming.gone")
            due = self._rules.next_due(row.rule, now)
            changed = await session.schedules.set_enabled(schedule_id, True, due, now)
            if changed:
                await session.audit.record(
                    at=now, action="schedule.resume", actor_id=actor_id, detail=str(schedule_id)
                )
        if changed and due is not None:
            self._alarms.arm(schedule_id, due)
        return changed
