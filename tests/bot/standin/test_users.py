"""What users do: locations, edits, anonymous admins, channel posts, privacy mode."""

from __future__ import annotations

import datetime as dtm

import pytest
import telegram
from telegram.ext import CommandHandler

from bot.standin import GROUP_ANONYMOUS_BOT_ID, FakeBotApi
from tests.bot.standin.conftest import ALICE, BOB, GROUP, TOKEN, _next_update, _noop
from tests.fakes import FakeRequest


async def test_locations(
    api: FakeBotApi, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.send_location(ALICE, None, 22.19, 113.54, live_period=900)
    api.send_location(BOB, None, 22.2, 113.5, forwarded=True)
    updates = await bot.get_updates()
    live, forwarded = (u.message for u in updates)
    assert live is not None and live.location is not None
    assert live.location.live_period == dtm.timedelta(seconds=900)
    assert forwarded is not None and forwarded.forward_origin is not None
    api.move_live_location(ALICE, None, live.message_id, 22.3, 113.6)
    moved = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert moved[0].edited_message is not None
    assert moved[0].edited_message.location is not None
    assert moved[0].edited_message.location.latitude == pytest.approx(22.3)


async def test_user_edit_is_an_edited_message(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = api.send_text(ALICE, GROUP, "/propose 修路")
    await _next_update(bot, api)
    api.edit_text(ALICE, GROUP, sent["message_id"], "/propose 修桥")
    update = await _next_update(bot, api)
    assert update.edited_message is not None
    assert update.edited_message.text == "/propose 修桥"
    assert api.messages(GROUP)[0]["_edits"] == ["/propose 修路"]


async def test_anonymous_admin(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.anonymous_admin_says(GROUP, "/close 3")
    update = await _next_update(bot, api)
    message = update.message
    assert message is not None and message.from_user is not None
    assert message.from_user.id == GROUP_ANONYMOUS_BOT_ID
    assert message.from_user.username == "GroupAnonymousBot" and message.from_user.is_bot
    assert message.sender_chat is not None and message.sender_chat.id == GROUP
    assert CommandHandler("close", _noop).check_update(update)


async def test_channel_post(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.add_group(-1009, "公告", type="channel")
    api.channel_post(-1009, "通知")
    update = await _next_update(bot, api)
    assert update.channel_post is not None and update.channel_post.text == "通知"
    assert update.channel_post.sender_chat is not None


async def test_privacy_mode_hides_small_talk() -> None:
    api = FakeBotApi(privacy_mode=True)
    api.add_user(ALICE, "Alice")
    api.add_group(GROUP, "群")
    api.send_text(ALICE, GROUP, "闲聊")
    api.send_text(ALICE, GROUP, "/help")
    api.send_text(ALICE, GROUP, "/help@other_bot")
    api.send_text(ALICE, GROUP, "@pavilion_demo_bot 你好")
    bot = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with bot:
        assert not bot.can_read_all_group_messages
        texts = [u.message.text for u in await bot.get_updates() if u.message]
    assert texts == ["/help", "@pavilion_demo_bot 你好"]
    assert len(api.messages(GROUP)) == 4


async def test_the_location_button(api: FakeBotApi, bot: telegram.Bot) -> None:
    """A request_location button: private chats only (Telegram refuses it in a group);
    tapped, the user's phone sends the location; without one, no tap."""
    location = telegram.ReplyKeyboardMarkup(
        [[telegram.KeyboardButton("📍", request_location=True)]], one_time_keyboard=True
    )
    with pytest.raises(telegram.error.BadRequest, match="private chats only"):
        await bot.send_message(GROUP, "where?", reply_markup=location)
    with pytest.raises(ValueError, match="no location button"):
        api.tap_location_button(ALICE, 22.19, 113.54)
    await bot.send_message(ALICE, "where?", reply_markup=location)
    assert api.reply_keyboard(ALICE) == [[{"text": "📍", "request_location": True}]]
    api.tap_location_button(ALICE, 22.19, 113.54)
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.location is not None
    assert update.message.location.latitude == pytest.approx(22.19)
    await bot.send_message(ALICE, "done", reply_markup=telegram.ReplyKeyboardRemove())
    assert api.reply_keyboard(ALICE) == []
