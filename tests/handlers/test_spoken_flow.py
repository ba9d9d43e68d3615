"""Dates, durations, counts and names as people say them, through the real bot, in Chinese
and in English: an activity's card and list, check-in and check-out, the hours, a matter's
card with its comments, and the community's English name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, start_harness
from tests.handlers.volunteering.flow import cards, community, create, last_text, text_of

TOM = 2002  # reads English


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 in Shanghai (UTC+8), as UTC."""
    return datetime(2026, 12, day, hour - 8, minute, tzinfo=UTC)


async def test_an_activity_on_thursday_evening_as_people_say_it(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(shanghai(2, 10))  # Wednesday 2026-12-02, 10:00
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"name_en": "Happiness Community"},
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await create(harness, "湖边清洁", "12-03 19:00-20:30", 5)
        (card,) = cards(harness)
        # The card stays in the group: its day is a date, never 明天.
        assert text_of(card).startswith(
            "🙋 志愿活动 #1 湖边清洁\n🕘 12月3日（周四）晚上7点–8点30分\n"
        )
        await harness.press_label(2001, card, "报名")
        await harness.press_label(TOM, card, "报名")
        await harness.say(TOM, "/activities")
        assert "🕘 Thu 3 Dec, 7–8:30 pm" in last_text(harness, TOM)

        # Thursday 19:00: both check in; 20:30: both check out, 90 minutes each.
        clock.now = shanghai(3, 19)
        await harness.say(2001, "签到")
        assert last_text(harness, 2001).startswith("✅ 签到成功：湖边清洁（晚上7点，")
        await harness.say(TOM, "签到")
        assert last_text(harness, TOM).startswith("✅ Checked in: 湖边清洁 (7 pm, ")
        clock.now = shanghai(3, 20, 30)
        await harness.say(2001, "签退")
        assert last_text(harness, 2001) == "👋 签退成功：湖边清洁。本次计 1 小时 30 分。谢谢您！"
        await harness.say(TOM, "签退")
        assert last_text(harness, TOM) == (
            "👋 Checked out: 湖边清洁. This time counts 1 hour 30 minutes. Thank you!"
        )
        # A second 签退 the same evening says when, as a time of day.
        await harness.say(2001, "签退")
        assert last_text(harness, 2001) == "您已于晚上8点30分签退（湖边清洁），不用再签退了。"

        # The hours, summed as decimals.
        await harness.say(2001, "/hours")
        assert "本月：1 小时 30 分\n今年：1 小时 30 分\n累计：1 小时 30 分" in last_text(
            harness, 2001
        )
        await harness.say(TOM, "/hours")
        assert "This month: 1 hour 30 minutes" in last_text(harness, TOM)
        assert "8 hours 30 minutes to go to the 10-hour milestone." in last_text(harness, TOM)
    finally:
        await harness.running.stop()


async def test_a_matter_card_counts_in_each_language_and_the_community_has_its_english_name(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(shanghai(2, 10))
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"name_en": "Happiness Community"},
    )
    harness = await start_harness(settings, api, clock)
    try:
        # An English newcomer reads the community's English name; a Chinese one its own.
        await harness.say(TOM, "/start")
        assert "Welcome to the Happiness Community pavilion" in last_text(harness, TOM)
        await harness.say(2001, "/start")
        assert "幸福社区" in last_text(harness, 2001)
        assert "Happiness" not in last_text(harness, 2001)

        # A matter raised with one comment: "1 comment", never "1 comments".
        await harness.register(SECRETARY, "王书记")
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.register(2003, "李大爷")
        await harness.say(2003, "/raise")
        await harness.say(2003, "3号楼前加装路灯")
        await harness.say(2003, "晚上太黑，老人出门不方便。")
        await harness.press_label(2003, harness.last(2003), "提交")
        await harness.pushes_sent()
        (card,) = [
            m for m in harness.api.bot_messages(RESIDENTS_GROUP) if text_of(m).startswith("📌 #1 ")
        ]
        # Seconding runs 14 days: until Wednesday 12-16, said with its weekday.
        assert "👍 已附议 0/3 · 12月16日（周三）截止\n" in text_of(card)
        assert "💬 讨论 0 条" in text_of(card)
        await harness.say(
            2003, "路灯坏了很久", RESIDENTS_GROUP, reply_to_message_id=card["message_id"]
        )
        await harness.api.wait_for(
            lambda: any("💬 讨论 1 条" in t for t in harness.texts(RESIDENTS_GROUP)), timeout=60
        )
        await harness.say(SECRETARY, "/lang en")
        await harness.say(SECRETARY, "/matter 1")
        page = last_text(harness, SECRETARY)
        assert "\n💬 1 comment\n" in page, page
        assert "raised by 李大爷" in page
    finally:
        await harness.running.stop()
