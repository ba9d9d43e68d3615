"""What the parts of carrying out share: the context and the small helpers over it.

``CarryingContext`` holds the database, settings, scheduler and clock; its
methods are the dates, guided-form steps and group/secretary messages that
owners, progress, referrals, acceptance, supervision and ratings all use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing, spoken, usertext
from bot.clock import Clock
from bot.community.register import Actor, ChatKind, secretaries_to_tell
from bot.config import Language, Settings
from bot.dialogs import advance_step, expect_step
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.deliberation.matters import MatterRow
from storage.session import Session


@dataclass(frozen=True)
class CarryingContext:
    """The database, settings, scheduler and clock every part of carrying out uses."""

    db: Storage
    settings: Settings
    scheduler: SchedulerService
    clock: Clock

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone (local dates, the daily check's time)."""
        return self.scheduler.calendar.tz

    @property
    def language(self) -> Language:
        """The language of what is posted to the residents' groups."""
        return self.settings.community.default_language

    # --- dates -------------------------------------------------------------------------

    def due_from_days(self, days: int) -> datetime:
        """The due moment ``days`` from today: the end of that local day."""
        today = self.clock().astimezone(self.tz).date()
        return self.end_of(today + timedelta(days=days))

    def parse_due(self, text: str) -> datetime:
        """A typed due date (YYYY-MM-DD), today or later; UserFacingError otherwise."""
        day = parsing.iso_day(text)
        if day is None:
            raise UserFacingError("carry.due_invalid")
        if day < self.clock().astimezone(self.tz).date():
            raise UserFacingError("carry.due_past")
        return self.end_of(day)

    def end_of(self, day: date) -> datetime:
        """23:59 local time of ``day``, in UTC."""
        return datetime.combine(day, time(23, 59), tzinfo=self.tz).astimezone(UTC)

    def local_date(self, moment: datetime) -> str:
        """The local date of ``moment`` (YYYY-MM-DD), as the history stores it."""
        return moment.astimezone(self.tz).strftime("%Y-%m-%d")

    def spoken_day(self, moment: datetime, language: Language | None = None) -> str:
        """The local day of ``moment`` as people say it: 12月3日（周四） / Thu 3 Dec
        (with the year if it is not this year's)."""
        today = self.clock().astimezone(self.tz).date()
        day = moment.astimezone(self.tz).date()
        return spoken.day(language or self.language, day, today, relative=False)

    # --- guided forms ---------------------------------------------------------------------

    async def advance(
        self,
        session: Session,
        actor: Actor,
        chat_id: int,
        flow: str,
        from_step: str,
        to_step: str,
        **answers: Any,
    ) -> dict[str, Any]:
        """Move the actor's form from one step to the next, keeping ``answers``."""
        return await advance_step(
            session,
            chat_id,
            actor.tg_user_id,
            flow,
            from_step=from_step,
            to_step=to_step,
            expired_key="carry.expired",
            now=self.clock(),
            **answers,
        )

    async def expect(
        self, session: Session, actor: Actor, chat_id: int, flow: str, step: str
    ) -> dict[str, Any]:
        """The form's answers so far, if it is at ``step``; "carry.expired" otherwise."""
        dialog = await expect_step(session, chat_id, actor.tg_user_id, flow, step, "carry.expired")
        return dialog.data

    # --- messages ---------------------------------------------------------------------------

    async def to_residents(
        self, session: Session, key: str, params: dict[str, Any], *, dedupe: str, now: datetime
    ) -> None:
        """Queue a message to the residents' groups."""
        chats = await session.chats.posting(ChatKind.RESIDENTS.value)
        if not chats:
            return
        message = OutgoingMessage(key, self.language, params)
        await queue_push(
            session,
            kind=key,
            title=str(params.get("title", key)),
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=dedupe,
            now=now,
        )

    async def to_secretaries(
        self, session: Session, key: str, params: dict[str, Any], *, dedupe: str, now: datetime
    ) -> None:
        """Queue a message to every secretary, each in their language."""
        deliveries = [
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(key, parse_language(person.language), params),
            )
            for person in await secretaries_to_tell(session, self.settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=key,
                title=str(params.get("title", key)),
                deliveries=deliveries,
                dedupe_prefix=dedupe,
                now=now,
            )


async def get_matter(session: Session, matter_id: int) -> MatterRow:
    """The matter; "matter.not_found" if there is none."""
    matter = await session.matters.get(matter_id)
    if matter is None:
        raise UserFacingError("matter.not_found", number=matter_id)
    return matter


def clean(text: str, limit: int) -> str:
    """A typed line, trimmed; refused if empty or longer than ``limit``."""
    cleaned = usertext.line(text)
    if not cleaned:
        raise UserFacingError("carry.name_empty")
    if len(cleaned) > limit:
        raise UserFacingError("carry.too_long", limit=limit, length=len(cleaned))
    return cleaned
