"""An offline stand-in for the Telegram Bot API, for tests and ``pavilion demo``.

:class:`FakeBotApi` keeps the whole world in memory: users, chats, every message (users' and the
bot's), a queue of updates for ``getUpdates`` and a record of every call the bot made. Tests drive
the world from the users' side (:meth:`FakeBotApi.send_text`, :meth:`FakeBotApi.press_button`,
...) and the bot sees it through :meth:`FakeBotApi.call`, which answers with the same JSON
envelopes, HTTP-style error codes and error descriptions as ``api.telegram.org``.

:class:`StandinServer` serves a :class:`FakeBotApi` over real HTTP on loopback with tornado, shaped
like ``api.telegram.org`` (``/bot<token>/<method>`` and ``/file/bot<token>/<path>``), so an
unmodified bot can talk to it with ``base_url``/``base_file_url``.

Realism the bot may meet here as it would in production:

* ``parse_mode`` HTML, MarkdownV2 and Markdown are parsed into plain text plus entities (offsets
  in UTF-16 code units); malformed markup is refused with ``can't parse entities: ...``.
* Text is trimmed; empty text, text over 4096 characters and captions over 1024 are refused.
* ``editMessageText``/``editMessageCaption`` without ``reply_markup`` remove the inline keyboard;
  an edit changing nothing answers ``message is not modified``.
* Callback queries can be answered once; callback data is limited to 64 bytes.
* Private chats: a blocked bot gets 403; a bot may not write first to a user created with
  ``started=False``. Groups: a removed bot gets 403; a migrated group answers 400 with
  ``migrate_to_chat_id``.
* A second ``getUpdates`` ends a pending long poll with 409, as does an active webhook.
* With ``enforce_limits=True`` the flood limits answer 429 with ``retry_after``.

The stand-in imports nothing from ``telegram``; it is not thread-safe (use it from the thread
running its event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import math
import mimetypes
import re
import struct
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from bot.standin.errors import StandinNetworkError, _ApiError, _bad
from bot.standin.formatting import _COMMAND_RE, _detect_entities, _format
from bot.standin.params import _decode_param
from bot.standin.world import (
    _ADMIN_STATUSES,
    _MEMBER_STATUSES,
    _PRESENT_STATUSES,
    GROUP_ANONYMOUS_BOT_ID,
    _Chat,
    _Failure,
    _File,
    _Files,
    _Msg,
    _Query,
    _User,
    _Waiter,
)

MAX_TEXT_LENGTH = 4096


MAX_CAPTION_LENGTH = 1024


MAX_CALLBACK_DATA_BYTES = 64


_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


_CHAT_NOT_FOUND = "Bad Request: chat not found"


_WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"


_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# Update types Telegram leaves out unless they are asked for in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


_SERVICE_KEYS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "pinned_message",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "group_chat_created",
        "supergroup_chat_created",
    }
)


_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")


_LANGUAGE_RE = re.compile(r"[a-z]{2}")


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


_Handler = Callable[[dict[str, Any], _Files], Any]


class FakeBotApi:
    """In-memory Bot API server state: users, chats, messages, an update queue, recorded calls.

    The world is changed from the users' side with :meth:`send_text`, :meth:`press_button` and
    friends; each action Telegram would report to the bot queues an update (``update_id`` counts
    from 1) for ``getUpdates``. The bot's side is :meth:`call`. Records for tests and
    transcripts: :attr:`calls`, :meth:`messages`, :meth:`timeline`, :meth:`callback_answers`,
    :attr:`delivered_update_ids`, :attr:`limit_hits` and :attr:`tokens_seen`.

    Args:
        bot_id, bot_username, bot_first_name: who the bot is (``getMe``).
        enforce_limits: answer 429 beyond Telegram's flood limits (30 sends/s overall, 1/s per
            private chat, 20/min per group), timed with ``clock``.
        clock: monotonic seconds, for the flood limits only.
        privacy_mode: like a bot with privacy mode on, receive from groups only commands, replies
            to the bot, mentions of it and service messages, unless it is an administrator.
        latency: seconds every call but getUpdates takes, like a round trip to Telegram
            (about 0.1 s in practice); 0 answers at once.
    """

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "pavilion_demo_bot",
        bot_first_name: str = "议事亭",
        enforce_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        privacy_mode: bool = False,
        latency: float = 0.0,
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
        self._handlers: dict[str, tuple[str, _Handler]] = {}
        for handler in (
            self._get_me,
            self._delete_webhook,
            self._set_webhook,
            self._get_webhook_info,
            self._set_my_commands,
            self._get_my_commands,
            self._delete_my_commands,
            self._set_my_description,
            self._get_my_description,
            self._set_my_short_description,
            self._get_my_short_description,
            self._set_my_name,
            self._get_my_name,
            self._send_message,
            self._edit_message_text,
            self._edit_message_reply_markup,
            self._edit_message_caption,
            self._delete_message,
            self._answer_callback_query,
            self._send_document,
            self._send_photo,
            self._send_audio,
            self._send_video,
            self._send_location,
            self._get_chat,
            self._get_chat_member,
            self._get_chat_administrators,
            self._get_chat_member_count,
            self._leave_chat,
            self._send_chat_action,
            self._pin_chat_message,
            self._unpin_chat_message,
            self._get_file,
            self._close,
            self._log_out,
        ):
            words = handler.__name__.strip("_").split("_")
            name = words[0] + "".join(w.capitalize() for w in words[1:])
            self._handlers[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- the world, as users see it

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        is_bot: bool = False,
        started: bool = True,
    ) -> dict[str, Any]:
        """Create a user and their private chat (id == user id); returns the User JSON.

        With ``started=False`` the user has never opened the bot: the bot's sends to them fail
        with 403 until they write to it.
        """
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None and not is_bot:
            user["language_code"] = language_code
        self._users[user_id] = _User(user, started=started)
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name is not None:
            chat["last_name"] = last_name
        if username is not None:
            chat["username"] = username
        self._add_chat(_Chat(chat))
        return copy.deepcopy(user)

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        username: str | None = None,
        bot_status: str | None = None,
    ) -> dict[str, Any]:
        """Create a group, supergroup or channel (negative id); returns the Chat JSON.

        The bot is already in it, as ``bot_status`` (default ``member``, ``administrator`` in a
        channel); use ``bot_status="left"`` and :meth:`bot_added` to play the invitation.
        """
        if chat_id >= 0:
            raise ValueError("group and channel ids are negative")
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"unknown chat type {type!r}")
        chat: dict[str, Any] = {"id": chat_id, "type": type, "title": title}
        if username is not None:
            chat["username"] = username
        status = bot_status or ("administrator" if type == "channel" else "member")
        self._check_status(status)
        self._add_chat(_Chat(chat, members={self.bot_id: status}))
        return copy.deepcopy(chat)

    def set_member_status(
        self, chat_id: int, user_id: int, status: str, *, by_user_id: int | None = None
    ) -> None:
        """Set a user's (or the bot's) status in a group: creator, administrator, member, ...

        Changing the bot's own status with ``by_user_id`` given queues a ``my_chat_member`` update.
        """
        self._check_status(status)
        chat = self._group(chat_id)
        if user_id != self.bot_id:
            self._user(user_id)
        old = chat.members.get(user_id, "left")
        chat.members[user_id] = status
        if user_id == self.bot_id and by_user_id is not None:
            self._my_chat_member(chat_id, by_user_id, old, status)
        self._notify()

    def send_text(
        self,
        user_id: int,
        chat_id: int | None,
        text: str,
        *,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends ``text`` (``chat_id`` None: in their private chat with the bot).

        Bot commands, @mentions and links get their entities, as Telegram detects them. Returns
        the Message JSON; queues a ``message`` update.
        """
        fields: dict[str, Any] = {"text": text}
        entities = _detect_entities(text)
        if entities:
            fields["entities"] = entities
        return self._user_message(user_id, chat_id, fields, reply_to_message_id)

    def edit_text(
        self, user_id: int, chat_id: int | None, message_id: int, text: str
    ) -> dict[str, Any]:
        """A user edits one of their text messages; queues an ``edited_message`` update."""
        cid = self._user_chat_id(user_id, chat_id)
        record = self._message(cid, message_id)
        if record.by_bot or record.json.get("from", {}).get("id") != user_id:
            raise ValueError("users can edit only their own messages")
        if "text" not in record.json:
            raise ValueError("not a text message")
        record.edits.append(str(record.json["text"]))
        record.json["text"] = text
        record.json.pop("entities", None)
        entities = _detect_entities(text)
        if entities:
            record.json["entities"] = entities
        record.json["edit_date"] = int(time.time())
        self._event("edit", cid, message=record.json, old_text=record.edits[-1], by_bot=False)
        self._deliver_user_message(record, "edited_message")
        self._notify()
        return copy.deepcopy(record.json)

    def send_location(
        self,
        user_id: int,
        chat_id: int | None,
        latitude: float,
        longitude: float,
        *,
        live_period: int | None = None,
        forwarded: bool = False,
    ) -> dict[str, Any]:
        """A user shares a location (live with ``live_period``; ``forwarded`` from another chat)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        fields: dict[str, Any] = {"location": location}
        if forwarded:
            fields["forward_origin"] = {
                "type": "user",
                "sender_user": copy.deepcopy(self._user(user_id).json),
                "date": int(time.time()) - 60,
            }
        return self._user_message(user_id, chat_id, fields, None)

    def move_live_location(
        self,
        user_id: int,
        chat_id: int | None,
        message_id: int,
        latitude: float,
        longitude: float,
    ) -> dict[str, Any]:
        """A live location moves: queues an ``edited_message`` with the new location."""
        cid = self._user_chat_id(user_id, chat_id)
        record = self._message(cid, message_id)
        location = record.json.get("location")
        if not isinstance(location, dict) or "live_period" not in location:
            raise ValueError("not a live location")
        location.update(latitude=latitude, longitude=longitude)
        record.json["edit_date"] = int(time.time())
        self._event("edit", cid, message=record.json, old_text=None, by_bot=False)
        self._deliver_user_message(record, "edited_message")
        self._notify()
        return copy.deepcopy(record.json)

    def send_photo(
        self,
        user_id: int,
        chat_id: int | None,
        *,
        caption: str | None = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        """A user sends a photo (made-up bytes unless ``data``); getFile can fetch it."""
        self._file_counter += 1
        blob = data if data is not None else f"fake photo {self._file_counter}".encode()
        photo = self._store_file("photo", "photo.jpg", blob)
        fields: dict[str, Any] = {"photo": self._photo_sizes(photo)}
        self._add_caption(fields, caption)
        return self._user_message(user_id, chat_id, fields, None)

    def send_document(
        self,
        user_id: int,
        chat_id: int | None,
        file_name: str,
        data: bytes,
        *,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A user sends a file; getFile can fetch it."""
        document = self._store_file("document", file_name, data)
        fields: dict[str, Any] = {"document": self._document_json(document)}
        self._add_caption(fields, caption)
        return self._user_message(user_id, chat_id, fields, None)

    def send_audio(
        self, user_id: int, chat_id: int | None, file_name: str, data: bytes
    ) -> dict[str, Any]:
        """A user sends an audio file (a lesson's recording, say); getFile can fetch it."""
        audio = self._store_file("audio", file_name, data)
        return self._user_message(user_id, chat_id, {"audio": self._audio_json(audio)}, None)

    def send_video(
        self, user_id: int, chat_id: int | None, file_name: str, data: bytes
    ) -> dict[str, Any]:
        """A user sends a video; getFile can fetch it."""
        video = self._store_file("video", file_name, data)
        return self._user_message(user_id, chat_id, {"video": self._video_json(video)}, None)

    def press_button(
        self, user_id: int, chat_id: int | None, message_id: int, data: str, *, strict: bool = True
    ) -> str:
        """A user presses an inline button of a bot message; returns the callback query id.

        Queues a ``callback_query`` update whose ``message`` is the current bot message. With
        ``strict`` (default) the message must carry a button with this callback data.
        """
        cid = self._user_chat_id(user_id, chat_id)
        record = self._message(cid, message_id)
        if record.deleted:
            raise ValueError("the message was deleted")
        if not record.by_bot:
            raise ValueError("inline buttons are on bot messages only")
        if strict:
            rows = record.json.get("reply_markup", {}).get("inline_keyboard", [])
            datas = [button.get("callback_data") for row in rows for button in row]
            if data not in datas:
                raise ValueError(f"message {message_id} has no button {data!r}; it has {datas}")
        if cid < 0:
            self._join(cid, user_id)
        query_id = str(4_000_000_000_000_000 + len(self._queries) + 1)
        self._queries[query_id] = _Query(user_id, cid, message_id, data)
        user = self._user(user_id).json
        query = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "message": copy.deepcopy(record.json),
            "chat_instance": self._chat_instance(cid),
            "data": data,
        }
        self._event(
            "callback",
            cid,
            message=record.json,
            user=user,
            data=data,
            query_id=query_id,
        )
        self._queue("callback_query", query)
        self._notify()
        return query_id

    def anonymous_admin_says(self, chat_id: int, text: str) -> dict[str, Any]:
        """An anonymous administrator writes in a group: from GroupAnonymousBot, sender_chat."""
        chat = self._group(chat_id)
        fields: dict[str, Any] = {"text": text}
        entities = _detect_entities(text)
        if entities:
            fields["entities"] = entities
        record = self._new_message(
            chat_id,
            sender=self._anonymous_bot(),
            sender_chat=chat.json,
            by_bot=False,
            fields=fields,
        )
        self._deliver_user_message(record, "message")
        self._notify()
        return copy.deepcopy(record.json)

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel; queues a ``channel_post`` update if the bot is in the channel."""
        chat = self._group(chat_id)
        fields: dict[str, Any] = {"text": text}
        entities = _detect_entities(text)
        if entities:
            fields["entities"] = entities
        record = self._new_message(
            chat_id, sender=None, sender_chat=chat.json, by_bot=False, fields=fields
        )
        if chat.members.get(self.bot_id) in _PRESENT_STATUSES:
            self._queue("channel_post", copy.deepcopy(record.json))
        self._notify()
        return copy.deepcopy(record.json)

    def bot_added(self, chat_id: int, by_user_id: int) -> None:
        """A user adds the bot to a group: queues ``my_chat_member`` (left -> member)."""
        chat = self._group(chat_id)
        old = chat.members.get(self.bot_id, "left")
        chat.members[self.bot_id] = "member"
        self._join(chat_id, by_user_id)
        self._my_chat_member(chat_id, by_user_id, old, "member")
        self._notify()

    def bot_removed(self, chat_id: int, by_user_id: int, *, kicked: bool = True) -> None:
        """A user removes the bot from a group: ``my_chat_member`` (member -> kicked or left)."""
        chat = self._group(chat_id)
        old = chat.members.get(self.bot_id, "member")
        new = "kicked" if kicked else "left"
        chat.members[self.bot_id] = new
        self._my_chat_member(chat_id, by_user_id, old, new)
        self._notify()

    def migrate_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group becomes a supergroup with a new id, as Telegram does it.

        Queues a message in the old chat with ``migrate_to_chat_id`` and one in the new chat with
        ``migrate_from_chat_id``. Afterwards the bot's writes to the old id fail with 400 and
        ``parameters.migrate_to_chat_id``.
        """
        old = self._group(old_chat_id)
        if new_chat_id in self._chats:
            raise ValueError(f"chat {new_chat_id} exists already")
        new_json = {"id": new_chat_id, "type": "supergroup", "title": old.json.get("title", "")}
        self._add_chat(_Chat(new_json, members=dict(old.members)))
        old.migrated_to = new_chat_id
        bot_present = old.members.get(self.bot_id) in _PRESENT_STATUSES
        for chat_id, fields in (
            (old_chat_id, {"migrate_to_chat_id": new_chat_id}),
            (new_chat_id, {"migrate_from_chat_id": old_chat_id}),
        ):
            record = self._new_message(
                chat_id, sender=None, sender_chat=None, by_bot=False, fields=fields
            )
            if bot_present:
                self._queue("message", copy.deepcopy(record.json))
        self._notify()

    def block_bot(self, user_id: int) -> None:
        """The user blocks the bot: ``my_chat_member`` (member -> kicked); sends then get 403."""
        user = self._user(user_id)
        if not user.blocked:
            user.blocked = True
            self._my_chat_member(user_id, user_id, "member", "kicked")
        self._notify()

    def unblock_bot(self, user_id: int) -> None:
        """The user unblocks (restarts) the bot: ``my_chat_member`` (kicked -> member)."""
        user = self._user(user_id)
        if user.blocked:
            user.blocked = False
            self._my_chat_member(user_id, user_id, "kicked", "member")
        user.started = True
        self._notify()

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        With ``retry_after`` the answer is 429 ``Too Many Requests: retry after N`` with
        ``parameters.retry_after``. ``description="network"`` makes :meth:`call` raise
        :class:`StandinNetworkError` instead (a dropped connection).
        """
        if retry_after is not None:
            error_code = 429
            if description == "Internal Server Error":
                description = f"Too Many Requests: retry after {retry_after}"
        failure = _Failure(error_code, description, retry_after, times)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    def start_outage(
        self,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        network: bool = False,
        get_updates: bool = False,
    ) -> None:
        """Refuse every call with ``error_code`` until :meth:`end_outage`, as when Telegram
        is down; ``network=True`` drops the connection instead (see :meth:`fail_next`).

        getUpdates keeps working unless ``get_updates`` is set, so that a test can still
        act on the bot's side; calls refused are counted in :attr:`outage_refusals`.
        """
        self._outage = _Failure(error_code, "network" if network else description, None, 0)
        self._outage_get_updates = get_updates

    def end_outage(self) -> None:
        """Telegram is back: answer calls again."""
        self._outage = None
        self._notify()

    @property
    def in_outage(self) -> bool:
        """Whether :meth:`start_outage` is in force."""
        return self._outage is not None

    # ------------------------------------------------------------ the Bot API, as the bot sees it

    async def call(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, tuple[str, bytes]] | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        """Answer one Bot API request with Telegram's response envelope.

        ``params`` may hold strings to decode per field (form posts) or JSON values (JSON bodies);
        ``files`` maps multipart field names to (filename, bytes). The method name is matched
        case-insensitively. Returns ``{"ok": true, "result": ...}`` or ``{"ok": false,
        "error_code": ..., "description": ..., ["parameters": ...]}``.

        Raises:
            StandinNetworkError: for a ``fail_next(method, description="network")``.
        """
        if token is not None and token not in self.tokens_seen:
            self.tokens_seen.append(token)
        files = files or {}
        known = self._handlers.get(method.lower())
        name = known[0] if known else ("getUpdates" if method.lower() == "getupdates" else method)
        try:
            decoded = {
                key: _decode_param(key, value) for key, value in params.items() if value is not None
            }
        except _ApiError as error:
            self.calls.append((name, dict(params)))
            self._notify()
            return error.envelope()
        record = dict(decoded)
        if files:
            record["_files"] = {key: filename for key, (filename, _) in files.items()}
        self.calls.append((name, record))
        self._notify()
        if self.latency > 0 and name != "getUpdates":
            await asyncio.sleep(self.latency)
        try:
            self._outage_failure(name)
            self._injected_failure(method)
            if name == "getUpdates":
                result = await self._get_updates(decoded)
            elif known:
                result = known[1](decoded, files)
            else:
                raise _ApiError(404, "Not Found: method not found")
        except _ApiError as error:
            return error.envelope()
        finally:
            self._notify()
        return {"ok": True, "result": result}

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes behind a ``file_path`` from getFile, or None (the download route)."""
        found = self._files_by_path.get(file_path)
        return found.data if found else None

    # ---------------------------------------------------------------------------------- records

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message in the chat, users' and the bot's, in order.

        Each is the current Message JSON (after edits) plus ``_edits`` (previous texts or
        captions), ``_deleted``, ``_files`` (upload name -> bytes), ``_by_bot`` and
        ``_reply_markup`` (the markup the bot sent, also reply keyboards Telegram does not echo).
        """
        if chat_id not in self._chats:
            raise KeyError(f"unknown chat {chat_id}")
        return [self._snapshot(record) for record in self._messages[chat_id]]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in the chat (deleted ones too, flagged ``_deleted``)."""
        return [message for message in self.messages(chat_id) if message["_by_bot"]]

    def last_bot_message(self, chat_id: int) -> dict[str, Any]:
        """The bot's latest message in the chat; AssertionError if it has sent none."""
        found = self.bot_messages(chat_id) if chat_id in self._chats else []
        if not found:
            raise AssertionError(f"the bot has sent nothing to chat {chat_id}")
        return found[-1]

    def callback_answers(self) -> list[dict[str, Any]]:
        """The params of every successful answerCallbackQuery (text, show_alert, ...)."""
        return copy.deepcopy(self._answers)

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return every queued update, as Telegram would push them to a webhook."""
        taken = [copy.deepcopy(update) for update in self._updates]
        self._updates.clear()
        self.delivered_update_ids.extend(update["update_id"] for update in taken)
        self._notify()
        return taken

    def narrate(self, text: str) -> None:
        """Put a narrator's line into the timeline (the demo marks its jumps in time)."""
        self._timeline.append({"kind": "note", "chat": {"id": 0}, "text": text})

    def timeline(self) -> list[dict[str, Any]]:
        """All chat events in global order, for transcripts.

        Each is ``{"kind": ..., "chat": Chat JSON, ...}`` with kind ``message`` (``message``,
        ``by_bot``), ``edit`` (``message``, ``old_text``, ``by_bot``), ``callback`` (``message``,
        ``user``, ``data``, ``query_id``), ``answer`` (``query_id``, ``user``, ``text``,
        ``show_alert``, ``message_id``), ``delete`` (``message``) or ``member`` (``user``,
        ``old_status``, ``new_status``). Messages are snapshots taken at the time.
        """
        return copy.deepcopy(self._timeline)

    def user_json(self, user_id: int) -> dict[str, Any]:
        """The User JSON of a known user."""
        return copy.deepcopy(self._user(user_id).json)

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        """The Chat JSON of a known chat."""
        return copy.deepcopy(self._chat(chat_id).json)

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - the interface the tests use
    ) -> None:
        """Wait until ``predicate()`` is true; re-checked after every call and user action.

        It is also re-checked every 50 ms, for predicates on state outside the stand-in.

        Raises:
            TimeoutError: if it is still false after ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            await self._wait_change(min(remaining, 0.05))

    # -------------------------------------------------------------------------- internals: world

    def _add_chat(self, chat: _Chat) -> None:
        chat_id = int(chat.json["id"])
        self._chats[chat_id] = chat
        self._messages.setdefault(chat_id, [])
        self._next_message_id.setdefault(chat_id, 1)

    @staticmethod
    def _check_status(status: str) -> None:
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")

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

    def _group(self, chat_id: int) -> _Chat:
        chat = self._chat(chat_id)
        if chat.json["type"] == "private":
            raise ValueError(f"chat {chat_id} is a private chat")
        return chat

    def _join(self, chat_id: int, user_id: int) -> None:
        chat = self._group(chat_id)
        self._user(user_id)
        if chat.members.get(user_id) == "kicked":
            raise ValueError(f"user {user_id} is banned from chat {chat_id}")
        if chat.members.get(user_id) in (None, "left"):
            chat.members[user_id] = "member"

    def _user_chat_id(self, user_id: int, chat_id: int | None) -> int:
        self._user(user_id)
        if chat_id is None or chat_id == user_id:
            return user_id
        chat = self._chat(chat_id)
        if chat.json["type"] == "private":
            raise ValueError("a user can write only to their own private chat with the bot")
        if chat.migrated_to is not None:
            raise ValueError(f"chat {chat_id} was migrated to {chat.migrated_to}")
        return chat_id

    def _anonymous_bot(self) -> dict[str, Any]:
        return {
            "id": GROUP_ANONYMOUS_BOT_ID,
            "is_bot": True,
            "first_name": "Group",
            "username": "GroupAnonymousBot",
        }

    def _chat_instance(self, chat_id: int) -> str:
        return str((chat_id * 2_654_435_761 + self.bot_id) % 9_000_000_000_000_000_000)

    def _message(self, chat_id: int, message_id: int) -> _Msg:
        try:
            return self._by_id[(chat_id, message_id)]
        except KeyError:
            raise ValueError(f"no message {message_id} in chat {chat_id}") from None

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

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        fields: dict[str, Any],
        reply_to_message_id: int | None,
    ) -> dict[str, Any]:
        cid = self._user_chat_id(user_id, chat_id)
        user = self._user(user_id)
        if cid == user_id:
            if user.blocked:
                self.unblock_bot(user_id)
            user.started = True
        else:
            self._join(cid, user_id)
        if reply_to_message_id is not None:
            replied = self._message(cid, reply_to_message_id)
            fields["reply_to_message"] = self._reply_json(replied)
        record = self._new_message(
            cid, sender=user.json, sender_chat=None, by_bot=False, fields=fields
        )
        self._deliver_user_message(record, "message")
        self._notify()
        return copy.deepcopy(record.json)

    def _deliver_user_message(self, record: _Msg, kind: str) -> None:
        """Queue an update for a user's message, if the bot is there and may see it."""
        chat = self._chats[record.chat_id]
        if chat.json["type"] != "private":
            status = chat.members.get(self.bot_id)
            if status not in _PRESENT_STATUSES:
                return
            private = self.privacy_mode and status not in _ADMIN_STATUSES
            if private and not self._privacy_allows(record.json):
                return
        update_kind = kind
        if chat.json["type"] == "channel":
            update_kind = "edited_channel_post" if kind == "edited_message" else "channel_post"
        self._queue(update_kind, copy.deepcopy(record.json))

    def _privacy_allows(self, message: Mapping[str, Any]) -> bool:
        text = str(message.get("text") or message.get("caption") or "")
        command = _COMMAND_RE.match(text)
        if command:
            target = command.group(0).partition("@")[2]
            return not target or target.lower() == self.bot_username.lower()
        if f"@{self.bot_username}".lower() in text.lower():
            return True
        replied = message.get("reply_to_message")
        if isinstance(replied, dict) and replied.get("from", {}).get("id") == self.bot_id:
            return True
        return any(key in message for key in _SERVICE_KEYS)

    def _reply_json(self, record: _Msg) -> dict[str, Any]:
        replied = copy.deepcopy(record.json)
        replied.pop("reply_to_message", None)
        return replied

    def _my_chat_member(self, chat_id: int, by_user_id: int, old: str, new: str) -> None:
        actor = self._user(by_user_id).json
        chat = self._chats[chat_id]
        update = {
            "chat": copy.deepcopy(chat.json),
            "from": copy.deepcopy(actor),
            "date": int(time.time()),
            "old_chat_member": self._member_json(self.bot_user, old),
            "new_chat_member": self._member_json(self.bot_user, new),
        }
        self._event("member", chat_id, user=actor, old_status=old, new_status=new)
        self._queue("my_chat_member", update)

    @staticmethod
    def _member_json(user: Mapping[str, Any], status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"status": status, "user": copy.deepcopy(dict(user))}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_pin_messages=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                until_date=0,
            )
        return member

    def _queue(self, kind: str, payload: dict[str, Any]) -> None:
        self._updates.append({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1

    def _event(self, kind: str, chat_id: int, **details: Any) -> None:
        event: dict[str, Any] = {"kind": kind, "chat": copy.deepcopy(self._chats[chat_id].json)}
        event.update(copy.deepcopy(details))
        self._timeline.append(event)

    def _snapshot(self, record: _Msg) -> dict[str, Any]:
        message = copy.deepcopy(record.json)
        message["_edits"] = list(record.edits)
        message["_deleted"] = record.deleted
        message["_files"] = dict(record.files)
        message["_by_bot"] = record.by_bot
        message["_reply_markup"] = copy.deepcopy(record.sent_markup)
        return message

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
        """Sleep until the next change of state, or at most ``seconds``."""
        waiter = _Waiter(asyncio.Event(), asyncio.get_running_loop())
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.event.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    # ----------------------------------------------------------------------- internals: files

    def _store_file(
        self, kind: str, file_name: str | None, data: bytes, mime_type: str | None = None
    ) -> _File:
        self._file_counter += 1
        number = self._file_counter
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(kind, "CAACAgI")
        suffix = "jpg" if kind == "photo" else (file_name or "file").rpartition(".")[2] or "bin"
        if kind != "photo" and "." not in (file_name or ""):
            suffix = "bin"
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        folder = "photos" if kind == "photo" else "documents"
        stored = _File(
            file_id=f"{prefix}{number:06d}",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type or "application/octet-stream",
            data=data,
            file_path=f"{folder}/file_{number}.{suffix}",
        )
        if kind == "photo":
            stored.width, stored.height = _png_size(data) or (800, 600)
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, photo: _File) -> list[dict[str, Any]]:
        scale = max(photo.width, photo.height) / 90 or 1
        small_id = photo.file_id + "_s"
        if small_id not in self._files:
            small = _File(
                small_id,
                photo.file_unique_id + "s",
                "photo",
                None,
                photo.mime_type,
                photo.data,
                photo.file_path.replace(".jpg", "_s.jpg"),
                max(1, round(photo.width / scale)),
                max(1, round(photo.height / scale)),
            )
            self._files[small_id] = small
            self._files_by_path[small.file_path] = small
        sizes = []
        for item in (self._files[small_id], photo):
            sizes.append(
                {
                    "file_id": item.file_id,
                    "file_unique_id": item.file_unique_id,
                    "file_size": len(item.data),
                    "width": item.width,
                    "height": item.height,
                }
            )
        return sizes

    @staticmethod
    def _document_json(document: _File) -> dict[str, Any]:
        result: dict[str, Any] = {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_size": len(document.data),
        }
        if document.file_name:
            result["file_name"] = document.file_name
        if document.mime_type:
            result["mime_type"] = document.mime_type
        return result

    def _add_caption(self, fields: dict[str, Any], caption: str | None) -> None:
        if caption:
            fields["caption"] = caption
            entities = _detect_entities(caption)
            if entities:
                fields["caption_entities"] = entities

    def _input_file(
        self, field_name: str, kind: str, params: Mapping[str, Any], files: _Files
    ) -> tuple[_File, bytes | None]:
        """Resolve an upload, ``attach://`` reference or file_id; (file, uploaded bytes)."""
        upload: tuple[str, bytes] | None = files.get(field_name)
        value = params.get(field_name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad(_WRONG_FILE_ID.removeprefix("Bad Request: "))
        if upload is not None:
            filename, data = upload
            if not data:
                raise _bad("file must be non-empty")
            if len(data) > 50 * 1024 * 1024:
                raise _ApiError(413, "Request Entity Too Large")
            return self._store_file(kind, filename, data), data
        if value is None or value == "":
            raise _bad(f"there is no {field_name} in the request")
        text = str(value)
        known = self._files.get(text)
        if known is None:
            if text.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            raise _bad(_WRONG_FILE_ID.removeprefix("Bad Request: "))
        if known.kind != kind:
            raise _bad(f"can't use file of type {known.kind.capitalize()} as {kind.capitalize()}")
        return known, None

    # -------------------------------------------------------------------- internals: the bot side

    def _outage_failure(self, name: str) -> None:
        outage = self._outage
        if outage is None or (name == "getUpdates" and not self._outage_get_updates):
            return
        self.outage_refusals += 1
        if outage.description == "network":
            raise StandinNetworkError(f"connection dropped by the stand-in ({name})")
        raise _ApiError(outage.error_code, outage.description)

    def _injected_failure(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        if failure.description == "network":
            raise StandinNetworkError(f"connection dropped by the stand-in ({method})")
        parameters = None if failure.retry_after is None else {"retry_after": failure.retry_after}
        raise _ApiError(failure.error_code, failure.description, parameters)

    def _target_chat(self, params: Mapping[str, Any], *, writing: bool = True) -> _Chat:
        """The chat named by ``chat_id``, checked the way Telegram checks a write to it."""
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        chat: _Chat | None = None
        if isinstance(value, str):
            wanted = value.removeprefix("@").lower()
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if str(c.json.get("username", "")).lower() == wanted
                    and c.json["type"] != "private"
                ),
                None,
            )
        else:
            chat = self._chats.get(int(value))
        if chat is None:
            raise _ApiError(400, _CHAT_NOT_FOUND)
        if not writing:
            return chat
        chat_id = int(chat.json["id"])
        if chat.migrated_to is not None:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.json["type"] == "private":
            user = self._users[chat_id]
            if user.json["is_bot"]:
                raise _ApiError(403, "Forbidden: bot can't send messages to bots")
            if user.blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            return chat
        status = chat.members.get(self.bot_id, "left")
        kind = {"group": "group chat", "supergroup": "supergroup chat"}.get(
            chat.json["type"], "channel chat"
        )
        if status == "kicked":
            raise _ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        if status not in _PRESENT_STATUSES:
            raise _ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        if chat.json["type"] == "channel" and status not in _ADMIN_STATUSES:
            raise _bad("need administrator rights in the channel chat")
        return chat

    def _check_flood(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = self._clock()
        waits: list[float] = []
        per_chat = self._sent_chat.setdefault(chat_id, deque())
        limits: list[tuple[deque[float], float, int]] = [
            (self._sent_all, 1.0, 30),
            (per_chat, 1.0, 1) if chat_id > 0 else (per_chat, 60.0, 20),
        ]
        for times, window, most in limits:
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= most:
                waits.append(times[len(times) - most] + window - now)
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            self.limit_hits += 1
            raise _ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _record_send(self, chat_id: int) -> None:
        if self.enforce_limits:
            now = self._clock()
            self._sent_all.append(now)
            self._sent_chat.setdefault(chat_id, deque()).append(now)

    @staticmethod
    def _inline_markup(markup: Any) -> dict[str, Any] | None:
        """Validate a reply_markup; the inline keyboard to echo, or None."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise _bad("can't parse reply keyboard markup JSON object")
            return None
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return {"inline_keyboard": copy.deepcopy(rows)}

    def _reply_to(self, chat: _Chat, params: Mapping[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        allow = bool(params.get("allow_sending_without_reply", False))
        message_id: Any = params.get("reply_to_message_id")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply", allow))
            if reply.get("chat_id") not in (None, chat.json["id"]):
                raise _bad("replies to other chats are not supported by the stand-in")
        if message_id is None:
            return None
        record = self._by_id.get((int(chat.json["id"]), int(message_id)))
        if record is None or record.deleted:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return self._reply_json(record)

    def _bot_send(
        self,
        chat: _Chat,
        params: Mapping[str, Any],
        fields: dict[str, Any],
        uploads: Mapping[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """Common tail of send*: limits, reply, markup, store; the result Message JSON."""
        chat_id = int(chat.json["id"])
        markup = params.get("reply_markup")
        inline = self._inline_markup(markup)
        reply = self._reply_to(chat, params)
        self._check_flood(chat_id)
        if reply is not None:
            fields["reply_to_message"] = reply
        if params.get("protect_content"):
            fields["has_protected_content"] = True
        if inline is not None:
            fields["reply_markup"] = inline
        sender_chat = chat.json if chat.json["type"] == "channel" else None
        sender = None if sender_chat else self.bot_user
        record = self._new_message(
            chat_id, sender=sender, sender_chat=sender_chat, by_bot=True, fields=fields
        )
        record.sent_markup = copy.deepcopy(markup)
        record.files.update(uploads or {})
        self._record_send(chat_id)
        return copy.deepcopy(record.json)

    def _editable(self, params: Mapping[str, Any]) -> _Msg:
        if params.get("inline_message_id") is not None:
            raise _bad("message to edit not found")
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._by_id.get((int(chat.json["id"]), int(message_id)))
        if record is None or record.deleted:
            raise _bad("message to edit not found")
        if not record.by_bot:
            raise _bad("message can't be edited")
        return record

    def _finish_edit(self, record: _Msg, old_text: str | None) -> dict[str, Any]:
        record.json["edit_date"] = int(time.time())
        self._event("edit", record.chat_id, message=record.json, old_text=old_text, by_bot=True)
        return copy.deepcopy(record.json)

    # Each handler below implements the Bot API method named after it (camelCase).

    def _get_me(self, params: dict[str, Any], files: _Files) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None
        limit = params.get("limit")
        limit = 100 if not isinstance(limit, int) else min(max(limit, 1), 100)
        timeout = params.get("timeout")
        timeout = max(0, timeout) if isinstance(timeout, int) else 0
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._poll_generation != generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            ready = self._deliverable(limit)
            remaining = deadline - loop.time()
            if ready or remaining <= 0:
                self.delivered_update_ids.extend(update["update_id"] for update in ready)
                return copy.deepcopy(ready)
            await self._wait_change(remaining)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        kept: deque[dict[str, Any]] = deque()
        for update in self._updates:
            kind = next(key for key in update if key != "update_id")
            if (kind in allowed) if allowed is not None else (kind not in _OPT_IN_UPDATES):
                kept.append(update)
        self._updates = kept
        return list(kept)[:limit]

    def _delete_webhook(self, params: dict[str, Any], files: _Files) -> Any:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: dict[str, Any], files: _Files) -> Any:
        url = str(params.get("url") or "")
        if url:
            match = re.fullmatch(r"https://[^/:]+(?::(\d+))?(/.*)?", url)
            if not match:
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
            if match.group(1) and match.group(1) not in ("80", "88", "443", "8443"):
                raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {key: value for key, value in params.items() if key != "certificate"}
        if not url:
            self.webhook = {}
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: _Files) -> Any:
        info: dict[str, Any] = {
            "url": str(self.webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if info["url"]:
            info["max_connections"] = int(self.webhook.get("max_connections", 40))
            if isinstance(self.webhook.get("allowed_updates"), list):
                info["allowed_updates"] = list(self.webhook["allowed_updates"])
        return info

    @staticmethod
    def _language(params: Mapping[str, Any]) -> str:
        language = str(params.get("language_code") or "")
        if language and not _LANGUAGE_RE.fullmatch(language):
            raise _bad("invalid language code specified")
        return language

    @staticmethod
    def _scope_key(params: Mapping[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True)

    def _set_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name = str(command.get("command", "")).removeprefix("/")
            if not _BOT_COMMAND_NAME_RE.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(command.get("description", "")).strip()
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params), self._language(params))
        self.commands[key] = [
            {"command": str(c["command"]).removeprefix("/"), "description": c["description"]}
            for c in commands
        ]
        return True

    def _get_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        key = (self._scope_key(params), self._language(params))
        return copy.deepcopy(self.commands.get(key, []))

    def _delete_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        self.commands.pop((self._scope_key(params), self._language(params)), None)
        return True

    def _set_text_setting(self, kind: str, params: Mapping[str, Any], most: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > most:
            raise _bad(f"{kind} is too long")
        key = (kind, self._language(params))
        if text:
            self.descriptions[key] = text
        else:
            self.descriptions.pop(key, None)
        return True

    def _get_text_setting(self, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
        language = self._language(params)
        text = self.descriptions.get((kind, language)) or self.descriptions.get((kind, ""), "")
        if kind == "name" and not text:
            text = self.bot_first_name
        return {kind: text}

    def _set_my_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("description", params, 512)

    def _get_my_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("description", params)

    def _set_my_short_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("short_description", params, 120)

    def _get_my_short_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("short_description", params)

    def _set_my_name(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("name", params, 64)

    def _get_my_name(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("name", params)

    def _send_message(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        raw = params.get("text")
        text, entities = _format(
            "" if raw is None else str(raw), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._bot_send(chat, params, fields)

    def _caption_fields(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw = params.get("caption")
        if raw is None:
            return {}
        caption, entities = _format(
            str(raw), params.get("parse_mode"), params.get("caption_entities"), caption=True
        )
        if len(caption) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        fields: dict[str, Any] = {}
        if caption:
            fields["caption"] = caption
        if entities:
            fields["caption_entities"] = entities
        return fields

    def _send_document(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        document, data = self._input_file("document", "document", params, files)
        fields["document"] = self._document_json(document)
        uploads = {document.file_name or document.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_photo(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        photo, data = self._input_file("photo", "photo", params, files)
        fields["photo"] = self._photo_sizes(photo)
        uploads = {photo.file_name or photo.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_audio(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        audio, data = self._input_file("audio", "audio", params, files)
        fields["audio"] = self._audio_json(audio)
        uploads = {audio.file_name or audio.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_video(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        video, data = self._input_file("video", "video", params, files)
        fields["video"] = self._video_json(video)
        uploads = {video.file_name or video.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    @classmethod
    def _audio_json(cls, audio: _File) -> dict[str, Any]:
        return {**cls._document_json(audio), "duration": 0}

    @classmethod
    def _video_json(cls, video: _File) -> dict[str, Any]:
        return {**cls._document_json(video), "duration": 0, "width": 640, "height": 360}

    def _send_location(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        latitude, longitude = params.get("latitude"), params.get("longitude")
        if not isinstance(latitude, float) or not -90 <= latitude <= 90:
            raise _bad("wrong latitude")
        if not isinstance(longitude, float) or not -180 <= longitude <= 180:
            raise _bad("wrong longitude")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if params.get("live_period") is not None:
            location["live_period"] = params["live_period"]
        return self._bot_send(chat, params, {"location": location})

    def _edit_message_text(self, params: dict[str, Any], files: _Files) -> Any:
        record = self._editable(params)
        if "text" not in record.json:
            raise _bad("there is no text in the message to edit")
        raw = params.get("text")
        text, entities = _format(
            "" if raw is None else str(raw), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        inline = self._inline_markup(params.get("reply_markup"))
        current = (record.json["text"], record.json.get("entities", []))
        if current == (text, entities) and record.json.get("reply_markup") == inline:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        old = str(record.json["text"])
        if old != text:
            record.edits.append(old)
        record.json["text"] = text
        record.json.pop("entities", None)
        if entities:
            record.json["entities"] = entities
        self._set_markup(record, params.get("reply_markup"), inline)
        return self._finish_edit(record, old)

    def _set_markup(self, record: _Msg, sent: Any, inline: dict[str, Any] | None) -> None:
        record.json.pop("reply_markup", None)
        if inline is not None:
            record.json["reply_markup"] = inline
        record.sent_markup = copy.deepcopy(sent)

    def _edit_message_caption(self, params: dict[str, Any], files: _Files) -> Any:
        record = self._editable(params)
        if "text" in record.json or "location" in record.json:
            raise _bad("there is no caption in the message to edit")
        fields = self._caption_fields(params)
        inline = self._inline_markup(params.get("reply_markup"))
        current = (record.json.get("caption"), record.json.get("caption_entities"))
        new = (fields.get("caption"), fields.get("caption_entities"))
        if current == new and record.json.get("reply_markup") == inline:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        old = record.json.pop("caption", None)
        record.json.pop("caption_entities", None)
        if old is not None and old != new[0]:
            record.edits.append(str(old))
        record.json.update(fields)
        self._set_markup(record, params.get("reply_markup"), inline)
        return self._finish_edit(record, None if old is None else str(old))

    def _edit_message_reply_markup(self, params: dict[str, Any], files: _Files) -> Any:
        record = self._editable(params)
        inline = self._inline_markup(params.get("reply_markup"))
        if record.json.get("reply_markup") == inline:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_markup(record, params.get("reply_markup"), inline)
        return self._finish_edit(record, record.json.get("text"))

    def _delete_message(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        record = self._by_id.get((int(chat.json["id"]), int(params.get("message_id") or 0)))
        if record is None or record.deleted:
            raise _bad("message to delete not found")
        is_admin = chat.members.get(self.bot_id) in _ADMIN_STATUSES
        if chat.json["type"] != "private" and not record.by_bot and not is_admin:
            raise _bad("message can't be deleted")
        record.deleted = True
        self._event("delete", record.chat_id, message=record.json)
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: _Files) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise _ApiError(400, _QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        self._answers.append(dict(params))
        self._event(
            "answer",
            query.chat_id,
            query_id=query_id,
            user=self._users[query.user_id].json,
            text=text,
            show_alert=bool(params.get("show_alert", False)),
            message_id=query.message_id,
        )
        return True

    def _get_chat(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        info = copy.deepcopy(chat.json)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    def _get_chat_member(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        user_id = params.get("user_id")
        if user_id == self.bot_id:
            user = self.bot_user
        elif isinstance(user_id, int) and user_id in self._users:
            user = self._users[user_id].json
        else:
            raise _bad("user not found")
        if chat.json["type"] == "private":
            if user_id not in (chat.json["id"], self.bot_id):
                raise _bad("user not found")
            return self._member_json(user, "member")
        return self._member_json(user, chat.members.get(int(user["id"]), "left"))

    def _get_chat_administrators(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        if chat.json["type"] == "private":
            raise _bad("there are no administrators in the private chat")
        admins = []
        for user_id, status in chat.members.items():
            if status in _ADMIN_STATUSES:
                user = self.bot_user if user_id == self.bot_id else self._users[user_id].json
                admins.append(self._member_json(user, status))
        return admins

    def _get_chat_member_count(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        if chat.json["type"] == "private":
            return 2
        return sum(status in _PRESENT_STATUSES for status in chat.members.values())

    def _leave_chat(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params, writing=False)
        if chat.json["type"] == "private":
            raise _bad("chat member status can't be changed in private chats")
        old = chat.members.get(self.bot_id, "left")
        if old not in _PRESENT_STATUSES:
            raise _ApiError(403, "Forbidden: bot is not a member of the chat")
        chat.members[self.bot_id] = "left"
        update = {
            "chat": copy.deepcopy(chat.json),
            "from": copy.deepcopy(self.bot_user),
            "date": int(time.time()),
            "old_chat_member": self._member_json(self.bot_user, old),
            "new_chat_member": self._member_json(self.bot_user, "left"),
        }
        self._event(
            "member",
            int(chat.json["id"]),
            user=self.bot_user,
            old_status=old,
            new_status="left",
        )
        self._queue("my_chat_member", update)
        return True

    def _send_chat_action(self, params: dict[str, Any], files: _Files) -> Any:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _pin_chat_message(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        record = self._by_id.get((int(chat.json["id"]), int(params.get("message_id") or 0)))
        if record is None or record.deleted:
            raise _bad("message to pin not found")
        if chat.json["type"] != "private" and chat.members.get(self.bot_id) not in _ADMIN_STATUSES:
            raise _bad("not enough rights to manage pinned messages in the chat")
        chat.json["pinned_message_id"] = record.json["message_id"]
        return True

    def _unpin_chat_message(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        if chat.json["type"] != "private" and chat.members.get(self.bot_id) not in _ADMIN_STATUSES:
            raise _bad("not enough rights to manage pinned messages in the chat")
        chat.json.pop("pinned_message_id", None)
        return True

    def _get_file(self, params: dict[str, Any], files: _Files) -> Any:
        found = self._files.get(str(params.get("file_id") or ""))
        if found is None:
            raise _bad("invalid file_id")
        if len(found.data) > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return {
            "file_id": found.file_id,
            "file_unique_id": found.file_unique_id,
            "file_size": len(found.data),
            "file_path": found.file_path,
        }

    def _close(self, params: dict[str, Any], files: _Files) -> Any:
        return True

    def _log_out(self, params: dict[str, Any], files: _Files) -> Any:
        return True
