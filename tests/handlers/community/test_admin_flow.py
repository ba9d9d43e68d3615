"""Secretaries' commands and the access rules, through the real Application."""

from __future__ import annotations

from tests.backends import database_text
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, button_labels


async def _dump(harness: BotHarness) -> str:
    """The database's content, less the inbox (which records every update by design)."""
    return await database_text(harness.db, without=frozenset({"inbox"}))


async def test_bind_status_and_invite(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    done, invite = harness.api.bot_messages(RESIDENTS_GROUP)[-2:]
    assert done["text"] == "✅ 已把「幸福里居民群」绑定为居民群。"
    assert "私聊我完成登记" in invite["text"]
    (url,) = [b["url"] for row in invite["reply_markup"]["inline_keyboard"] for b in row]
    # The link names the group's community (handlers/community/joining.py).
    assert url == "https://t.me/pavilion_demo_bot?start=join-1"

    await harness.say(SECRETARY, "/status")
    status = harness.last(SECRETARY)["text"]
    assert "居民群：幸福里居民群" in status
    assert "党员群：未绑定" in status
    assert "已登记 2 人" in status
    assert "居民 2" in status and "书记 1" in status


async def test_non_secretary_is_refused_and_nothing_changes(harness: BotHarness) -> None:
    await harness.register(2001, "张阿姨")
    await harness.register(2003, "李大爷")
    before = await _dump(harness)
    await harness.say(2001, "/bind residents", RESIDENTS_GROUP)
    assert harness.last(RESIDENTS_GROUP)["text"] == "抱歉，只有书记可以使用这个功能。"
    target = harness.api.send_text(2003, RESIDENTS_GROUP, "大家好")
    await harness.settle()
    await harness.say(
        2001, "/grant secretary", RESIDENTS_GROUP, reply_to_message_id=target["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"] == "抱歉，只有书记可以使用这个功能。"
    await harness.say(2001, "/people")
    assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"
    assert await _dump(harness) == before
    async with harness.db.read() as session:
        assert await session.chats.bound() == []
        assert (await session.people.count_by_role()) == {"resident": 2}
        assert await session.audit.count_action("role.grant") == 0


async def test_grant_and_revoke_by_reply(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    hello = harness.api.send_text(2001, RESIDENTS_GROUP, "我想当志愿者")
    await harness.settle()
    await harness.say(
        SECRETARY, "/grant 志愿者", RESIDENTS_GROUP, reply_to_message_id=hello["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"] == "✅ 已授予张阿姨“志愿者”身份。"
    await harness.say(
        SECRETARY, "/grant volunteer", RESIDENTS_GROUP, reply_to_message_id=hello["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"] == "张阿姨已经是“志愿者”了。"
    await harness.say(
        SECRETARY, "/revoke volunteer", RESIDENTS_GROUP, reply_to_message_id=hello["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"] == "已撤销张阿姨的“志愿者”身份。"
    await harness.say(
        SECRETARY, "/grant king", RESIDENTS_GROUP, reply_to_message_id=hello["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"].startswith("用法：")
    stranger = harness.api.send_text(2003, RESIDENTS_GROUP, "我还没登记")
    await harness.settle()
    await harness.say(
        SECRETARY, "/grant volunteer", RESIDENTS_GROUP, reply_to_message_id=stranger["message_id"]
    )
    assert "还没有登记" in harness.last(RESIDENTS_GROUP)["text"]


async def test_people_list_toggle_and_remove(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨", "3号楼")
    await harness.say(SECRETARY, "/people")
    listing = harness.last(SECRETARY)
    assert listing["text"] == "选择一位居民（第 1/1 页）："
    assert "张阿姨 · 3号楼" in button_labels(listing)
    await harness.press_label(SECRETARY, listing, "张阿姨")
    card = harness.last(SECRETARY)
    assert "▫️ 党员" in button_labels(card)
    await harness.press_label(SECRETARY, card, "党员")
    card = harness.last(SECRETARY)
    assert "✅ 党员" in button_labels(card)
    assert "身份：居民、党员" in card["text"]
    # The same (now stale) "grant" button pressed again from an old copy toggles back:
    # the screen always shows the current state after each press.
    await harness.press_label(SECRETARY, card, "移出登记")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "确定移出")
    assert harness.last(SECRETARY)["text"] == "已把张阿姨移出登记。"
    await harness.press_label(SECRETARY, card, "党员", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "这位居民已不在登记中。"


async def test_anonymous_admin_and_other_bots(harness: BotHarness) -> None:
    harness.api.anonymous_admin_says(RESIDENTS_GROUP, "/bind residents")
    await harness.settle()
    assert "本人的账号" in harness.last(RESIDENTS_GROUP)["text"]
    async with harness.db.read() as session:
        assert await session.chats.bound() == []
    harness.api.add_user(9999, "OtherBot", is_bot=True)
    harness.api.send_text(9999, RESIDENTS_GROUP, "/status")
    await harness.settle()
    assert "本人的账号" in harness.last(RESIDENTS_GROUP)["text"]  # no new reply to the bot


async def test_commands_for_another_bot_and_edits_are_ignored(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    before = len(harness.api.bot_messages(RESIDENTS_GROUP))
    await harness.say(SECRETARY, "/bind@some_other_bot residents", RESIDENTS_GROUP)
    sent = await harness.say(SECRETARY, "/status", RESIDENTS_GROUP)
    after_status = len(harness.api.bot_messages(RESIDENTS_GROUP))
    assert after_status == before + 1  # only /status was answered
    harness.api.edit_text(SECRETARY, RESIDENTS_GROUP, sent["message_id"], "/bind residents")
    await harness.settle()
    assert len(harness.api.bot_messages(RESIDENTS_GROUP)) == after_status
    await harness.say(SECRETARY, "/bind@pavilion_demo_bot members", RESIDENTS_GROUP)
    assert "绑定为党员群" in harness.api.bot_messages(RESIDENTS_GROUP)[-2]["text"]


async def test_bot_added_removed_and_group_migrated(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    harness.api.add_group(-555, "老年活动群", type="group", bot_status="left")
    harness.api.bot_added(-555, SECRETARY)
    await harness.settle()
    assert "/bind" in harness.last(-555)["text"]
    await harness.say(SECRETARY, "/bind volunteers", -555)
    harness.api.migrate_group(-555, -1005550)
    await harness.settle()
    async with harness.db.read() as session:
        moved = await session.chats.get(-1005550)
        assert moved is not None and moved.kind == "volunteers"
        assert await session.chats.get(-555) is None
    harness.api.bot_removed(-1005550, SECRETARY)
    await harness.settle()
    await harness.say(SECRETARY, "/status")
    assert "老年活动群（机器人已不在群里）" in harness.last(SECRETARY)["text"]


async def test_network_errors_while_replying_lose_nothing(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    harness.api.fail_next("editMessageText", description="network")
    await harness.press_label(2001, harness.last(2001), "同意并登记")
    # The reply failed, the step did not: the form is at the name question.
    harness.api.fail_next("sendMessage", description="network", times=2)
    await harness.say(2001, "张阿姨")
    await harness.say(2001, "3号楼")
    assert "登记完成" in harness.last(2001)["text"]
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(2001)
        assert person is not None
        assert (person.display_name, person.building) == ("张阿姨", "3号楼")
        assert (await session.inbox.counts())[0] == 0  # every update is done


async def test_blocked_bot(harness: BotHarness) -> None:
    await harness.register(2001, "张阿姨")
    harness.api.block_bot(2001)
    await harness.settle()
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(2001)
        assert person is not None and not person.reachable
    # Writing to the bot again unblocks it.
    await harness.say(2001, "/me")
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(2001)
        assert person is not None and person.reachable
    # A refusal while replying is recorded the same way, without an apology attempt.
    harness.api.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    sent_before = len(harness.api.bot_messages(2001))
    await harness.say(2001, "/me")
    assert len(harness.api.bot_messages(2001)) == sent_before
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(2001)
        assert person is not None and not person.reachable


async def test_unexpected_error_apologises(harness: BotHarness) -> None:
    await harness.register(2001, "张阿姨")
    harness.api.fail_next("sendDocument", error_code=400, description="Bad Request: boom")
    await harness.say(2001, "/export")
    assert harness.last(2001)["text"] == "抱歉，刚才出了点问题，您的信息没有丢失。请稍后再试。"


async def test_private_and_group_only_commands(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents")
    assert harness.last(SECRETARY)["text"] == "这个命令请在群里发送。"
    await harness.say(SECRETARY, "/export", RESIDENTS_GROUP)
    assert harness.last(RESIDENTS_GROUP)["text"] == "这个操作请私聊我完成。"
    await harness.say(2003, "/start", RESIDENTS_GROUP)
    assert "私聊我" in harness.last(RESIDENTS_GROUP)["text"]
    await harness.say(2003, "随便说点什么")
    assert "我没听懂" in harness.last(2003)["text"]


async def test_flood_control_while_replying_is_waited_out(harness: BotHarness) -> None:
    harness.api.fail_next("sendMessage", retry_after=1)
    await harness.say(2001, "/help")
    assert "您还没有登记" in harness.last(2001)["text"]
    sends = [method for method, _ in harness.api.calls if method == "sendMessage"]
    assert len(sends) == 2  # refused once with retry_after, then sent
