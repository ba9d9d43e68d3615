"""The two lists (需求/服务两张清单) through the real bot: a resident posts a need; a
member claims it and carries it out as a volunteer activity (sign-up, check-in and
hours as for any activity); the resident confirms and rates it; the month's report has
its response time."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.volunteering.flow import VOLUNTEERS_GROUP, cards, checkins, local, text_of

ZHANG, TOM, LI, CHEN = 2001, 2002, 2003, 2004


async def community(harness: BotHarness) -> None:
    """王书记; 张阿姨 (a resident of 3号楼); 李大爷 a Party member and volunteer; Tom a
    volunteer (English); 陈师傅 a resident only."""
    harness.api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind volunteers", VOLUNTEERS_GROUP)
    await harness.register(ZHANG, "张阿姨", building="3号楼")
    for user_id, name in ((TOM, "Tom"), (LI, "李大爷"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        for user_id, roles in ((LI, ("party_member", "volunteer")), (TOM, ("volunteer",))):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            for role in roles:
                await session.people.grant(person.id, role, None, now)


def text(harness: BotHarness, chat_id: int) -> str:
    return text_of(harness.last(chat_id))


def alert(api: FakeBotApi) -> str:
    return str(api.callback_answers()[-1]["text"])


async def post_need(harness: BotHarness, user_id: int, words: str, *, urgent: bool = False) -> None:
    """🙋 我有需求 from the keyboard: 维修, the resident's building, urgency, the words."""
    await harness.say(user_id, "🙋 我有需求")
    await harness.press_label(user_id, harness.last(user_id), "维修")
    await harness.press_label(user_id, harness.last(user_id), "3号楼")
    await harness.press_label(user_id, harness.last(user_id), "紧急" if urgent else "一般")
    await harness.say(user_id, words)


async def test_need_carried_out_as_a_volunteer_activity(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # 张阿姨 posts a need: the category, her building first, urgency, the words.
        await harness.say(ZHANG, "🙋 我有需求")
        asked = harness.last(ZHANG)
        assert text_of(asked) == "🙋 您需要什么帮助？请选一类："
        assert button_labels(asked) == ["维修", "助老", "环境", "邻里纠纷", "其他"]
        await harness.press_label(ZHANG, asked, "维修")
        asked = harness.last(ZHANG)
        assert text_of(asked).startswith("是哪栋楼的事？")
        assert button_labels(asked) == ["3号楼", "不涉及楼栋"]
        await harness.press_label(ZHANG, asked, "3号楼")
        await harness.press_label(ZHANG, harness.last(ZHANG), "一般")
        assert text(harness, ZHANG).startswith("请说说是什么事")
        await harness.say(ZHANG, "楼道灯坏了，晚上看不见")
        assert text(harness, ZHANG) == (
            "✅ 已收到您的需求 #1（维修）。\n我们会在 24 小时内回复您。"
        )

        # The secretary is told (no grid worker), with a button to open it.
        await harness.pushes_sent()
        push = harness.last(SECRETARY)
        assert text_of(push) == (
            "🙋 新需求 #1（维修 · 一般）\n楼栋：3号楼\n居民：张阿姨\n楼道灯坏了，晚上看不见"
        )

        # 陈师傅 (a resident only) cannot see the open list.
        await harness.say(CHEN, "/needs")
        assert text(harness, CHEN) == "只有党员、志愿者、网格员和书记可以认领需求。"

        # 李大爷 (a member) sees it on /needs 90 minutes later and organises an activity.
        clock.advance(minutes=90)
        await harness.say(LI, "/needs")
        listing = harness.last(LI)
        assert text_of(listing).startswith("🙋 待认领的需求（第 1/1 页）")
        await harness.press_label(LI, listing, "#1 维修")
        screen = harness.last(LI)
        assert text_of(screen).startswith("🙋 需求 #1 · 维修 · 一般\n楼栋：3号楼\n居民：张阿姨")
        assert "🤝 组织志愿活动" in button_labels(screen)
        await harness.press_label(LI, screen, "组织志愿活动")
        assert text(harness, LI) == "🤝 志愿活动哪天、几点？"
        await harness.say(LI, "11-21 09:00-11:00")
        assert text(harness, LI).startswith(
            "✅ 已为需求 #1 组织志愿活动「需求 #1：维修志愿服务」，卡片已发到志愿者群"
        )
        await harness.pushes_sent()
        assert text(harness, ZHANG).startswith("🙋 您的需求 #1（维修）已由 李大爷 认领")
        # A second claim is refused.
        await harness.press(TOM, harness.last(TOM), "ndc:1", strict=False)
        assert alert(api) == "Someone has taken this need already."

        # The activity is an ordinary one: Tom signs up on its card and checks in and out.
        (card,) = cards(harness)
        assert "需求 #1：维修志愿服务" in text_of(card)
        await harness.press_label(TOM, card, "报名")
        clock.now = local(21, 8, 55)
        await harness.say(TOM, "签到")
        assert text(harness, TOM).startswith("✅ Checked in")
        clock.now = local(21, 10, 55)
        await harness.say(TOM, "签退")
        (row,) = await checkins(harness)
        assert row[0] == TOM and row[1] == 1 and row[4] == 115

        # Only the owner reports it done; 李大爷 does.
        clock.now = local(21, 11, 5)
        await harness.say(LI, "/needs")
        assert text(harness, LI) == "现在没有待认领的需求。👍"
        async with harness.db.read() as session:
            need = await session.needs.by_id(1)
        assert need is not None and need.owner_name == "李大爷" and need.activity_id == 1
        await harness.press(TOM, harness.last(TOM), "ndf:1", strict=False)
        assert alert(api) == "Only the person who took it can do this."
        await harness.press(LI, harness.last(LI), "ndo:1", strict=False)
        await harness.press_label(LI, harness.last(LI), "已办好")
        assert text(harness, LI) == "✅ 已告诉居民需求 #1 办好了，等居民确认。"

        # 张阿姨 confirms and rates it, once.
        await harness.pushes_sent()
        ask = harness.last(ZHANG)
        assert text_of(ask) == ("✅ 李大爷 说您的需求 #1（维修）已经办好了。\n问题解决了吗？")
        await harness.press_label(ZHANG, ask, "已解决")
        stars = harness.last(ZHANG)
        assert text_of(stars) == "谢谢！请给需求 #1 的服务打个分："
        await harness.press(ZHANG, stars, "ndr:1:5")
        assert text(harness, ZHANG) == "谢谢您的评价：⭐⭐⭐⭐⭐"
        await harness.press(ZHANG, stars, "ndr:1:1", strict=False)
        assert alert(api) == "您已经评过分了。"
        await harness.press(ZHANG, ask, "nds:1:0", strict=False)
        assert alert(api) == "您已经回答过了。"

        # The month's report: one need, answered in 1 hour 30 minutes, solved, 5 stars.
        await harness.say(SECRETARY, "/needs report")
        report = [t for t in harness.texts(SECRETARY) if t.startswith("📊")][-1]
        assert report == (
            "📊 2026年11月需求报告（接诉即办）\n"
            "合计：1 件，按时响应 100%，响应用时中位数 1 小时 30 分、平均 1 小时 30 分，"
            "解决 100%，满意度 5.0⭐\n\n各类：\n"
            "维修：1 件，按时响应 100%，响应用时中位数 1 小时 30 分、平均 1 小时 30 分，"
            "解决 100%，满意度 5.0⭐"
        )
        workbook = harness.api.bot_messages(SECRETARY)[-1]
        (content,) = workbook["_files"].values()
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("类别", "提出", "已响应", "按时响应")
        assert rows[1][:6] == ("维修", 1, 1, 1, 90, 90)
    finally:
        await harness.running.stop()
