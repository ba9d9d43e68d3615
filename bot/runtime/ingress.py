"""Getting updates into the Application without losing one or applying one twice.

PTB's own Updater tells Telegram an update was received before it is handled,
so a crash in between loses it. Here every update is first written to the
inbox table; only then is Telegram told (the next getUpdates offset, or the
webhook's HTTP 200). Handling marks the update done in the same transaction
as its effect (storage/db.py), and at start whatever is stored but not done
is replayed.

Updates are handled concurrently, but two updates from the same person run
in the order they arrived: each waits for that person's previous update
(updates without a sender, such as a group's service messages, wait for the
previous one of their chat). Guided conversations therefore see answers in
order, while many people pressing the same button in one group are served
side by side; what they change together is kept consistent by the database's
one writer, not by queueing the whole group behind one person.

Several workers (PostgreSQL, ``lease_seconds`` given): a worker stores what it
receives and lets the database decide who handles it (bot/runtime/claims.py):
each update is claimed by one worker for a lease, and a person's next update
becomes claimable only once their previous one is done, wherever it was
handled (and its reply sent). The replay at start is then a claim pass, which
leaves alone what live workers hold.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from bot.clock import Clock, system_clock
from bot.i18n import from_telegram_code, translate
from bot.runtime.claims import InboxClaims
from bot.runtime.waiting import wait_or_timeout
from storage import Storage, UpdateScope, current_update
from storage.db import is_storage_full
from storage.runtime.inbox import InboxRow
from storage.times import utc_now_text

log = logging.getLogger(__name__)

#: The update kinds the bot asks Telegram for.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def _order_keys(update: Update) -> list[Hashable]:
    """The queue this update must keep its place in: its sender's, else its chat's."""
    if update.effective_user is not None:
        return [("user", update.effective_user.id)]
    if update.effective_chat is not None:
        return [("chat", update.effective_chat.id)]
    return []


def order_key(update: Update) -> str | None:
    """The inbox's ``order_key`` of an update: ``user:<id>``, else ``chat:<id>``."""
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    if update.effective_chat is not None:
        return f"chat:{update.effective_chat.id}"
    return None


#: The update kinds whose sender and chat :func:`raw_order_key` reads from the JSON
#: itself, as PTB's ``effective_user`` / ``effective_chat`` would find them.
_KEYED_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")


def raw_order_key(raw: dict[str, Any]) -> tuple[bool, str | None]:
    """:func:`order_key` of an update as Telegram sent it, without building PTB's objects
    (building them led a worker's profile, and each update was built twice: once where
    stored, once where claimed). Returns (known, key); not known: a kind this does not read, or a
    shape it does not expect, for which the caller asks PTB."""
    kinds = [kind for kind in raw if kind != "update_id"]
    if len(kinds) != 1 or kinds[0] not in _KEYED_KINDS or not isinstance(raw[kinds[0]], dict):
        return False, None
    body: dict[str, Any] = raw[kinds[0]]
    sender = body.get("from")
    if isinstance(sender, dict):
        user_id = sender.get("id")
        return (True, f"user:{user_id}") if type(user_id) is int else (False, None)
    if sender is not None:
        return False, None
    chat = body.get("chat")
    if chat is None and isinstance(body.get("message"), dict):
        chat = body["message"].get("chat")
    if isinstance(chat, dict):
        chat_id = chat.get("id")
        return (True, f"chat:{chat_id}") if type(chat_id) is int else (False, None)
    return False, None


#: The operator's line when updates cannot be stored (rate-limited by bot/logs.py).
STORAGE_FULL_LINE = (
    "database or disk is full: %d update(s) answered 'try again later';"
    " free disk space, the bot recovers by itself"
)

#: Seconds a long poll may take beyond its own timeout before it counts as timed out.
POLL_READ_MARGIN = 5.0

#: Updates the poller keeps in hand (stored, not yet done) per concurrent handler; past
#: that it asks Telegram for more only as they finish, and a burst waits there (Telegram
#: keeps updates a day) rather than in memory: 20,000 presses at once held 20,000 parsed
#: updates and their tasks, 100 MB more (bench/city.py).
IN_HAND_PER_HANDLER = 4


class UpdateIngress:
    """Stores updates, then hands them to the Application in each sender's order."""

    def __init__(
        self,
        app: AnyApplication,
        db: Storage,
        *,
        max_concurrent: int,
        clock: Clock = system_clock,
        lease_seconds: float | None = None,
        worker: str | None = None,
    ) -> None:
        """``lease_seconds``: several workers share the inbox (PostgreSQL), each update
        claimed for that long (see the module's docstring); None: this process alone."""
        self._app = app
        self._db = db
        self._clock = clock
        self._semaphore = asyncio.Semaphore(max_concurrent)
        self._tails: dict[Hashable, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._task_ids: dict[asyncio.Task[None], int] = {}
        self._active_ids: set[int] = set()
        #: Done marks of claimed updates PTB could not read, being written.
        self._chores: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._max_in_hand = max_concurrent * IN_HAND_PER_HANDLER
        self._room = asyncio.Event()
        self._room.set()
        self.handled = 0
        #: Updates handled while the disk was full whose done mark could not be written.
        self._unmarked: set[int] = set()
        self._max_concurrent = max_concurrent
        #: This worker's claims on a shared inbox, or None (one process).
        self.claims: InboxClaims | None = None
        if lease_seconds is not None:
            self.claims = InboxClaims(
                db,
                lease_seconds=lease_seconds,
                dispatch=self._dispatch_claimed,
                capacity=lambda: self._max_concurrent - len(self._tasks),
                in_hand=lambda: sorted(self._active_ids | self._unmarked),
                worker=worker,
            )

    @property
    def shared(self) -> bool:
        """Whether several workers share the inbox (updates are claimed)."""
        return self.claims is not None

    async def receive(self, updates: Sequence[Update]) -> None:
        """Store a batch of parsed updates, then start handling what is not done yet.

        Returns once the batch is on disk: the caller may then acknowledge it.
        """
        by_id = {update.update_id: update for update in updates}
        await self._store_and_dispatch(
            {update.update_id: update.to_json() for update in updates},
            {uid: order_key(update) for uid, update in by_id.items()},
            lambda: by_id,
        )

    async def receive_raw(
        self, items: Sequence[dict[str, Any]], parsed: Sequence[Update] | None = None
    ) -> None:
        """The same for updates as Telegram sent them (JSON objects): what is stored is
        their own JSON, so nothing is serialised back from PTB's objects. ``parsed``:
        the same updates already read by :meth:`parse`. Several workers: an update is
        read by PTB only where it is claimed (its order key is read from the JSON), so
        the webhook need not read it first."""
        ids = [int(item["update_id"]) for item in items]
        payloads = {
            uid: json.dumps(item, ensure_ascii=False) for uid, item in zip(ids, items, strict=True)
        }
        read: dict[int, Update] = {}

        def updates() -> dict[int, Update]:
            if not read:
                given = parsed if parsed is not None else [self.parse(item) for item in items]
                read.update(zip(ids, given, strict=True))
            return read

        keys: dict[int, str | None] = {}
        if self.claims is not None:
            for uid, item in zip(ids, items, strict=True):
                known, key = raw_order_key(item)
                keys[uid] = key if known else order_key(updates()[uid])
        await self._store_and_dispatch(payloads, keys, updates)

    async def _store_and_dispatch(
        self,
        payloads: dict[int, str],
        keys: dict[int, str | None],
        updates: Callable[[], dict[int, Update]],
    ) -> None:
        """Store ``payloads`` (several workers: with their order ``keys``), then hand over
        what is this process's to handle; ``updates``: the batch read by PTB, asked for
        only when needed (one process dispatches them; a full disk answers them)."""
        if not payloads:
            return
        rows = list(payloads.items())
        unmarked = sorted(self._unmarked)
        todo: list[int] = []
        try:
            # Each statement may commit by itself (PostgreSQL), so the batch is stored
            # last: stored means it will be handled, and nobody is then turned away.
            async with self._db.autocommit() as session:
                # Updates handled while the disk was full, whose done mark failed.
                for update_id in unmarked:
                    await session.inbox.mark_done(update_id, utc_now_text(), failed=True)
                if self.claims is None:
                    todo = await session.inbox.accept(rows, self._clock())
                else:
                    # Stored for whichever worker's turn it is (a redelivery is dropped).
                    keyed = [(uid, payload, keys[uid]) for uid, payload in rows]
                    await session.inbox.store(keyed, self._clock())
        except Exception as error:
            if not is_storage_full(error):
                raise
            # Nothing can be stored: tell each person to try again later, and let
            # Telegram consider the batch received (a redelivery would only be
            # turned away again). The next batch tries again: recovery is automatic.
            log.error(STORAGE_FULL_LINE, len(payloads), extra={"storage_full": True})
            await self._turn_away(list(updates().values()))
            return
        self._unmarked.difference_update(unmarked)
        if self.claims is not None:
            for update_id in unmarked:
                self.claims.finished(update_id)
        if todo:
            by_id = updates()
            for update_id in todo:
                self._dispatch(by_id[update_id])
        if self.claims is not None:
            self.claims.request()  # after the caller's acknowledgement: not awaited

    async def _turn_away(self, updates: list[Update]) -> None:
        """The short "try again later" answer, where the person expects one: a button
        press, a private message, a command in a group (never a reply to group chatter)."""
        replies = []
        for update in updates:
            user = update.effective_user
            language = from_telegram_code(user.language_code if user else None)
            text = translate(language, "error.storage_full")
            if update.callback_query is not None:
                replies.append(update.callback_query.answer(text))
                continue
            message = update.message
            if message is None or update.effective_chat is None:
                continue
            if update.effective_chat.type == "private" or (message.text or "").startswith("/"):
                replies.append(self._app.bot.send_message(update.effective_chat.id, text))
        for outcome in await asyncio.gather(*replies, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.info("could not say 'try again later': %r", outcome)

    def parse(self, raw: dict[str, Any]) -> Update:
        """An update as Telegram sent it (JSON), bound to this bot."""
        return Update.de_json(raw, self._app.bot)

    async def replay_pending(self) -> int:
        """Hand over every stored update that was not done before the last stop.

        Several workers: start claiming instead; the first pass takes what stopped or
        dead workers left (a dead one's once its leases ran out), never what live
        workers hold. Returns how many updates were handed over."""
        if self.claims is not None:
            claimed = await self.claims.start()
            if claimed:
                log.info("claimed %d stored update(s) nobody was handling", claimed)
            return claimed
        async with self._db.read() as session:
            pending = await session.inbox.pending()
        for row in pending:
            self._dispatch(self.parse(json.loads(row.payload)))
        if pending:
            log.info("replaying %d update(s) stored before the last stop", len(pending))
        return len(pending)

    def _dispatch_claimed(self, rows: list[InboxRow]) -> None:
        """Hand over what a claim pass leased to this worker, oldest first."""
        for row in rows:
            try:
                update = self.parse(json.loads(row.payload))
            except Exception:  # stored unread (its order key read from its JSON)
                log.exception(
                    "claimed update %s is not one PTB can read; marked failed", row.update_id
                )
                task = asyncio.create_task(self._mark_unreadable(row.update_id))
                self._chores.add(task)
                task.add_done_callback(self._chores.discard)
                continue
            self._dispatch(update)

    async def _mark_unreadable(self, update_id: int) -> None:
        """Mark a claimed update PTB cannot read done (failed) now, not with this worker's
        next batch, which may be long in coming: its person's next update waits for it."""
        if await self._mark_done(update_id, failed=True) and self.claims is not None:
            self.claims.finished(update_id)

    async def _mark_done(self, update_id: int, *, failed: bool) -> bool:
        """Mark an update done in its own transaction; whether it was written. Never an
        exception nobody retrieves: a full disk is reported (once a minute) and the mark
        is written with the next batch."""
        try:
            async with self._db.autocommit() as session:
                await session.inbox.mark_done(update_id, utc_now_text(), failed=failed)
        except Exception as error:
            if not is_storage_full(error):
                log.exception("update %s could not be marked done", update_id)
            else:
                log.error(STORAGE_FULL_LINE, 1, extra={"storage_full": True})
                self._unmarked.add(update_id)
            return False
        return True

    def _dispatch(self, update: Update) -> None:
        if update.update_id in self._active_ids:
            # Redelivered (or replayed) while still in hand: one run is enough.
            return
        self._active_ids.add(update.update_id)
        keys = _order_keys(update)
        earlier = {self._tails[key] for key in keys if key in self._tails}
        task = asyncio.create_task(self._handle(update, earlier), name=f"update-{update.update_id}")
        for key in keys:
            self._tails[key] = task
        self._tasks.add(task)
        self._task_ids[task] = update.update_id
        self._idle.clear()
        task.add_done_callback(lambda done: self._finished(done, keys, update.update_id))

    def _finished(self, task: asyncio.Task[None], keys: list[Hashable], update_id: int) -> None:
        self._tasks.discard(task)
        self._task_ids.pop(task, None)
        self._active_ids.discard(update_id)
        for key in keys:
            if self._tails.get(key) is task:
                del self._tails[key]
        if len(self._tasks) < self._max_in_hand:
            self._room.set()
        if not self._tasks:
            self._idle.set()
        if self.claims is not None and update_id not in self._unmarked:
            self.claims.finished(update_id)  # this person's next update may be waiting

    async def _handle(self, update: Update, earlier: set[asyncio.Task[None]]) -> None:
        if earlier:
            await asyncio.wait(earlier)
        async with self._semaphore:
            scope = UpdateScope(update.update_id)
            token = current_update.set(scope)
            try:
                await self._app.process_update(update)
            except Exception:
                # process_update hands handler errors to the error handler; this
                # is only for errors in PTB itself. The update is done, failed.
                log.exception("update %s could not be processed", update.update_id)
                scope.failed = True
            finally:
                current_update.reset(token)
            if not scope.completed:
                await self._mark_done(update.update_id, failed=scope.failed)
            self.handled += 1

    @property
    def in_flight(self) -> int:
        """Updates being handled or waiting for their turn."""
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Wait until every dispatched update is handled (several workers: and no claim
        pass is running or asked for, so what this worker stored is in hand or done)."""
        while True:
            await self._idle.wait()
            if self.claims is None or not self.claims.busy:
                return
            await asyncio.sleep(0.01)

    async def room(self) -> None:
        """Wait until fewer updates than :data:`IN_HAND_PER_HANDLER` per concurrent
        handler are in hand (the poller's cue to fetch more)."""
        while len(self._tasks) >= self._max_in_hand:
            self._room.clear()
            await self._room.wait()

    async def drain(self, grace_seconds: float) -> tuple[int, int]:
        """Let the updates in hand finish (at most ``grace_seconds``), cut off the rest.

        Returns (cut off, left for replay): a cut-off update whose effect was
        already committed (it was only waiting to send its reply) is done and
        is not replayed; the others stay in the inbox, not done, and are
        replayed at the next start (several workers: given back, and another worker
        claims them at once).
        """
        if self.claims is not None:
            await self.claims.stop_claiming()
        try:
            return await self._drain(grace_seconds)
        finally:
            if self.claims is not None:
                given_back = await self.claims.stop()
                if given_back:
                    log.info("stopping: %d update(s) given back to the other workers", given_back)

    async def _drain(self, grace_seconds: float) -> tuple[int, int]:
        if not self._tasks:
            return 0, 0
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        cut = {self._task_ids[task] for task in pending if task in self._task_ids}
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        if not cut:
            return 0, 0
        async with self._db.read() as session:
            left = [uid for uid in sorted(cut) if not await session.inbox.is_done(uid)]
        return len(cut), len(left)


async def poll_updates(
    app: AnyApplication, ingress: UpdateIngress, stop: asyncio.Event, poll_timeout: int
) -> None:
    """Long-poll getUpdates until ``stop`` is set, storing each batch before confirming it."""
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        await ingress.room()
        try:
            # The raw JSON (not PTB's get_updates): it is what the inbox stores,
            # and serialising parsed updates back costs more than handling them.
            # Bot API method names are case-insensitive (core.telegram.org/bots/api
            # "Making requests"); the lower-case name is how do_api_request is told
            # that no typed method is wanted here.
            result = await app.bot.do_api_request(
                "getupdates",
                api_kwargs={
                    "offset": offset,
                    "timeout": poll_timeout,
                    "allowed_updates": list(ALLOWED_UPDATES),
                },
                read_timeout=poll_timeout + POLL_READ_MARGIN,
            )
            batch = (
                [item for item in result if isinstance(item, dict)]
                if isinstance(result, list)
                else []
            )
        except TimedOut:
            continue
        except InvalidToken:
            raise
        except Conflict as error:
            log.error("another instance is polling with this token: %s", error.message)
        except NetworkError as error:
            log.warning("getUpdates failed, retrying in %.0f s: %s", backoff, error.message)
        except Exception:
            # Whatever it is, stopping to receive would be worse: log and retry.
            log.exception("unexpected error while polling; retrying in %.0f s", backoff)
        else:
            backoff = 1.0
            if batch:
                await ingress.receive_raw(batch)
                # The next call's offset tells Telegram the batch arrived: it is on disk now.
                offset = max(int(item["update_id"]) for item in batch) + 1
            continue
        await _sleep_unless_stopped(stop, backoff)
        backoff = min(backoff * 2, 60.0)


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    await wait_or_timeout(stop.wait(), seconds)


class WebhookServer:
    """Receives updates over HTTPS from Telegram (behind a reverse proxy).

    Each POST is stored in the inbox before the 200 is sent, and only if it
    carries the secret token Telegram was given with setWebhook. Served by
    aiohttp's server (the bot's HTTP client library already): tornado's, which
    PTB's own webhook uses, took twice its time per update in a street's evening
    (bench/city.py).
    """

    def __init__(self, ingress: UpdateIngress, *, path: str, secret: str) -> None:
        self._ingress = ingress
        self._path = path
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self._secret):
            return web.Response(status=403)
        ingress = self._ingress
        try:
            raw = json.loads(await request.read())
            if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
                raise ValueError("not an update")
            # Refused here if PTB cannot read it; several workers: read where it is
            # claimed (once), and only a shape the order key cannot read from the JSON
            # is read here too.
            parsed = None if ingress.shared else [ingress.parse(raw)]
        except ValueError:
            return web.Response(status=400)
        try:
            await ingress.receive_raw([raw], parsed)
        except Exception as error:
            # Not stored (the database unreachable): Telegram sends it again later.
            log.warning(
                "update %s not stored, Telegram will resend it: %r", raw["update_id"], error
            )
            return web.Response(status=503)
        return web.Response()

    async def start(self, listen: str, port: int) -> None:
        """Start listening (port 0 picks a free one, see ``port``)."""
        app = web.Application()
        app.router.add_post(self._path, self._receive)
        # No access log: a line per update would be the log's every line.
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop accepting requests; those being stored are finished first."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
