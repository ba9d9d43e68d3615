"""An offline stand-in for the Telegram Bot API, for tests and ``pavilion demo``.

The code lives in :mod:`bot.standin.api` for now; this package re-exports its public names so
``from bot.standin import FakeBotApi`` keeps working.
"""

from bot.standin.api import (
    GROUP_ANONYMOUS_BOT_ID,
    FakeBotApi,
    StandinNetworkError,
    StandinServer,
)
from bot.standin.api import MAX_CALLBACK_DATA_BYTES as MAX_CALLBACK_DATA_BYTES
from bot.standin.api import MAX_CAPTION_LENGTH as MAX_CAPTION_LENGTH
from bot.standin.api import MAX_TEXT_LENGTH as MAX_TEXT_LENGTH

__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "FakeBotApi",
    "StandinNetworkError",
    "StandinServer",
]
