"""The bot's messages: replies, inline buttons and callback answers, edits, text limits."""

from __future__ import annotations

import pytest
import telegram
from telegram import ReplyKeyboardMarkup
from telegram.error import BadRequest

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, GROUP, TOKEN, _ci, _keyboard, _next_update
from tests.fakes import FakeRequest


async def test_reply_carries_the_replied_message(api: FakeBotApi, bot: telegram.Bot) -> None:
    asked = await bot.send_message(ALICE, "你的名字？")
    api.send_text(ALICE, None, "Alice", reply_to_message_id=asked.message_id)
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "你的名字？"
    assert update.message.reply_to_message.from_user is not None
    assert update.message.reply_to_message.from_user.id == bot.id


async def test_inline_button_press(api: FakeBotApi, bot: telegram.Bot) -> None:
    markup = _keyboard("vote:yes", "vote:no")
    sent = await bot.send_message(ALICE, "赞成吗？", reply_markup=markup)
    assert sent.reply_markup == markup
    query_id = api.press_button(ALICE, None, sent.message_id, "vote:no")
    with pytest.raises(ValueError, match=_ci("no button")):
        api.press_button(ALICE, None, sent.message_id, "vote:maybe")
    update = await _next_update(bot, api)
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "vote:no" and query.from_user.id == ALICE
    assert query.chat_instance
    assert isinstance(query.message, telegram.Message)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == markup
    assert await query.answer("已记录", show_alert=True)
    answers = api.callback_answers()
    assert [(a["text"], a["show_alert"]) for a in answers] == [("已记录", True)]
    with pytest.raises(BadRequest, match=_ci("query is too old")):
        await query.answer("again")


async def test_callback_data_over_64_bytes_is_refused(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=_ci("BUTTON_DATA_INVALID")):
        await bot.send_message(ALICE, "x", reply_markup=_keyboard("议" * 22))
    assert api.bot_messages(ALICE) == []


async def test_edit_message_text(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(ALICE, "草稿", reply_markup=_keyboard("ok"))
    edited = await bot.edit_message_text(
        "定稿", chat_id=ALICE, message_id=sent.message_id, reply_markup=_keyboard("ok")
    )
    assert isinstance(edited, telegram.Message)
    assert edited.text == "定稿" and edited.edit_date is not None
    with pytest.raises(BadRequest, match=_ci("message is not modified")):
        await bot.edit_message_text(
            "定稿", chat_id=ALICE, message_id=sent.message_id, reply_markup=_keyboard("ok")
        )
    await bot.edit_message_text("终稿", chat_id=ALICE, message_id=sent.message_id)
    last = api.last_bot_message(ALICE)
    assert last["text"] == "终稿"
    assert last["_edits"] == ["草稿", "定稿"]
    assert "reply_markup" not in last  # an edit without reply_markup drops the keyboard
    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=_keyboard("again"))
    keyboard = api.last_bot_message(ALICE)["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["callback_data"] == "again"
    user_msg = api.send_text(ALICE, None, "mine")
    with pytest.raises(BadRequest, match=_ci("message can't be edited")):
        await bot.edit_message_text("x", chat_id=ALICE, message_id=user_msg["message_id"])
    kinds = [event["kind"] for event in api.timeline()]
    assert kinds == ["message", "edit", "edit", "edit", "message"]


async def test_text_limits(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=_ci("message text is empty")):
        await bot.send_message(ALICE, "  \n ")
    with pytest.raises(BadRequest, match=_ci("message is too long")):
        await bot.send_message(ALICE, "长" * 4097)
    assert (await bot.send_message(ALICE, "长" * 4096)).text == "长" * 4096
    with pytest.raises(BadRequest, match=_ci("chat not found")):
        await bot.send_message(424242, "anyone?")


async def test_reply_keyboards_are_kept_but_not_echoed(api: FakeBotApi, bot: telegram.Bot) -> None:
    keyboard = ReplyKeyboardMarkup([["参加", "不参加"]], one_time_keyboard=True)
    sent = await bot.send_message(ALICE, "来吗？", reply_markup=keyboard)
    assert sent.reply_markup is None
    assert api.last_bot_message(ALICE)["_reply_markup"]["keyboard"][0][0]["text"] == "参加"


async def test_reaction_on_a_users_message(api: FakeBotApi, bot: telegram.Bot) -> None:
    said = api.send_text(ALICE, GROUP, "签到")
    assert await bot.set_message_reaction(GROUP, said["message_id"], "👌")
    assert api.reactions(GROUP, said["message_id"]) == ["👌"]
    assert api.messages(GROUP)[-1]["_reactions"] == ["👌"]
    assert api.timeline()[-1]["kind"] == "reaction"
    # One emoji at most (bots are not Premium), from Telegram's list; none takes it back.
    with pytest.raises(BadRequest, match=_ci("REACTION_INVALID")):
        await bot.set_message_reaction(GROUP, said["message_id"], "✅")
    with pytest.raises(BadRequest, match=_ci("REACTIONS_TOO_MANY")):
        await bot.set_message_reaction(GROUP, said["message_id"], ["👍", "🫡"])
    with pytest.raises(BadRequest, match=_ci("message to react not found")):
        await bot.set_message_reaction(GROUP, said["message_id"] + 10, "👍")
    assert api.reactions(GROUP, said["message_id"]) == ["👌"]
    assert await bot.set_message_reaction(GROUP, said["message_id"], [])
    assert api.reactions(GROUP, said["message_id"]) == []
    assert api.bot_messages(GROUP) == []  # a reaction is no message


async def test_reactions_count_against_no_message_limit() -> None:
    now = [1000.0]
    api = FakeBotApi(enforce_limits=True, clock=lambda: now[0])
    api.add_user(ALICE, "Alice")
    api.add_group(GROUP, "群")
    said = [api.send_text(ALICE, GROUP, f"签到{n}")["message_id"] for n in range(40)]
    bot = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with bot:
        for message_id in said:
            await bot.set_message_reaction(GROUP, message_id, "👌")
        for n in range(20):
            await bot.send_message(GROUP, f"第{n + 1}条")
    assert api.limit_hits == 0
    assert all(api.reactions(GROUP, m) == ["👌"] for m in said)
