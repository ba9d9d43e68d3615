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
* ``setMessageReaction`` takes at most one emoji from Telegram's list (``REACTION_INVALID``,
  ``REACTIONS_TOO_MANY``, ``message to react not found``); it sends no message, so no flood
  limit counts it.
* Private chats: a blocked bot gets 403; a bot may not write first to a user created with
  ``started=False``. Groups: a removed bot gets 403; a migrated group answers 400 with
  ``migrate_to_chat_id``.
* A second ``getUpdates`` ends a pending long poll with 409, as does an active webhook.
* With ``enforce_limits=True`` the flood limits answer 429 with ``retry_after``.

The stand-in imports nothing from ``telegram``; it is not thread-safe (use it from the thread
running its event loop).

The package, by concern:

* :mod:`bot.standin.api` -- :class:`FakeBotApi`, the mixins of :mod:`bot.standin.methods`
  combined, and :meth:`FakeBotApi.call`, which decodes and dispatches the bot's requests;
* :mod:`bot.standin.world` -- the in-memory records and :class:`~bot.standin.world.World`, the
  state the mixins share;
* :mod:`bot.standin.methods` -- one mixin per concern: members, chats, messages, media, what
  users do, updates and webhooks, the bot's profile, failures and flood limits, inspection;
* :mod:`bot.standin.formatting` -- ``parse_mode`` parsing, UTF-16 offsets, detected entities;
* :mod:`bot.standin.params` -- request fields decoded as Telegram reads them;
* :mod:`bot.standin.errors` -- the error answer and :class:`StandinNetworkError`;
* :mod:`bot.standin.server` -- :class:`StandinServer`, the loopback HTTP front.
"""

from bot.standin.api import FakeBotApi
from bot.standin.errors import StandinNetworkError
from bot.standin.methods.messages import MAX_CALLBACK_DATA_BYTES as MAX_CALLBACK_DATA_BYTES
from bot.standin.methods.messages import MAX_CAPTION_LENGTH as MAX_CAPTION_LENGTH
from bot.standin.methods.messages import MAX_TEXT_LENGTH as MAX_TEXT_LENGTH
from bot.standin.server import StandinServer
from bot.standin.world import GROUP_ANONYMOUS_BOT_ID

__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "FakeBotApi",
    "StandinNetworkError",
    "StandinServer",
]
