"""An offline stand-in for the Telegram Bot API, for tests and ``pavilion demo``.

The code lives in :mod:`bot.standin.api` for now; this package re-exports its public names so
``from bot.standin import FakeBotApi`` keeps working.
"""

from bot.standin.api import MAX_CALLBACK_DATA_BYTES as MAX_CALLBACK_DATA_BYTES
from bot.standin.api import MAX_CAPTION_LENGTH as MAX_CAPTION_LENGTH
from bot.standin.api import MAX_TEXT_LENGTH as MAX_TEXT_LENGTH
from bot.standin.api import FakeBotApi
from bot.standin.errors import StandinNetworkError
from bot.standin.server import StandinServer
from bot.standin.world import GROUP_ANONYMOUS_BOT_ID

__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "FakeBotApi",
    "StandinNetworkError",
    "StandinServer",
]
