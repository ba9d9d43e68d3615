"""/notify through the real bot: audience, text, preview, push with progress and summary."""

from __future__ import annotations

from tests.handlers.conftest import SECRETARY, BotHarness


async def test_notice_reaches_volunteers_with_a_summary(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    for user_id, name in ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷")):
        await harness.register(user_id, name)
    hello = harness.api.send_text(2001, -1001234, "我报名")
    await harness.settle()
    for user_id in (2001, 2002, 2003):
        await harness.say(SECRETARY, "/people")
        await harness.press_label(
            SECRETARY,
            harness.last(SECRETARY),
            {2001: "张阿姨", 2002: "Tom", 2003: "李大爷"}[user_id],
        )
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "志愿者")
    assert hello
    harness.api.block_bot(2003)
    await harness.settle()

    await harness.say(SECRETARY, "/notify")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "志愿者")
    assert harness.last(SECRETARY)["text"].startswith("发给全体志愿者（3 人）")
    await harness.say(SECRETARY, "x" * 1001)
    assert "通知太长了（1001 字）" in harness.last(SECRETARY)["text"]
    await harness.say(SECRETARY, "周六上午九点<清扫>湖边，请带手套。")
    preview = harness.last(SECRETARY)
    assert "周六上午九点<清扫>湖边" in preview["text"]
    await harness.press_label(SECRETARY, preview, "发送")
    await harness.press_label(SECRETARY, preview, "发送", strict=False)  # pressed twice
    assert harness.api.callback_answers()[-1]["text"].startswith("这一步已经过去了")

    await harness.pushes_sent()
    await harness.api.wait_for(lambda: harness.last(SECRETARY)["text"].startswith("✅"), timeout=20)
    for user_id in (2001, 2002):
        notices = [m["text"] for m in harness.api.bot_messages(user_id) if "清扫" in m["text"]]
        assert len(notices) == 1
        signature = {2001: "\n\n—— 王书记", 2002: "\n\n— 王书记"}[user_id]  # each in their language
        assert notices[0].endswith(signature)
    summary = harness.last(SECRETARY)["text"]
    assert "发送完毕：2/3 已送达" in summary
    assert "李大爷：已屏蔽机器人或不在群里" in summary
