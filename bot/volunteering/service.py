"""Volunteer service (志愿者打卡): "online mobilisation, on-site service, check-in supervision".

- Activities: a secretary creates one in a guided private conversation
  (title, description, place with an optional venue location and radius,
  start and end, capacity) and then one screen of buttons (check-in methods,
  who may sign up, recurrence); each occurrence's card goes to the
  volunteers' group with 报名 / 取消报名 buttons and live counts. A full
  activity takes a waitlist; a cancellation promotes the first waiting person,
  who is told. Reminders go to those signed up before the start.
- Check-in (签到) and check-out (签退): the window opens
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
"""

from __future__ import annotations

import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot import parsing, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, ChatKind, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService
from bot.volunteering.cards import ActivityState, activity_card, methods_text
from bot.volunteering.codes import (
    STALE_CODE_MINUTES,
    minute_index,
    parse_qr_payload,
    qr_payload,
    qr_token,
    rotating_code,
    valid_minutes,
)
from bot.volunteering.drafts import ActivityDraft, next_audience
from bot.volunteering.rules import (
    MAX_DESCRIPTION,
    MAX_PLACE,
    MAX_REASON,
    MAX_TITLE,
    MAX_UNIT_NAME,
    RADIUS_PRESETS,
    RECENT_CHECKOUT,
    RECURRENCES,
    add_months,
    counted_minutes,
    distance_m,
    hours_text,
    manages,
    month_bounds,
    next_value,
    parse_dates,
    parse_when,
    rotation,
)
from storage import Database
from storage.community.people import PersonRow
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.desk import CheckinDesk, OpenActivity
from storage.volunteering.rows import (
    ActivityRow,
    CheckinRow,
    DutyRow,
    HoursRow,
    SignupRow,
    UnitRow,
)

NEW_FLOW = "new_activity"
ADJUST_FLOW = "adjust_hours"
REMINDER_KIND = "volunteer.reminder"
CLOSE_KIND = "volunteer.close"
DUTY_KIND = "volunteer.duty"
MONTHLY_KIND = "volunteer.monthly"
DUTY_SCHEDULE_KEY = "builtin:volunteer_duty"
MONTHLY_SCHEDULE_KEY = "builtin:volunteer_monthly"


# --- pure rules ---------------------------------------------------------------------------


# --- what the service returns ---------------------------------------------------------------


@dataclass(frozen=True)
class SignupResult:
    """What a 报名 press did: signed (with a place) or waiting (with a waitlist position)."""

    activity: ActivityRow
    state: str
    position: int


@dataclass(frozen=True)
class CancelResult:
    """What a cancellation did, and whom it promoted from the waitlist."""

    activity: ActivityRow
    promoted: SignupRow | None


@dataclass(frozen=True)
class CheckinResult:
    """A check-in done (``activity`` and ``method``), or a choice to make first."""

    activity: ActivityRow | None
    method: str | None
    distance_m: int | None = None
    choices: tuple[ActivityRow, ...] = ()


@dataclass(frozen=True)
class CheckoutResult:
    """A check-out done: the activity and the minutes counted."""

    title: str
    minutes: int


@dataclass(frozen=True)
class CodeScreen:
    """The organiser's on-site code: the code, until when, and the QR link's payload."""

    activity: ActivityRow
    code: str
    valid_until: datetime
    payload: str


@dataclass(frozen=True)
class KioskEntry:
    """A signed-up person on the kiosk screen, with their check-in if any."""

    signup: SignupRow
    checkin: CheckinRow | None


@dataclass(frozen=True)
class ReviewItem:
    """A check-in waiting for review, with its person and activity."""

    checkin: CheckinRow
    name: str
    activity: ActivityRow


@dataclass(frozen=True)
class HoursSummary:
    """A volunteer's counted minutes and milestones."""

    month: int
    year: int
    total: int
    reached: int | None
    next_milestone: int | None


@dataclass(frozen=True)
class MonthlyReport:
    """Counted minutes of one month per volunteer and per unit."""

    month: date
    people: list[HoursRow]
    units: list[HoursRow]

    @property
    def total_minutes(self) -> int:
        """All counted minutes of the month."""
        return sum(row.minutes for row in self.people)


@dataclass(frozen=True)
class DutyScreen:
    """What a unit's contact sees: their unit, its next duty, the other units."""

    unit: UnitRow
    duty: DutyRow | None
    others: list[UnitRow]


# --- the service -------------------------------------------------------------------------------


class VolunteerService:
    """Activities, sign-ups, check-ins, hours, reviews, reports and the duty rota."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._config = settings.volunteer
        self._scheduler = scheduler
        self._clock = clock
        self.tz = settings.community.tz
        scheduler.register_effect(REMINDER_KIND, self._reminder_effect)
        scheduler.register_effect(CLOSE_KIND, self._close_effect)
        scheduler.register_effect(DUTY_KIND, self._duty_effect)
        scheduler.register_effect(MONTHLY_KIND, self._monthly_effect)
        scheduler.register_describer(REMINDER_KIND, self._describe_schedule)
        scheduler.register_describer(CLOSE_KIND, self._describe_schedule)
        scheduler.add_builtin(DUTY_SCHEDULE_KEY, DUTY_KIND, self.duty_rule())
        scheduler.add_builtin(MONTHLY_SCHEDULE_KEY, MONTHLY_KIND, self.monthly_rule())

    @property
    def language(self) -> Language:
        """The language of what is posted to groups."""
        return self._settings.community.default_language

    def now(self) -> datetime:
        """The service's clock."""
        return self._clock()

    def local(self, moment: datetime) -> str:
        """A moment as people read it: 11-28 09:00."""
        return moment.astimezone(self.tz).strftime("%m-%d %H:%M")

    def _said_time(self, moment: datetime, now: datetime) -> str:
        """19:45 for a moment today, 11-28 19:45 for another day."""
        local = moment.astimezone(self.tz)
        if local.date() == now.astimezone(self.tz).date():
            return local.strftime("%H:%M")
        return self.local(moment)

    def _lead(self) -> timedelta:
        return timedelta(minutes=self._config.checkin_opens_minutes)

    def _count(self, checked_in: datetime, checked_out: datetime, a: ActivityRow) -> int:
        return counted_minutes(
            checked_in,
            checked_out,
            a.starts_at,
            a.ends_at,
            step=self._config.rounding_minutes,
            rounding=self._config.rounding,
        )

    # --- built-in schedules ------------------------------------------------------------------

    def duty_rule(self) -> dict[str, Any]:
        """Weekly, ``duty_plan_days_before`` days before the duty weekday, at 09:00."""
        weekday = (self._config.duty_weekday_number - self._config.duty_plan_days_before) % 7
        first = date(2026, 1, 5)  # a Monday
        start = datetime.combine(first + timedelta(days=weekday), time(9, 0), tzinfo=self.tz)
        return {"type": "every", "seconds": 7 * 86400, "start": to_db_time(start)}

    def monthly_rule(self) -> dict[str, Any] | None:
        """Every day at the summary time (the effect acts on the 1st only)."""
        if not self._config.monthly_summary:
            return None
        at = self._config.monthly_summary_time
        start = datetime.combine(date(2026, 1, 1), at, tzinfo=self.tz).astimezone(UTC)
        return {"type": "every", "seconds": 86400, "start": to_db_time(start)}

    # --- creating an activity ----------------------------------------------------------------

    async def start_new(self, actor: Actor, chat_id: int) -> ActivityDraft:
        """Begin the guided conversation of a new activity."""
        actor.member(Role.SECRETARY)
        draft = ActivityDraft()
        async with self._db.transaction() as session:
            await self._save(session, actor, chat_id, draft)
        return draft

    async def draft(self, actor: Actor, chat_id: int) -> ActivityDraft:
        """The draft as it stands."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
        if dialog is None or dialog.flow != NEW_FLOW:
            raise UserFacingError("vol.new.expired")
        return ActivityDraft.from_data(dialog.step, dialog.data)

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> ActivityDraft:
        """A typed answer at ``step``; the draft moves to its next step."""
        actor.member(Role.SECRETARY)
        words = usertext.line(text)
        async with self._db.transaction() as session:
            draft = await self._load(session, actor, chat_id, step)
            if step == "title":
                if not 2 <= len(words) <= MAX_TITLE:
                    raise UserFacingError("vol.new.title_bad", limit=MAX_TITLE)
                draft = replace(draft, title=words, step="description")
            elif step == "description":
                if len(usertext.block(text)) > MAX_DESCRIPTION:
                    raise UserFacingError("vol.new.description_bad", limit=MAX_DESCRIPTION)
                draft = replace(draft, description=usertext.block(text), step="place")
            elif step == "place":
                if not 1 <= len(words) <= MAX_PLACE:
                    raise UserFacingError("vol.new.place_bad", limit=MAX_PLACE)
                draft = replace(draft, place=words, step="location")
            elif step == "when":
                today = self._clock().astimezone(self.tz).date()
                start, end = parse_when(words, today, self.tz)
                if end <= self._clock():
                    raise UserFacingError("vol.new.when_past")
                draft = replace(draft, starts_at=start, ends_at=end, step="capacity")
            elif step == "capacity":
                capacity = parsing.number(words, low=1, high=10_000)
                if capacity is None:
                    raise UserFacingError("vol.new.capacity_bad")
                draft = replace(draft, capacity=capacity, step="settings")
            elif step == "dates":
                today = self._clock().astimezone(self.tz).date()
                draft = replace(draft, dates=parse_dates(words, today), step="settings")
            else:
                raise UserFacingError("vol.new.use_buttons")
            await self._save(session, actor, chat_id, draft)
        return draft

    async def skip(self, actor: Actor, chat_id: int, step: str) -> ActivityDraft:
        """Skip an optional step (the description, the venue location)."""
        actor.member(Role.SECRETARY)
        following = {"description": "place", "location": "when"}
        if step not in following:
            raise UserFacingError("vol.new.expired")
        async with self._db.transaction() as session:
            draft = await self._load(session, actor, chat_id, step)
            draft = replace(draft, step=following[step])
            await self._save(session, actor, chat_id, draft)
        return draft

    async def venue(self, actor: Actor, chat_id: int, lat: float, lon: float) -> ActivityDraft:
        """The venue's location, shared by the organiser at the location step."""
        actor.member(Role.SECRETARY)
        async with self._db.transaction() as session:
            draft = await self._load(session, actor, chat_id, "location")
            draft = replace(draft, latitude=lat, longitude=lon, by_location=True, step="when")
            await self._save(session, actor, chat_id, draft)
        return draft

    async def change(self, actor: Actor, chat_id: int, field: str) -> ActivityDraft:
        """A press on the settings screen: the setting moves to its next value."""
        actor.member(Role.SECRETARY)
        async with self._db.transaction() as session:
            draft = await self._load(session, actor, chat_id, "settings")
            if field == "location":
                if draft.latitude is None:
                    raise UserFacingError("vol.new.no_venue")
                draft = replace(draft, by_location=not draft.by_location)
            elif field == "code":
                draft = replace(draft, by_code=not draft.by_code)
            elif field == "radius":
                draft = replace(draft, radius_m=next_value(RADIUS_PRESETS, draft.radius_m))
            elif field == "audience":
                units = await session.volunteering.rota.units()
                draft = next_audience(draft, units)
            elif field == "recurrence":
                recurrence = next_value(RECURRENCES, draft.recurrence)
                draft = replace(
                    draft,
                    recurrence=recurrence,
                    dates=(),
                    step="dates" if recurrence == "dates" else "settings",
                )
            else:
                raise UserFacingError("vol.new.expired")
            await self._save(session, actor, chat_id, draft)
        return draft

    async def unit_name(self, unit_id: int | None) -> str | None:
        """A unit's name (for the settings screen), or None."""
        if unit_id is None:
            return None
        async with self._db.read() as session:
            unit = await session.volunteering.rota.unit(unit_id)
        return unit.name if unit else None

    async def publish(self, actor: Actor, chat_id: int) -> list[ActivityRow]:
        """Create the activity (every occurrence), post the cards, schedule the reminders."""
        person = actor.member(Role.SECRETARY)
        now = self._clock()
        armed: list[tuple[int, datetime]] = []
        async with self._db.transaction() as session:
            draft = await self._load(session, actor, chat_id, "settings")
            assert draft.starts_at is not None and draft.ends_at is not None  # noqa: S101
            created: list[ActivityRow] = []
            series_id: int | None = None
            for start, end in self._occurrences(draft):
                if end <= now:
                    continue
                activity = await self._create_activity(
                    session,
                    armed,
                    series_id=series_id,
                    title=draft.title,
                    description=draft.description,
                    place=draft.place,
                    latitude=draft.latitude,
                    longitude=draft.longitude,
                    radius_m=draft.radius_m,
                    starts_at=start,
                    ends_at=end,
                    capacity=draft.capacity,
                    by_location=draft.by_location,
                    by_code=draft.by_code,
                    audience=draft.audience,
                    unit_id=draft.unit_id,
                    organiser_id=person.id,
                    now=now,
                )
                series_id = series_id or (activity.id if draft.recurrence != "once" else None)
                created.append(activity)
            if not created:
                raise UserFacingError("vol.new.when_past")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="activity.create", actor_id=person.id, detail=str(created[0].id)
            )
        for schedule_id, due in armed:
            self._scheduler.arm(schedule_id, due)
        return created

    def _occurrences(self, draft: ActivityDraft) -> list[tuple[datetime, datetime]]:
        assert draft.starts_at is not None and draft.ends_at is not None  # noqa: S101
        start, end = draft.starts_at.astimezone(self.tz), draft.ends_at.astimezone(self.tz)
        length = end - start
        if draft.recurrence == "weekly":
            starts = [start + timedelta(weeks=i) for i in range(self._config.series_count)]
        elif draft.recurrence == "monthly":
            starts = [
                datetime.combine(add_months(start.date(), i), start.timetz())
                for i in range(self._config.series_count)
            ]
        elif draft.recurrence == "dates":
            days = sorted({start.date(), *draft.dates})
            starts = [datetime.combine(day, start.timetz()) for day in days]
        else:
            starts = [start]
        return [(s.astimezone(UTC), (s + length).astimezone(UTC)) for s in starts]

    async def _create_activity(
        self,
        session: Session,
        armed: list[tuple[int, datetime]],
        **fields: Any,
    ) -> ActivityRow:
        now: datetime = fields["now"]
        activity_id = await session.volunteering.activities.create_activity(
            code_secret=secrets.token_hex(16), **fields
        )
        activity = await session.volunteering.activities.activity(activity_id)
        assert activity is not None  # noqa: S101 - created just above
        for minutes in sorted(set(self._config.reminders_minutes), reverse=True):
            at = activity.starts_at - timedelta(minutes=minutes)
            if at <= now:
                continue
            schedule_id, due = await self._scheduler.create_in(
                session,
                kind=REMINDER_KIND,
                title=f"activity {activity.id} reminder {minutes}",
                rule={"type": "once", "at": to_db_time(at)},
                payload={"activity_id": activity.id, "minutes": minutes},
                owner_id=activity.organiser_id,
                now=now,
            )
            if due is not None:
                armed.append((schedule_id, due))
        close_at = activity.ends_at + timedelta(minutes=self._config.checkout_grace_minutes)
        schedule_id, due = await self._scheduler.create_in(
            session,
            kind=CLOSE_KIND,
            title=f"activity {activity.id} close",
            rule={"type": "once", "at": to_db_time(close_at)},
            payload={"activity_id": activity.id},
            owner_id=activity.organiser_id,
            now=now,
        )
        if due is not None:
            armed.append((schedule_id, due))
        await self._post_card(session, activity, now)
        return activity

    async def _post_card(self, session: Session, activity: ActivityRow, now: datetime) -> None:
        chats = [c.chat_id for c in await session.chats.posting(ChatKind.VOLUNTEERS.value)]
        if not chats:
            return
        unit = await session.volunteering.rota.unit(activity.unit_id) if activity.unit_id else None
        message = activity_card(
            ActivityState(activity, 0, 0, 0),
            self.language,
            self.tz,
            unit.name if unit else None,
        )
        push_id = await queue_push(
            session,
            kind="activity.card",
            title=activity.title,
            deliveries=[Delivery(chat_id, None, message) for chat_id in chats],
            dedupe_prefix=f"activity-card:{activity.id}",
            now=now,
        )
        await session.volunteering.activities.set_card_push(activity.id, push_id)

    async def _load(self, session: Session, actor: Actor, chat_id: int, step: str) -> ActivityDraft:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, NEW_FLOW, step, "vol.new.expired"
        )
        return ActivityDraft.from_data(dialog.step, dialog.data)

    async def _save(
        self, session: Session, actor: Actor, chat_id: int, draft: ActivityDraft
    ) -> None:
        await session.dialogs.put(
            chat_id, actor.tg_user_id, NEW_FLOW, draft.step, draft.to_data(), self._clock()
        )

    # --- cards and lists ----------------------------------------------------------------------

    async def state(self, activity_id: int) -> ActivityState:
        """The activity with its live counts."""
        async with self._db.read() as session:
            return await self._state(session, activity_id)

    async def _state(self, session: Session, activity_id: int) -> ActivityState:
        activity = await session.volunteering.activities.activity(activity_id)
        if activity is None:
            raise UserFacingError("vol.not_found")
        signed, waiting, checked = await session.volunteering.signups.counts(activity_id)
        return ActivityState(activity, signed, waiting, checked)

    async def card(self, activity_id: int) -> tuple[OutgoingMessage, list[tuple[int, int]]]:
        """The activity's card as it should look now, and where its copies stand."""
        async with self._db.read() as session:
            state = await self._state(session, activity_id)
            unit_id = state.activity.unit_id
            unit = await session.volunteering.rota.unit(unit_id) if unit_id else None
            places = (
                await session.outbox.sent_messages(state.activity.card_push_id)
                if state.activity.card_push_id
                else []
            )
        message = activity_card(state, self.language, self.tz, unit.name if unit else None)
        return message, places

    async def upcoming(self, limit: int = 10) -> list[ActivityState]:
        """Activities not yet ended, soonest first, with their counts."""
        async with self._db.read() as session:
            rows = await session.volunteering.activities.upcoming(self._clock(), limit)
            return [await self._state(session, row.id) for row in rows]

    async def my_signups(self, actor: Actor) -> list[tuple[ActivityRow, str]]:
        """The person's sign-ups to activities not yet ended."""
        person = actor.registered_person()
        async with self._db.read() as session:
            return await session.volunteering.signups.person_signups(person.id, self._clock())

    # --- sign-up and cancellation -----------------------------------------------------------

    async def sign_up(self, actor: Actor, activity_id: int) -> SignupResult:
        """报名: a place if there is one, else the waitlist."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            activity = await self._open_activity(session, activity_id, now)
            _may_join(actor, activity)
            if activity.audience == "unit" and not actor.has(Role.SECRETARY):
                await _in_unit(session, person, activity)
            existing = await session.volunteering.signups.signup(activity.id, person.id)
            if existing is not None and existing.state == "signed":
                raise UserFacingError("vol.already_signed", title=activity.title)
            if existing is not None and existing.state == "waiting":
                raise UserFacingError("vol.already_waiting", title=activity.title)
            signed, waiting, _ = await session.volunteering.signups.counts(activity.id)
            state = "signed" if signed < activity.capacity else "waiting"
            await session.volunteering.signups.put_signup(activity.id, person.id, state, now)
        return SignupResult(activity, state, waiting + 1 if state == "waiting" else 0)

    async def cancel(self, actor: Actor, activity_id: int) -> CancelResult:
        """取消报名: frees the place; the first person waiting gets it and is told."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            activity = await self._open_activity(session, activity_id, now)
            existing = await session.volunteering.signups.signup(activity.id, person.id)
            if existing is None or existing.state == "cancelled":
                raise UserFacingError("vol.not_signed", title=activity.title)
            if await session.volunteering.checkins.checkin_of(activity.id, person.id) is not None:
                raise UserFacingError("vol.cancel_checked_in")
            await session.volunteering.signups.set_signup_state(
                activity.id, person.id, "cancelled", now
            )
            promoted = None
            if existing.state == "signed":
                promoted = await self._promote(session, activity, now)
        return CancelResult(activity, promoted)

    async def _promote(
        self, session: Session, activity: ActivityRow, now: datetime
    ) -> SignupRow | None:
        waiting = await session.volunteering.signups.signups(activity.id, "waiting")
        if not waiting:
            return None
        first = waiting[0]
        await session.volunteering.signups.set_signup_state(
            activity.id, first.person_id, "signed", now
        )
        language = Language(first.language)
        message = OutgoingMessage(
            "vol.promoted",
            language,
            {
                "title": activity.title,
                "when": self.local(activity.starts_at),
                "place": activity.place,
            },
        )
        await queue_push(
            session,
            kind="activity.promoted",
            title=activity.title,
            deliveries=[Delivery(first.tg_user_id, first.person_id, message)],
            dedupe_prefix=f"activity-promoted:{activity.id}:{first.person_id}:{to_db_time(now)}",
            now=now,
        )
        return first

    async def _open_activity(
        self, session: Session, activity_id: int, now: datetime
    ) -> ActivityRow:
        activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or activity.cancelled_at is not None:
            raise UserFacingError("vol.not_found")
        if activity.ends_at <= now:
            raise UserFacingError("vol.ended", title=activity.title)
        return activity

    # --- check-in and check-out ---------------------------------------------------------------

    async def check_in(
        self, actor: Actor, *, activity_id: int | None = None, code: str | None = None
    ) -> CheckinResult:
        """签到 (by words, a chosen activity, or a typed on-site code).

        The hot write of an activity: the whole unit of work runs in one hop
        to the database thread (``Database.run_unit``).
        """
        person = actor.registered_person()
        now = self._clock()
        lead = self._lead()
        grace = self._config.code_grace_seconds

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn)
            fresh = self._fresh(desk, person.id, now, lead, activity_id)
            if code is not None:
                chosen = _by_code(fresh, code, now, grace)
                method = "code"
            elif len(fresh) > 1:
                return CheckinResult(None, None, choices=tuple(o.activity for o in fresh))
            else:
                chosen = fresh[0].activity
                method = "window"
                if chosen.by_location and chosen.by_code:
                    raise UserFacingError("vol.needs_either", title=chosen.title)
                if chosen.by_location:
                    raise UserFacingError("vol.needs_location", title=chosen.title)
                if chosen.by_code:
                    raise UserFacingError("vol.needs_code", title=chosen.title)
            _insert(desk, chosen, person.id, now, method)
            return CheckinResult(chosen, method)

        return await self._db.run_unit(work)

    def _fresh(
        self,
        desk: CheckinDesk,
        person_id: int,
        now: datetime,
        lead: timedelta,
        activity_id: int | None,
    ) -> list[OpenActivity]:
        """Open activities the person may still check in to; explains why if none."""
        opened = desk.open_for(person_id, now, now + lead)
        if activity_id is not None:
            opened = [o for o in opened if o.activity.id == activity_id]
        if not opened:
            following = desk.next_for(person_id, now)
            if following is not None and (activity_id is None or following.id == activity_id):
                raise UserFacingError(
                    "vol.window_not_open",
                    title=following.title,
                    opens=self.local(following.starts_at - lead),
                )
            raise UserFacingError("vol.nothing_open")
        fresh = [o for o in opened if o.checkin_id is None]
        if not fresh:
            done = opened[0]
            key = "vol.already_out" if done.checked_out else "vol.already_in"
            raise UserFacingError(key, title=done.activity.title)
        return fresh

    async def check_in_location(
        self, actor: Actor, lat: float, lon: float, *, forwarded: bool
    ) -> CheckinResult | None:
        """签到 by a location shared in Telegram; None if consent must be asked first.

        Only the distance and the pass/fail are kept; the coordinates are not.
        A forwarded location is someone else's, and is refused.
        """
        person = actor.registered_person()
        if forwarded:
            raise UserFacingError("vol.location_forwarded")
        async with self._db.read() as session:
            if not await session.volunteering.checkins.has_location_consent(person.id):
                return None
        now = self._clock()
        lead = self._lead()

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn)
            opened = self._fresh(desk, person.id, now, lead, None)
            fresh = [
                o.activity
                for o in opened
                if o.activity.by_location and o.activity.latitude is not None
            ]
            if not fresh:
                if opened[0].activity.by_code:
                    # A location does not check in here, and neither does a plain 签到.
                    raise UserFacingError("vol.needs_code", title=opened[0].activity.title)
                raise UserFacingError("vol.location_not_needed")
            measured = sorted(
                (distance_m(lat, lon, a.latitude or 0.0, a.longitude or 0.0), a.id, a)
                for a in fresh
            )
            within = [(d, a) for d, _, a in measured if d <= a.radius_m]
            if not within:
                d, _, a = measured[0]
                raise UserFacingError(
                    "vol.too_far", title=a.title, distance=round(d), radius=a.radius_m
                )
            d, chosen = within[0]
            _insert(desk, chosen, person.id, now, "location", round(d))
            return CheckinResult(chosen, "location", round(d))

        return await self._db.run_unit(work)

    async def give_location_consent(self, actor: Actor) -> None:
        """The person agrees to check in by location (only the distance is kept)."""
        person = actor.registered_person()
        async with self._db.transaction() as session:
            await session.volunteering.checkins.give_location_consent(person.id, self._clock())

    async def check_in_qr(self, actor: Actor, payload: str) -> CheckinResult:
        """签到 through the QR link on the organiser's screen; its token rotates."""
        person = actor.registered_person()
        parsed = parse_qr_payload(payload)
        if parsed is None:
            raise UserFacingError("vol.qr_bad")
        activity_id, minute, token = parsed
        now = self._clock()
        lead = self._lead()
        grace = self._config.code_grace_seconds

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn)
            fresh = self._fresh(desk, person.id, now, lead, activity_id)
            chosen = fresh[0].activity
            if not hmac.compare_digest(token, qr_token(chosen.code_secret, minute)):
                raise UserFacingError("vol.qr_bad")
            if minute not in valid_minutes(now, grace):
                raise UserFacingError("vol.qr_stale")
            _insert(desk, chosen, person.id, now, "qr")
            return CheckinResult(chosen, "qr")

        return await self._db.run_unit(work)

    async def check_out(self, actor: Actor) -> CheckoutResult:
        """签退: closes the person's open check-in and counts its minutes."""
        person = actor.registered_person()
        now = self._clock()
        config = self._config

        def work(conn: sqlite3.Connection) -> CheckoutResult:
            desk = CheckinDesk(conn)
            still = desk.open_checkins(person.id)
            if not still:
                done = desk.last_checkout(person.id, now - RECENT_CHECKOUT)
                if done is not None:
                    # A second 签退: say when the first one was, not "not checked in".
                    title, at, how = done
                    key = "vol.auto_checked_out" if how == "auto" else "vol.already_checked_out"
                    raise UserFacingError(key, title=title, time=self._said_time(at, now))
                raise UserFacingError("vol.not_checked_in")
            item = still[0]
            minutes = counted_minutes(
                item.checkin.checked_in_at,
                now,
                item.starts_at,
                item.ends_at,
                step=config.rounding_minutes,
                rounding=config.rounding,
            )
            desk.check_out(item.checkin.id, now, "self", minutes, "ok")
            return CheckoutResult(item.title, minutes)

        return await self._db.run_unit(work)

    # --- the organiser's tools ------------------------------------------------------------------

    async def managed(self, actor: Actor) -> list[ActivityRow]:
        """Activities the actor runs whose window is open now (secretaries: every one)."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.read() as session:
            rows = await session.volunteering.activities.running(now, now + self._lead())
        return [a for a in rows if manages(actor, person, a)]

    async def code_screen(self, actor: Actor, activity_id: int) -> CodeScreen:
        """The on-site code of this minute and the QR link's payload."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or not manages(actor, person, activity):
            raise UserFacingError("vol.not_organiser")
        if not activity.by_code:
            raise UserFacingError("vol.code_not_used", title=activity.title)
        return _code_screen(activity, now)

    async def next_code(self, activity_id: int) -> CodeScreen | None:
        """The code screen of this minute for a screen kept rotating; None once it ended.

        Only for the screen an organiser opened (access was checked then).
        """
        now = self._clock()
        async with self._db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or activity.cancelled_at is not None or activity.ends_at <= now:
            return None
        return _code_screen(activity, now)

    async def kiosk(self, actor: Actor, activity_id: int) -> tuple[ActivityRow, list[KioskEntry]]:
        """The kiosk screen: everyone signed up, with their check-in if any."""
        person = actor.registered_person()
        async with self._db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            signed = await session.volunteering.signups.signups(activity_id, "signed")
            entries = [
                KioskEntry(
                    s, await session.volunteering.checkins.checkin_of(activity_id, s.person_id)
                )
                for s in signed
            ]
        return activity, entries

    async def kiosk_press(self, actor: Actor, activity_id: int, person_id: int) -> str:
        """The organiser checks a person in (or, pressed again, out): "in" or "out"."""
        organiser = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, organiser, activity):
                raise UserFacingError("vol.not_organiser")
            if not activity.starts_at - self._lead() <= now < activity.ends_at:
                raise UserFacingError(
                    "vol.window_not_open",
                    title=activity.title,
                    opens=self.local(activity.starts_at - self._lead()),
                )
            signup = await session.volunteering.signups.signup(activity_id, person_id)
            if signup is None or signup.state != "signed":
                raise UserFacingError("vol.kiosk_not_signed")
            existing = await session.volunteering.checkins.checkin_of(activity_id, person_id)
            if existing is None:
                await session.volunteering.checkins.check_in(
                    activity_id, person_id, now, "kiosk", recorded_by=organiser.id
                )
                return "in"
            if existing.checked_out_at is not None:
                raise UserFacingError("vol.already_out", title=activity.title)
            minutes = self._count(existing.checked_in_at, now, activity)
            await session.volunteering.checkins.check_out(existing.id, now, "kiosk", minutes, "ok")
            return "out"

    # --- after the activity: auto-close, no-shows, review ---------------------------------------

    async def _close_effect(self, firing: Firing) -> None:
        session = firing.session
        activity = await session.volunteering.activities.activity(
            int(firing.schedule.payload["activity_id"])
        )
        if activity is None or activity.cancelled_at is not None:
            return
        for checkin in await session.volunteering.checkins.still_open(activity.id):
            minutes = self._count(checkin.checked_in_at, activity.ends_at, activity)
            await session.volunteering.checkins.check_out(
                checkin.id, activity.ends_at, "auto", minutes, "flagged"
            )
            await session.volunteering.records.add_change(
                checkin.id,
                at=firing.now,
                by_id=None,
                action="auto_close",
                old_minutes=None,
                new_minutes=minutes,
                reason=None,
            )
        if activity.organiser_id is None:
            return
        organiser = await session.people.by_id(activity.organiser_id)
        if organiser is None:
            return
        no_shows = await session.volunteering.signups.no_shows(activity.id)
        flagged = await session.volunteering.records.flagged([activity.id])
        _, _, checked = await session.volunteering.signups.counts(activity.id)
        language = Language(organiser.language)
        none = translate(language, "vol.none")
        message = OutgoingMessage(
            "vol.after",
            language,
            {
                "title": activity.title,
                "when": self.local(activity.starts_at),
                "checked": checked,
                "no_shows": "、".join(s.display_name for s in no_shows) or none,
                "flagged": len(flagged),
            },
            buttons=((ButtonSpec("vol.button.review", callback_data="wrl"),),) if flagged else (),
        )
        await queue_push(
            session,
            kind="activity.after",
            title=activity.title,
            deliveries=[Delivery(organiser.tg_user_id, organiser.id, message)],
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )

    async def no_shows(self, actor: Actor, activity_id: int) -> list[SignupRow]:
        """Who signed up and did not check in (the organiser's list)."""
        person = actor.registered_person()
        async with self._db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            return await session.volunteering.signups.no_shows(activity_id)

    async def to_review(self, actor: Actor) -> list[ReviewItem]:
        """Flagged check-ins of the activities the actor runs (secretaries: all)."""
        person = actor.registered_person()
        async with self._db.read() as session:
            items = []
            for checkin, name in await session.volunteering.records.flagged():
                activity = await session.volunteering.activities.activity(checkin.activity_id)
                if activity is not None and manages(actor, person, activity):
                    items.append(ReviewItem(checkin, name, activity))
        return items

    async def review(
        self,
        actor: Actor,
        checkin_id: int,
        action: str,
        minutes: int | None = None,
        reason: str | None = None,
    ) -> CheckinRow:
        """Approve, adjust (new minutes, with a reason) or reject a check-in's hours."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            return await self._review(
                session, actor, person, checkin_id, action, minutes, reason, now
            )

    async def _review(
        self,
        session: Session,
        actor: Actor,
        person: PersonRow,
        checkin_id: int,
        action: str,
        minutes: int | None,
        reason: str | None,
        now: datetime,
    ) -> CheckinRow:
        checkin = await session.volunteering.checkins.checkin(checkin_id)
        if checkin is None:
            raise UserFacingError("vol.not_found")
        activity = await session.volunteering.activities.activity(checkin.activity_id)
        if activity is None or not manages(actor, person, activity):
            raise UserFacingError("vol.not_organiser")
        if checkin.checked_out_at is None:
            raise UserFacingError("vol.review_open")
        if action == "approve":
            if checkin.review != "flagged":
                raise UserFacingError("vol.review_done")
            new_minutes, review = checkin.minutes, "approved"
        elif action == "reject":
            if checkin.review == "rejected":
                raise UserFacingError("vol.review_done")
            new_minutes, review = 0, "rejected"
        elif action == "adjust":
            limit = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
            if minutes is None or not 0 <= minutes <= limit:
                raise UserFacingError("vol.adjust_range", most=limit)
            if not reason:
                raise UserFacingError("vol.adjust_reason")
            new_minutes, review = minutes, "adjusted"
        else:
            raise UserFacingError("vol.review_done")
        await session.volunteering.records.set_review(checkin.id, review, new_minutes)
        await session.volunteering.records.add_change(
            checkin.id,
            at=now,
            by_id=person.id,
            action=action,
            old_minutes=checkin.minutes,
            new_minutes=new_minutes,
            reason=reason,
        )
        updated = await session.volunteering.checkins.checkin(checkin.id)
        assert updated is not None  # noqa: S101 - read just above
        return updated

    async def start_adjust(self, actor: Actor, chat_id: int, checkin_id: int) -> ReviewItem:
        """调整: ask the organiser for the minutes and a reason."""
        person = actor.registered_person()
        async with self._db.transaction() as session:
            checkin = await session.volunteering.checkins.checkin(checkin_id)
            activity = (
                await session.volunteering.activities.activity(checkin.activity_id)
                if checkin
                else None
            )
            if checkin is None or activity is None:
                raise UserFacingError("vol.not_found")
            if not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            who = await session.people.by_id(checkin.person_id) if checkin.person_id else None
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ADJUST_FLOW,
                "minutes",
                {"checkin_id": checkin_id},
                self._clock(),
            )
        return ReviewItem(checkin, who.display_name if who else "—", activity)

    async def answer_adjust(self, actor: Actor, chat_id: int, text: str) -> CheckinRow:
        """ "90 忘记签退，实际10:30离开": the minutes, then the reason."""
        person = actor.registered_person()
        match = re.match(
            r"^\s*([0-9]{1,4})\s*(?:分钟|min|minutes)?\s*[,，:：]?\s*(.*)$", text, re.S
        )
        if match is None:
            raise UserFacingError("vol.adjust_usage")
        minutes, reason = int(match[1]), usertext.line(match[2])
        if not reason:
            raise UserFacingError("vol.adjust_reason")
        if len(reason) > MAX_REASON:
            raise UserFacingError("vol.adjust_reason_long", limit=MAX_REASON)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ADJUST_FLOW, "minutes", "vol.new.expired"
            )
            updated = await self._review(
                session,
                actor,
                person,
                int(dialog.data["checkin_id"]),
                "adjust",
                minutes,
                reason,
                now,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return updated

    # --- records -------------------------------------------------------------------------------

    async def hours(self, actor: Actor) -> HoursSummary:
        """/hours: this month, this year, all time, and milestones."""
        person = actor.registered_person()
        local = self._clock().astimezone(self.tz)
        month_start, _ = month_bounds(local.date(), self.tz)
        year_start = datetime.combine(date(local.year, 1, 1), time(0), tzinfo=self.tz)
        async with self._db.read() as session:
            repo = session.volunteering.records
            month = await repo.person_minutes(person.id, month_start)
            year = await repo.person_minutes(person.id, year_start.astimezone(UTC))
            total = await repo.person_minutes(person.id, None)
        milestones = sorted(self._config.milestones_hours)
        reached = [m for m in milestones if total >= m * 60]
        ahead = [m for m in milestones if total < m * 60]
        return HoursSummary(
            month, year, total, reached[-1] if reached else None, ahead[0] if ahead else None
        )

    async def monthly_report(self, actor: Actor, month: date | None = None) -> MonthlyReport:
        """A month's counted minutes per volunteer and per unit (secretaries)."""
        actor.member(Role.SECRETARY)
        month = month or self._clock().astimezone(self.tz).date()
        async with self._db.read() as session:
            return await self._report(session, month)

    async def _report(self, session: Session, month: date) -> MonthlyReport:
        since, until = month_bounds(month, self.tz)
        return MonthlyReport(
            month.replace(day=1),
            await session.volunteering.records.minutes_by_person(since, until),
            await session.volunteering.records.minutes_by_unit(since, until),
        )

    async def _monthly_effect(self, firing: Firing) -> None:
        local = firing.due_at.astimezone(self.tz).date()
        if local.day != 1:
            return
        last_month = (local - timedelta(days=1)).replace(day=1)
        session = firing.session
        report = await self._report(session, last_month)
        secretaries = await secretaries_to_tell(session, self._settings.community)
        deliveries = []
        for person in secretaries:
            language = Language(person.language)
            deliveries.append(
                Delivery(person.tg_user_id, person.id, summary_message(report, language))
            )
        if deliveries:
            await queue_push(
                session,
                kind="volunteer.monthly",
                title=f"{last_month:%Y-%m}",
                deliveries=deliveries,
                dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
                now=firing.now,
            )

    # --- reminders --------------------------------------------------------------------------

    async def _describe_schedule(self, session: Session, schedule: ScheduleRow) -> dict[str, Any]:
        """An activity's schedules are named by its title."""
        activity_id = int(schedule.payload["activity_id"])
        activity = await session.volunteering.activities.activity(activity_id)
        return {"title": activity.title if activity is not None else f"#{activity_id}"}

    async def _reminder_effect(self, firing: Firing) -> None:
        session = firing.session
        activity = await session.volunteering.activities.activity(
            int(firing.schedule.payload["activity_id"])
        )
        if activity is None or activity.cancelled_at is not None:
            return
        signed = await session.volunteering.signups.signups(activity.id, "signed")
        if not signed:
            return
        deliveries = [
            Delivery(
                s.tg_user_id,
                s.person_id,
                OutgoingMessage(
                    "vol.reminder",
                    Language(s.language),
                    {
                        "title": activity.title,
                        "when": self.local(activity.starts_at),
                        "place": activity.place,
                        "opens": self.local(activity.starts_at - self._lead()),
                        "methods": methods_text(activity, Language(s.language)),
                    },
                ),
            )
            for s in signed
        ]
        await queue_push(
            session,
            kind="activity.reminder",
            title=activity.title,
            deliveries=deliveries,
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )

    # --- units and the duty rota ---------------------------------------------------------------

    async def add_unit(self, actor: Actor, name: str) -> UnitRow:
        """Register a local organisation for the duty rota."""
        actor.member(Role.SECRETARY)
        name = usertext.line(name)
        if not 1 <= len(name) <= MAX_UNIT_NAME:
            raise UserFacingError("vol.unit_name_bad", limit=MAX_UNIT_NAME)
        async with self._db.transaction() as session:
            try:
                unit_id = await session.volunteering.rota.add_unit(name, None, self._clock())
            except sqlite3.IntegrityError:
                raise UserFacingError("vol.unit_exists", name=name) from None
            unit = await session.volunteering.rota.unit(unit_id)
        assert unit is not None  # noqa: S101 - created just above
        return unit

    async def set_contact(self, actor: Actor, unit_id: int, person_id: int) -> UnitRow:
        """Name a unit's contact person (reminded of the unit's duties)."""
        actor.member(Role.SECRETARY)
        async with self._db.transaction() as session:
            unit = await session.volunteering.rota.unit(unit_id)
            if unit is None or await session.people.by_id(person_id) is None:
                raise UserFacingError("vol.not_found")
            await session.volunteering.rota.set_unit_contact(unit_id, person_id)
            updated = await session.volunteering.rota.unit(unit_id)
        assert updated is not None  # noqa: S101
        return updated

    async def teams(self, actor: Actor) -> tuple[list[UnitRow], int | None]:
        """The units a volunteer can join, and the one they belong to."""
        person = actor.member(Role.VOLUNTEER)
        async with self._db.read() as session:
            return await session.volunteering.rota.units(), await session.volunteering.rota.unit_of(
                person.id
            )

    async def join_unit(self, actor: Actor, unit_id: int) -> UnitRow:
        """The volunteer joins a unit (a team), leaving any other."""
        person = actor.member(Role.VOLUNTEER)
        async with self._db.transaction() as session:
            unit = await session.volunteering.rota.unit(unit_id)
            if unit is None:
                raise UserFacingError("vol.not_found")
            await session.volunteering.rota.set_member(person.id, unit_id, self._clock())
        return unit

    async def rota(self) -> tuple[list[UnitRow], list[DutyRow]]:
        """The units in rotation order and the planned duty days."""
        today = self._clock().astimezone(self.tz).date().isoformat()
        async with self._db.read() as session:
            units = await session.volunteering.rota.units()
            duties = await session.volunteering.rota.duties_from(today)
        return rotation(units), duties

    def next_duty_day(self, after: date) -> date:
        """The first duty weekday on or after ``after``."""
        ahead = (self._config.duty_weekday_number - after.weekday()) % 7
        return after + timedelta(days=ahead)

    async def plan_duty(self) -> DutyRow | None:
        """Plan the next duty now (what the weekly schedule does); None without units."""
        now = self._clock()
        armed: list[tuple[int, datetime]] = []
        async with self._db.transaction() as session:
            duty = await self._plan(session, now, armed)
        for schedule_id, due in armed:
            self._scheduler.arm(schedule_id, due)
        return duty

    async def _duty_effect(self, firing: Firing) -> None:
        armed: list[tuple[int, datetime]] = []
        await self._plan(firing.session, firing.now, armed)
        # Alarms of schedules created inside a firing: armed after its commit by
        # the scheduler's catch-up is not guaranteed, so arm them at once (an
        # alarm for a rolled-back schedule only finds nothing to do).
        for schedule_id, due in armed:
            self._scheduler.arm(schedule_id, due)

    async def _plan(
        self, session: Session, now: datetime, armed: list[tuple[int, datetime]]
    ) -> DutyRow | None:
        """Put the next unit in rotation on the coming duty day, create its activity, remind."""
        local_today = now.astimezone(self.tz).date()
        day = self.next_duty_day(local_today)
        existing = [d for d in await session.volunteering.rota.duties_from(day.isoformat())]
        if any(d.day == day.isoformat() for d in existing):
            return next(d for d in existing if d.day == day.isoformat())
        units = rotation(await session.volunteering.rota.units())
        chosen: UnitRow | None = None
        for unit in units:
            if unit.skip_next:
                await session.volunteering.rota.set_skip(unit.id, False)
                continue
            chosen = unit
            break
        if chosen is None:
            chosen = units[0] if units else None
        if chosen is None:
            return None
        duty_id = await session.volunteering.rota.add_duty(day.isoformat(), chosen.id, now)
        await session.volunteering.rota.set_last_duty(chosen.id, day.isoformat())
        config = self._config
        start = datetime.combine(day, config.duty_start, tzinfo=self.tz).astimezone(UTC)
        end = datetime.combine(day, config.duty_end, tzinfo=self.tz).astimezone(UTC)
        activity = await self._create_activity(
            session,
            armed,
            series_id=None,
            title=translate(self.language, "vol.duty_title", unit=chosen.name)[:MAX_TITLE],
            description="",
            place=config.duty_place,
            latitude=None,
            longitude=None,
            radius_m=200,
            starts_at=start,
            ends_at=end,
            capacity=config.duty_capacity,
            by_location=False,
            by_code=False,
            audience="unit",
            unit_id=chosen.id,
            organiser_id=chosen.contact_id,
            now=now,
        )
        await session.volunteering.rota.set_duty_activity(duty_id, activity.id)
        await self._remind_contact(session, chosen, day, duty_id, now)
        return await session.volunteering.rota.duty(duty_id)

    async def _remind_contact(
        self, session: Session, unit: UnitRow, day: date, duty_id: int, now: datetime
    ) -> None:
        if unit.contact_id is None:
            return
        contact = await session.people.by_id(unit.contact_id)
        if contact is None:
            return
        language = Language(contact.language)
        message = OutgoingMessage(
            "vol.duty_reminder",
            language,
            {"unit": unit.name, "day": day.isoformat(), "place": self._config.duty_place},
            buttons=((ButtonSpec("vol.button.swap", callback_data=f"wsm:{duty_id}"),),),
        )
        await queue_push(
            session,
            kind="volunteer.duty",
            title=unit.name,
            deliveries=[Delivery(contact.tg_user_id, contact.id, message)],
            dedupe_prefix=f"duty:{duty_id}:{unit.id}",
            now=now,
        )

    async def my_duty(self, actor: Actor) -> DutyScreen:
        """/duty for a unit's contact: their unit, its next planned duty, the other units."""
        person = actor.registered_person()
        today = self._clock().astimezone(self.tz).date().isoformat()
        async with self._db.read() as session:
            units = await session.volunteering.rota.units()
            mine = [u for u in units if u.contact_id == person.id]
            if not mine:
                raise UserFacingError("vol.not_contact")
            unit = mine[0]
            duties = [
                d
                for d in await session.volunteering.rota.duties_from(today)
                if d.unit_id == unit.id
            ]
        others = [u for u in rotation(units) if u.id != unit.id]
        return DutyScreen(unit, duties[0] if duties else None, others)

    async def toggle_skip(self, actor: Actor) -> UnitRow:
        """The contact asks (or stops asking) for the unit to skip its next turn."""
        screen = await self.my_duty(actor)
        async with self._db.transaction() as session:
            await session.volunteering.rota.set_skip(screen.unit.id, not screen.unit.skip_next)
            unit = await session.volunteering.rota.unit(screen.unit.id)
        assert unit is not None  # noqa: S101
        return unit

    async def ask_swap(self, actor: Actor, duty_id: int, unit_id: int) -> UnitRow:
        """Ask another unit to take this planned duty; its contact gets 同意 / 不同意."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            duty = await session.volunteering.rota.duty(duty_id)
            own = await session.volunteering.rota.unit(duty.unit_id) if duty else None
            other = await session.volunteering.rota.unit(unit_id)
            if duty is None or own is None or other is None or other.id == own.id:
                raise UserFacingError("vol.not_found")
            if own.contact_id != person.id:
                raise UserFacingError("vol.not_contact")
            if other.contact_id is None:
                raise UserFacingError("vol.swap_no_contact", unit=other.name)
            contact = await session.people.by_id(other.contact_id)
            if contact is None:
                raise UserFacingError("vol.swap_no_contact", unit=other.name)
            swap_id = await session.volunteering.rota.ask_swap(duty.id, other.id, person.id, now)
            language = Language(contact.language)
            message = OutgoingMessage(
                "vol.swap_asked",
                language,
                {"unit": own.name, "day": duty.day, "other": other.name},
                buttons=(
                    (
                        ButtonSpec("vol.button.agree", callback_data=f"wsa:{swap_id}:True"),
                        ButtonSpec("vol.button.decline", callback_data=f"wsa:{swap_id}:False"),
                    ),
                ),
            )
            await queue_push(
                session,
                kind="volunteer.swap",
                title=own.name,
                deliveries=[Delivery(contact.tg_user_id, contact.id, message)],
                dedupe_prefix=f"swap:{swap_id}",
                now=now,
            )
        return other

    async def answer_swap(self, actor: Actor, swap_id: int, accept: bool) -> DutyRow:
        """The other unit's contact agrees (the units exchange places) or declines."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            swap = await session.volunteering.rota.swap(swap_id)
            if swap is None:
                raise UserFacingError("vol.not_found")
            duty_id, other_id, _state = swap
            duty = await session.volunteering.rota.duty(duty_id)
            other = await session.volunteering.rota.unit(other_id)
            own = await session.volunteering.rota.unit(duty.unit_id) if duty else None
            if duty is None or other is None or own is None:
                raise UserFacingError("vol.not_found")
            if other.contact_id != person.id:
                raise UserFacingError("vol.not_contact")
            if not await session.volunteering.rota.decide_swap(
                swap_id, "accepted" if accept else "declined", now
            ):
                raise UserFacingError("vol.swap_decided")
            if accept:
                await session.volunteering.rota.set_duty_unit(duty.id, other.id)
                # The two units exchange places in the rotation, so the swap is fair.
                await session.volunteering.rota.set_last_duty(other.id, duty.day)
                await session.volunteering.rota.set_last_duty(own.id, other.last_duty_on or "")
                if duty.activity_id is not None:
                    await session.volunteering.rota.move_activity_to_unit(
                        duty.activity_id,
                        other.id,
                        other.contact_id,
                        translate(self.language, "vol.duty_title", unit=other.name)[:MAX_TITLE],
                    )
            if own.contact_id is not None:
                asker = await session.people.by_id(own.contact_id)
                if asker is not None:
                    message = OutgoingMessage(
                        "vol.swap_accepted" if accept else "vol.swap_declined",
                        Language(asker.language),
                        {"other": other.name, "day": duty.day},
                    )
                    await queue_push(
                        session,
                        kind="volunteer.swap",
                        title=own.name,
                        deliveries=[Delivery(asker.tg_user_id, asker.id, message)],
                        dedupe_prefix=f"swap-answer:{swap_id}",
                        now=now,
                    )
            updated = await session.volunteering.rota.duty(duty.id)
        assert updated is not None  # noqa: S101
        return updated


# --- helpers ---------------------------------------------------------------------------------


def _code_screen(activity: ActivityRow, now: datetime) -> CodeScreen:
    minute = minute_index(now)
    return CodeScreen(
        activity,
        rotating_code(activity.code_secret, minute),
        datetime.fromtimestamp((minute + 1) * 60, UTC),
        qr_payload(activity.id, activity.code_secret, minute),
    )


def _insert(
    desk: CheckinDesk,
    activity: ActivityRow,
    person_id: int,
    now: datetime,
    method: str,
    distance: int | None = None,
) -> None:
    try:
        desk.check_in(activity.id, person_id, now, method, distance)
    except sqlite3.IntegrityError:
        # Two 签到 at once: the schema keeps one; the second is told so.
        raise UserFacingError("vol.already_in", title=activity.title) from None


def _by_code(fresh: list[OpenActivity], code: str, now: datetime, grace: int) -> ActivityRow:
    """The activity whose current code is ``code``; explains a stale or wrong code."""
    current = valid_minutes(now, grace)
    candidates = [o.activity for o in fresh if o.activity.by_code]
    for activity in candidates:
        if any(rotating_code(activity.code_secret, m) == code for m in current):
            return activity
    latest = minute_index(now)
    for activity in candidates:
        for minute in range(latest - 1, latest - STALE_CODE_MINUTES, -1):
            if rotating_code(activity.code_secret, minute) == code:
                raise UserFacingError("vol.code_stale")
    raise UserFacingError("vol.code_wrong")


def _may_join(actor: Actor, activity: ActivityRow) -> None:
    role = Role.PARTY_MEMBER if activity.audience == "party_members" else Role.VOLUNTEER
    if not actor.has(role):
        raise UserFacingError(
            "vol.audience_only", role=translate(actor.language, f"role.{role.value}")
        )


async def _in_unit(session: Session, person: PersonRow, activity: ActivityRow) -> None:
    """A unit's activity (its duty) is for the unit's members and its contact."""
    unit = await session.volunteering.rota.unit(activity.unit_id) if activity.unit_id else None
    if unit is None:
        return
    if (
        unit.contact_id == person.id
        or await session.volunteering.rota.unit_of(person.id) == unit.id
    ):
        return
    raise UserFacingError("vol.unit_only", unit=unit.name)


def summary_message(report: MonthlyReport, language: Language) -> OutgoingMessage:
    """The monthly summary for secretaries, with a bar chart of the top volunteers."""
    top = report.people[:10]
    lines = "\n".join(
        translate(language, "vol.report_line", name=row.name, hours=hours_text(row.minutes))
        for row in top
    )
    return OutgoingMessage(
        "vol.summary",
        language,
        {
            "month": f"{report.month:%Y-%m}",
            "people": len(report.people),
            "hours": hours_text(report.total_minutes),
            "lines": lines or translate(language, "vol.none"),
        },
        chart={
            "title": translate(language, "vol.chart_title", month=f"{report.month:%Y-%m}"),
            "bars": [[row.name, row.minutes] for row in top],
        }
        if top
        else None,
    )
