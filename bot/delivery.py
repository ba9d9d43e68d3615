"""The sender: drains the outbox at Telegram's limits, survives restarts,
never sends a message twice, and shows each push's progress to whoever
started it.

For each message: reserve a slot in the rate limiter, mark the row
``sending`` (committed), call Telegram, record the outcome. A crash between
the call and the record leaves the row ``sending``; at the next start such
rows become ``uncertain`` and are not sent again, since Telegram cannot tell
whether they arrived and a second copy is worse than a gap that the push's
summary names. The record itself is shielded from cancellation, so stopping
the sender (or cancelling its task) mid-send records what happened.

Outcomes: sent; Forbidden (blocked, kicked) marks the recipient unreachable
and stops; a group that became a supergroup follows its new id; RetryAfter
pauses all sends as Telegram asks and tries again; a network error is retried
with backoff up to ``max_attempts``; a read timeout may have delivered the
message, so it is recorded uncertain; anything Telegram refuses outright is
failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.clock import Clock, system_clock
from bot.community import CommunityService
from bot.config import DeliverySettings, Language
from bot.i18n import parse_language, translate, translate_html
from bot.outbox import OutgoingMessage
from bot.telegram_ratelimit import PREACQUIRED, TelegramRateLimiter
from storage import Database
from storage.outbox import OutboxRow, PushCounts, PushRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt to send a message."""

    state: str  # sent | failed | unreachable | uncertain | retry
    message_id: int | None = None
    error: str | None = None
    retry_in: float = 0.0


#: Telegram's limit on a photo caption; a longer text goes without its picture.
MAX_CAPTION = 1024


def render_text(message: OutgoingMessage) -> str:
    """The message's HTML text, every parameter escaped."""
    return translate_html(message.language, message.key, **message.params)


def render_buttons(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    """The message's inline keyboard, or None."""
    if not message.buttons:
        return None
    rows = []
    for row in message.buttons:
        buttons = []
        for spec in row:
            label = translate(message.language, spec.label_key, **spec.label_params)
            if spec.url:
                buttons.append(InlineKeyboardButton(label, url=spec.url))
            else:
                buttons.append(InlineKeyboardButton(label, callback_data=spec.callback_data))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


class Sender:
    """One task that sends what the outbox holds, as fast as Telegram allows."""

    def __init__(
        self,
        bot: Any,
        db: Database,
        limiter: TelegramRateLimiter,
        community: CommunityService,
        settings: DeliverySettings,
        clock: Clock = system_clock,
    ) -> None:
        self._bot = bot
        self._db = db
        self._limiter = limiter
        self._community = community
        self._settings = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._busy_chats: set[int] = set()
        self._touched_pushes: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._progress_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._outcomes: list[tuple[OutboxRow, Outcome, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        #: Draws a message's chart (see OutgoingMessage.chart) as PNG bytes.
        self.chart_renderer: Callable[[dict[str, Any]], bytes] | None = None
        self.sent = 0

    def wake(self) -> None:
        """New messages were queued: look at the outbox now."""
        self._wake.set()

    async def start(self) -> None:
        """Recover from the last stop, then start sending."""
        now = self._clock()
        async with self._db.transaction(completes_update=False) as session:
            uncertain = await session.outbox.abandon_in_flight(now)
            self._touched_pushes.update(p.id for p in await session.outbox.open_pushes())
            # What the last run sent in the last minute still counts at Telegram.
            recent = await session.outbox.recent_sends(now - timedelta(seconds=61))
        for chat_id, moment in recent:
            self._limiter.note_earlier_send(chat_id, (now - moment).total_seconds())
        if uncertain:
            log.warning(
                "%d message(s) were interrupted mid-send; not sending them again", uncertain
            )
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self._progress_task = asyncio.create_task(self._report_loop(), name="push-progress")

    async def stop(self) -> None:
        """Stop taking new messages; let those in flight finish and be recorded."""
        self._stopping = True
        self._wake.set()
        for task in (self._task, self._progress_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()), timeout=30)
        if self._recorder is not None:
            await asyncio.wait([self._recorder], timeout=30)
        await self._report_progress(force=True)

    async def idle(self) -> None:
        """Wait until nothing is pending, due or in flight (for tests and the demo)."""
        while True:
            async with self._db.read() as session:
                due = await session.outbox.due(self._clock(), 1)
            if not due and not self._in_flight:
                return
            await asyncio.sleep(0.02)

    # --- the loop ---------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            started = 0
            try:
                async with self._db.read() as session:
                    # Enough to refill every free slot even when some rows are
                    # in flight or wait for their chat; not the whole queue.
                    batch = self._settings.concurrency * 4 + len(self._in_flight)
                    rows = await session.outbox.due(self._clock(), batch)
                    next_at = await session.outbox.next_attempt_at()
            except Exception:
                log.exception("cannot read the outbox; retrying")
                await asyncio.sleep(1)
                continue
            for row in rows:
                if len(self._in_flight) >= self._settings.concurrency:
                    break
                if row.id in self._in_flight or row.chat_id in self._busy_chats:
                    continue
                self._spawn(row)
                started += 1
            if rows:
                # Due messages are in flight or wait for their chat: a finished
                # send (or a new message) wakes us.
                timeout = 5.0
            elif next_at is not None:
                timeout = min(5.0, max(0.0, (next_at - self._clock()).total_seconds()))
            else:
                timeout = 5.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(timeout, 0.001))

    def _spawn(self, row: OutboxRow) -> None:
        self._busy_chats.add(row.chat_id)
        task = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
        self._in_flight[row.id] = task

        def finished(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(row.id, None)
            self._busy_chats.discard(row.chat_id)
            self._wake.set()

        task.add_done_callback(finished)

    async def _deliver(self, row: OutboxRow) -> None:
        # Cancelled before the claim: nothing happened, the row stays pending.
        reserved = await self._limiter.acquire(row.chat_id, background=True)
        try:
            async with self._db.transaction(completes_update=False) as session:
                claimed = await session.outbox.claim(row.id)
        except BaseException:
            self._limiter.release(row.chat_id, reserved)
            raise
        if not claimed:
            self._limiter.release(row.chat_id, reserved)
            return
        if self._limiter.is_stale(reserved):
            # The claim waited for the database: count the send when it really
            # leaves, or two sends could reach Telegram closer than the window.
            self._limiter.release(row.chat_id, reserved)
            try:
                await self._limiter.acquire(row.chat_id, background=True)
            except asyncio.CancelledError:
                await asyncio.shield(self._record(row, Outcome("retry", error="cancelled")))
                raise
        try:
            outcome = await self._send(row)
        except asyncio.CancelledError:
            # Cancelled while the request was out: it may have arrived. Record
            # that (never send it again), then let the cancellation through.
            await asyncio.shield(self._record(row, Outcome("uncertain", error="cancelled")))
            raise
        except Exception as error:  # a bug, not Telegram: do not retry blindly
            log.exception("outbox message %s could not be sent", row.id)
            outcome = Outcome("failed", error=repr(error)[:200])
        # Shielded: once Telegram has answered, the answer is recorded.
        await asyncio.shield(self._record(row, outcome))

    async def _send(self, row: OutboxRow) -> Outcome:
        message = OutgoingMessage.from_content(row.content)
        text = render_text(message)
        photo = self._photo_of(message)
        try:
            if photo is not None and len(text) <= MAX_CAPTION:
                sent = await self._bot.send_photo(
                    row.chat_id,
                    photo,
                    caption=text,
                    reply_markup=render_buttons(message),
                    rate_limit_args=PREACQUIRED,
                )
            else:
                sent = await self._bot.send_message(
                    row.chat_id,
                    text,
                    reply_markup=render_buttons(message),
                    rate_limit_args=PREACQUIRED,
                )
        except Forbidden as error:
            return Outcome("unreachable", error=error.message)
        except ChatMigrated as error:
            await self._community.chat_migrated(row.chat_id, error.new_chat_id)
            return Outcome("retry", error="chat migrated", retry_in=0.0)
        except RetryAfter as error:
            seconds = _retry_seconds(error)
            return Outcome("retry", error=f"retry after {seconds:.0f} s", retry_in=seconds)
        except BadRequest as error:  # (a NetworkError subclass in PTB: test it first)
            return Outcome("failed", error=error.message)
        except TimedOut as error:
            return Outcome("uncertain", error=f"timed out: {error.message}")
        except NetworkError as error:
            return self._backoff(row, f"network: {error.message}")
        except TelegramError as error:
            return self._backoff(row, error.message)
        return Outcome("sent", message_id=sent.message_id)

    def _photo_of(self, message: OutgoingMessage) -> str | bytes | None:
        """The message's picture: a Telegram file id, or its chart drawn now."""
        if message.photo:
            return message.photo
        if message.chart and self.chart_renderer is not None:
            try:
                return self.chart_renderer(message.chart)
            except Exception:  # a chart is an illustration: the text still goes
                log.exception("cannot draw the chart of %s", message.key)
        return None

    def _backoff(self, row: OutboxRow, error: str) -> Outcome:
        attempts = row.attempts + 1
        if attempts >= self._settings.max_attempts:
            return Outcome("failed", error=error)
        return Outcome("retry", error=error, retry_in=min(2.0**attempts, 300.0))

    async def _record(self, row: OutboxRow, outcome: Outcome) -> None:
        """Record an outcome; returns once it is committed.

        Outcomes are written in batches (group commit): one transaction for
        every outcome that arrived while the previous one was being written,
        so recording keeps pace with sending even with FULL durability.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outcomes.append((row, outcome, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_outcomes(), name="outbox-recorder")
        await done

    async def _write_outcomes(self) -> None:
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            now = self._clock()
            try:
                async with self._db.transaction(completes_update=False) as session:
                    for row, outcome, _ in batch:
                        if outcome.state == "retry":
                            when = now + timedelta(seconds=outcome.retry_in)
                            await session.outbox.retry_later(row.id, when, outcome.error or "")
                        else:
                            await session.outbox.finish(
                                row.id,
                                outcome.state,
                                now,
                                message_id=outcome.message_id,
                                error=outcome.error,
                            )
            except BaseException as error:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                raise
            for row, outcome, done in batch:
                await self._after_record(row, outcome)
                if not done.done():
                    done.set_result(None)

    async def _after_record(self, row: OutboxRow, outcome: Outcome) -> None:
        if outcome.state == "unreachable" and row.chat_id > 0:
            await self._community.mark_unreachable(row.chat_id)
        if outcome.state == "sent":
            self.sent += 1
        elif outcome.state != "retry":
            log.info("outbox message %s: %s (%s)", row.id, outcome.state, outcome.error)
        if row.push_id is not None:
            self._touched_pushes.add(row.push_id)

    # --- progress of pushes -------------------------------------------------

    async def _report_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                await self._report_progress(force=False)
            except Exception:
                log.exception("could not report push progress")

    async def _report_progress(self, *, force: bool) -> None:
        if not self._touched_pushes:
            return
        now = self._clock()
        for push_id in sorted(self._touched_pushes):
            async with self._db.read() as session:
                push = await session.outbox.push(push_id)
                counts = await session.outbox.counts(push_id)
            if push is None or push.finished_at is not None:
                self._touched_pushes.discard(push_id)
                continue
            interval = timedelta(seconds=self._settings.progress_interval_seconds)
            due = push.reported_at is None or now - push.reported_at >= interval
            if not (counts.finished or due or force):
                continue
            if push.report_chat_id is not None:
                await self._show_progress(push, counts)
            async with self._db.transaction(completes_update=False) as session:
                await session.outbox.mark_reported(push_id, now, finished=counts.finished)
            if counts.finished:
                self._touched_pushes.discard(push_id)

    async def _show_progress(self, push: PushRow, counts: PushCounts) -> None:
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
        try:
            if push.report_message_id is None:
                sent = await self._bot.send_message(push.report_chat_id, text)
                async with self._db.transaction(completes_update=False) as session:
                    await session.outbox.set_report_message(push.id, sent.message_id)
            else:
                await self._bot.edit_message_text(
                    text, chat_id=push.report_chat_id, message_id=push.report_message_id
                )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.warning("cannot show progress of push %s: %s", push.id, error.message)
        except TelegramError as error:
            log.warning("cannot show progress of push %s: %s", push.id, error.message)

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
        async with self._db.read() as session:
            missing = await session.outbox.not_reached(push.id)
            for chat_id, person_id, state in missing[:50]:
                person = await session.people.by_id(person_id) if person_id else None
                chat = await session.chats.get(chat_id) if person is None else None
                name = person.display_name if person else (chat.title if chat else str(chat_id))
                reason = translate(language, f"push.reason.{state}")
                lines.append(translate_html(language, "push.missing", name=name, reason=reason))
            if len(missing) > 50:
                lines.append(translate(language, "push.more", count=len(missing) - 50))
        return "\n".join(lines)


def _retry_seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after
    seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after
    return float(seconds)
