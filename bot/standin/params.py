"""Request parameters as Telegram reads them: every form field arrives as a string and is
decoded per field (JSON, integer, float or boolean); JSON bodies pass typed values through.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from bot.standin.errors import _bad

# How Telegram reads form fields: everything arrives as a string and is decoded per field.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "permissions",
        "menu_button",
        "rights",
        "reaction",
        "options",
        "prices",
        "button",
    }
)


_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "until_date",
        "max_connections",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "duration",
        "width",
        "height",
    }
)


_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})


_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "show_caption_above_media",
        "disable_content_type_detection",
        "revoke_messages",
        "only_if_banned",
        "allow_paid_broadcast",
        "for_channels",
    }
)


def _decode_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise _bad(f"can't parse {name} as a boolean")


def _decode_param(name: str, value: Any) -> Any:
    """Decode one request field the way the Bot API does for form posts and JSON bodies."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if name in _JSON_FIELDS:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise _bad(f"can't parse {name} JSON object") from None
        return value
    if name in _INT_FIELDS:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        if name in ("chat_id", "from_chat_id") and text.startswith("@"):
            return text
        with contextlib.suppress(ValueError):
            return int(text)
        with contextlib.suppress(ValueError):
            number = float(text)
            if number.is_integer():
                return int(number)
        if name in ("chat_id", "from_chat_id"):
            raise _bad("chat not found")
        raise _bad(f"invalid {name} specified")
    if name in _FLOAT_FIELDS:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad(f"invalid {name} specified") from None
    if name in _BOOL_FIELDS:
        return _decode_bool(name, value)
    return value
