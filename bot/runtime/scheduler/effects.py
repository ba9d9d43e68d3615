"""What the scheduler itself does when a schedule fires: the party-day reminder and
plain messages; and what it tells secretaries of firings missed or with nothing to do."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot import spoken
from bot.clock import Clock
from bot.community.calendar import CommunityCalendar, to_utc
from bot.community.calendar_notes import move_note
from bot.community.register import ChatKind, secretaries_to_tell
from bot.config import Settings
from bot.i18n import parse_language, translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler.firing import Describer, Firing, late_note, send_missed_callback
from bot.runtime.scheduler.titles import schedule_title, spoken_time
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time

log = logging.getLogger(__name__)


class SchedulerEffects:
    """The scheduler's own effects, and its reports of firings missed or with nothing to do."""

    def __init__(
        self,
        settings: Settings,
        calendar: CommunityCalendar,
        clock: Clock,
        describe: Describer,
    ) -> None:
        self._settings = settings
        self._calendar = calendar
        self._clock = clock
        self._describe = describe

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
        return (moment or self._clock()).astimezone(self._calendar.tz)

    async def party_day_reminder(self, firing: Firing) -> None:
        """The members' groups hear when the coming Party day (主题党日) is, or that it moved."""
        event = self._local(firing.event_at)
        day = self._calendar.next_party_day(to_utc(event) - timedelta(seconds=1))
        language = self._settings.community.default_language
        moves = self._calendar.moves("party_day", day.at)
        key = "schedule.party_day_reminder_moved" if moves else "schedule.party_day_reminder"
        await self._to_chats(
            firing,
            ChatKind.MEMBERS,
            key,
            date=spoken.day(
                language, event.date(), spoken.local_date(firing.now, self._calendar.tz)
            ),
            time=spoken.clock(language, event),
            why=move_note(moves, day.at.astimezone(self._calendar.tz).date(), language),
            late=late_note(firing, language, self._calendar.tz),
        )

    async def message(self, firing: Firing) -> None:
        """A plain reminder: ``payload`` = {"chat_kind": ..., "text": ...}."""
        late = late_note(firing, self._settings.community.default_language, self._calendar.tz)
        await self._to_chats(
            firing,
            ChatKind(firing.schedule.payload.get("chat_kind", ChatKind.RESIDENTS.value)),
            "schedule.message_late" if late else "schedule.message",
            text=str(firing.schedule.payload.get("text", "")),
            **({"late": late} if late else {}),
        )

    async def report_nothing_done(
        self, session: Session, schedule: ScheduleRow, due_at: datetime, now: datetime
    ) -> None:
        """Tell every registered secretary that a firing found nothing to do."""
        secretaries = await secretaries_to_tell(session, self._settings.community)
        facts = await self._describe(session, schedule)
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
                            due_at,
                            self._calendar.tz,
                            parse_language(person.language),
                            spoken.local_date(now, self._calendar.tz),
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

    async def report_missed(
        self, session: Session, schedule: ScheduleRow, missed: list[datetime], now: datetime
    ) -> None:
        """Tell every registered secretary which firings were missed."""
        secretaries = await secretaries_to_tell(session, self._settings.community)
        if not secretaries:
            return
        facts = await self._describe(session, schedule)
        latest = missed[-1]
        deliveries = []
        for person in secretaries:
            if not person.reachable:
                continue
            language = parse_language(person.language)
            times = translate(language, "list_separator").join(
                spoken_time(moment, self._calendar.tz, language) for moment in missed[-5:]
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
                            "latest": spoken_time(latest, self._calendar.tz, language),
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
