"""The public board's monthly digest: "定期向社区居民公开".

With ``[board] monthly_digest`` on (it is off by default), on the 1st of each
month at ``[board] digest_time`` the built-in schedule
``board.digest`` posts to the residents' groups what changed on the board in the
month before: how-to pages added, resolutions written, matters done, spending recorded
(bot/board/spending.py). Nothing is
posted for a month without any change. The push is keyed by the firing, so a
firing done twice posts once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import spoken
from bot.board.spending_records import digest_lines as spending_lines
from bot.clock import Clock, system_clock
from bot.community.register import ChatKind
from bot.config import Language, Settings
from bot.i18n import translate
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, daily_rule
from bot.volunteering.rules import month_bounds
from storage import Storage
from storage.session import Session
from storage.times import to_db_time

KIND = "board.digest"
SCHEDULE_KEY = "builtin:board_digest"


def _matters(language: Language, rows: list[dict[str, Any]], numbers: dict[int, int]) -> str:
    """The matters as people call them: #12 (of this community) and the title."""
    return spoken.names(
        language,
        [f"#{numbers.get(int(row['id']), row['id'])} {row['title']}" for row in rows],
    )


async def digest_lines(
    session: Session, language: Language, since: datetime, until: datetime
) -> list[str]:
    """The month's changes, a line per kind that has any."""
    digest = session.board.digest
    lines = []
    pages = await digest.pages_added(since, until)
    if pages:
        lines.append(
            translate(language, "board.digest.pages", titles=spoken.names(language, pages))
        )
    resolved = await digest.resolved(since, until)
    done = await digest.done(since, until)
    numbers = await session.matters.numbers([int(row["id"]) for row in (*resolved, *done)])
    if resolved:
        named = _matters(language, resolved, numbers)
        lines.append(translate(language, "board.digest.resolutions", matters=named))
    if done:
        named = _matters(language, done, numbers)
        lines.append(translate(language, "board.digest.done", matters=named))
    # 经费公开: projects opened, spending recorded or corrected, projects closed.
    lines += await spending_lines(session, language, since, until)
    return lines


class DigestService:
    """The monthly digest to the residents' groups."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        scheduler.register_effect(KIND, self._effect)
        scheduler.add_builtin(SCHEDULE_KEY, KIND, self._rule())

    def _rule(self) -> dict[str, Any] | None:
        """Every day at ``digest_time`` (the effect acts on the 1st only); None when off."""
        config = self._settings.board
        if not config.monthly_digest:
            return None
        return daily_rule(config.digest_time, self._settings.community.tz)

    async def _effect(self, firing: Firing) -> None:
        community = self._settings.community
        local = firing.due_at.astimezone(community.tz).date()
        if local.day != 1:
            return
        last_month = (local - timedelta(days=1)).replace(day=1)
        since, until = month_bounds(last_month, community.tz)
        session = firing.session
        chats = await session.chats.posting(ChatKind.RESIDENTS.value)
        if not chats:
            return
        language = community.default_language
        lines = await digest_lines(session, language, since, until)
        if not lines:
            return
        message = OutgoingMessage(
            "board.digest",
            language,
            {
                "community": community.name_in(language),
                "month": spoken.month(language, last_month),
                "lines": "\n".join(lines),
            },
        )
        await queue_push(
            session,
            kind=KIND,
            title=f"{last_month:%Y-%m}",
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )
