"""The progress of pushes, shown to whoever started each: a message edited as the
push goes, then its summary (who was not reached, and why), retried until Telegram
takes it; while Telegram cannot be reached, a notice once and nothing more."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import spoken
from bot.clock import Clock
from bot.config import CommunitySettings, DeliverySettings, Language
from bot.i18n import parse_language, translate, translate_html
from bot.runtime.circuit import BACKOFF_CAP_SECONDS, Circuit
from bot.runtime.flood import OVERALL_PER_SECOND
from storage import Storage, in_community
from storage.runtime.outbox import DEADLINE_PASSED, PushCounts, PushRow

log = logging.getLogger(__name__)


class PushReports:
    """Each push's progress and final report, for the sender that delivers it."""

    def __init__(
        self,
        bot: Any,
        db: Storage,
        settings: DeliverySettings,
        clock: Clock,
        circuit: Circuit,
        on_outage_ended: Callable[[datetime, datetime], None],
    ) -> None:
        self._bot = bot
        self._db = db
        self._settings = settings
        self._clock = clock
        self._circuit = circuit
        #: Called (since, now) when a report got through and so ended an outage.
        self._on_outage_ended = on_outage_ended
        #: Enters a push's community, to read the names of those it did not reach.
        self.enter_community: Callable[[int], AbstractContextManager[None]] = in_community
        #: A community's time zone, for the time a push should be done by.
        self.zone_of: Callable[[int], ZoneInfo] = lambda _community: CommunitySettings().tz
        #: Pushes whose progress may have moved since it was last shown.
        self._touched_pushes: set[int] = set()
        #: Pushes shown that Telegram cannot be reached, in the current outage.
        self._outage_shown: set[int] = set()
        #: Minutes each unfinished push was held up by outages (for its final report).
        self._outage_minutes: dict[int, float] = {}
        #: When a final report that Telegram did not take is tried again.
        self._report_retry: dict[int, tuple[datetime, float, datetime]] = {}

    def touch(self, push_ids: Iterable[int]) -> None:
        """These pushes moved (or may have): look at their progress at the next report."""
        self._touched_pushes.update(push_ids)

    def outage_began(self, push_ids: Iterable[int]) -> None:
        """Telegram cannot be reached: the open pushes are each told so, once."""
        self._outage_shown.clear()
        self._touched_pushes.update(push_ids)

    def outage_ended(self, minutes: float) -> None:
        """Telegram answers again: each unfinished push was held up ``minutes`` more."""
        for push_id in self._touched_pushes:
            self._outage_minutes[push_id] = self._outage_minutes.get(push_id, 0.0) + minutes

    async def loop(self) -> None:
        """Every second, show the progress of the pushes that moved (until cancelled)."""
        while True:
            await asyncio.sleep(1.0)
            try:
                await self.report(force=False)
            except Exception:
                log.exception("could not report push progress")

    async def report(self, *, force: bool) -> None:
        """Show each moved push's progress when due (``force``: now), its summary once done."""
        if not self._touched_pushes:
            return
        now = self._clock()
        for push_id in sorted(self._touched_pushes):
            async with self._db.read() as session:
                push = await session.delivery.push(push_id)
                counts = await session.delivery.counts(push_id)
            if push is None or push.finished_at is not None:
                self._forget_push(push_id)
                continue
            if counts.finished:
                retry = self._report_retry.get(push_id)
                if retry is not None and now < retry[0] and not force:
                    continue
            elif self._circuit.is_open:
                # Telegram is down: say so once (it reaches the person only if
                # their chat still can be reached), then nothing until it answers.
                if push_id not in self._outage_shown and push.report_chat_id is not None:
                    self._outage_shown.add(push_id)
                    text = translate_html(
                        parse_language(push.report_language),
                        "push.outage",
                        title=push.title,
                        done=counts.sent,
                        total=counts.total,
                    )
                    await self._show(push, text)
                continue
            else:
                interval = timedelta(seconds=self._settings.progress_interval_seconds)
                due = push.reported_at is None or now - push.reported_at >= interval
                if not (due or force):
                    continue
            delivered = True
            if push.report_chat_id is not None:
                delivered = await self._show_progress(push, counts)
            if counts.finished and not delivered:
                self._final_report_later(push, now)
                continue
            async with self._db.transaction(completes_update=False) as session:
                await session.delivery.mark_reported(push_id, now, finished=counts.finished)
            if counts.finished:
                self._forget_push(push_id)

    def _forget_push(self, push_id: int) -> None:
        self._touched_pushes.discard(push_id)
        self._outage_minutes.pop(push_id, None)
        self._report_retry.pop(push_id, None)

    def _final_report_later(self, push: PushRow, now: datetime) -> None:
        """The final report always comes: Telegram did not take it, so try again
        with capped backoff (for ``retry_for_hours`` at most)."""
        previous = self._report_retry.get(push.id)
        wait = min(previous[1] * 2, BACKOFF_CAP_SECONDS) if previous else 2.0
        first = previous[2] if previous else now
        if now - first > timedelta(hours=self._settings.retry_for_hours):
            log.warning("gave up the final report of push %s: Telegram never took it", push.id)
            self._touched_pushes.discard(push.id)
            return
        if previous is None:
            log.warning("the final report of push %s will be sent again until it arrives", push.id)
        self._report_retry[push.id] = (now + timedelta(seconds=wait), wait, first)

    async def _show_progress(self, push: PushRow, counts: PushCounts) -> bool:
        """Show the push's progress (or its summary); False if Telegram did not take it
        for a passing reason."""
        language = parse_language(push.report_language)
        if counts.finished:
            text = await self._summary(push, counts, language)
        else:
            text = translate_html(
                language,
                "push.progress",
                title=push.title,
                done=counts.done,
                total=counts.total,
                failed=counts.failed + counts.unreachable + counts.uncertain,
            )
            text += "\n" + await self._expected(push, language)
            minutes = self._outage_minutes.get(push.id)
            if minutes:
                text += "\n" + translate_html(
                    language, "push.outage_over", minutes=max(1, round(minutes))
                )
        return await self._show(push, text)

    async def _expected(self, push: PushRow, language: Language) -> str:
        """When the push should be done: its messages and, in turns, every other
        community's due ones share the street's 30 messages a second (storage's ``due``)."""
        async with self._db.read() as session:
            ahead = await session.delivery.sends_before_done(push.id)
        minutes = max(1, math.ceil(ahead / OVERALL_PER_SECOND / 60))
        done_by = self._clock() + timedelta(minutes=minutes)
        tz = self.zone_of(push.community_id)
        return translate_html(
            language,
            "push.eta",
            duration=spoken.duration(language, minutes),
            clock=spoken.clock(language, done_by, tz),
        )

    async def _show(self, push: PushRow, text: str) -> bool:
        """Put ``text`` in the push's report message (sent the first time, edited after)."""
        try:
            if push.report_message_id is None:
                sent = await self._bot.send_message(push.report_chat_id, text)
                async with self._db.transaction(completes_update=False) as session:
                    await session.delivery.set_report_message(push.id, sent.message_id)
            else:
                await self._bot.edit_message_text(
                    text, chat_id=push.report_chat_id, message_id=push.report_message_id
                )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.warning("cannot show progress of push %s: %s", push.id, error.message)
        except Forbidden as error:
            log.warning("cannot show progress of push %s: %s", push.id, error.message)
        except (NetworkError, RetryAfter, TelegramError) as error:
            if not self._circuit.is_open:
                log.warning("cannot show progress of push %s: %s", push.id, error.message)
            return False
        since = self._circuit.answered()
        if since is not None:
            self._on_outage_ended(since, self._clock())
        return True

    async def _summary(self, push: PushRow, counts: PushCounts, language: Language) -> str:
        lines = [
            translate_html(
                language,
                "push.done",
                title=push.title,
                sent=counts.sent,
                total=counts.total,
            )
        ]
        minutes = self._outage_minutes.get(push.id)
        if minutes:
            lines.append(
                translate_html(language, "push.outage_over", minutes=max(1, round(minutes)))
            )
        hours = f"{self._settings.retry_for_hours:g}"
        # The names are the push's community's records.
        with self.enter_community(push.community_id):
            lines.extend(await self._not_reached_lines(push, language, hours))
        return "\n".join(lines)

    async def _not_reached_lines(self, push: PushRow, language: Language, hours: str) -> list[str]:
        lines: list[str] = []
        async with self._db.read() as session:
            missing = await session.delivery.not_reached(push.id)
            for chat_id, person_id, state, error in missing[:50]:
                person = await session.people.by_id(person_id) if person_id else None
                chat = await session.chats.get(chat_id) if person is None else None
                name = person.display_name if person else (chat.title if chat else str(chat_id))
                expired = state == "failed" and (error or "").startswith(DEADLINE_PASSED)
                if expired:
                    reason = translate(language, "push.reason.expired", hours=hours)
                else:
                    reason = translate(language, f"push.reason.{state}")
                lines.append(translate_html(language, "push.missing", name=name, reason=reason))
            if len(missing) > 50:
                lines.append(translate(language, "push.more", count=len(missing) - 50))
        return lines
