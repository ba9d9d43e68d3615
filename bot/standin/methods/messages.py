"""The bot's messages: sendMessage, sendLocation, editMessageText, editMessageCaption,
editMessageReplyMarkup, deleteMessage, setMessageReaction and answerCallbackQuery, with the
checks they share (text limits, inline keyboards, replies, "message is not modified").
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from bot.standin.errors import _ApiError, _bad
from bot.standin.formatting import _format
from bot.standin.methods.chats import Chats
from bot.standin.methods.failures import Failures
from bot.standin.world import _ADMIN_STATUSES, _Chat, _Files, _Msg

MAX_TEXT_LENGTH = 4096


MAX_CAPTION_LENGTH = 1024


MAX_CALLBACK_DATA_BYTES = 64


_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


#: The emoji Telegram lets a bot react with (ReactionTypeEmoji in the Bot API's reference).
REACTION_EMOJI = frozenset(
    (  # noqa: SIM905 - the list as Telegram's reference prints it
        "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳"
        " ❤\ufe0f\u200d🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓"
        " 👻 👨\u200d💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄"
        " 😘 💊 🙊 😎 👾 🤷\u200d♂\ufe0f 🤷 🤷\u200d♀\ufe0f 😡"
    ).split()
)


def _requests_location(markup: Any) -> bool:
    """Whether a reply keyboard has a ``request_location`` button (private chats only)."""
    rows = markup.get("keyboard") if isinstance(markup, dict) else None
    return isinstance(rows, list) and any(
        isinstance(button, dict) and button.get("request_location")
        for row in rows
        if isinstance(row, list)
        for button in row
    )


class Messages(Chats, Failures):
    """Sending, editing and deleting the bot's messages; answering callback queries."""

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
        if chat.json["type"] != "private" and _requests_location(markup):
            raise _bad("location can be requested in a private chats only")
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
        if isinstance(markup, dict) and isinstance(markup.get("keyboard"), list):
            # Telegram does not echo a reply keyboard in the Message; the transcript shows it.
            self._timeline[-1]["reply_keyboard"] = copy.deepcopy(markup["keyboard"])
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

    def _set_markup(self, record: _Msg, sent: Any, inline: dict[str, Any] | None) -> None:
        record.json.pop("reply_markup", None)
        if inline is not None:
            record.json["reply_markup"] = inline
        record.sent_markup = copy.deepcopy(sent)

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

    def _set_message_reaction(self, params: dict[str, Any], files: _Files) -> Any:
        """A bot's reaction on a message: at most one emoji (bots are not Premium), or none to
        take it back. Sends no message, so it counts against no message limit."""
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._by_id.get((int(chat.json["id"]), int(message_id)))
        if record is None or record.deleted:
            raise _bad("message to react not found")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise _bad("can't parse reaction types JSON object")
        emoji: list[str] = []
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji":
                raise _bad("REACTION_INVALID")
            chosen = str(item.get("emoji", ""))
            if chosen not in REACTION_EMOJI:
                raise _bad("REACTION_INVALID")
            emoji.append(chosen)
        if len(emoji) > 1:
            raise _bad("REACTIONS_TOO_MANY")
        record.reactions = emoji
        self._event(
            "reaction",
            record.chat_id,
            message_id=record.json["message_id"],
            reaction=emoji,
            by_bot=True,
        )
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
