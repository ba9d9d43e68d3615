"""Several workers store an update with its order key read from Telegram's JSON, not
from PTB's objects (PTB reads it once, where it is claimed): the key must be the one PTB's
``effective_user`` / ``effective_chat`` give, for every kind of update the bot receives."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from bot.runtime.ingress import order_key, raw_order_key
from bot.standin import FakeBotApi

GROUP = -1001234


def stand_in_updates() -> list[dict[str, Any]]:
    """What the stand-in queues for a private message, a group message, an edit, the bot
    added to a group and an anonymous administrator's message."""
    api = FakeBotApi()
    api.add_user(2001, "阿姨", last_name="张")
    api.add_user(2002, "书记")
    api.add_group(GROUP, "幸福社区居民群")
    api.send_text(2001, None, "/start")
    said = api.send_text(2001, GROUP, "楼道灯坏了")
    api.edit_text(2001, GROUP, said["message_id"], "3号楼楼道灯坏了")
    api.bot_added(GROUP, 2002)
    api.anonymous_admin_says(GROUP, "/bind")
    return api.take_updates()


def press(message: dict[str, Any] | None, user: int = 2001) -> dict[str, Any]:
    """A button press on ``message`` (None: on an inline message, which has no chat)."""
    query: dict[str, Any] = {
        "id": "77",
        "from": {"id": user, "is_bot": False, "first_name": "u"},
        "chat_instance": "ci",
        "data": "vb:1:0",
    }
    if message is None:
        query["inline_message_id"] = "inline-1"
    else:
        query["message"] = message
    return {"update_id": 900, "callback_query": query}


CARD = {
    "message_id": 5,
    "date": 0,
    "chat": {"id": GROUP, "type": "supergroup", "title": "g"},
    "from": {"id": 1, "is_bot": True, "first_name": "bot"},
    "text": "表决",
}
SERVICE = {  # a message without a sender: the chat's queue
    "update_id": 901,
    "message": {"message_id": 6, "date": 0, "chat": CARD["chat"], "new_chat_title": "新群名"},
}


@pytest.mark.parametrize(
    "raw",
    [*stand_in_updates(), press(CARD), press(None), press(CARD, user=2002), SERVICE],
    ids=lambda raw: next(kind for kind in raw if kind != "update_id"),
)
def test_the_key_read_from_json_is_ptbs(raw: dict[str, Any]) -> None:
    known, key = raw_order_key(raw)
    assert known
    assert key == order_key(Update.de_json(raw, Bot("1:x")))


@pytest.mark.parametrize(
    "raw",
    [
        {"update_id": 1, "message_reaction": {"chat": CARD["chat"]}},  # a kind it does not read
        {"update_id": 2, "message": {"from": {"id": "2001"}}},  # an id that is not a number
        {"update_id": 3, "message": {"chat": {"id": True}}},
        {"update_id": 4, "message": "text"},
        {"update_id": 5, "message": {}, "edited_message": {}},  # two kinds at once
        {"update_id": 6, "message": {"date": 0}},  # neither sender nor chat
    ],
)
def test_an_odd_shape_is_left_to_ptb(raw: dict[str, Any]) -> None:
    assert raw_order_key(raw) == (False, None)
