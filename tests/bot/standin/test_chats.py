"""The bot's chat methods: deleting, members, administrators, getChat, leaving."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest, Forbidden

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, GROUP, _ci


async def test_delete_and_chat_queries(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(GROUP, "临时")
    assert await bot.delete_message(GROUP, sent.message_id)
    assert api.last_bot_message(GROUP)["_deleted"] is True
    with pytest.raises(BadRequest, match=_ci("message to delete not found")):
        await bot.delete_message(GROUP, sent.message_id)
    api.set_member_status(GROUP, ALICE, "creator")
    member = await bot.get_chat_member(GROUP, ALICE)
    assert member.status == "creator"
    admins = await bot.get_chat_administrators(GROUP)
    assert [a.user.id for a in admins] == [ALICE]
    chat = await bot.get_chat(GROUP)
    assert chat.title == "议事厅" and chat.type == "supergroup"
    assert await bot.send_chat_action(GROUP, "typing")
    assert await bot.leave_chat(GROUP)
    with pytest.raises(Forbidden):
        await bot.send_message(GROUP, "x")
