"""Overdue reminders: the daily check of in-progress matters and referrals past due.

Every day at the configured time, owners and secretaries are reminded of
what is past its due date, once a day per item. The check's schedule effect
and built-in schedule are registered here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.community.register import secretaries_to_tell
from bot.config import Language
from bot.deliberation.carrying.context import CarryingContext
from bot.deliberation.carrying.rules import (
    OVERDUE_KIND,
    OVERDUE_SCHEDULE_KEY,
    progress_buttons,
)
from bot.i18n import parse_language, translate
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, daily_rule
from storage.deliberation.carrying import OverdueMatterRow, ReferralRow
from storage.session import Session
from storage.times import to_db_time


class OverdueReminders:
    """The daily overdue check (a built-in schedule)."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(OVERDUE_KIND, self._overdue_check)
        ctx.scheduler.add_builtin(OVERDUE_SCHEDULE_KEY, OVERDUE_KIND, self.overdue_rule())

    def overdue_rule(self) -> dict[str, Any]:
        """Every day at the configured local time (counted from a fixed day, so it is stable)."""
        return daily_rule(self._ctx.settings.deliberation.overdue_check_time, self._ctx.tz)

    async def _overdue_check(self, firing: Firing) -> None:
        """The daily check: remind of what is past its due date, once a day per item."""
        await self.remind_overdue(firing.session, firing.now)

    async def remind_overdue(self, session: Session, now: datetime) -> int:
        """Queue reminders for overdue matters and referrals not yet reminded today.

        Runs inside the caller's unit of work (the firing's); returns how many
        items were reminded of.
        """
        today = now.astimezone(self._ctx.tz).date()
        matters, referrals = await self._due_today(session, now, today)
        if not matters and not referrals:
            return 0
        # What people call each matter (#12 of this community), by id.
        numbers = await session.matters.numbers(
            [m.id for m in matters] + [r.matter_id for r in referrals]
        )
        for matter in matters:
            await session.carrying.mark_overdue_reminded(matter.id, now)
            await self._remind_owner(session, matter, numbers.get(matter.id, 0), today, now)
        for referral in referrals:
            await session.carrying.mark_referral_reminded(referral.id, now)
        await self._remind_secretaries(session, matters, referrals, numbers, now)
        return len(matters) + len(referrals)

    async def _due_today(
        self, session: Session, now: datetime, today: date
    ) -> tuple[list[OverdueMatterRow], list[ReferralRow]]:
        """The overdue matters and referrals not yet reminded of today."""

        def due_again(reminded: datetime | None) -> bool:
            return reminded is None or reminded.astimezone(self._ctx.tz).date() < today

        matters = [
            m
            for m in await session.carrying.overdue_matters(now)
            if due_again(m.overdue_reminded_at)
        ]
        referrals = [
            r for r in await session.carrying.overdue_referrals(now) if due_again(r.reminded_at)
        ]
        return matters, referrals

    async def _remind_owner(
        self, session: Session, matter: OverdueMatterRow, number: int, today: date, now: datetime
    ) -> None:
        """A resident owner is reminded privately of their overdue matter."""
        if matter.owner_person_id is None:
            return
        owner = await session.people.by_id(matter.owner_person_id)
        if owner is None or not owner.reachable:
            return
        await queue_push(
            session,
            kind="matter.overdue",
            title=matter.title,
            deliveries=[
                Delivery(
                    owner.tg_user_id,
                    owner.id,
                    OutgoingMessage(
                        "carry.overdue_owner",
                        parse_language(owner.language),
                        {
                            "number": number,
                            "title": matter.title,
                            "due": self._ctx.spoken_day(
                                matter.due_at, parse_language(owner.language)
                            ),
                        },
                        buttons=progress_buttons(matter.id),
                    ),
                )
            ],
            dedupe_prefix=f"overdue:{matter.id}:{today.isoformat()}",
            now=now,
        )

    async def _remind_secretaries(
        self,
        session: Session,
        matters: list[OverdueMatterRow],
        referrals: list[ReferralRow],
        numbers: dict[int, int],
        now: datetime,
    ) -> None:
        """Every secretary gets one list of the overdue matters and referrals."""
        deliveries = []
        for person in await secretaries_to_tell(session, self._ctx.settings.community):
            language = parse_language(person.language)
            lines = self._lines(language, matters, referrals, numbers)
            deliveries.append(
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.overdue_secretaries", language, {"lines": "\n".join(lines)}
                    ),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="matter.overdue",
                title="overdue",
                deliveries=deliveries,
                # Each item is reminded once a day by its reminded_at; a second check the
                # same day (after a catch-up, say) only holds items new since, so it must
                # not be swallowed by the first one's dedupe key.
                dedupe_prefix=f"overdue-secretaries:{to_db_time(now)}",
                now=now,
            )

    def _lines(
        self,
        language: Language,
        matters: list[OverdueMatterRow],
        referrals: list[ReferralRow],
        numbers: dict[int, int],
    ) -> list[str]:
        """One line per overdue matter, then one per overdue referral."""
        return [
            translate(
                language,
                "carry.overdue_matter_line",
                number=numbers.get(m.id, 0),
                title=m.title,
                due=self._ctx.spoken_day(m.due_at, language),
            )
            for m in matters
        ] + [
            translate(
                language,
                "carry.overdue_referral_line",
                number=numbers.get(r.matter_id, 0),
                department=r.department,
                due=self._ctx.spoken_day(r.due_at, language) if r.due_at else "",
            )
            for r in referrals
        ]
