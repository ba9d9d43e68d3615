"""The bot's chat methods: the checks of a write to a chat (blocked, kicked, migrated, ...),
getChat, getChatMember, getChatAdministrators, getChatMemberCount, leaveChat,
sendChatAction, pinChatMessage and unpinChatMessage.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from bot.standin.errors import _ApiError, _bad
from bot.standin.methods.members import Members
from bot.standin.world import _ADMIN_STATUSES, _PRESENT_STATUSES, _Chat, _Files

_CHAT_NOT_FOUND = "Bad Request: chat not found"


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


class Chats(Members):
    """Chat lookups and checks for the bot's calls, and the Bot API chat methods."""

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
