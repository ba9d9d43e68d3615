"""Raising and supporting matters through the real bot."""

from __future__ import annotations

from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness


async def setup(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷")):
        await harness.register(user_id, name)


async def supports(harness: BotHarness) -> int:
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT count(*) FROM matter_supports") as cur,
    ):
        row = await cur.fetchone()
    return int(row[0])


def card(harness: BotHarness) -> dict:  # type: ignore[type-arg]
    cards = [m for m in harness.api.bot_messages(RESIDENTS_GROUP) if "📌" in m.get("text", "")]
    assert cards, "no card in the residents' group"
    return cards[-1]


async def test_raise_support_and_reach_the_agenda(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"support_threshold": 2}
    )
    harness = await start_harness(settings, api)
    try:
        await setup(harness)
        # In the group, 提议 points to a private chat; privately it starts the form.
        await harness.say(2001, "提议 3号楼前加装路灯", RESIDENTS_GROUP)
        assert "私聊我" in harness.last(RESIDENTS_GROUP)["text"]
        await harness.say(2001, "提议 3号楼前加装路灯")
        assert harness.last(2001)["text"].startswith("好的：“3号楼前加装路灯”")
        await harness.say(2001, "x" * 501)
        assert "内容太长了（501 字）" in harness.last(2001)["text"]
        await harness.say(2001, "晚上太黑，老人出门不方便。")
        preview = harness.last(2001)
        assert "请确认要提的事项" in preview["text"]
        await harness.press_label(2001, preview, "提交")
        assert harness.last(2001)["text"].startswith("✅ 已提交，编号 #1。")
        await harness.pushes_sent()
        first = card(harness)
        assert first["text"].startswith("📌 #1 3号楼前加装路灯")
        assert "👍 已附议 0/2" in first["text"]

        # A near-duplicate is pointed out before submitting.
        await harness.say(2003, "/raise")
        await harness.say(2003, "3号楼门前加装路灯")
        await harness.say(2003, "同上")
        assert "#1 3号楼前加装路灯" in harness.last(2003)["text"]
        await harness.press_label(2003, harness.last(2003), "不提了")

        # Supports: the raiser cannot, a second press changes nothing, the threshold moves it.
        data = "ms:1"
        await harness.press(2001, first, data)
        assert harness.api.callback_answers()[-1]["text"] == "这是您自己提的事项，不用附议。"
        await harness.press(2003, first, data)
        assert harness.api.callback_answers()[-1]["text"] == "已附议（1/2）"
        await harness.press(2003, first, data)
        assert harness.api.callback_answers()[-1]["text"] == "您已经附议过 #1 了。"
        await harness.press(2002, first, data)
        assert harness.api.callback_answers()[-1]["text"].startswith(
            "Supported; the matter is on the agenda of the Thursday pavilion"
        )  # Tom reads English
        await harness.api.wait_for(lambda: "已列入" in card(harness)["text"], timeout=60)
        assert "2 位居民附议，已列入" in card(harness)["text"]
        assert "周四议事亭议程" in card(harness)["text"]

        await harness.say(2002, "/matters")
        listing = harness.last(2002)["text"]
        assert "[On the agenda]" in listing and "#1 3号楼前加装路灯" in listing
        await harness.say(2003, "/matter 1")
        assert "晚上太黑" in harness.last(2003)["text"]
        await harness.say(2003, "/matter abc")
        assert harness.last(2003)["text"].startswith("用法：")
        assert await supports(harness) == 2
    finally:
        await harness.running.stop()


async def test_unregistered_people_cannot_support(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(2001, "/raise")
    await harness.say(2001, "小区门口乱停车")
    await harness.say(2001, "晚上车停到人行道上。")
    await harness.press_label(2001, harness.last(2001), "提交")
    await harness.pushes_sent()
    harness.api.add_user(2999, "路人")
    await harness.press(2999, card(harness), "ms:1")
    assert (
        harness.api.callback_answers()[-1]["text"] == "您还没有登记。请私聊我发送 /start 完成登记。"
    )
    assert await supports(harness) == 0


async def test_a_photo_goes_with_the_matter_and_its_card(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(2001, "提议 东门路面塌陷")
    await harness.say(2001, "东门进来右手边有个坑，下雨积水。")
    assert "想附一张现场照片" in harness.last(2001)["text"]
    harness.api.send_photo(2001, None, caption="")
    await harness.settle()
    preview = harness.last(2001)
    assert "📷 已附照片。" in preview["text"]
    await harness.press_label(2001, preview, "提交")
    await harness.pushes_sent()
    cards = [m for m in harness.api.bot_messages(RESIDENTS_GROUP) if m.get("photo")]
    assert len(cards) == 1 and cards[0]["caption"].startswith("📌 #1 东门路面塌陷")
    # 附议 edits the caption of the photo card.
    await harness.press_label(2003, cards[0], "附议")
    await harness.api.wait_for(
        lambda: "已附议 1/" in harness.api.bot_messages(RESIDENTS_GROUP)[-1].get("caption", ""),
        timeout=60,
    )
    # A photo sent when no form wants one is answered, not ignored.
    harness.api.send_photo(2002, None, caption="")
    await harness.settle()
    assert "nothing is waiting for a photo" in harness.last(2002)["text"]


async def test_matters_lists_every_stage_in_hand(harness: BotHarness) -> None:
    await setup(harness)
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        for title, stage in (("路灯", "in_progress"), ("养犬公约", "voting"), ("快递柜", "raised")):
            number = await session.matters.create(
                title=title, details="…", raised_by=None, support_until=now, now=now
            )
            await session.matters.set_stage(number, stage, now)
        done = await session.matters.create(
            title="已办完的事", details="…", raised_by=None, support_until=now, now=now
        )
        await session.matters.set_stage(done, "done", now)
    await harness.say(2001, "/matters")
    listing = harness.last(2001)["text"]
    assert (
        listing.index("【表决中】") < listing.index("【征集附议中】") < listing.index("【办理中】")
    )
    assert "#1 路灯" in listing and "#2 养犬公约" in listing and "已办完的事" not in listing


def private_button(message: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    """The label and the deep link of a reply's one URL button."""
    (row,) = message["reply_markup"]["inline_keyboard"]
    return row[0]["text"], row[0]["url"]


async def test_words_written_in_the_group_carry_over_to_the_private_form(
    tmp_path: Path, api: FakeBotApi
) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    clock = FakeClock()
    harness = await start_harness(settings, api, clock)
    link = f"https://t.me/{api.bot_username}?start=raise{RESIDENTS_GROUP}"
    try:
        await setup(harness)
        await harness.say(2001, "提议 3号楼前加装路灯。晚上太黑，老人出门不方便。", RESIDENTS_GROUP)
        kept = harness.last(RESIDENTS_GROUP)
        assert "您写的已经记下" in kept["text"]
        assert private_button(kept) == ("👉 私聊提交", link)  # she is registered
    finally:
        await harness.running.stop()

    # The words survive a restart.
    harness = await start_harness(settings, api, clock)
    try:
        # Someone else pressing the same link gets an empty form, not her words.
        await harness.say(2003, f"/start raise{RESIDENTS_GROUP}")
        other = harness.texts(2003)[-2:]
        assert other[0].startswith("没有找到您在群里写的内容")
        assert other[1].startswith("想提什么事？")
        assert not [text for text in harness.texts(2003) if "老人出门" in text]
        await harness.say(2003, "/cancel")

        # Her link opens the confirm step with the title and the details split.
        await harness.say(2001, f"/start raise{RESIDENTS_GROUP}")
        preview = harness.last(2001)
        assert preview["text"].startswith(
            "请确认要提的事项\n标题：3号楼前加装路灯\n内容：晚上太黑，老人出门不方便。"
        )
        await harness.press_label(2001, preview, "提交")
        assert harness.last(2001)["text"].startswith("✅ 已提交，编号 #1。")
        # Used once: the link again finds nothing left to carry over.
        await harness.say(2001, f"/start raise{RESIDENTS_GROUP}")
        assert harness.texts(2001)[-2].startswith("没有找到您在群里写的内容")
        await harness.say(2001, "/cancel")

        # Someone not yet registered: the button says so, and registering leads on to
        # the confirm step of what they wrote.
        api.add_user(2999, "路人", language_code="zh-hans")
        await harness.say(
            2999, "提议 东门路面塌陷\n东门进来右手边有个坑，下雨积水。", RESIDENTS_GROUP
        )
        waiting = harness.last(RESIDENTS_GROUP)
        assert "您还没有登记" in waiting["text"] and "保留 3 天" in waiting["text"]
        assert private_button(waiting) == ("👉 私聊登记", link)
        await harness.say(2999, f"/start raise{RESIDENTS_GROUP}")
        assert "同意后开始登记" in harness.last(2999)["text"]
        await harness.press_label(2999, harness.last(2999), "同意")
        await harness.say(2999, "赵伯")
        await harness.press_label(2999, harness.last(2999), "跳过")
        assert harness.texts(2999)[-2].startswith("🎉 登记完成，赵伯！")
        preview = harness.last(2999)
        assert preview["text"].startswith(
            "请确认要提的事项\n标题：东门路面塌陷\n内容：东门进来右手边有个坑，下雨积水。"
        )
        # The split can be corrected before submitting.
        await harness.press_label(2999, preview, "改标题")
        assert harness.last(2999)["text"].startswith("请用一句话给它起个标题")
        await harness.say(2999, "东门路面塌陷积水")
        preview = harness.last(2999)
        assert "标题：东门路面塌陷积水\n内容：东门进来右手边有个坑" in preview["text"]
        await harness.press_label(2999, preview, "改内容")
        assert harness.last(2999)["text"].startswith("好的：“东门路面塌陷积水”。\n再说说")
        await harness.say(2999, "东门进来右手边有个坑，下雨积水，有老人摔过。")
        preview = harness.last(2999)
        assert (
            "标题：东门路面塌陷积水\n内容：东门进来右手边有个坑，下雨积水，有老人摔过。"
            in (preview["text"])
        )
        await harness.press_label(2999, preview, "提交")
        assert harness.last(2999)["text"].startswith("✅ 已提交，编号 #2。")

        # A first sentence too long for a title: said so, and only the title is asked.
        long_words = (
            "我想反映一下我们小区北门外面那条路上的井盖松动了"
            "车一压就响晚上很吵睡不着觉希望物业尽快来看看修一修"
        )
        await harness.say(2003, f"说事 {long_words}", RESIDENTS_GROUP)
        await harness.say(2003, f"/start raise{RESIDENTS_GROUP}")
        assert harness.last(2003)["text"] == (
            "您写的内容已经带过来了，但第一句太长（最多 40 字），做不了标题。\n"
            "请用一句话给它起个标题（2–40 字），例如“3号楼前加装路灯”。"
        )
        await harness.say(2003, "北门井盖松动")
        assert f"标题：北门井盖松动\n内容：{long_words}" in harness.last(2003)["text"]
    finally:
        await harness.running.stop()
