"""The sender: drains the outbox at Telegram's limits, survives restarts,
never sends a message twice, and shows each push's progress to whoever
started it (bot/runtime/push_reports.py). When a message is tried again, and
when Telegram counts as down, is bot/runtime/circuit.py's.

For each message: reserve a slot in the rate limiter, mark the row
``sending`` (committed), call Telegram, record the outcome. A crash between
the call and the record leaves the row ``sending``; at the next start such
rows become ``uncertain`` and are not sent again, since Telegram cannot tell
whether they arrived and a second copy is worse than a gap that the push's
summary names. The record itself is shielded from cancellation, so stopping
the sender (or cancelling its task) mid-send records what happened.

Outcomes: sent; Forbidden (blocked, kicked) marks the recipient unreachable
and stops; a group that became a supergroup follows its new id; RetryAfter
pauses all sends as Telegram asks and tries again; a network error or a 5xx
is retried with capped exponential backoff (2 s, 4 s, … 60 s) until
``[delivery] retry_for_hours`` after the message was first due, when it is
given up (failed, "deadline passed"); a read timeout may have delivered the
message, so it is recorded uncertain; anything Telegram refuses outright is
failed.

Outages: when calls keep failing for a passing reason with no answer from
Telegram in between (:class:`Circuit`), Telegram counts as down and the
sender pauses every push instead of marching each message through its
retries: one message at a time probes (1 s, 2 s, 4 s, then every 5 s), and
the first answer resumes everything at full rate. The operator's log says so
once when it starts and once when it ends; the person who started a push is
shown once that Telegram cannot be reached (which reaches them only if their
chat still can be), and the push's final report, which is retried until
Telegram takes it, says how long delivery was held up.

Stopping: messages still waiting for their slot in the rate limiter are
simply left pending (the outbox is durable; they go after the restart);
only requests already on the wire are waited for, briefly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
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
from bot.community.forums import forum_names
from bot.community.register import CommunityService
from bot.config import DeliverySettings
from bot.i18n import translate, translate_lenient
from bot.runtime.circuit import BACKOFF_CAP_SECONDS, Circuit, Outcome
from bot.runtime.flood import PREACQUIRED, TelegramRateLimiter
from bot.runtime.outbox import OutgoingMessage, Renderer
from bot.runtime.push_reports import PushReports
from bot.runtime.waiting import wait_or_timeout
from storage import Storage, in_community
from storage.db import is_storage_full
from storage.runtime.outbox import OutboxRow

log = logging.getLogger(__name__)

#: How long the sender's loop sleeps when nothing wakes it (seconds).
IDLE_SECONDS = 5.0
#: The same with several workers: messages queued on another worker wake nobody here.
SHARED_IDLE_SECONDS = 0.5
#: How often messages past their retry deadline are looked for (seconds).
EXPIRY_CHECK_SECONDS = 5.0
#: How long a stopping sender waits for requests already on the wire.
STOP_WIRE_GRACE_SECONDS = 2.0
#: How long a stopping sender spends on the last progress reports.
STOP_REPORT_SECONDS = 1.0
#: With the disk full, the sender waits this long before it claims (or records) again,
#: instead of meeting the same error in a tight loop.
STORAGE_FULL_PAUSE_SECONDS = 5.0


#: Telegram's limit on a photo caption; a longer text goes without its picture.
MAX_CAPTION = 1024


def render_text(message: OutgoingMessage) -> str:
    """The message's HTML text, every parameter escaped. Lenient: a message queued before
    an upgrade gave its text a new placeholder still goes, with that part empty; one
    queued before the forums were named by the community's calendar gets their names
    (bot/community/forums.py) from the community it is sent for."""
    params = forum_names(message.language) | message.params
    return translate_lenient(message.language, message.key, **params)


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


def photo_of(
    message: OutgoingMessage,
    chart_renderer: Renderer | None,
    card_renderers: dict[str, Renderer] | None = None,
) -> str | bytes | None:
    """The message's picture: a Telegram file id, or its chart or card drawn now (None if
    it has none, or it cannot be drawn: the text then goes alone)."""
    if message.photo:
        return message.photo
    if message.card:
        renderer = (card_renderers or {}).get(str(message.card.get("renderer")))
        if renderer is None:
            log.error("no renderer for the card of %s", message.key)
            return None
        try:
            return renderer(dict(message.card.get("params") or {}))
        except Exception:  # a picture is an illustration: the text still goes
            log.exception("cannot draw the card of %s", message.key)
            return None
    if message.chart and chart_renderer is not None:
        try:
            return chart_renderer(message.chart)
        except Exception:  # a chart is an illustration: the text still goes
            log.exception("cannot draw the chart of %s", message.key)
    return None


class Sender:
    """One task that sends what the outbox holds, as fast as Telegram allows."""

    def __init__(
        self,
        bot: Any,
        db: Storage,
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
        self._task: asyncio.Task[None] | None = None
        self._progress_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._outcomes: list[tuple[OutboxRow, Outcome, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        self._on_the_wire: set[int] = set()
        self.circuit = Circuit()
        self._enter_community: Callable[[int], AbstractContextManager[None]] = in_community
        self._reports = PushReports(bot, db, settings, clock, self.circuit, self._outage_ended)
        self._next_expiry_check: datetime | None = None
        #: Draws a message's chart (see OutgoingMessage.chart) as PNG bytes.
        self.chart_renderer: Callable[[dict[str, Any]], bytes] | None = None
        #: Draw a message's card (see OutgoingMessage.card) as PNG bytes, by renderer name;
        #: the features' renderers are registered by the composition root.
        self.card_renderers: dict[str, Renderer] = {}
        #: Makes a message's document (see OutgoingMessage.document): (file name, bytes),
        #: or None when there is nothing to send (the text then goes alone).
        self.document_renderer: (
            Callable[[OutgoingMessage], Awaitable[tuple[str, bytes] | None]] | None
        ) = None
        self.sent = 0
        #: The event loop's time until which nothing is claimed: the disk was full.
        self._storage_full_until = 0.0
        #: How long the loop sleeps when nothing wakes it (seconds). A message queued
        #: in this process wakes it at once; with several workers, one queued by
        #: another worker is found by looking again, so the root makes this short.
        self.idle_seconds = IDLE_SECONDS

    def wake(self) -> None:
        """New messages were queued: look at the outbox now."""
        self._wake.set()

    async def start(self) -> None:
        """Recover from the last stop, then start sending."""
        now = self._clock()
        async with self._db.transaction(completes_update=False) as session:
            uncertain = await session.delivery.abandon_in_flight(now)
            self._reports.touch(p.id for p in await session.delivery.open_pushes())
            # What the last run sent in the last minute still counts at Telegram.
            recent = await session.delivery.recent_sends(now - timedelta(seconds=61))
        for chat_id, moment in recent:
            self._limiter.note_earlier_send(chat_id, (now - moment).total_seconds())
        if uncertain:
            log.warning(
                "%d message(s) were interrupted mid-send; not sending them again", uncertain
            )
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self._progress_task = asyncio.create_task(self._reports.loop(), name="push-progress")

    async def stop(self) -> None:
        """Stop taking new messages; leave waiting ones pending, record those on the wire.

        Nothing here waits for the rate limiter: a message still waiting for its
        slot stays pending in the outbox and goes after the restart. Requests
        already sent get a few seconds to be answered; one still out after
        that is recorded uncertain (never sent twice).
        """
        self._stopping = True
        self._wake.set()
        for task in (self._task, self._progress_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        waiting = [t for row_id, t in self._in_flight.items() if row_id not in self._on_the_wire]
        for task in waiting:
            task.cancel()
        if waiting:
            log.info("stopping: %d queued message(s) left for after the restart", len(waiting))
        if self._in_flight:
            _, late = await asyncio.wait(
                list(self._in_flight.values()), timeout=STOP_WIRE_GRACE_SECONDS
            )
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=STOP_WIRE_GRACE_SECONDS)
        if self._recorder is not None:
            await asyncio.wait([self._recorder], timeout=STOP_WIRE_GRACE_SECONDS)
        try:
            await asyncio.wait_for(self._reports.report(force=True), STOP_REPORT_SECONDS)
        except TimeoutError:
            log.info("stopping: progress reports left for after the restart")

    async def idle(self) -> None:
        """Wait until nothing is pending, due or in flight (for tests and the demo)."""
        while True:
            async with self._db.read() as session:
                due = await session.delivery.due(self._clock(), 1)
            if not due and not self._in_flight:
                return
            await asyncio.sleep(0.02)

    @property
    def outage_since(self) -> datetime | None:
        """Since when Telegram cannot be reached (pushes are paused), or None."""
        return self.circuit.open_since

    # --- the loop ---------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            pause = self._storage_full_until - loop.time()
            if pause > 0:
                # The disk is full: what is due waits (durably, in the outbox) for room.
                await wait_or_timeout(self._stop_requested(), pause)
                continue
            try:
                await self._expire_overdue()
                async with self._db.read() as session:
                    # Enough to refill every free slot even when some rows are
                    # in flight or wait for their chat; not the whole queue.
                    batch = self._settings.concurrency * 4 + len(self._in_flight)
                    rows = await session.delivery.due(self._clock(), batch)
                    next_at = await session.delivery.next_attempt_at()
            except Exception:
                log.exception("cannot read the outbox; retrying")
                await asyncio.sleep(1)
                continue
            now = self._clock()
            if self.circuit.is_open:
                # Telegram is down: one probe at a time, the rest wait for its answer.
                for row in rows:
                    if row.id in self._in_flight or row.chat_id in self._busy_chats:
                        continue
                    if self.circuit.take_probe(row.id, now):
                        self._spawn(row)
                    break
                if rows and self.circuit.probe_row is None:
                    timeout = min(5.0, self.circuit.seconds_to_probe(now))
                else:
                    timeout = 5.0  # the probe's answer (or a new message) wakes us
            else:
                for row in rows:
                    if len(self._in_flight) >= self._settings.concurrency:
                        break
                    if row.id in self._in_flight or row.chat_id in self._busy_chats:
                        continue
                    self._spawn(row)
                if rows:
                    # Due messages are in flight or wait for their chat: a finished
                    # send (or a new message) wakes us.
                    timeout = self.idle_seconds
                elif next_at is not None:
                    timeout = min(self.idle_seconds, max(0.0, (next_at - now).total_seconds()))
                else:
                    timeout = self.idle_seconds
            await wait_or_timeout(self._wake.wait(), max(timeout, 0.001))

    async def _expire_overdue(self) -> None:
        """Give up what could not be sent within ``retry_for_hours`` of being due."""
        now = self._clock()
        if self._next_expiry_check is not None and now < self._next_expiry_check:
            return
        self._next_expiry_check = now + timedelta(seconds=EXPIRY_CHECK_SECONDS)
        deadline = now - timedelta(hours=self._settings.retry_for_hours)
        async with self._db.transaction(completes_update=False) as session:
            pushes = await session.delivery.expire(deadline, now, untried_too=self.circuit.is_open)
        if pushes:
            log.warning(
                "gave up messages not sent within %g h of being due (pushes %s)",
                self._settings.retry_for_hours,
                ", ".join(str(push_id) for push_id in pushes),
            )
            self._reports.touch(pushes)

    def _spawn(self, row: OutboxRow) -> None:
        self._busy_chats.add(row.chat_id)
        task = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
        self._in_flight[row.id] = task

        def finished(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(row.id, None)
            self._on_the_wire.discard(row.id)
            self._busy_chats.discard(row.chat_id)
            self.circuit.probe_ended(row.id)
            self._wake.set()

        task.add_done_callback(finished)

    async def _deliver(self, row: OutboxRow) -> None:
        # Inside the row's community: its card, chart or document is drawn from that
        # community's records, and whatever the answer changes there is its own.
        with self._enter_community(row.community_id):
            await self._deliver_here(row)

    async def _deliver_here(self, row: OutboxRow) -> None:
        # Cancelled before the claim: nothing happened, the row stays pending.
        reserved = await self._limiter.acquire(row.chat_id, background=True)
        try:
            async with self._db.transaction(completes_update=False) as session:
                claimed = await session.delivery.claim(row.id)
        except BaseException as error:
            self._limiter.release(row.chat_id, reserved)
            if isinstance(error, Exception) and is_storage_full(error):
                self._storage_full("claiming a message")  # it stays pending, untouched
                return
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
        self._on_the_wire.add(row.id)
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
        outcome = await self._weigh(row, outcome)
        # Shielded: once Telegram has answered, the answer is recorded.
        await asyncio.shield(self._record(row, outcome))

    async def _weigh(self, row: OutboxRow, outcome: Outcome) -> Outcome:
        """Tell the circuit what happened; a passing failure gets its next attempt."""
        now = self._clock()
        if not outcome.no_answer:
            since = self.circuit.answered()
            if since is not None:
                self._outage_ended(since, now)
            return outcome
        opened = self.circuit.failed(row.id, now, outcome.error or "")
        if opened:
            await self._outage_began(now)
        if outcome.state != "retry":
            return outcome  # a timeout: it may have arrived, it is not sent again
        if self.circuit.is_open:
            # The circuit does the waiting for everyone: due again at once, sent
            # as soon as a probe gets through.
            return Outcome("retry", error=outcome.error, retry_in=0.0, no_answer=True)
        backoff = min(2.0 ** (row.attempts + 1), BACKOFF_CAP_SECONDS)
        return Outcome("retry", error=outcome.error, retry_in=backoff, no_answer=True)

    async def _outage_began(self, now: datetime) -> None:
        async with self._db.read() as session:
            waiting = await session.delivery.pending_count()
            pushes = [p.id for p in await session.delivery.open_pushes()]
        self._reports.outage_began(pushes)
        log.warning(
            "Telegram cannot be reached (%s): pushes paused with %d message(s) waiting;"
            " trying one message every %.0f s at most until it answers, for up to %g h",
            self.circuit.last_error,
            waiting,
            self.circuit.cap,
            self._settings.retry_for_hours,
        )

    def _outage_ended(self, since: datetime, now: datetime) -> None:
        minutes = (now - since).total_seconds() / 60
        log.warning("Telegram answers again after %.1f min: pushes resume at full rate", minutes)
        self._reports.outage_ended(minutes)
        self._wake.set()

    async def _send(self, row: OutboxRow) -> Outcome:
        message = OutgoingMessage.from_content(row.content)
        text = render_text(message)
        photo = photo_of(message, self.chart_renderer, self.card_renderers)
        document = await self._document_of(message)
        try:
            if document is not None and len(text) <= MAX_CAPTION:
                name, data = document
                sent = await self._bot.send_document(
                    row.chat_id,
                    InputFile(BytesIO(data), filename=name),
                    caption=text,
                    reply_markup=render_buttons(message),
                    rate_limit_args=PREACQUIRED,
                )
            elif message.voice is not None and len(text) <= MAX_CAPTION:
                sent = await self._bot.send_voice(
                    row.chat_id,
                    message.voice,
                    caption=text,
                    reply_markup=render_buttons(message),
                    rate_limit_args=PREACQUIRED,
                )
            elif photo is not None and len(text) <= MAX_CAPTION:
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
            return Outcome("uncertain", error=f"timed out: {error.message}", no_answer=True)
        except NetworkError as error:  # a dropped connection, or a 5xx from Telegram
            return Outcome("retry", error=f"network: {error.message}", no_answer=True)
        except TelegramError as error:
            return Outcome("retry", error=error.message, no_answer=True)
        return Outcome("sent", message_id=sent.message_id)

    async def _document_of(self, message: OutgoingMessage) -> tuple[str, bytes] | None:
        """The message's document made now (None if it has none, or it cannot be made)."""
        if message.document is None or self.document_renderer is None:
            return None
        try:
            return await self.document_renderer(message)
        except Exception:  # the caption still goes, as a text
            log.exception("cannot make the document of %s", message.key)
            return None

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
                            await session.delivery.retry_later(row.id, when, outcome.error or "")
                        else:
                            await session.delivery.finish(
                                row.id,
                                outcome.state,
                                now,
                                message_id=outcome.message_id,
                                error=outcome.error,
                            )
            except Exception as error:
                if not is_storage_full(error):
                    for _, _, done in batch:
                        if not done.done():
                            done.set_exception(error)
                    raise
                # Telegram's answers are kept in memory and written once there is
                # room; the senders need not wait for that (each row stays claimed,
                # so nothing is sent twice meanwhile).
                self._outcomes = batch + self._outcomes
                for _, _, done in batch:
                    if not done.done():
                        done.set_result(None)
                self._storage_full("recording what Telegram answered")
                await asyncio.sleep(STORAGE_FULL_PAUSE_SECONDS)
                continue
            except BaseException as error:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                raise
            for row, outcome, done in batch:
                await self._after_record(row, outcome)
                if not done.done():
                    done.set_result(None)

    def _storage_full(self, doing: str) -> None:
        """The disk is full: pause claiming, and tell the operator (the log folds these
        into one line a minute)."""
        loop = asyncio.get_running_loop()
        self._storage_full_until = loop.time() + STORAGE_FULL_PAUSE_SECONDS
        log.error(
            "outbox: database or disk is full while %s; pushes wait %g s and try again",
            doing,
            STORAGE_FULL_PAUSE_SECONDS,
            extra={"storage_full": True},
        )

    async def _stop_requested(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()

    @property
    def enter_community(self) -> Callable[[int], AbstractContextManager[None]]:
        """Enters a row's community (its rows, its profile) for what the sender does to
        that community's records: a group that moved, a person who blocked the bot, the
        names in a push's summary."""
        return self._enter_community

    @enter_community.setter
    def enter_community(self, enter: Callable[[int], AbstractContextManager[None]]) -> None:
        self._enter_community = enter
        self._reports.enter_community = enter

    @property
    def reports(self) -> PushReports:
        """The progress reports of pushes (their community's zone is set by the root)."""
        return self._reports

    async def _after_record(self, row: OutboxRow, outcome: Outcome) -> None:
        if outcome.state == "unreachable" and row.chat_id > 0:
            with self._enter_community(row.community_id):
                await self._community.mark_unreachable(row.chat_id)
        if outcome.state == "sent":
            self.sent += 1
        elif outcome.state != "retry":
            log.info("outbox message %s: %s (%s)", row.id, outcome.state, outcome.error)
        if row.push_id is not None:
            self._reports.touch((row.push_id,))


def _retry_seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after
    seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after
    return float(seconds)
