"""Command menus per language at start; /help, /cancel; the housekeeping job."""

from __future__ import annotations

import json

from tests.handlers.conftest import SECRETARY, BotHarness


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
    await harness.say(2001, "/help")
    assert "发送 /start 开始" in harness.last(2001)["text"]
    assert "书记可用" not in harness.last(2001)["text"]
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/help")
    assert "书记可用" in harness.last(SECRETARY)["text"]


async def test_cancel_leaves_the_form(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    await harness.say(2001, "/cancel")
    assert harness.last(2001)["text"] == "已取消。"
    await harness.say(2001, "/cancel")
    assert harness.last(2001)["text"] == "当前没有进行中的操作。"
    await harness.say(2001, "张阿姨")  # no form open any more
    assert "我没听懂" in harness.last(2001)["text"]


async def test_inbox_pruning_is_scheduled(harness: BotHarness) -> None:
    job_queue = harness.running.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name("prune-inbox")
    assert job.next_t is not None
