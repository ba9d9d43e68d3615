"""The stand-in's in-memory world: records of users, chats, messages, files, callback queries,
injected failures and waiters, the member statuses Telegram knows, and :class:`World`, the
state every part of :class:`~bot.standin.api.FakeBotApi` shares.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

GROUP_ANONYMOUS_BOT_ID = 1087968824
"""The user id Telegram puts in ``from`` of messages sent by anonymous group administrators."""


_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})


_PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


_ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass
class _User:
    json: dict[str, Any]
    started: bool = True
    blocked: bool = False


@dataclass
class _Chat:
    json: dict[str, Any]
    members: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None


@dataclass
class _Msg:
    chat_id: int
    json: dict[str, Any]
    by_bot: bool
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    sent_markup: Any = None
    reactions: list[str] = field(default_factory=list)


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    file_path: str
    width: int = 0
    height: int = 0


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _Query:
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass
class _Waiter:
    event: asyncio.Event
    loop: asyncio.AbstractEventLoop


_Files = Mapping[str, tuple[str, bytes]]


class World:
    """The stand-in's state, shared by the mixins :class:`bot.standin.api.FakeBotApi` combines.

    Holds every user, chat, message, update, file, failure and waiter, with the few internals
    all concerns use: looking records up, adding a message, queueing an update, recording a
    timeline event and waking the waiters. The arguments are FakeBotApi's.
    """

    def __init__(
        self,
        *,
        bot_id: int,
        bot_username: str,
        bot_first_name: str,
        enforce_limits: bool,
        clock: Callable[[], float],
        privacy_mode: bool,
        latency: float,
    ) -> None:
        self.bot_id = bot_id
        self.latency = latency
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.enforce_limits = enforce_limits
        self.privacy_mode = privacy_mode
        self._clock = clock
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[tuple[str, dict[str, Any]]] = []
        """Every bot call as (method, decoded params), in order; uploads in ``params["_files"]``."""
        self.delivered_update_ids: list[int] = []
        """Every update_id returned by getUpdates, in order (repeats when delivered again)."""
        self.limit_hits = 0
        """How many 429 answers the flood limits gave."""
        self.tokens_seen: list[str] = []
        """Distinct bot tokens seen by the transports, in order of first use."""
        self.webhook: dict[str, Any] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """setMyCommands lists by (canonical JSON of the scope, language_code)."""
        self.descriptions: dict[tuple[str, str], str] = {}
        """setMyDescription/ShortDescription/Name texts by (kind, language_code)."""
        self._users: dict[int, _User] = {}
        self._chats: dict[int, _Chat] = {}
        self._messages: dict[int, list[_Msg]] = {}
        self._by_id: dict[tuple[int, int], _Msg] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._queries: dict[str, _Query] = {}
        self._answers: list[dict[str, Any]] = []
        self._timeline: list[dict[str, Any]] = []
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._file_counter = 0
        self._failures: dict[str, deque[_Failure]] = {}
        self._outage: _Failure | None = None
        self._outage_get_updates = False
        self.outage_refusals = 0
        """How many calls an outage (:meth:`start_outage`) refused."""
        self._sent_all: deque[float] = deque()
        self._sent_chat: dict[int, deque[float]] = {}
        self._waiters: list[_Waiter] = []

    def _user(self, user_id: int) -> _User:
        try:
            return self._users[user_id]
        except KeyError:
            raise ValueError(f"unknown user {user_id}; call add_user() first") from None

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise ValueError(f"unknown chat {chat_id}; call add_group() first") from None

    def _new_message(
        self,
        chat_id: int,
        *,
        sender: Mapping[str, Any] | None,
        sender_chat: Mapping[str, Any] | None,
        by_bot: bool,
        fields: Mapping[str, Any],
    ) -> _Msg:
        chat = self._chats[chat_id]
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        message: dict[str, Any] = {"message_id": message_id}
        if sender is not None:
            message["from"] = copy.deepcopy(dict(sender))
        if sender_chat is not None:
            message["sender_chat"] = copy.deepcopy(dict(sender_chat))
        message["chat"] = copy.deepcopy(chat.json)
        message["date"] = int(time.time())
        message.update(copy.deepcopy(dict(fields)))
        record = _Msg(chat_id, message, by_bot)
        self._messages[chat_id].append(record)
        self._by_id[(chat_id, message_id)] = record
        self._event("message", chat_id, message=message, by_bot=by_bot)
        return record

    def _reply_json(self, record: _Msg) -> dict[str, Any]:
        replied = copy.deepcopy(record.json)
        replied.pop("reply_to_message", None)
        return replied

    def _queue(self, kind: str, payload: dict[str, Any]) -> None:
        self._updates.append({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1

    def _event(self, kind: str, chat_id: int, **details: Any) -> None:
        event: dict[str, Any] = {"kind": kind, "chat": copy.deepcopy(self._chats[chat_id].json)}
        event.update(copy.deepcopy(details))
        self._timeline.append(event)

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for waiter in waiters:
            if waiter.loop is running:
                waiter.event.set()
            elif not waiter.loop.is_closed():
                waiter.loop.call_soon_threadsafe(waiter.event.set)

    async def _wait_change(self, seconds: float) -> None:
        """Sleep until the next change of state, or at most ``seconds``.

        ``asyncio.timeout``, not ``wait_for``: Python 3.11's ``wait_for`` swallows a
        cancellation that arrives once the event is set but before it wakes, so a bot
        stopping (its poller's getUpdates cancelled) sat out the whole long poll.
        """
        waiter = _Waiter(asyncio.Event(), asyncio.get_running_loop())
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(seconds):
                await waiter.event.wait()
        except TimeoutError:
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
