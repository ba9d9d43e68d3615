"""Command menus per language at start; /help, /cancel; the housekeeping job."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.config import Language
from bot.standin import FakeBotApi
from handlers.texts import t
from tests.conftest import make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)


def menu(harness: BotHarness, scope: dict[str, object], language: str) -> list[str]:
    commands = harness.api.commands[(json.dumps(scope, sort_keys=True), language)]
    return [command["command"] for command in commands]


async def test_command_menus_per_language_and_scope(harness: BotHarness) -> None:
    default = {"type": "default"}
    assert menu(harness, default, "") == [
        "start",
        "me",
        "lang",
        "help",
        "cancel",
        "raise",
        "matters",
        "conventions",
        "minutes",
        "export",
        "forget",
        "lessons",
        # Volunteer service.
        "activities",
        "my",
        "checkin",
        "checkout",
        "hours",
        # Participation.
        "mine",
        "myrecord",
        # The public board.
        "board",
        # The two lists (需求/服务).
        "need",
        "services",
    ]
    assert menu(harness, default, "en") == menu(harness, default, "")
    zh = harness.api.commands[(json.dumps(default, sort_keys=True), "")]
    en = harness.api.commands[(json.dumps(default, sort_keys=True), "en")]
    assert zh[1]["description"] == "我的登记信息"
    assert en[1]["description"] == "What the register holds about me"
    assert menu(harness, {"type": "all_group_chats"}, "") == [
        "help",
        "raise",
        "matters",
        "conventions",
        "minutes",
        "activities",
        "checkin",
        "checkout",
    ]
    secretary = menu(harness, {"type": "chat", "chat_id": SECRETARY}, "")
    assert {"status", "people", "grant", "bind", "participation"} <= set(secretary)


async def test_help_depends_on_roles(harness: BotHarness) -> None:
    # Not registered: how to register, with the button.
    await harness.say(2001, "/help")
    unregistered = harness.last(2001)
    assert unregistered["text"].startswith("您还没有登记")
    (row,) = unregistered["reply_markup"]["inline_keyboard"]
    assert row[0]["text"] == "✍️ 开始登记"
    assert row[0]["url"].endswith("?start=join-1")

    # A resident: a few plain lines and the next steps as buttons.
    await harness.register(2001)
    await harness.say(2001, "/help")
    short = harness.last(2001)
    lines = short["text"].split("\n")
    assert len(lines) <= 10
    assert lines[0] == "议事亭能帮您做这些"
    assert any(line.startswith("📝 提议") for line in lines)
    assert any(line.startswith("🗳 投票") for line in lines)
    assert not any(line.startswith("🧭 书记") for line in lines)
    assert button_labels(short) == ["📋 我的待办", "📝 提议", "📖 全部功能"]

    # The full list is one tap further: the same message becomes today's list.
    await harness.press_label(2001, short, "全部功能")
    full = harness.last(2001)
    assert full["message_id"] == short["message_id"]
    assert full["text"].startswith("议事亭能做什么")
    assert "/matter 编号" in full["text"]
    assert "书记可用" not in full["text"]

    # 📋 我的待办 from the help: the list of what waits.
    await harness.say(2001, "/help")
    await harness.press_label(2001, harness.last(2001), "我的待办")
    assert "议事亭能帮您做这些" not in harness.last(2001)["text"]

    # 📝 提议: straight into the raise form.
    await harness.say(2001, "/help")
    await harness.press_label(2001, harness.last(2001), "提议")
    assert harness.last(2001)["text"] == t(Language.ZH_HANS, "raise.ask_title")

    # A secretary's short help has their line; the full list their commands.
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/help")
    secretary = harness.last(SECRETARY)
    lines = secretary["text"].split("\n")
    assert len(lines) <= 10
    assert any(line.startswith("🧭 书记：/status") for line in lines)
    await harness.press_label(SECRETARY, secretary, "全部功能")
    assert "书记可用" in harness.last(SECRETARY)["text"]


async def test_help_in_english_and_in_a_group(harness: BotHarness) -> None:
    await harness.register(2002)
    await harness.say(2002, "/help")
    short = harness.last(2002)
    assert short["text"].startswith("What the pavilion can do for you")
    assert len(short["text"].split("\n")) <= 10
    assert button_labels(short) == ["📋 To do", "📝 Raise", "📖 All commands"]
    await harness.press_label(2002, short, "All commands")
    assert harness.last(2002)["text"].startswith("What the pavilion can do\n")

    # In a group: short, and a button to the private chat (where /start help shows it).
    await harness.say(2001, "/help", RESIDENTS_GROUP)
    group = harness.last(RESIDENTS_GROUP)
    assert group["text"] == "想知道我能做什么？点下面的按钮私聊我，我一条条告诉您。"
    (row,) = group["reply_markup"]["inline_keyboard"]
    assert row[0]["url"].endswith("?start=help")
    await harness.register(2003)
    await harness.say(2003, "/start help")
    assert harness.last(2003)["text"].startswith("议事亭能帮您做这些")


async def test_cancel_leaves_the_form(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    await harness.say(2001, "/cancel")
    assert harness.last(2001)["text"] == "已取消。"
    await harness.say(2001, "/cancel")
    assert harness.last(2001)["text"] == "当前没有进行中的操作。"
    await harness.say(2001, "张阿姨")  # no form open any more
    assert "我没听懂" in harness.last(2001)["text"]


async def test_words_the_bot_does_not_understand_get_a_help_button(harness: BotHarness) -> None:
    """Nothing to type: "I did not understand" carries ❓ 帮助 and 📋 我的待办 to tap."""
    await harness.register(2003)
    await harness.say(2003, "你好，请问怎么用")
    lost = harness.last(2003)
    assert lost["text"].startswith("我没听懂。点下面的 ❓ 帮助")
    labels = [b["text"] for row in lost["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["❓ 帮助", "📋 我的待办"]
    await harness.press_label(2003, lost, "帮助")
    assert harness.last(2003)["text"].startswith("议事亭能帮您做这些")


async def test_a_pressed_registration_question_keeps_its_answer(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    await harness.press_label(2001, harness.last(2001), "同意")
    await harness.say(2001, "王大妈")
    await harness.press_label(2001, harness.last(2001), "跳过")
    building, done = harness.api.bot_messages(2001)[-2:]  # this community has no grids
    assert building["text"].endswith("不方便说可以跳过。　✅ 跳过")
    assert "reply_markup" not in building
    assert done["text"].startswith("🎉 登记完成，王大妈！\n聊天框下方的按钮随时可以点")


async def test_inbox_pruning_is_scheduled(harness: BotHarness) -> None:
    job_queue = harness.running.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name("prune-inbox")
    assert job.next_t is not None


def own_menu_calls(api: FakeBotApi, chat_id: int) -> int:
    """How often the bot set ``chat_id``'s own menu."""
    scope = {"type": "chat", "chat_id": chat_id}
    return sum(
        1 for name, params in api.calls if name == "setMyCommands" and params.get("scope") == scope
    )


async def test_a_menu_telegram_has_is_not_set_again_at_the_next_start(
    tmp_path: Path, api: FakeBotApi, fresh_database: Callable[[Path], Path]
) -> None:
    # A street of 1,000 communities gave every secretary their menu at every start of
    # every worker: a thousand calls before the bot listened. Only a changed one is set.
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    fresh_database(settings.storage.path)
    for _ in range(2):
        harness = await start_harness(settings, api)
        await harness.running.stop()
    assert own_menu_calls(api, SECRETARY) == 1
    everyone = sum(1 for name, params in api.calls if name == "setMyCommands")
    # The secretary becomes a street administrator too: their menu changes, so it is set.
    admin = make_settings(tmp_path, telegram={"poll_timeout": 1}, street={"admins": [SECRETARY]})
    harness = await start_harness(admin, api)
    await harness.running.stop()
    assert own_menu_calls(api, SECRETARY) == 2
    assert "street" in menu(harness, {"type": "chat", "chat_id": SECRETARY}, "")
    assert sum(1 for name, _ in api.calls if name == "setMyCommands") > everyone + 1
