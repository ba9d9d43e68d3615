"""The needs list's clocks: when a need's reminders fire, and what they do then.

- Each posted need gets two ``once`` schedules: the answer deadline (its category's
  ``answer_hours``) and the done deadline (``done_days``; moved when a task's
  deadline changes, set again when a need comes back from a matter).
- The first answer (a claim, a reply, a matter) stops the answer clock; a claim, a
  solution or a matter stops the done clock.
- Firing, each pushes to the secretaries once if the need is still unanswered / not
  done; the schedules' screens name the need by its number in the community.
- Schedules are written in the caller's transaction and collected as :data:`Armed`;
  the caller arms them (and disarms the stopped ones) with :meth:`NeedClocks.arm`
  after the commit, so no alarm is set for a schedule that was rolled back.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import translate
from bot.needs import rules
from bot.runtime.scheduler import Firing, SchedulerService
from bot.runtime.scheduler.before import stop_before
from storage.needs.repository import NeedRow
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time

if TYPE_CHECKING:
    from bot.needs.service import NeedsService

#: Schedules written in a transaction, to arm after its commit: (schedule id, when due).
Armed = list[tuple[int, datetime]]


async def describe_schedule(session: Session, schedule: ScheduleRow) -> dict[str, Any]:
    """A need's clocks are named by its number in the community (需求 #3), not its id."""
    need = await session.needs.by_id(int(schedule.payload["need_id"]))
    # A gone need has no community number to show (its id is the street's).
    return {"number": need.number if need is not None else "—"}


class NeedClocks:
    """The answer and done clocks of the needs: set, stopped, armed and fired."""

    def __init__(
        self, needs: NeedsService, scheduler: SchedulerService, settings: Settings, clock: Clock
    ) -> None:
        self._needs = needs
        self._scheduler = scheduler
        self._settings = settings
        self._clock = clock
        scheduler.register_effect(rules.UNANSWERED_KIND, self._unanswered_effect)
        scheduler.register_effect(rules.OVERDUE_KIND, self._overdue_effect)
        scheduler.register_describer(rules.UNANSWERED_KIND, describe_schedule)
        scheduler.register_describer(rules.OVERDUE_KIND, describe_schedule)

    async def start_in(self, session: Session, kind: str, need: NeedRow, at: datetime) -> Armed:
        """A ``once`` schedule of ``kind`` for the need at ``at``, to arm after the commit."""
        schedule_id, due = await self._scheduler.create_in(
            session,
            kind=kind,
            title=f"need {need.id} {kind}",
            rule={"type": "once", "at": to_db_time(at)},
            payload={"need_id": need.id},
            owner_id=None,
            now=self._clock(),
        )
        return [(schedule_id, due)] if due is not None else []

    async def stop_in(
        self, session: Session, need_id: int, now: datetime, *kinds: str
    ) -> list[int]:
        """The need's pending clocks of these kinds stop; their ids, to disarm after the commit."""
        stopped: list[int] = []
        for kind in kinds:
            stopped += await stop_before(session, kind, "need_id", need_id, now)
        return stopped

    def arm(self, armed: Armed, stopped: list[int] | None = None) -> None:
        """After the commit: the stopped schedules are disarmed, the new ones armed."""
        for schedule_id in stopped or []:
            self._scheduler.disarm(schedule_id)
        for schedule_id, due in armed:
            self._scheduler.arm(schedule_id, due)

    async def _unanswered_effect(self, firing: Firing) -> None:
        """The answer deadline: still unanswered, the secretaries hear (once)."""
        session = firing.session
        need = await session.needs.by_id(int(firing.schedule.payload["need_id"]))
        if need is None or need.answered_at is not None or need.state != "open":
            return
        if not await session.needs.mark_pushed(need.id, "unanswered", firing.now):
            return
        await self._needs.tell_secretaries(
            session,
            need,
            "needs.unanswered_push",
            rules.UNANSWERED_KIND,
            "once",
            firing.now,
            hours=self._needs.answer_hours(need),
        )

    async def _overdue_effect(self, firing: Firing) -> None:
        """The done deadline: not done yet, the secretaries hear (once)."""
        session = firing.session
        need = await session.needs.by_id(int(firing.schedule.payload["need_id"]))
        if need is None or need.state not in ("open", "claimed"):
            return
        if not await session.needs.mark_pushed(need.id, "overdue", firing.now):
            return
        await self._needs.tell_secretaries(
            session,
            need,
            "needs.overdue_push",
            rules.OVERDUE_KIND,
            "once",
            firing.now,
            owner=need.owner_name
            or translate(self._settings.community.default_language, "needs.nobody"),
        )
