"""The Bot API stand-in, driven by a real ``telegram.Bot`` in-process and over loopback HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler

from bot.standin import GROUP_ANONYMOUS_BOT_ID, FakeBotApi, StandinServer
from tests.fakes import FakeRequest

TOKEN = "123:TEST"
ALICE = 1001
BOB = 1002
GROUP = -1001234567890


def _ci(text: str) -> str:
    """A case-insensitive literal pattern: PTB re-cases Telegram's error descriptions."""
    return "(?i)" + re.escape(text)


async def _noop(update: Update, context: Any) -> None:
    """A handler callback that is never run."""


def _keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in datas])


@pytest.fixture
def api() -> FakeBotApi:
    world = FakeBotApi()
    world.add_user(ALICE, "Alice", username="alice")
    world.add_user(BOB, "Bob", language_code="en")
    world.add_group(GROUP, "议事厅")
    return world


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with client:
        yield client


async def _next_update(bot: telegram.Bot, api: FakeBotApi) -> Update:
    """The one pending update, confirmed."""
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 1, updates
    await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert api.pending_updates == 0
    return updates[0]


# ------------------------------------------------------------------------------- in-process


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


async def test_reply_carries_the_replied_message(api: FakeBotApi, bot: telegram.Bot) -> None:
    asked = await bot.send_message(ALICE, "你的名字？")
    api.send_text(ALICE, None, "Alice", reply_to_message_id=asked.message_id)
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "你的名字？"
    assert update.message.reply_to_message.from_user is not None
    assert update.message.reply_to_message.from_user.id == bot.id


async def test_offset_confirms_and_drops_updates(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(ALICE, None, "one")
    api.send_text(BOB, None, "two")
    api.send_text(ALICE, None, "three")
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [1, 2, 3]
    assert api.pending_updates == 3
    rest = await bot.get_updates(offset=3)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert api.pending_updates == 1
    assert await bot.get_updates(offset=4) == ()
    assert api.pending_updates == 0
    assert api.delivered_update_ids == [1, 2, 1, 2, 3, 3]


async def test_long_poll_waits_for_a_user(api: FakeBotApi, bot: telegram.Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    api.send_text(BOB, None, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_long_poll_expires_empty(api: FakeBotApi, bot: telegram.Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= loop.time() - started < 2


async def test_allowed_updates_filters_and_persists(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(ALICE, None, "text")
    pick = await bot.send_message(ALICE, "pick", reply_markup=_keyboard("a"))
    api.press_button(ALICE, None, pick.message_id, "a")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in only_queries] == [True]
    api.send_text(ALICE, None, "later")
    assert await bot.get_updates(offset=only_queries[0].update_id + 1) == ()


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


async def test_text_limits(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=_ci("message text is empty")):
        await bot.send_message(ALICE, "  \n ")
    with pytest.raises(BadRequest, match=_ci("message is too long")):
        await bot.send_message(ALICE, "长" * 4097)
    assert (await bot.send_message(ALICE, "长" * 4096)).text == "长" * 4096
    with pytest.raises(BadRequest, match=_ci("chat not found")):
        await bot.send_message(424242, "anyone?")


async def test_unknown_method_is_404(api: FakeBotApi) -> None:
    answer = await api.call("sendTelepathy", {"chat_id": "1"})
    assert answer == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert (await api.call("GETME", {}))["ok"] is True


async def test_send_document_records_the_upload(api: FakeBotApi, bot: telegram.Bot) -> None:
    content = "日期,时长\n2024-05-01,3\n".encode()
    sent = await bot.send_document(
        ALICE, content, filename="hours.csv", caption="<b>时长</b>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "hours.csv"
    assert sent.document.file_size == len(content)
    assert sent.caption == "时长" and sent.caption_entities[0].type == "bold"
    stored = api.last_bot_message(ALICE)
    assert stored["_files"] == {"hours.csv": content}
    method, params = api.calls[-1]
    assert method == "sendDocument" and params["_files"] == {"document": "hours.csv"}
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(BOB, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match=_ci("wrong file identifier")):
        await bot.send_document(BOB, "no-such-file-id")


async def test_send_photo_and_user_photo(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_photo(GROUP, b"\x89PNG\r\n\x1a\n" + bytes(20), caption="合影")
    assert sent.photo and sent.caption == "合影"
    api.send_photo(ALICE, None, caption="签到", data=b"selfie")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.caption == "签到"
    file = await update.message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == b"selfie"


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


async def test_fail_next(
    api: FakeBotApi, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int retry_after otherwise
    api.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    api.fail_next("sendMessage", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=_ci("Internal Server Error")):
            await bot.send_message(ALICE, "x")
    api.fail_next("getMe", description="network")
    with pytest.raises(NetworkError, match=_ci("stand-in")):
        await bot.get_me()
    assert (await bot.send_message(ALICE, "finally")).text == "finally"
    assert [m["text"] for m in api.bot_messages(ALICE)] == ["finally"]


async def test_flood_limits_with_a_fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    now = [1000.0]
    api = FakeBotApi(enforce_limits=True, clock=lambda: now[0])
    api.add_user(ALICE, "Alice")
    api.add_group(GROUP, "群")
    bot = telegram.Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with bot:
        await bot.send_message(ALICE, "1")
        now[0] += 0.5
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE, "2")
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
        now[0] += 0.5
        await bot.send_message(ALICE, "2")
        for _ in range(20):
            now[0] += 0.1
            await bot.send_message(GROUP, "群发")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(GROUP, "第21条")
        assert caught.value.retry_after == dtm.timedelta(seconds=59)
    assert api.limit_hits == 2
    assert [m["text"] for m in api.bot_messages(ALICE)] == ["1", "2"]
    assert len(api.bot_messages(GROUP)) == 20


async def test_flood_limits_off_by_default(api: FakeBotApi, bot: telegram.Bot) -> None:
    for n in range(5):
        await bot.send_message(ALICE, str(n))
    assert api.limit_hits == 0


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


async def test_reply_keyboards_are_kept_but_not_echoed(api: FakeBotApi, bot: telegram.Bot) -> None:
    keyboard = ReplyKeyboardMarkup([["参加", "不参加"]], one_time_keyboard=True)
    sent = await bot.send_message(ALICE, "来吗？", reply_markup=keyboard)
    assert sent.reply_markup is None
    assert api.last_bot_message(ALICE)["_reply_markup"]["keyboard"][0][0]["text"] == "参加"


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


async def test_webhook_blocks_polling(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=_ci("HTTPS URL")):
        await bot.set_webhook("http://example.org/hook")
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match=_ci("webhook is active")):
        await bot.get_updates()
    api.send_text(ALICE, None, "hi")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.pending_updates == 0
    assert await bot.get_updates() == ()


async def test_wait_for(api: FakeBotApi, bot: telegram.Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(ALICE, "done")

    task = asyncio.create_task(later())
    await api.wait_for(lambda: len(api.bot_messages(ALICE)) == 1, timeout=2)
    await task
    with pytest.raises(TimeoutError):
        await api.wait_for(lambda: len(api.bot_messages(ALICE)) == 2, timeout=0.1)


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


# ---------------------------------------------------------------------------------- over HTTP


@pytest.fixture
async def server(api: FakeBotApi) -> AsyncIterator[StandinServer]:
    standin = StandinServer(api)
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()


async def test_http_with_ptb_default_request(api: FakeBotApi, server: StandinServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/bot")
    http_bot = telegram.Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)
    async with http_bot:
        me = await http_bot.get_me()
        assert me.username == "pavilion_demo_bot"
        sent = await http_bot.send_message(
            ALICE, "<b>投票</b>", parse_mode="HTML", reply_markup=_keyboard("yes")
        )
        assert sent.text == "投票" and sent.reply_markup == _keyboard("yes")
        document = await http_bot.send_document(ALICE, b"%PDF-1.4 minutes", filename="纪要.pdf")
        assert document.document is not None and document.document.file_name == "纪要.pdf"
        assert api.last_bot_message(ALICE)["_files"] == {"纪要.pdf": b"%PDF-1.4 minutes"}
        file = await http_bot.get_file(document.document.file_id)
        assert file.file_path is not None and file.file_path.startswith(server.base_file_url)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 minutes"

        poll = asyncio.create_task(http_bot.get_updates(timeout=5, read_timeout=10))
        await asyncio.sleep(0.1)
        assert await http_bot.get_chat(ALICE)  # the long poll does not block other requests
        assert not poll.done()
        api.send_text(BOB, None, "/start")
        updates = await asyncio.wait_for(poll, 2)
        assert [u.message.text for u in updates if u.message] == ["/start"]

        with pytest.raises(BadRequest, match=_ci("chat not found")):
            await http_bot.send_message(1, "nobody")
        api.fail_next("getMe", description="network")
        with pytest.raises(NetworkError):
            await http_bot.get_me()
    assert api.tokens_seen == [TOKEN]


async def test_http_status_codes_and_bodies(api: FakeBotApi, server: StandinServer) -> None:
    url = f"{server.base_url}{TOKEN}"
    async with httpx.AsyncClient() as client:
        ok = await client.get(f"{url}/getMe")
        assert ok.status_code == 200 and ok.json()["result"]["id"] == api.bot_id
        as_json = await client.post(f"{url}/sendMessage", json={"chat_id": ALICE, "text": "hi"})
        assert as_json.status_code == 200 and as_json.json()["result"]["text"] == "hi"
        query = await client.get(f"{url}/sendMessage", params={"chat_id": "-1", "text": "x"})
        assert query.status_code == 400
        assert query.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }
        missing = await client.post(f"{url}/noSuchMethod")
        assert missing.status_code == 404
        api.fail_next("getMe", retry_after=3)
        limited = await client.post(f"{url}/getMe")
        assert limited.status_code == 429
        assert limited.json()["parameters"] == {"retry_after": 3}
        form = await client.post(
            f"{url}/sendMessage",
            data={
                "chat_id": str(ALICE),
                "text": "form",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
                ),
            },
        )
        assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        absent = await client.get(f"{server.base_file_url}{TOKEN}/documents/none.bin")
        assert absent.status_code == 404


async def test_http_stop_ends_a_pending_long_poll(api: FakeBotApi) -> None:
    standin = StandinServer(api)
    await standin.start()
    http_bot = telegram.Bot(TOKEN, base_url=standin.base_url)
    async with http_bot:
        poll = asyncio.create_task(http_bot.get_updates(timeout=30, read_timeout=40))
        await asyncio.sleep(0.1)
        await asyncio.wait_for(standin.stop(), 2)
        with pytest.raises(NetworkError):
            await asyncio.wait_for(poll, 2)


async def test_application_polls_the_stand_in(api: FakeBotApi) -> None:
    async def grant(update: Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"已授予：{' '.join(context.args)}")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .build()
    )
    application.add_handler(CommandHandler("grant", grant))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        api.send_text(ALICE, GROUP, "/grant@pavilion_demo_bot resident")
        await api.wait_for(lambda: len(api.bot_messages(GROUP)) == 1, timeout=5)
        await application.updater.stop()
        await application.stop()
    reply = api.last_bot_message(GROUP)
    assert reply["text"] == "已授予：resident"
    assert reply["reply_to_message"]["text"] == "/grant@pavilion_demo_bot resident"
    assert api.pending_updates == 0


async def test_user_audio_and_video_resent_by_file_id(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_audio(ALICE, None, "党课录音.mp3", b"ID3 audio")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.audio is not None
    audio_id = update.message.audio.file_id
    api.send_video(ALICE, None, "党课.mp4", b"video bytes")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.video is not None
    video_id = update.message.video.file_id
    sent_audio = await bot.send_audio(BOB, audio_id)
    assert sent_audio.audio is not None and sent_audio.audio.file_id == audio_id
    sent_video = await bot.send_video(BOB, video_id)
    assert sent_video.video is not None and sent_video.video.file_id == video_id
    with pytest.raises(BadRequest, match=_ci("can't use file of type Audio as Video")):
        await bot.send_video(BOB, audio_id)
    file = await bot.get_file(video_id)
    assert bytes(await file.download_as_bytearray()) == b"video bytes"
