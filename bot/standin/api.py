"""The whole stand-in: :class:`FakeBotApi` combines the mixins of :mod:`bot.standin.methods`
and answers the bot's requests in :meth:`FakeBotApi.call`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.standin.errors import _ApiError
from bot.standin.methods.inspection import Inspection
from bot.standin.methods.profile import Profile
from bot.standin.methods.updates import Updates
from bot.standin.methods.users import UserActions
from bot.standin.params import _decode_param
from bot.standin.world import _Files

_Handler = Callable[[dict[str, Any], _Files], Any]


class FakeBotApi(UserActions, Updates, Profile, Inspection):
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
        super().__init__(
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            enforce_limits=enforce_limits,
            clock=clock,
            privacy_mode=privacy_mode,
            latency=latency,
        )
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
            self._set_message_reaction,
            self._answer_callback_query,
            self._send_document,
            self._send_photo,
            self._send_audio,
            self._send_video,
            self._send_voice,
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
