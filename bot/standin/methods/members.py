"""Users, groups and who is in them, as users change them: adding users and groups, member
statuses, the bot added, removed, blocked and unblocked, a group migrating to a supergroup;
each change Telegram reports to the bot queues a ``my_chat_member`` or ``message`` update.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from bot.standin.world import _MEMBER_STATUSES, _PRESENT_STATUSES, World, _Chat, _User


class Members(World):
    """The world's users and chats and their memberships (the users' side)."""

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

    def _add_chat(self, chat: _Chat) -> None:
        chat_id = int(chat.json["id"])
        self._chats[chat_id] = chat
        self._messages.setdefault(chat_id, [])
        self._next_message_id.setdefault(chat_id, 1)

    @staticmethod
    def _check_status(status: str) -> None:
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")

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
