"""The bot's profile: getMe, commands and descriptions."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import TOKEN, _ci


async def test_get_me_describes_the_bot(api: FakeBotApi, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        7000000001,
        "pavilion_demo_bot",
        "议事亭",
        True,
    )
    assert api.calls[0][0] == "getMe"
    assert api.tokens_seen == [TOKEN]


async def test_commands_and_descriptions(api: FakeBotApi, bot: telegram.Bot) -> None:
    commands = [telegram.BotCommand("start", "开始"), telegram.BotCommand("help", "帮助")]
    assert await bot.set_my_commands(commands)
    english = [telegram.BotCommand("start", "Start")]
    scope = telegram.BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(english, scope=scope, language_code="en")
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.get_my_commands(scope=scope, language_code="en") == tuple(english)
    assert await bot.get_my_commands(scope=scope) == ()
    with pytest.raises(BadRequest, match=_ci("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([telegram.BotCommand("Start-Now", "x")])
    with pytest.raises(BadRequest, match=_ci("language code")):
        await bot.set_my_commands(commands, language_code="zh_Hans")
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_my_description("社区议事", language_code="zh")
    assert await bot.set_my_short_description("议事亭")
    assert (await bot.get_my_description(language_code="zh")).description == "社区议事"
