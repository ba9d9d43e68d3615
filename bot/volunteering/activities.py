"""Creating a volunteer activity (志愿者打卡), its card in the volunteers' group, the lists.

A secretary creates an activity in a guided private conversation (title,
description, place with an optional venue location and radius, start and
end, capacity) and then one screen of buttons (check-in methods, who may
sign up, recurrence); each occurrence's card goes to the volunteers' group
with 报名 / 取消报名 buttons and live counts. Each occurrence gets its
reminder schedules (bot/volunteering/reminders.py) and its closing schedule
(bot/volunteering/review.py).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import parsing, usertext
from bot.community.register import Actor, ChatKind, Role
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.volunteering.cards import ActivityState, activity_card
from bot.volunteering.context import VolunteerContext
from bot.volunteering.drafts import ActivityDraft, next_audience
from bot.volunteering.reminders import REMINDER_KIND
from bot.volunteering.review import CLOSE_KIND
from bot.volunteering.rules import (
    MAX_DESCRIPTION,
    MAX_PLACE,
    MAX_TITLE,
    RADIUS_PRESETS,
    RECURRENCES,
    add_months,
    next_value,
    parse_dates,
    parse_when,
)
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.rows import ActivityRow

NEW_FLOW = "new_activity"


class ActivityService:
    """The guided creation of an activity, its card and the list of activities."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx

    async def start_new(self, actor: Actor, chat_id: int) -> ActivityDraft:
        """Begin the guided conversation of a new activity."""
        actor.member(Role.SECRETARY)
        draft = ActivityDraft()
        async with self._ctx.db.transaction() as session:
            await self._save(session, actor, chat_id, draft)
        return draft

    async def draft(self, actor: Actor, chat_id: int) -> ActivityDraft:
        """The draft as it stands."""
        async with self._ctx.db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
        if dialog is None or dialog.flow != NEW_FLOW:
            raise UserFacingError("vol.new.expired")
        return ActivityDraft.from_data(dialog.step, dialog.data)

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> ActivityDraft:
        """A typed answer at ``step``; the draft moves to its next step."""
        actor.member(Role.SECRETARY)
        words = usertext.line(text)
        async with self._ctx.db.transaction() as session:
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
                today = self._ctx.clock().astimezone(self._ctx.tz).date()
                start, end = parse_when(words, today, self._ctx.tz)
                if end <= self._ctx.clock():
                    raise UserFacingError("vol.new.when_past")
                draft = replace(draft, starts_at=start, ends_at=end, step="capacity")
            elif step == "capacity":
                capacity = parsing.number(words, low=1, high=10_000)
                if capacity is None:
                    raise UserFacingError("vol.new.capacity_bad")
                draft = replace(draft, capacity=capacity, step="settings")
            elif step == "dates":
                today = self._ctx.clock().astimezone(self._ctx.tz).date()
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
        async with self._ctx.db.transaction() as session:
            draft = await self._load(session, actor, chat_id, step)
            draft = replace(draft, step=following[step])
            await self._save(session, actor, chat_id, draft)
        return draft

    async def venue(self, actor: Actor, chat_id: int, lat: float, lon: float) -> ActivityDraft:
        """The venue's location, shared by the organiser at the location step."""
        actor.member(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            draft = await self._load(session, actor, chat_id, "location")
            draft = replace(draft, latitude=lat, longitude=lon, by_location=True, step="when")
            await self._save(session, actor, chat_id, draft)
        return draft

    async def change(self, actor: Actor, chat_id: int, field: str) -> ActivityDraft:
        """A press on the settings screen: the setting moves to its next value."""
        actor.member(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
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
        async with self._ctx.db.read() as session:
            unit = await session.volunteering.rota.unit(unit_id)
        return unit.name if unit else None

    async def publish(self, actor: Actor, chat_id: int) -> list[ActivityRow]:
        """Create the activity (every occurrence), post the cards, schedule the reminders."""
        person = actor.member(Role.SECRETARY)
        now = self._ctx.clock()
        armed: list[tuple[int, datetime]] = []
        async with self._ctx.db.transaction() as session:
            draft = await self._load(session, actor, chat_id, "settings")
            assert draft.starts_at is not None and draft.ends_at is not None  # noqa: S101
            created: list[ActivityRow] = []
            series_id: int | None = None
            for start, end in self._occurrences(draft):
                if end <= now:
                    continue
                activity = await create_activity(
                    self._ctx,
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
            self._ctx.scheduler.arm(schedule_id, due)
        return created

    def _occurrences(self, draft: ActivityDraft) -> list[tuple[datetime, datetime]]:
        assert draft.starts_at is not None and draft.ends_at is not None  # noqa: S101
        start, end = (
            draft.starts_at.astimezone(self._ctx.tz),
            draft.ends_at.astimezone(self._ctx.tz),
        )
        length = end - start
        if draft.recurrence == "weekly":
            starts = [start + timedelta(weeks=i) for i in range(self._ctx.config.series_count)]
        elif draft.recurrence == "monthly":
            starts = [
                datetime.combine(add_months(start.date(), i), start.timetz())
                for i in range(self._ctx.config.series_count)
            ]
        elif draft.recurrence == "dates":
            days = sorted({start.date(), *draft.dates})
            starts = [datetime.combine(day, start.timetz()) for day in days]
        else:
            starts = [start]
        return [(s.astimezone(UTC), (s + length).astimezone(UTC)) for s in starts]

    async def _load(self, session: Session, actor: Actor, chat_id: int, step: str) -> ActivityDraft:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, NEW_FLOW, step, "vol.new.expired"
        )
        return ActivityDraft.from_data(dialog.step, dialog.data)

    async def _save(
        self, session: Session, actor: Actor, chat_id: int, draft: ActivityDraft
    ) -> None:
        await session.dialogs.put(
            chat_id, actor.tg_user_id, NEW_FLOW, draft.step, draft.to_data(), self._ctx.clock()
        )

    # --- cards and lists ----------------------------------------------------------------------

    async def state(self, activity_id: int) -> ActivityState:
        """The activity with its live counts."""
        async with self._ctx.db.read() as session:
            return await self._state(session, activity_id)

    async def _state(self, session: Session, activity_id: int) -> ActivityState:
        activity = await session.volunteering.activities.activity(activity_id)
        if activity is None:
            raise UserFacingError("vol.not_found")
        signed, waiting, checked = await session.volunteering.signups.counts(activity_id)
        return ActivityState(activity, signed, waiting, checked)

    async def card(self, activity_id: int) -> tuple[OutgoingMessage, list[tuple[int, int]]]:
        """The activity's card as it should look now, and where its copies stand."""
        async with self._ctx.db.read() as session:
            state = await self._state(session, activity_id)
            unit_id = state.activity.unit_id
            unit = await session.volunteering.rota.unit(unit_id) if unit_id else None
            places = (
                await session.outbox.sent_messages(state.activity.card_push_id)
                if state.activity.card_push_id
                else []
            )
        message = activity_card(
            state, self._ctx.language, self._ctx.tz, unit.name if unit else None, self._ctx.today()
        )
        return message, places

    async def upcoming(self, limit: int = 10) -> list[ActivityState]:
        """Activities not yet ended, soonest first, with their counts."""
        async with self._ctx.db.read() as session:
            rows = await session.volunteering.activities.upcoming(self._ctx.clock(), limit)
            return [await self._state(session, row.id) for row in rows]


async def create_activity(
    ctx: VolunteerContext,
    session: Session,
    armed: list[tuple[int, datetime]],
    **fields: Any,
) -> ActivityRow:
    """Add one occurrence with its reminder and closing schedules, and post its card."""
    now: datetime = fields["now"]
    activity_id = await session.volunteering.activities.create_activity(
        code_secret=secrets.token_hex(16), **fields
    )
    activity = await session.volunteering.activities.activity(activity_id)
    assert activity is not None  # noqa: S101 - created just above
    for minutes in sorted(set(ctx.config.reminders_minutes), reverse=True):
        at = activity.starts_at - timedelta(minutes=minutes)
        if at <= now:
            continue
        schedule_id, due = await ctx.scheduler.create_in(
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
    close_at = activity.ends_at + timedelta(minutes=ctx.config.checkout_grace_minutes)
    schedule_id, due = await ctx.scheduler.create_in(
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
    await post_card(ctx, session, activity, now)
    return activity


async def post_card(
    ctx: VolunteerContext, session: Session, activity: ActivityRow, now: datetime
) -> None:
    """Post the new activity's card to the volunteers' groups (none bound: nothing)."""
    chats = [c.chat_id for c in await session.chats.posting(ChatKind.VOLUNTEERS.value)]
    if not chats:
        return
    unit = await session.volunteering.rota.unit(activity.unit_id) if activity.unit_id else None
    message = activity_card(
        ActivityState(activity, 0, 0, 0),
        ctx.language,
        ctx.tz,
        unit.name if unit else None,
        ctx.today(),
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
