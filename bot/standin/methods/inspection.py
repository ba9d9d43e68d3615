"""Records for tests and transcripts: every message of a chat with its history, the bot's
messages, callback answers, the timeline of events, and waiting for a condition.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

from bot.standin.world import World, _Msg


class Inspection(World):
    """Read-only views of the world, the demo's narration, and :meth:`wait_for`."""

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message in the chat, users' and the bot's, in order.

        Each is the current Message JSON (after edits) plus ``_edits`` (previous texts or
        captions), ``_deleted``, ``_files`` (upload name -> bytes), ``_by_bot`` and
        ``_reply_markup`` (the markup the bot sent, also reply keyboards Telegram does not echo)
        and ``_reactions`` (the emoji the bot reacted with, setMessageReaction).
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

    def reactions(self, chat_id: int, message_id: int) -> list[str]:
        """The emoji the bot has put on a message (setMessageReaction); [] for none."""
        record = self._by_id.get((chat_id, message_id))
        if record is None:
            raise KeyError(f"unknown message {message_id} in chat {chat_id}")
        return list(record.reactions)

    def callback_answers(self) -> list[dict[str, Any]]:
        """The params of every successful answerCallbackQuery (text, show_alert, ...)."""
        return copy.deepcopy(self._answers)

    def narrate(self, text: str) -> None:
        """Put a narrator's line into the timeline (the demo marks its jumps in time)."""
        self._timeline.append({"kind": "note", "chat": {"id": 0}, "text": text})

    def timeline(self) -> list[dict[str, Any]]:
        """All chat events in global order, for transcripts.

        Each is ``{"kind": ..., "chat": Chat JSON, ...}`` with kind ``message``
        (``message``, ``by_bot``, and ``reply_keyboard``: the rows of a reply keyboard
        sent with it), ``edit`` (``message``, ``old_text``, ``by_bot``), ``callback``
        (``message``, ``user``, ``data``, ``query_id``), ``answer`` (``query_id``, ``user``,
        ``text``, ``show_alert``, ``message_id``), ``delete`` (``message``), ``reaction``
        (``message_id``, ``reaction``: the bot's emoji, [] when taken back) or ``member``
        (``user``, ``old_status``, ``new_status``). Messages are snapshots taken at the time.
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

    def _snapshot(self, record: _Msg) -> dict[str, Any]:
        message = copy.deepcopy(record.json)
        message["_edits"] = list(record.edits)
        message["_deleted"] = record.deleted
        message["_files"] = dict(record.files)
        message["_by_bot"] = record.by_bot
        message["_reply_markup"] = copy.deepcopy(record.sent_markup)
        message["_reactions"] = list(record.reactions)
        return message
