"""The composition root: ``build_application(settings)`` wires everything, and
``run_bot`` owns the lifecycle of a running bot.

Resources are opened in ``post_init`` (database, command menus, housekeeping
jobs) and closed in ``post_shutdown``; nothing does I/O before that. Updates
come through bot/runtime/ingress.py, never through PTB's Updater, so that each
is stored before Telegram is told it arrived.

On PostgreSQL (``db.shared``) several processes may run side by side behind one
load balancer (README, "Several workers"): each claims the updates it handles
(bot/runtime/claims.py), one of them at a time sends the outbox
(bot/runtime/sender_seat.py), and all arm the schedules, which fire once.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import signal
import sqlite3
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.charts import render_chart
from bot.clock import Clock, system_clock
from bot.config import Language, Settings
from bot.i18n import translate
from bot.logs import keep_private_data_out
from bot.runtime.flood import TelegramRateLimiter
from bot.runtime.http import AiohttpRequest
from bot.runtime.ingress import (
    ALLOWED_UPDATES,
    AnyApplication,
    UpdateIngress,
    WebhookServer,
    poll_updates,
)
from bot.runtime.jobs import JobQueueTimer
from bot.runtime.scheduler.service import RESCAN_INTERVAL
from bot.runtime.sender import SHARED_IDLE_SECONDS, Sender
from bot.runtime.sender_seat import SenderSeat
from bot.services import BotData, Services
from handlers import COMMANDS, SECRETARY_MENU, STREET_MENU, register_handlers
from handlers.access import Where
from handlers.cards import CardRouter, drop_pending_edits, pending_edits
from handlers.context import Context
from handlers.deliberation import minutes_texts
from handlers.deliberation.matters import refresh_matter_card_soon
from handlers.deliberation.minutes_document import document_renderer as minutes_documents
from handlers.deliberation.votes import refresh_vote_card_soon
from storage.db import is_storage_full

log = logging.getLogger(__name__)

#: How long a stopping bot lets the updates in hand finish: what is cut off
#: before its commit is replayed at the next start, so this only bounds how
#: long a stop waits (with the sender's few seconds, well under 10 s in all).
SHUTDOWN_GRACE_SECONDS = 4.0

#: At most this long at a stop for handing the pending card edits over (several workers).
HAND_OVER_SECONDS = 3.0

#: How often handled updates older than the retention are pruned from the inbox.
INBOX_PRUNE_INTERVAL = timedelta(hours=1)


#: Connections to the Bot API at most: at a 100 ms round trip, 1,000 calls a second.
MAX_CONNECTIONS = 100


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limiter: TelegramRateLimiter | None = None,
) -> AnyApplication:
    """Build the Application for ``settings``; nothing is opened or sent yet.

    Tests pass their own ``request``s (the fake Bot API), ``clock`` and ``rate_limiter``.
    """
    keep_private_data_out()  # whatever the logging set-up, no payload in a log line
    if settings.delivery.max_attempts is not None:
        log.warning(
            "[delivery] max_attempts is no longer used: a push is retried for"
            " retry_for_hours (%s h); remove the line from the configuration",
            settings.delivery.retry_for_hours,
        )
    if settings.volunteer.code_grace_seconds is not None:
        log.warning(
            "[volunteer] code_grace_seconds is no longer used: a check-in code lasts"
            " code_valid_minutes (%s min); remove the line from the configuration",
            settings.volunteer.code_valid_minutes,
        )
    builder = (
        Application.builder()
        .token(settings.bot_token())
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .updater(None)
        .rate_limiter(rate_limiter or TelegramRateLimiter(max_retries=3))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.community.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    # aiohttp under PTB (bot/runtime/http.py): httpx's pool costs more CPU than
    # the updates once dozens of requests are in flight. Tests pass their own.
    connections = min(settings.updates.max_concurrent + 8, MAX_CONNECTIONS)
    builder = builder.request(request or AiohttpRequest(connection_limit=connections))
    builder = builder.get_updates_request(get_updates_request or AiohttpRequest())
    app: AnyApplication = builder.build()
    app.bot_data.services = Services.create(settings, clock)
    # The minutes a sitting's close posts are rendered by the handler layer's texts.
    app.bot_data.services.sittings.render_minutes = minutes_texts.minutes_messages
    register_handlers(app)
    return app


def services_of(app: AnyApplication) -> Services:
    """The services kept in the application's bot_data."""
    services: Services = app.bot_data.services
    return services


async def _post_init(app: AnyApplication) -> None:
    services = services_of(app)
    await services.db.open()
    await services.communities.load()
    await set_command_menus(app)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _prune_inbox,
            interval=INBOX_PRUNE_INTERVAL,
            first=timedelta(minutes=1),
            name="prune-inbox",
        )


async def _post_shutdown(app: AnyApplication) -> None:
    await services_of(app).db.close()


async def _rescan_schedules(context: Context) -> None:
    armed = await context.services.scheduler.rescan()
    if armed:
        log.debug("armed %d schedule(s) changed on another worker", armed)


async def _prune_inbox(context: Context) -> None:
    hours = context.services.settings.updates.inbox_retention_hours
    pruned = await context.services.community.prune_inbox(timedelta(hours=hours))
    if pruned:
        log.info("pruned %d handled update(s) from the inbox", pruned)


def _menu(language: Language, where: Where, extra: tuple[str, ...] = ()) -> list[BotCommand]:
    return [
        BotCommand(command.name, translate(language, f"command.{command.name}"))
        for command in COMMANDS
        if command.menu in (where, Where.ANY) or command.name in extra
    ]


async def set_command_menus(app: AnyApplication) -> None:
    """Command menus per language: private chats, groups, each secretary (configured, or
    appointed by the street) and each street administrator."""
    bot = app.bot
    settings = services_of(app).settings
    default = settings.community.default_language
    for language in Language:
        code = None if language is default else language.value[:2]
        await bot.set_my_commands(_menu(language, Where.PRIVATE), language_code=code)
        await bot.set_my_commands(
            _menu(language, Where.GROUP),
            scope=BotCommandScopeAllGroupChats(),
            language_code=code,
        )
    # Each configured secretary's and street administrator's own menu (one who is both
    # gets both lists).
    extras: dict[int, tuple[str, ...]] = {}
    async with services_of(app).db.read() as session:
        # Every community's secretaries, those the street appointed in the bot too.
        appointed = await session.communities.secretary_accounts()
    for secretary in (*settings.community.secretaries, *appointed):
        extras[secretary] = SECRETARY_MENU
    for admin in settings.street.admins:
        extras[admin] = extras.get(admin, ()) + STREET_MENU
    # Telegram keeps a menu once set: only one that changed since it was set (or was
    # refused) is set again, not a thousand at every start of a big street.
    async with services_of(app).db.read() as session:
        already = await session.command_menus.digests()
    clock = services_of(app).clock
    for chat_id, extra in extras.items():
        digest = _menu_digest(default, extra)
        if already.get(chat_id) == digest:
            continue
        if await set_own_menu(bot, default, chat_id, extra):
            try:
                async with services_of(app).db.autocommit() as session:
                    await session.command_menus.record(chat_id, digest, clock())
            except sqlite3.Error as error:  # a full disk: set again at the next start
                log.warning("could not note the menu set for %s: %s", chat_id, error)


def _menu_digest(language: Language, extra: tuple[str, ...]) -> str:
    """What a person's own menu holds (commands, their descriptions, language), digested."""
    menu = [(c.command, c.description) for c in _menu(language, Where.PRIVATE, extra)]
    text = json.dumps([language.value, menu], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


async def set_own_menu(bot: Any, language: Language, chat_id: int, extra: tuple[str, ...]) -> bool:
    """One person's private menu: everyone's commands and ``extra`` (a secretary's, a
    street administrator's); logged, not raised, when Telegram refuses. Whether it was set."""
    try:
        await bot.set_my_commands(
            _menu(language, Where.PRIVATE, extra), scope=BotCommandScopeChat(chat_id)
        )
    except (BadRequest, Forbidden) as error:
        # They have not opened the bot yet; the menu is set at the next start.
        log.info("no own menu for %s yet: %s", chat_id, error.message)
        return False
    return True


class RunningBot:
    """A started bot: Application, ingress and the task that feeds it."""

    def __init__(self, app: AnyApplication, *, webhook: bool) -> None:
        self.app = app
        self.services = services_of(app)
        settings = self.services.settings
        #: Several workers share the database (PostgreSQL): claims, one sender.
        self.shared = self.services.db.shared
        self.ingress = UpdateIngress(
            app,
            self.services.db,
            max_concurrent=settings.updates.max_concurrent,
            clock=self.services.clock,
            lease_seconds=settings.updates.lease_seconds if self.shared else None,
        )
        self.stop_event = asyncio.Event()
        self._webhook = webhook
        self._feeder: asyncio.Task[None] | None = None
        self._webhook_server: WebhookServer | None = None
        self.sender: Sender | None = None
        #: Several workers: runs the sender while this worker holds the sender lock.
        self.seat: SenderSeat | None = None
        #: Several workers: card edits go to the worker that sends (handlers/cards.py).
        self.cards: CardRouter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous_handler: Any = None

    async def start(self) -> None:
        """Open resources, replay unfinished updates, start receiving."""
        self._watch_background_tasks()
        app = self.app
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await self._start_timed_work()
        await self.ingress.replay_pending()
        settings = self.services.settings.telegram
        if self._webhook:
            secret = self.services.settings.webhook_secret()
            self._webhook_server = WebhookServer(
                self.ingress, path=settings.webhook.path, secret=secret
            )
            await self._webhook_server.start(settings.webhook.listen, settings.webhook.port)
            await app.bot.set_webhook(
                settings.webhook.url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            log.info("receiving updates by webhook at %s", settings.webhook.url)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            self._feeder = asyncio.create_task(
                poll_updates(app, self.ingress, self.stop_event, settings.poll_timeout),
                name="poll-updates",
            )
            log.info("receiving updates by long polling as @%s", app.bot.username)

    async def _start_timed_work(self) -> None:
        """The outbox sender, then the schedules (catch-up, alarms)."""
        app, services = self.app, self.services
        limiter = app.bot.rate_limiter
        if not isinstance(limiter, TelegramRateLimiter):
            raise RuntimeError("the bot must use TelegramRateLimiter")
        self.sender = Sender(
            app.bot,
            services.db,
            limiter,
            services.community,
            services.settings.delivery,
            services.clock,
        )
        services.wake_sender = self.sender.wake
        self.sender.enter_community = services.communities.enter
        self.sender.reports.zone_of = lambda community: services.communities.profile(community).tz
        font_path = services.settings.charts.font_path or None
        self.sender.chart_renderer = lambda chart: render_chart(chart, font_path=font_path).png
        # Pictures the features draw at send time (a Party birthday card …).
        self.sender.card_renderers.update(services.members.card_renderers())
        # The minutes' Word document a sitting's close queues (handlers/deliberation).
        self.sender.document_renderer = minutes_documents(services)
        if app.job_queue is None:
            raise RuntimeError("PTB's job-queue extra is required")
        job_queue = app.job_queue

        def cards_after_close(vote_id: int, matter_id: int) -> None:
            refresh_vote_card_soon(job_queue, vote_id)
            refresh_matter_card_soon(job_queue, matter_id)

        services.votes.closing.on_closed = cards_after_close
        scheduler = services.scheduler
        scheduler.attach(JobQueueTimer(app.job_queue, scheduler.fire), self.sender.wake)
        await scheduler.ensure_builtin()
        if self.shared:
            await self._take_a_seat(self.sender)
        else:
            await self.sender.start()
        caught = await scheduler.rebuild()
        if caught.late or caught.missed:
            log.info("schedules caught up: %d late, %d missed", caught.late, caught.missed)
        if self.shared:
            # Schedules created or moved on another worker get their alarm here too.
            app.job_queue.run_repeating(
                _rescan_schedules,
                interval=RESCAN_INTERVAL,
                first=RESCAN_INTERVAL,
                name="rescan-schedules",
            )

    async def _take_a_seat(self, sender: Sender) -> None:
        """Several workers: the sender runs only while this worker holds the bot's
        sender lock; what another worker queues is found by looking often."""
        from storage.runtime.sender_lock import SessionLock, sender_lock_key

        # Polling, not LISTEN/NOTIFY: every path that queues a message (many
        # repositories, the synchronous units) would need its NOTIFY, and a
        # listener's connection its own watch; two indexed reads a second on the
        # one worker that sends cost nothing beside that.
        sender.idle_seconds = SHARED_IDLE_SECONDS
        key = sender_lock_key(self.services.settings.bot_token())
        seat = self.seat = SenderSeat(sender, SessionLock.for_database(self.services.db, key))
        if self.app.job_queue is not None:
            self.cards = CardRouter(
                self.app.job_queue,
                self.services.db,
                lambda: seat.sending,
                self.services.communities.enter,
            )
            self.cards.install()
        await seat.start()

    async def wait(self) -> None:
        """Run until stopped (a signal, or the poller failing)."""
        waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(self.stop_event.wait())]
        if self._feeder is not None:
            waiters.append(self._feeder)
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if self._feeder is not None and self._feeder.done() and not self._feeder.cancelled():
            self.stop_event.set()
            self._feeder.result()  # re-raise what stopped the poller (a revoked token, say)
        for waiter in waiters:
            if waiter is not self._feeder:
                waiter.cancel()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close everything.

        Nothing waits for Telegram's flood limits here: cosmetic card edits are
        dropped (pending ones forgotten, one waiting for its window given up),
        pushes still waiting for a slot stay in the outbox for after the
        restart, and updates get a short grace before being cut off.
        """
        self.stop_event.set()
        limiter = self.app.bot.rate_limiter
        if isinstance(limiter, TelegramRateLimiter):
            limiter.stop_waiting()
        handed = 0
        if self.cards is not None:
            # Several workers: the card edits not yet made go to whichever sends next.
            try:
                handed = await asyncio.wait_for(
                    self.cards.hand_over(pending_edits(self.app.job_queue)), HAND_OVER_SECONDS
                )
            except TimeoutError:
                handed = 0
            if handed:
                log.info("stopping: %d pending card edit(s) left for the worker that sends", handed)
        dropped = drop_pending_edits(self.app.job_queue)
        if dropped and not handed:
            log.info(
                "stopping: %d pending card edit(s) dropped; each card is edited at its next change",
                dropped,
            )
        if self._feeder is not None and not self._feeder.done():
            self._feeder.cancel()
            await asyncio.gather(self._feeder, return_exceptions=True)
        if self._webhook_server is not None:
            await self._webhook_server.stop()
        cut, left = await self.ingress.drain(SHUTDOWN_GRACE_SECONDS)
        if left and self.shared:
            log.warning(
                "%d update(s) were cut off before they were done; another worker takes them",
                left,
            )
        elif left:
            log.warning(
                "%d update(s) were cut off before they were done; they will be replayed at the"
                " next start",
                left,
            )
        elif cut:
            log.info("stopping: %d reply(ies) not sent; what they answered is saved", cut)
        if self.seat is not None:
            await self.seat.stop()
        elif self.sender is not None:
            await self.sender.stop()
        app = self.app
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        if self._loop is not None:
            self._loop.set_exception_handler(self._previous_handler)
            self._loop = None

    def _watch_background_tasks(self) -> None:
        """Background tasks (the sender's, a card refresh) that die of a full disk are
        reported with the once-a-minute storage line, not one traceback each; anything
        else goes to the handler there was before."""
        loop = asyncio.get_running_loop()
        self._loop, self._previous_handler = loop, loop.get_exception_handler()
        previous = self._previous_handler

        def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            if is_storage_full(context.get("exception")):
                task = context.get("task") or context.get("future")
                name = task.get_name() if isinstance(task, asyncio.Task) else "?"
                log.error(
                    "database or disk is full: background task %s stopped; retried with room",
                    name,
                    extra={"storage_full": True},
                )
            elif previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)

        loop.set_exception_handler(handle)


async def run_bot(settings: Settings, *, webhook: bool = False) -> None:
    """Run the bot until SIGTERM or SIGINT, then stop gracefully."""
    app = build_application(settings)
    running = RunningBot(app, webhook=webhook)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, running.stop_event.set)
    try:
        await running.start()
        # Everything loaded at start lives as long as the process: keep the
        # collector from scanning it again on every full collection.
        gc.freeze()
        await running.wait()
    finally:
        log.info("stopping")
        await running.stop()
