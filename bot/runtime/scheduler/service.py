"""The scheduler service: schedules fired once each, caught up after downtime, armed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from bot.clock import Clock, system_clock
from bot.community.calendar import (
    apply_offset,
    local_moment,
    parse_offset,
    to_utc,
)
from bot.community.register import ChatKind, secretaries_to_tell
from bot.config import Language, Settings
from bot.errors import UserFacingError
from bot.i18n import parse_language, translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler.builtins import calendar_fingerprint
from bot.runtime.scheduler.firing import (
    LATE_AFTER,
    CatchUp,
    Describer,
    Effect,
    Firing,
    Timer,
    late_note,
    send_missed_callback,
)
from bot.runtime.scheduler.rules import EVENT_LOOKBACK, EVENT_RULES, calendar_from
from bot.runtime.scheduler.titles import schedule_title, spoken_time
from bot.runtime.scheduler.upcoming import UPCOMING_PAGE_SIZE, Listed, UpcomingPage
from storage import Database
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import from_db_time, to_db_time

log = logging.getLogger(__name__)

#: An alarm this much ahead of the due time (by our clock) waits instead of firing.
EARLY_TOLERANCE = timedelta(seconds=1)
#: How many past occurrences catch-up walks through for one schedule.
MAX_CATCH_UP_STEPS = 10_000


class SchedulerService:
    """Schedules: when they are due, what firing one does, pausing and resuming."""

    def __init__(self, db: Database, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self.calendar = calendar_from(settings)
        self.calendar_fingerprint = calendar_fingerprint(self.calendar)
        self._timer: Timer | None = None
        self._on_queued: Callable[[], None] = lambda: None
        self._effects: dict[str, Effect] = {}
        self._describers: dict[str, Describer] = {}
        # "session.reminder" and "talk_day.opening" (the agenda and the opening of
        # each sitting) are registered by bot/deliberation/sittings.py.
        self.register_effect("party_day.reminder", self._party_day_reminder)
        self.register_effect("message", self._message)
        #: Built-in schedules other services add (key -> kind and rule; None removes it).
        self._extra_builtins: dict[str, tuple[str, dict[str, Any] | None]] = {}

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

    def add_builtin(self, key: str, kind: str, rule: dict[str, Any] | None) -> None:
        """Have ``ensure_builtin`` keep a schedule ``key`` with ``rule`` (None: none at all)."""
        self._extra_builtins[key] = (kind, rule)

    async def arm_schedule(self, schedule_id: int) -> None:
        """Arm the alarm of a schedule a service changed in its own unit of work."""
        async with self._db.read() as session:
            row = await session.schedules.get(schedule_id)
        if row is not None and row.enabled and row.next_due_at and self._timer is not None:
            self._timer.arm(schedule_id, row.next_due_at)

    # --- rules --------------------------------------------------------------

    def next_due(self, rule: dict[str, Any], after: datetime) -> datetime | None:
        """The first due time of ``rule`` strictly after ``after``; None if there is none."""
        kind = rule.get("type")
        if kind == "once":
            at = from_db_time(str(rule["at"]))
            return at if at > after else None
        if kind == "every":
            start = from_db_time(str(rule["start"]))
            step = timedelta(seconds=float(rule["seconds"]))
            if after < start:
                return start
            periods = int((after - start) / step) + 1
            return start + periods * step
        offset = parse_offset(str(rule.get("offset", "at start")))
        after = to_utc(after)
        event = self._next_event(kind, after - EVENT_LOOKBACK)
        for _ in range(400):
            # Compared in UTC: two datetimes sharing a ZoneInfo compare by clock reading.
            due = to_utc(apply_offset(event, offset, self.calendar.tz))
            if due > after:
                return due
            event = self._next_event(kind, event)
        raise ValueError(f"no due time found for rule {rule!r}")

    def event_for(self, rule: dict[str, Any], due_at: datetime) -> datetime | None:
        """The calendar event a due time belongs to (None for rules without events)."""
        kind = rule.get("type")
        if kind in ("once", "every"):
            return None
        offset = parse_offset(str(rule.get("offset", "at start")))
        due_at = to_utc(due_at)
        event = self._next_event(kind, due_at - EVENT_LOOKBACK)
        for _ in range(400):
            due = to_utc(apply_offset(event, offset, self.calendar.tz))
            if due == due_at:
                return event
            if due > due_at:
                return None
            event = self._next_event(kind, event)
        return None

    def _next_event(self, kind: object, after: datetime) -> datetime:
        if kind == "session":
            return self.calendar.next_session(after)
        if kind == "talk_day":
            return self.calendar.next_talk_day(after)
        if kind == "party_day":
            return self.calendar.next_party_day(after).at
        raise ValueError(f"unknown schedule rule type {kind!r}")

    # --- start-up -------------------------------------------------------------

    async def ensure_builtin(self) -> None:
        """Create, update or disable the built-in reminders to match the configuration."""
        wanted: list[tuple[str, str, str, str]] = [
            (
                "builtin:session",
                "session.reminder",
                "session",
                self._settings.schedule.session_reminder,
            ),
            (
                "builtin:talk_day",
                "talk_day.opening",
                "talk_day",
                self._settings.schedule.talk_day_opening,
            ),
            (
                "builtin:party_day",
                "party_day.reminder",
                "party_day",
                self._settings.schedule.party_day_reminder,
            ),
            # Sittings (bot/deliberation/sittings.py): the pavilion opens, closes with its
            # minutes; a talk day closes in the evening with its minutes.
            ("builtin:session_open", "sitting.session_open", "session", "at start"),
            (
                "builtin:session_close",
                "sitting.session_close",
                "session",
                f"the same day at {self._settings.calendar.session_end_time:%H:%M}",
            ),
            (
                "builtin:talk_day_close",
                "sitting.talk_day_close",
                "talk_day",
                f"the same day at {self._settings.calendar.talk_day_end_time:%H:%M}",
            ),
        ]
        now = self._clock()
        async with self._db.transaction(completes_update=False) as session:
            for key, kind, event, offset_text in wanted:
                rule = (
                    {"type": event, "offset": str(parse_offset(offset_text))}
                    if offset_text
                    else None
                )
                await self._keep_builtin(session, key, kind, rule, now)
            for key, (kind, extra_rule) in self._extra_builtins.items():
                await self._keep_builtin(session, key, kind, extra_rule, now)

    def _fingerprinted(self, rule: dict[str, Any]) -> dict[str, Any]:
        """An event rule with the fingerprint of the calendar it follows."""
        if rule.get("type") in EVENT_RULES:
            return {**rule, "calendar": self.calendar_fingerprint}
        return rule

    async def _keep_builtin(
        self,
        session: Session,
        key: str,
        kind: str,
        rule: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        """Create, re-derive or remove one built-in schedule."""
        existing = await session.schedules.by_key(key)
        if rule is None:
            if existing is not None:
                await session.schedules.delete(existing.id)
            return
        rule = self._fingerprinted(rule)
        if existing is None:
            await session.schedules.create(
                key=key,
                kind=kind,
                title=kind,
                rule=rule,
                payload={},
                owner_id=None,
                next_due_at=self.next_due(rule, now),
                now=now,
            )
            return
        if existing.rule == rule:
            return
        due = None
        if existing.enabled:
            last = await session.schedules.last_firing(existing.id)
            anchor = self.rederive_anchor(rule, existing, last, now)
            due = self.next_due(rule, anchor)
        log.info(
            "schedule %s (%s): the configuration changed; next due %s (was %s)",
            existing.id,
            key,
            to_db_time(due) if due else None,
            to_db_time(existing.next_due_at) if existing.next_due_at else None,
        )
        await session.schedules.update_rule(existing.id, rule, due, now)

    def rederive_anchor(
        self,
        rule: dict[str, Any],
        stored: ScheduleRow,
        last_firing: datetime | None,
        now: datetime,
    ) -> datetime:
        """Where a changed rule's next due time is counted from.

        From the moment the stored due time was set (created, fired, caught
        up or resumed): a due time moved earlier whose new moment has already
        passed is then caught up (late, or reported missed) instead of
        silently skipped to next week. For daily or rarer rules, not before
        the end of the last firing's local day, so that one moved later is not
        done a second time for the event already served.
        """
        anchor = min(stored.updated_at or now, now)
        if last_firing is None:
            return anchor
        daily = rule.get("type") in EVENT_RULES or (
            rule.get("type") == "every" and float(rule.get("seconds", 0)) >= 86400
        )
        if not daily:
            return max(anchor, last_firing)
        day = last_firing.astimezone(self.calendar.tz).date() + timedelta(days=1)
        end_of_day = to_utc(local_moment(day, time(0), self.calendar.tz))
        return max(anchor, end_of_day - timedelta(microseconds=1))

    async def rebuild(self) -> CatchUp:
        """At start: catch up on what fell due while down, then arm every alarm."""
        caught = await self.catch_up()
        async with self._db.read() as session:
            armed = await session.schedules.armed()
        for schedule in armed:
            if schedule.next_due_at is not None and self._timer is not None:
                self._timer.arm(schedule.id, schedule.next_due_at)
        return caught

    async def catch_up(self) -> CatchUp:
        """Do once (late) what fell due within the window; record older firings as missed."""
        now = self._clock()
        window = timedelta(minutes=self._settings.schedule.catch_up_window_minutes)
        late = missed = 0
        async with self._db.read() as session:
            overdue = [
                s for s in await session.schedules.armed() if s.next_due_at and s.next_due_at <= now
            ]
        for schedule in overdue:
            dues: list[datetime] = []
            due = schedule.next_due_at
            while due is not None and due <= now and len(dues) < MAX_CATCH_UP_STEPS:
                dues.append(due)
                due = self.next_due(schedule.rule, due)
            if due is not None and due <= now:
                due = self.next_due(schedule.rule, now)  # too far behind: jump ahead
            in_window = [d for d in dues if now - d <= window]
            to_do = in_window[-1] if in_window else None
            skipped = [d for d in dues if d != to_do]
            async with self._db.transaction(completes_update=False) as session:
                for moment in skipped:
                    if await session.schedules.record_firing(schedule.id, moment, "missed", now):
                        missed += 1
                if skipped:
                    await self._report_missed(session, schedule, skipped, now)
                if to_do is not None and await session.schedules.record_firing(
                    schedule.id, to_do, "late", now
                ):
                    await self._run_effect(session, schedule, to_do, late=True, now=now)
                    late += 1
                await session.schedules.set_next_due(schedule.id, due, now)
        if late or missed:
            log.info("catch-up after downtime: %d done late, %d missed", late, missed)
            self._on_queued()
        return CatchUp(late=late, missed=missed)

    # --- firing ---------------------------------------------------------------

    async def fire(self, schedule_id: int, due_at: datetime) -> bool:
        """Do the firing (schedule, due_at) unless it is stale or done; True if done now."""
        now = self._clock()
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
            following = self.next_due(schedule.rule, due_at)
            if following is not None and following <= now:
                following = self.next_due(schedule.rule, now)
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
        event_at = self.event_for(schedule.rule, due_at)
        if event_at is None and schedule.rule.get("type") in EVENT_RULES:
            # The calendar changed under this due time: no event is there any more.
            log.warning(
                "schedule %s (%s) due %s finds no calendar event; nothing done",
                schedule.id,
                schedule.kind,
                to_db_time(due_at),
            )
            await self._report_nothing_done(session, schedule, due_at, now)
            return
        await effect(Firing(schedule, due_at, event_at, late, now, session))

    # --- what secretaries do ----------------------------------------------------

    async def upcoming(self, page: int = 0) -> UpcomingPage:
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
                    Listed(row, await self.describe(session, row))
                    for row in listed[start : start + UPCOMING_PAGE_SIZE]
                ]
            )
        return UpcomingPage(items, page, pages, start + 1, len(listed))

    async def title(self, schedule_id: int, language: Language) -> str:
        """A schedule's title in ``language``; UserFacingError if it is gone."""
        async with self._db.read() as session:
            row = await session.schedules.get(schedule_id)
            if row is None:
                raise UserFacingError("upcoming.gone")
            facts = await self.describe(session, row)
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
        if changed and self._timer is not None:
            self._timer.disarm(schedule_id)
        return changed

    async def resume(self, schedule_id: int, actor_id: int | None) -> bool:
        """Let a paused schedule fire again, from its next due time after now."""
        now = self._clock()
        async with self._db.transaction() as session:
            row = await session.schedules.get(schedule_id)
            if row is None:
                raise UserFacingError("upcoming.gone")
            due = self.next_due(row.rule, now)
            changed = await session.schedules.set_enabled(schedule_id, True, due, now)
            if changed:
                await session.audit.record(
                    at=now, action="schedule.resume", actor_id=actor_id, detail=str(schedule_id)
                )
        if changed and due is not None and self._timer is not None:
            self._timer.arm(schedule_id, due)
        return changed

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
        due = self.next_due(rule, now)
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

    # --- built-in effects -------------------------------------------------------

    async def _to_chats(self, firing: Firing, kind: ChatKind, key: str, **params: Any) -> None:
        """Queue one message for each bound chat of ``kind``, in the community's language."""
        chats = await firing.session.chats.posting(kind.value)
        if not chats:
            log.warning(
                "schedule %s (%s): no %s group is bound; nothing posted",
                firing.schedule.id,
                firing.schedule.kind,
                kind.value,
            )
            return
        language = self._settings.community.default_language
        message = OutgoingMessage(key, language, params)
        await queue_push(
            firing.session,
            kind=firing.schedule.kind,
            title=firing.schedule.title,
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )

    def _local(self, moment: datetime | None) -> datetime:
        return (moment or self._clock()).astimezone(self.calendar.tz)

    async def _party_day_reminder(self, firing: Firing) -> None:
        event = self._local(firing.event_at)
        day = self.calendar.next_party_day(to_utc(event) - timedelta(seconds=1))
        key = "schedule.party_day_reminder_moved" if day.moved else "schedule.party_day_reminder"
        await self._to_chats(
            firing,
            ChatKind.MEMBERS,
            key,
            date=event.strftime("%m-%d"),
            time=event.strftime("%H:%M"),
            original=day.original.strftime("%m-%d"),
            late=late_note(firing, self._settings.community.default_language, self.calendar.tz),
        )

    async def _message(self, firing: Firing) -> None:
        """A plain reminder: ``payload`` = {"chat_kind": ..., "text": ...}."""
        late = late_note(firing, self._settings.community.default_language, self.calendar.tz)
        await self._to_chats(
            firing,
            ChatKind(firing.schedule.payload.get("chat_kind", ChatKind.RESIDENTS.value)),
            "schedule.message_late" if late else "schedule.message",
            text=str(firing.schedule.payload.get("text", "")),
            **({"late": late} if late else {}),
        )

    async def _report_nothing_done(
        self, session: Session, schedule: ScheduleRow, due_at: datetime, now: datetime
    ) -> None:
        """Tell every registered secretary that a firing found nothing to do."""
        secretaries = await secretaries_to_tell(session, self._settings.community)
        facts = await self.describe(session, schedule)
        deliveries = [
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(
                    "schedule.nothing_done",
                    parse_language(person.language),
                    {
                        "what": schedule_title(schedule, parse_language(person.language), facts),
                        "when": spoken_time(
                            due_at, self.calendar.tz, parse_language(person.language)
                        ),
                    },
                ),
            )
            for person in secretaries
            if person.reachable
        ]
        if not deliveries:
            return
        await queue_push(
            session,
            kind="schedule.nothing_done",
            title=schedule.title,
            deliveries=deliveries,
            dedupe_prefix=f"nothing:{schedule.id}:{to_db_time(due_at)}",
            now=now,
        )

    async def _report_missed(
        self, session: Session, schedule: ScheduleRow, missed: list[datetime], now: datetime
    ) -> None:
        """Tell every registered secretary which firings were missed."""
        secretaries = await secretaries_to_tell(session, self._settings.community)
        if not secretaries:
            return
        facts = await self.describe(session, schedule)
        latest = missed[-1]
        deliveries = []
        for person in secretaries:
            if not person.reachable:
                continue
            language = parse_language(person.language)
            times = translate(language, "list_separator").join(
                spoken_time(moment, self.calendar.tz, language) for moment in missed[-5:]
            )
            button = ButtonSpec(
                "schedule.send_now_button", send_missed_callback(schedule.id, latest)
            )
            deliveries.append(
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "schedule.missed",
                        language,
                        {
                            "what": schedule_title(schedule, language, facts),
                            "times": times,
                            "count": len(missed),
                            "latest": spoken_time(latest, self.calendar.tz, language),
                        },
                        buttons=((button,),),
                    ),
                )
            )
        await queue_push(
            session,
            kind="schedule.missed",
            title=schedule.title,
            deliveries=deliveries,
            dedupe_prefix=f"missed:{schedule.id}:{to_db_time(missed[0])}",
            now=now,
        )

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
