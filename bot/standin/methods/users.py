"""What users do, as tests and the demo play it: send text, photos, files and locations, edit,
press inline buttons, write as an anonymous administrator or in a channel. Each action
queues the update Telegram would send the bot (unless privacy mode hides it).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from bot.standin.formatting import _COMMAND_RE, _detect_entities
from bot.standin.methods.media import Media
from bot.standin.world import (
    _ADMIN_STATUSES,
    _PRESENT_STATUSES,
    GROUP_ANONYMOUS_BOT_ID,
    _Msg,
    _Query,
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


class UserActions(Media):
    """Users' messages and button presses, and the updates they queue."""

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

    def reply_keyboard(self, user_id: int) -> list[list[Any]]:
        """The rows of the reply keyboard the bot last sent in the user's private chat ([]
        when it sent none, or removed it): what their phone shows under the text field."""
        sent = sorted(
            (record for (cid, _), record in self._by_id.items() if cid == user_id),
            key=lambda record: int(record.json["message_id"]),
        )
        for record in reversed(sent):
            markup = record.sent_markup
            if record.by_bot and isinstance(markup, dict):
                if isinstance(markup.get("keyboard"), list):
                    return copy.deepcopy(markup["keyboard"])
                if markup.get("remove_keyboard"):
                    return []
        return []

    def tap_location_button(
        self, user_id: int, latitude: float, longitude: float
    ) -> dict[str, Any]:
        """A user taps the ``request_location`` button of the reply keyboard shown in their
        private chat (Telegram offers it in private chats only): their phone sends the
        location. Raises ValueError if the keyboard shown has no such button."""
        buttons = [b for row in self.reply_keyboard(user_id) for b in row if isinstance(b, dict)]
        if not any(button.get("request_location") for button in buttons):
            raise ValueError(f"the keyboard shown to {user_id} has no location button")
        return self.send_location(user_id, None, latitude, longitude)

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

    def send_voice(
        self, user_id: int, chat_id: int | None, data: bytes | None = None
    ) -> dict[str, Any]:
        """A user sends a voice note (made-up bytes unless ``data``); getFile can fetch it."""
        self._file_counter += 1
        blob = data if data is not None else f"fake voice {self._file_counter}".encode()
        voice = self._store_file("voice", "voice.ogg", blob, "audio/ogg")
        return self._user_message(user_id, chat_id, {"voice": self._voice_json(voice)}, None)

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

    def _add_caption(self, fields: dict[str, Any], caption: str | None) -> None:
        if caption:
            fields["caption"] = caption
            entities = _detect_entities(caption)
            if entities:
                fields["caption_entities"] = entities
