"""签到 / 签退 typed in the volunteers' group: a reaction on each message, the confirmation
(or the refusal with its reason) privately, one live roll-call in the group, never a reply
per person; someone the bot cannot write to privately is acknowledged on the roll-call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.standin import FakeBotApi
from handlers.volunteering import group_checkin
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import BotHarness, button_labels, start_harness
from tests.handlers.volunteering.flow import (
    EXTRA,
    VOLUNTEERS_GROUP,
    cards,
    checkins,
    community,
    create,
    last_text,
    local,
    text_of,
)

#: 赵奶奶: put on the register by the secretary, she has never opened a chat with the bot.
NO_PRIVATE_CHAT = 2005


async def roster_volunteer(harness: BotHarness, user_id: int, name: str) -> None:
    """A volunteer registered without a private chat (as a roster import would)."""
    services = harness.running.services
    async with harness.db.transaction() as session:
        person_id = await session.people.insert(
            tg_user_id=user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=services.clock(),
            now=services.clock(),
        )
        await session.people.grant(person_id, "volunteer", None, services.clock())


def group_bot_messages(harness: BotHarness, after: int) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(VOLUNTEERS_GROUP) if m["message_id"] > after]


async def say_in_group(harness: BotHarness, user_id: int, text: str) -> int:
    """``text`` typed in the volunteers' group; its message id."""
    typed = await harness.say(user_id, text, VOLUNTEERS_GROUP)
    return int(typed["message_id"])


async def test_group_checkins_are_acknowledged_without_replies_in_the_group(
    tmp_path: Path, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The roll-call's edits come 5 s apart in production; a second here keeps the test short.
    monkeypatch.setattr(group_checkin, "ROLL_CALL_EDIT_SECONDS", 1.0)
    clock = FakeClock(local(19, 19, 0))
    api.add_user(NO_PRIVATE_CHAT, "奶奶", last_name="赵", started=False)
    harness = await start_harness(make_settings(tmp_path, telegram={"poll_timeout": 1}), api, clock)
    try:
        await community(harness)
        await roster_volunteer(harness, NO_PRIVATE_CHAT, "赵奶奶")
        await create(harness, "敬老院陪伴", "11-21 14:00-16:00", 10)
        card = cards(harness)[0]
        for user_id in (2001, 2002, 2003, NO_PRIVATE_CHAT):
            await harness.press_label(user_id, card, "报名")
        await harness.pushes_sent()
        before = harness.api.bot_messages(VOLUNTEERS_GROUP)[-1]["message_id"]

        # Too early: 🤔 on the message, the reason privately, nothing in the group.
        clock.now = local(21, 13, 0)
        typed = await say_in_group(harness, 2001, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        assert (
            last_text(harness, 2001)
            == "“敬老院陪伴”还没到签到时间，今天（周六）下午1点30分开始签到。"
        )
        assert group_bot_messages(harness, before) == []

        # At the start: each 签到 gets 👌 and its confirmation privately (in English for Tom).
        clock.now = local(21, 14, 5)
        typed = await say_in_group(harness, 2001, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["👌"]
        assert last_text(harness, 2001) == (
            "✅ 签到成功：敬老院陪伴（下午2点05分，按时）。结束时请按下面的“签退”。"
        )
        assert button_labels(harness.last(2001)) == ["🏁 签退"]
        typed = await say_in_group(harness, 2002, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["👌"]
        toms_confirmation = harness.last(2002)
        assert text_of(toms_confirmation).startswith("✅ Checked in: 敬老院陪伴 (2:05 pm, on time)")
        assert button_labels(toms_confirmation) == ["🏁 Check out"]
        # A wrong code typed in the group: the reason privately.
        typed = await say_in_group(harness, 2003, "签到 123456")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        assert last_text(harness, 2003) == "现场码不对，请再看一下屏幕上的 6 位数。"
        typed = await say_in_group(harness, 2003, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["👌"]
        assert last_text(harness, 2003).startswith("✅ 签到成功：敬老院陪伴（下午2点05分，按时）")
        # 赵奶奶 cannot be written to privately: 👌, and her name on the roll-call.
        typed = await say_in_group(harness, NO_PRIVATE_CHAT, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["👌"]
        assert api.bot_messages(NO_PRIVATE_CHAT) == []
        # Not signed up (王小伟), or a second 签到: the reason privately.
        typed = await say_in_group(harness, EXTRA, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        assert last_text(harness, EXTRA) == "现在没有您可以签到的活动。先用 /activities 报名。"
        typed = await say_in_group(harness, 2001, "签到")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        assert last_text(harness, 2001) == "您已经签到过“敬老院陪伴”了。"

        # The group got one message: the roll-call, posted once and edited.
        await harness.pushes_sent()

        def roll_call() -> str:
            (only,) = group_bot_messages(harness, before)
            return text_of(only)

        await api.wait_for(lambda: "已签到（4 人）" in roll_call(), timeout=30)
        assert roll_call() == (
            "📋 敬老院陪伴 签到名单\n已签到（4 人）：张阿姨、Tom、李大爷和赵奶奶\n\n"
            "在群里发“签到”“签退”，我在您的消息上点 👌 或 🙏，确认私聊发给您。"
        )
        (posted,) = group_bot_messages(harness, before)
        assert posted["_edits"]  # edited, not posted again
        assert [row[0] for row in await checkins(harness)] == [2001, 2002, 2003, NO_PRIVATE_CHAT]

        # 签退 the same way: 🙏, the hours privately, the roll-call names who left.
        clock.now = local(21, 15, 35)
        typed = await say_in_group(harness, 2001, "签退")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🙏"]
        assert last_text(harness, 2001) == "👋 签退成功：敬老院陪伴。本次计 1 小时 30 分。谢谢您！"
        # Tom presses 签退 under his private confirmation: counted on the roll-call too.
        await harness.press_label(2002, toms_confirmation, "Check out")
        assert last_text(harness, 2002) == (
            "👋 Checked out: 敬老院陪伴. This time counts 1 hour 30 minutes. Thank you!"
        )
        typed = await say_in_group(harness, NO_PRIVATE_CHAT, "签退")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🙏"]
        typed = await say_in_group(harness, EXTRA, "签退")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        assert last_text(harness, EXTRA) == "您还没有签到，不能签退。"
        await api.wait_for(lambda: "已签退（3 人）" in roll_call(), timeout=30)
        assert "\n已签退（3 人）：张阿姨、Tom和赵奶奶\n" in roll_call()

        # A refusal that cannot reach her privately is the one reply the group gets.
        typed = await say_in_group(harness, NO_PRIVATE_CHAT, "签退")
        assert api.reactions(VOLUNTEERS_GROUP, typed) == ["🤔"]
        refusal = group_bot_messages(harness, before)[-1]
        assert text_of(refusal) == "您已于下午3点35分签退（敬老院陪伴），不用再签退了。"
        assert refusal["reply_to_message"]["message_id"] == typed
        assert len(group_bot_messages(harness, before)) == 2

        # A private 签到 is answered as before, with a reply and no reaction.
        await harness.say(2003, "签退")
        assert last_text(harness, 2003).startswith("👋 签退成功：敬老院陪伴")
        assert api.messages(2003)[-2]["_reactions"] == []
    finally:
        await harness.running.stop()


async def test_checkins_at_the_same_moment_share_one_roll_call(
    tmp_path: Path, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(group_checkin, "ROLL_CALL_EDIT_SECONDS", 1.0)
    clock = FakeClock(local(19, 19, 0))
    harness = await start_harness(make_settings(tmp_path, telegram={"poll_timeout": 1}), api, clock)
    try:
        await community(harness)
        await create(harness, "湖边清洁", "11-21 09:00-11:00", 10)
        card = cards(harness)[0]
        volunteers = (2001, 2002, 2003, EXTRA)
        for user_id in volunteers:
            await harness.press_label(user_id, card, "报名")
        await harness.pushes_sent()
        before = harness.api.bot_messages(VOLUNTEERS_GROUP)[-1]["message_id"]
        clock.now = local(21, 9, 0)
        typed = [api.send_text(user_id, VOLUNTEERS_GROUP, "签到") for user_id in volunteers]
        await harness.settle()
        await harness.pushes_sent()
        assert all(api.reactions(VOLUNTEERS_GROUP, m["message_id"]) == ["👌"] for m in typed)
        for user_id in volunteers:
            assert "湖边清洁" in last_text(harness, user_id)
        await api.wait_for(
            lambda: "已签到（4 人）" in text_of(harness.last(VOLUNTEERS_GROUP)), timeout=30
        )
        assert len(group_bot_messages(harness, before)) == 1
    finally:
        await harness.running.stop()
