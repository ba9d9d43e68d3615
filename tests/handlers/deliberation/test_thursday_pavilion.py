"""A whole Thursday pavilion (周四议事亭), every step through the real bot and the fake Bot API.

Three residents raise matters during the week; supports bring two onto the
agenda; the agenda goes out the evening before; the session opens; one
matter is discussed and voted and passes, the other fails its quorum; the
minutes are posted at the close; the passed matter gets an owner, who reports
progress to 100%; the residents who raised and supported it rate the result.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness

# Monday 2026-11-16, 10:00 in Shanghai; the pavilion is on Thursday the 19th at 19:00.
MONDAY = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
RESIDENTS = {2001: "张阿姨", 2002: "Tom", 2003: "李大爷", 2004: "王叔", 2005: "赵姐"}


async def fire_builtin(harness: BotHarness, clock: FakeClock, key: str) -> None:
    """Move the clock to the built-in schedule's due time and let it fire, as its alarm would."""
    async with harness.db.read() as session:
        schedule = await session.schedules.by_key(key)
    assert schedule is not None and schedule.next_due_at is not None
    clock.now = schedule.next_due_at
    assert await harness.running.services.scheduler.fire(schedule.id, schedule.next_due_at)
    await harness.pushes_sent()


async def close_vote(harness: BotHarness, clock: FakeClock, matter_id: int) -> None:
    async with harness.db.read() as session:
        (vote,) = await session.votes.for_matter(matter_id)
    assert vote.schedule_id is not None
    clock.now = max(clock.now, vote.closes_at)
    assert await harness.running.services.scheduler.fire(vote.schedule_id, vote.closes_at)
    await harness.pushes_sent()


def group_texts(harness: BotHarness, start: str) -> list[str]:
    return [text for text in harness.texts(RESIDENTS_GROUP) if text.startswith(start)]


def card_of(harness: BotHarness, number: int) -> dict[str, Any]:
    cards = [
        m
        for m in harness.api.bot_messages(RESIDENTS_GROUP)
        if (m.get("text") or "").startswith(f"📌 #{number} ")
    ]
    assert cards, f"no card for #{number}"
    return cards[-1]


def vote_card(harness: BotHarness, number: int) -> dict[str, Any]:
    cards = [
        m
        for m in harness.api.bot_messages(RESIDENTS_GROUP)
        if (m.get("text") or "").startswith(f"🗳 表决 #{number} ")
    ]
    assert cards, f"no vote card for #{number}"
    return cards[-1]


async def raise_matter(harness: BotHarness, user_id: int, title: str, details: str) -> None:
    await harness.say(user_id, f"提议 {title}")
    await harness.say(user_id, details)
    await harness.press_label(user_id, harness.last(user_id), "提交")


async def open_vote(harness: BotHarness, number: int) -> None:
    await harness.say(SECRETARY, f"/matter {number}")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "发起表决")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "开始表决")
    assert harness.last(SECRETARY)["text"].startswith(f"表决已开始：#{number}")
    await harness.pushes_sent()


async def test_a_whole_thursday_pavilion(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(MONDAY)
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        deliberation={"support_threshold": 2, "default_quorum": 3},
    )
    for user_id, name in ((2004, "王叔"), (2005, "赵姐")):  # 2001-2003 are in the fixture
        api.add_user(user_id, name, language_code="zh-hans")
    harness = await start_harness(settings, api, clock)
    try:
        # --- the week: three matters raised, two supported onto the agenda ----------
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        for user_id, name in RESIDENTS.items():
            await harness.register(user_id, name)
        await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑，老人出门不方便。")
        await raise_matter(harness, 2003, "小区文明养犬", "遛狗要拴绳，粪便要清理。")
        await raise_matter(harness, 2004, "增设快递柜", "东门快递堆在地上。")
        await harness.pushes_sent()
        for supporter in (2002, 2003):
            await harness.press_label(supporter, card_of(harness, 1), "附议")
        for supporter in (2001, 2005):
            await harness.press_label(supporter, card_of(harness, 2), "附议")
        await harness.press_label(2005, card_of(harness, 3), "附议")
        matters = harness.running.services.matters
        stages = [(await matters.matter(n)).stage for n in (1, 2, 3)]
        assert stages == ["agenda", "agenda", "raised"]

        # --- Wednesday evening: the agenda goes out ----------------------------------
        await fire_builtin(harness, clock, "builtin:session")
        (agenda,) = group_texts(harness, "📣")
        assert "#1 3号楼前加装路灯" in agenda and "#2 小区文明养犬" in agenda
        assert "增设快递柜" not in agenda

        # --- Thursday 19:00: the session opens ------------------------------------------
        await fire_builtin(harness, clock, "builtin:session_open")
        assert clock.now == datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
        assert len(group_texts(harness, "🔔")) == 1

        # Discussion: a reply to the card, and /discuss.
        await harness.say(
            2003,
            "支持！晚上确实看不清台阶。",
            RESIDENTS_GROUP,
            reply_to_message_id=card_of(harness, 1)["message_id"],
        )
        await harness.say(2005, "/discuss 1 建议用太阳能路灯", RESIDENTS_GROUP)
        await api.wait_for(lambda: "💬 讨论 2 条" in card_of(harness, 1)["text"], timeout=60)

        # Both matters are put to the vote; #1 gets four ballots, #2 one.
        await open_vote(harness, 1)
        await open_vote(harness, 2)
        for voter, option in ((2001, "赞成"), (2002, "赞成"), (2003, "赞成"), (2004, "反对")):
            await harness.press_label(voter, vote_card(harness, 1), option)
        await harness.press_label(2001, vote_card(harness, 2), "赞成")
        await close_vote(harness, clock, 1)
        await close_vote(harness, clock, 2)
        results = group_texts(harness, "📊")
        assert results[0].startswith("📊 表决结果 #1 3号楼前加装路灯：通过")
        assert "已投 4 / 应投 6（66%） · 法定人数 3" in results[0]
        assert results[1].startswith("📊 表决结果 #2 小区文明养犬：未达法定人数，无效")
        assert [(await matters.matter(n)).stage for n in (1, 2)] == ["passed", "no_quorum"]

        # The secretary records the resolution of #1 from the bot's draft.
        asks = [
            m
            for m in harness.api.bot_messages(SECRETARY)
            if "决议草稿" in (m.get("text") or "") and "#1 " in m["text"]
        ]
        await harness.press_label(SECRETARY, asks[-1], "采用草稿")
        (answered,) = [
            m
            for m in harness.api.bot_messages(SECRETARY)
            if m["message_id"] == asks[-1]["message_id"]
        ]
        assert answered["text"].startswith("决议已记入 #1")  # the ask became the answer
        assert "获得通过" in ((await matters.matter(1)).resolution or "")

        # --- 21:00: the session closes and the minutes are posted -------------------------
        await fire_builtin(harness, clock, "builtin:session_close")
        minutes = "\n".join(group_texts(harness, "📝"))
        assert "#1 3号楼前加装路灯" in minutes and "通过" in minutes
        assert "#2 小区文明养犬" in minutes and "未达法定人数" in minutes
        assert "获得通过" in minutes  # the resolution is part of the minutes
        await harness.say(2002, "/minutes 2026-11-19")
        assert any("3号楼前加装路灯" in text for text in harness.texts(2002)[-3:])

        # --- carrying out: an owner, progress to 100% ------------------------------------
        await harness.press_label(SECRETARY, answered, "安排办理")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
        assert harness.last(SECRETARY)["text"].startswith("✅ #1 已交给 李大爷 办理")
        await harness.pushes_sent()
        await harness.say(2003, "/progress 1")
        await harness.press_label(2003, harness.last(2003), "50%")
        await harness.say(2003, "灯杆已经到货")
        await harness.say(2003, "/progress 1")
        await harness.press_label(2003, harness.last(2003), "100%")
        await harness.say(2003, "路灯装好了，晚上亮堂了")
        assert "已请书记验收" in harness.last(2003)["text"]
        assert (await matters.matter(1)).stage == "acceptance"
        await harness.pushes_sent()

        # --- acceptance: the secretary accepts it, and it is done --------------------------
        review = [m for m in harness.api.bot_messages(SECRETARY) if "请您验收" in m["text"]]
        await harness.press_label(SECRETARY, review[-1], "验收通过")
        assert (await matters.matter(1)).stage == "done"
        await harness.pushes_sent()

        # --- review: the raiser and the supporters rate it, not 李大爷 who carried it out ---
        for user_id, choice in ((2001, "满意"), (2002, "Satisfied")):
            asks = [
                m
                for m in harness.api.bot_messages(user_id)
                if m.get("reply_markup") and "#1" in m["text"]
            ]
            await harness.press_label(user_id, asks[-1], choice)
        assert not [t for t in harness.texts(2003) if "您满意吗" in t]
        summary = await harness.running.services.carrying.ratings.rating_summary(1)
        assert (summary.satisfied, summary.basically, summary.unsatisfied) == (2, 0, 0)

        # The whole story is on the matter's record.
        await harness.say(2005, "/matter 1")
        record = harness.last(2005)["text"]
        for step in (
            "提出事项",
            "列入",
            "发起表决",
            "表决结束：通过",
            "写入决议",
            "指定负责人",
            "报请书记验收",
            "验收通过",
            "办结",
        ):
            assert step in record, step
    finally:
        await harness.running.stop()
