"""Units and the weekly duty rota (周五我值日) of volunteer service (志愿者打卡).

Registered units take turns fairly (round robin by the longest since their
last duty); a unit may ask to skip its next turn, or hand a planned duty to
another unit that agrees (the two exchange places in the rotation). The duty
becomes an activity its people check in to, and the unit's contact is
reminded. The built-in ``volunteer.duty`` schedule that plans it is
registered here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot import spoken, usertext
from bot.community.register import Actor, Role
from bot.config import Language
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.volunteering.activities import create_activity
from bot.volunteering.context import VolunteerContext
from bot.volunteering.rules import MAX_TITLE, MAX_UNIT_NAME, rotation
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.rows import DutyRow, UnitRow

DUTY_KIND = "volunteer.duty"
DUTY_SCHEDULE_KEY = "builtin:volunteer_duty"


@dataclass(frozen=True)
class DutyScreen:
    """What a unit's contact sees: their unit, its next duty, the other units."""

    unit: UnitRow
    duty: DutyRow | None
    others: list[UnitRow]


class RotaService:
    """Units, their members and contacts; planning duties, skips and swaps."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(DUTY_KIND, self._duty_effect)
        ctx.scheduler.add_builtin(DUTY_SCHEDULE_KEY, DUTY_KIND, self.duty_rule())

    def duty_rule(self) -> dict[str, Any]:
        """Weekly, ``duty_plan_days_before`` days before the duty weekday, at 09:00."""
        weekday = (
            self._ctx.config.duty_weekday_number - self._ctx.config.duty_plan_days_before
        ) % 7
        first = date(2026, 1, 5)  # a Monday
        start = datetime.combine(first + timedelta(days=weekday), time(9, 0), tzinfo=self._ctx.tz)
        return {"type": "every", "seconds": 7 * 86400, "start": to_db_time(start)}

    async def add_unit(self, actor: Actor, name: str) -> UnitRow:
        """Register a local organisation for the duty rota."""
        actor.member(Role.SECRETARY)
        name = usertext.line(name)
        if not 1 <= len(name) <= MAX_UNIT_NAME:
            raise UserFacingError("vol.unit_name_bad", limit=MAX_UNIT_NAME)
        async with self._ctx.db.transaction() as session:
            try:
                unit_id = await session.volunteering.rota.add_unit(name, None, self._ctx.clock())
            except sqlite3.IntegrityError:
                raise UserFacingError("vol.unit_exists", name=name) from None
            unit = await session.volunteering.rota.unit(unit_id)
        assert unit is not None  # noqa: S101 - created just above
        return unit

    async def set_contact(self, actor: Actor, unit_id: int, person_id: int) -> UnitRow:
        """Name a unit's contact person (reminded of the unit's duties)."""
        actor.member(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
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
        async with self._ctx.db.read() as session:
            return await session.volunteering.rota.units(), await session.volunteering.rota.unit_of(
                person.id
            )

    async def join_unit(self, actor: Actor, unit_id: int) -> UnitRow:
        """The volunteer joins a unit (a team), leaving any other."""
        person = actor.member(Role.VOLUNTEER)
        async with self._ctx.db.transaction() as session:
            unit = await session.volunteering.rota.unit(unit_id)
            if unit is None:
                raise UserFacingError("vol.not_found")
            await session.volunteering.rota.set_member(person.id, unit_id, self._ctx.clock())
        return unit

    async def rota(self) -> tuple[list[UnitRow], list[DutyRow]]:
        """The units in rotation order and the planned duty days."""
        today = self._ctx.clock().astimezone(self._ctx.tz).date().isoformat()
        async with self._ctx.db.read() as session:
            units = await session.volunteering.rota.units()
            duties = await session.volunteering.rota.duties_from(today)
        return rotation(units), duties

    def next_duty_day(self, after: date) -> date:
        """The first duty weekday on or after ``after``."""
        ahead = (self._ctx.config.duty_weekday_number - after.weekday()) % 7
        return after + timedelta(days=ahead)

    async def plan_duty(self) -> DutyRow | None:
        """Plan the next duty now (what the weekly schedule does); None without units."""
        now = self._ctx.clock()
        armed: list[tuple[int, datetime]] = []
        async with self._ctx.db.transaction() as session:
            duty = await self._plan(session, now, armed)
        for schedule_id, due in armed:
            self._ctx.scheduler.arm(schedule_id, due)
        return duty

    async def _duty_effect(self, firing: Firing) -> None:
        armed: list[tuple[int, datetime]] = []
        await self._plan(firing.session, firing.now, armed)
        # Alarms of schedules created inside a firing: armed after its commit by
        # the scheduler's catch-up is not guaranteed, so arm them at once (an
        # alarm for a rolled-back schedule only finds nothing to do).
        for schedule_id, due in armed:
            self._ctx.scheduler.arm(schedule_id, due)

    async def _plan(
        self, session: Session, now: datetime, armed: list[tuple[int, datetime]]
    ) -> DutyRow | None:
        """Put the next unit in rotation on the coming duty day, create its activity, remind."""
        local_today = now.astimezone(self._ctx.tz).date()
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
        config = self._ctx.config
        start = datetime.combine(day, config.duty_start, tzinfo=self._ctx.tz).astimezone(UTC)
        end = datetime.combine(day, config.duty_end, tzinfo=self._ctx.tz).astimezone(UTC)
        activity = await create_activity(
            self._ctx,
            session,
            armed,
            series_id=None,
            title=translate(self._ctx.language, "vol.duty_title", unit=chosen.name)[:MAX_TITLE],
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
            {
                "unit": unit.name,
                "day": spoken.day(language, day),
                "place": self._ctx.config.duty_place,
            },
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
        today = self._ctx.clock().astimezone(self._ctx.tz).date().isoformat()
        async with self._ctx.db.read() as session:
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
        async with self._ctx.db.transaction() as session:
            await session.volunteering.rota.set_skip(screen.unit.id, not screen.unit.skip_next)
            unit = await session.volunteering.rota.unit(screen.unit.id)
        assert unit is not None  # noqa: S101
        return unit

    async def ask_swap(self, actor: Actor, duty_id: int, unit_id: int) -> UnitRow:
        """Ask another unit to take this planned duty; its contact gets 同意 / 不同意."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
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
                {
                    "unit": own.name,
                    "day": spoken.stored_day(language, duty.day),
                    "other": other.name,
                },
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
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
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
                        translate(self._ctx.language, "vol.duty_title", unit=other.name)[
                            :MAX_TITLE
                        ],
                    )
            if own.contact_id is not None:
                asker = await session.people.by_id(own.contact_id)
                if asker is not None:
                    message = OutgoingMessage(
                        "vol.swap_accepted" if accept else "vol.swap_declined",
                        Language(asker.language),
                        {
                            "other": other.name,
                            "day": spoken.stored_day(Language(asker.language), duty.day),
                        },
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
