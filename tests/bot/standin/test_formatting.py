"""Formatting: entities detected in users' text, parse_mode parsed into entities."""

from __future__ import annotations

from typing import Any

import pytest
import telegram
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, GROUP, _ci, _next_update, _noop


async def test_user_command_is_a_command_for_ptb(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = api.send_text(ALICE, GROUP, "/grant@pavilion_demo_bot resident")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    update = await _next_update(bot, api)
    assert update.message is not None
    assert update.message.chat.id == GROUP
    assert update.message.from_user is not None and update.message.from_user.id == ALICE
    handler: CommandHandler[Any, None] = CommandHandler("grant", _noop)
    assert handler.check_update(update)
    assert not CommandHandler("revoke", _noop).check_update(update)
    api.send_text(ALICE, None, "just words /grant")
    plain = await _next_update(bot, api)
    assert plain.message is not None and plain.message.chat.type == "private"
    assert not handler.check_update(plain)


async def test_html_is_parsed_and_bad_html_refused(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(
        ALICE, "<b>议题</b>：a &lt; b 😀 <i>x</i>", parse_mode=telegram.constants.ParseMode.HTML
    )
    assert sent.text == "议题：a < b 😀 x"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 12, 1),  # the emoji counts two UTF-16 units
    ]
    with pytest.raises(BadRequest, match=_ci("can't parse entities")):
        await bot.send_message(ALICE, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=_ci("reserved")):
        await bot.send_message(ALICE, "1.5", parse_mode="MarkdownV2")
    assert len(api.bot_messages(ALICE)) == 1
