"""/bind in a group: three buttons (居民群 · 党员群 · 志愿者群), and a welcome for each kind."""

from __future__ import annotations

from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, button_labels

MEMBERS_GROUP = -1005555


def _welcome_url(message: dict[str, object]) -> str:
    markup = message["reply_markup"]
    assert isinstance(markup, dict)
    (url,) = [b["url"] for row in markup["inline_keyboard"] for b in row]
    return str(url)


async def test_bind_buttons_bind_the_members_group_and_welcome_it(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    harness.api.add_group(MEMBERS_GROUP, "幸福里党员群")
    await harness.say(SECRETARY, "/bind", MEMBERS_GROUP)
    choice = harness.last(MEMBERS_GROUP)
    assert choice["text"] == "本群是什么群？请点一个按钮："
    assert button_labels(choice) == ["🏠 居民群", "🚩 党员群", "🙋 志愿者群"]

    await harness.press_label(SECRETARY, choice, "党员群")
    async with harness.db.read() as session:
        bound = await session.chats.get(MEMBERS_GROUP)
        assert bound is not None and bound.kind == "members"
    edited, welcome = harness.api.bot_messages(MEMBERS_GROUP)[-2:]
    assert edited["message_id"] == choice["message_id"]
    assert edited["text"] == "✅ 已把「幸福里党员群」绑定为党员群。"
    assert button_labels(edited) == []
    assert harness.api.callback_answers()[-1]["text"] == "✅ 绑定好了"
    assert "微党课会发在这里" in welcome["text"]
    assert "✅ 已学习" in welcome["text"] and "补学" in welcome["text"]
    assert _welcome_url(welcome) == "https://t.me/pavilion_demo_bot?start=join-1"

    # Pressed again (an old copy): it says what the group is, and binds nothing twice.
    sent = len(harness.api.bot_messages(MEMBERS_GROUP))
    await harness.press_label(SECRETARY, choice, "居民群", strict=False)
    answer = harness.api.callback_answers()[-1]
    assert answer["text"] == "本群已经绑定为党员群了。要改，请先发送 /unbind。"
    assert answer["show_alert"]
    assert len(harness.api.bot_messages(MEMBERS_GROUP)) == sent
    async with harness.db.read() as session:
        bound = await session.chats.get(MEMBERS_GROUP)
        assert bound is not None and bound.kind == "members"
        assert await session.audit.count_action("chat.bind") == 1


async def test_only_a_secretary_may_press(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    await harness.say(SECRETARY, "/bind", RESIDENTS_GROUP)
    choice = harness.last(RESIDENTS_GROUP)
    await harness.press_label(2001, choice, "居民群")
    assert harness.api.callback_answers()[-1]["text"] == "抱歉，只有书记可以使用这个功能。"
    async with harness.db.read() as session:
        assert await session.chats.bound() == []
    assert harness.last(RESIDENTS_GROUP)["message_id"] == choice["message_id"]
    assert len(button_labels(harness.last(RESIDENTS_GROUP))) == 3


async def test_typed_bind_still_works_and_welcomes_residents(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    done, welcome = harness.api.bot_messages(RESIDENTS_GROUP)[-2:]
    assert done["text"] == "✅ 已把「幸福里居民群」绑定为居民群。"
    assert welcome["text"] == (
        "大家好！这里是幸福社区议事亭居民群。\n"
        "📝 有事想提：在群里发“提议”加上您的想法，比如：提议 3号楼门口装个路灯。\n"
        "🗳 要投票时，我会发一张卡片，点上面的按钮就能投。\n"
        "🏛 每周四开议事亭；每月4、14、24号“逢四说事”，大家一起商量。\n"
        "请先点下面的按钮，私聊我完成登记。"
    )
    assert _welcome_url(welcome) == "https://t.me/pavilion_demo_bot?start=join-1"
    await harness.say(SECRETARY, "/bind 志愿者", RESIDENTS_GROUP)
    done, welcome = harness.api.bot_messages(RESIDENTS_GROUP)[-2:]
    assert done["text"] == "✅ 已把「幸福里居民群」绑定为志愿者群。\n（原来是居民群）"
    assert "点活动下面的按钮就能报名" in welcome["text"] and "签退" in welcome["text"]
    await harness.say(SECRETARY, "/bind everyone", RESIDENTS_GROUP)
    assert harness.last(RESIDENTS_GROUP)["text"].startswith("用法：在群里发送 /bind")


async def test_an_english_secretary_sees_english_buttons(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/lang en")
    await harness.say(SECRETARY, "/bind", RESIDENTS_GROUP)
    choice = harness.last(RESIDENTS_GROUP)
    assert choice["text"] == "What is this group for? Tap one:"
    assert button_labels(choice) == [
        "🏠 Residents' group",
        "🚩 Party members' group",
        "🙋 Volunteers' group",
    ]
    await harness.press_label(SECRETARY, choice, "Volunteers")
    edited, welcome = harness.api.bot_messages(RESIDENTS_GROUP)[-2:]
    assert edited["text"].endswith("is now the volunteers' group.")
    # The group's welcome is in the community's language.
    assert "志愿活动会发在这里" in welcome["text"]
