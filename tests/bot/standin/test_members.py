"""Membership: the bot added, removed and blocked; a group migrating."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import ChatMigrated, Forbidden

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, BOB, _ci, _next_update


async def test_bot_added_and_removed(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.add_group(-1005, "新群", bot_status="left")
    with pytest.raises(Forbidden, match=_ci("not a member")):
        await bot.send_message(-1005, "hi")
    api.bot_added(-1005, ALICE)
    added = await _next_update(bot, api)
    assert added.my_chat_member is not None
    assert added.my_chat_member.old_chat_member.status == "left"
    assert added.my_chat_member.new_chat_member.status == "member"
    assert added.my_chat_member.from_user.id == ALICE
    await bot.send_message(-1005, "大家好")
    api.bot_removed(-1005, ALICE)
    removed = await _next_update(bot, api)
    assert removed.my_chat_member is not None
    assert removed.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match=_ci("bot was kicked")):
        await bot.send_message(-1005, "还在吗")


async def test_migrate_group(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.add_group(-555, "旧群", type="group")
    api.migrate_group(-555, -1005550000)
    updates = await bot.get_updates()
    assert [u.message.migrate_to_chat_id for u in updates if u.message] == [-1005550000, None]
    assert [u.message.migrate_from_chat_id for u in updates if u.message] == [None, -555]
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-555, "hi")
    assert caught.value.new_chat_id == -1005550000
    moved = await bot.send_message(-1005550000, "hi")
    assert moved.chat.type == "supergroup"


async def test_block_bot(api: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.send_message(BOB, "提醒")
    api.block_bot(BOB)
    with pytest.raises(Forbidden, match=_ci("bot was blocked by the user")):
        await bot.send_message(BOB, "提醒")
    update = await _next_update(bot, api)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    api.add_user(1003, "Carol", started=False)
    with pytest.raises(Forbidden, match=_ci("can't initiate conversation")):
        await bot.send_message(1003, "你好")
    api.send_text(1003, None, "/start")
    assert (await bot.send_message(1003, "你好")).chat.id == 1003
