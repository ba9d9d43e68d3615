"""Choosing among activities to check in to, reviewing hours, and refusals."""

from __future__ import annotations

from pathlib import Path

from bot.standin import FakeBotApi
from bot.volunteering.review import CLOSE_KIND
from handlers.volunteering import callbacks as cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, start_harness
from tests.handlers.volunteering.flow import (
    cards,
    checkins,
    community,
    create,
    fire,
    last_text,
    local,
    text_of,
)


async def test_choosing_reviewing_and_refusals(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/newactivity")
        await harness.say(SECRETARY, "x")
        assert last_text(harness, SECRETARY) == "活动名称要 2 到 60 个字。"
        await harness.say(SECRETARY, "长" * 61)
        assert last_text(harness, SECRETARY) == "活动名称要 2 到 60 个字。"
        await harness.say(SECRETARY, "/cancel")
        # Two activities at the same time, one for Party members only.
        await create(harness, "植树", "11-21 09:00-10:00", 5)
        await create(harness, "党员先锋岗", "11-21 09:00-10:00", 5, presses=("报名对象",))
        published = harness.last(SECRETARY)  # the settings screen, now without buttons
        await harness.press(SECRETARY, published, cb.VolNewPublish(True).encode(), strict=False)
        assert harness.api.callback_answers()[-1]["text"] == (
            "这一步已经过去了，请重新发送 /newactivity。"
        )
        tree, party = cards(harness)
        assert "对象：党员" in text_of(party)
        await harness.press_label(2001, party, "报名")
        assert harness.api.callback_answers()[-1]["text"] == "这个活动只限党员报名。"
        async with harness.db.transaction() as session:
            person = await session.people.by_telegram_id(2001)
            assert person is not None
            await session.people.grant(person.id, "party_member", None, clock())
        for card in (tree, party):
            await harness.press_label(2001, card, "报名")
        await harness.press_label(2003, tree, "报名")
        await harness.say(2003, "/volreport")
        assert "只有书记" in last_text(harness, 2003)

        # With two open, 签到 asks which.
        clock.now = local(21, 8, 50)
        await harness.say(2001, "签到")
        assert last_text(harness, 2001) == "您有几个活动可以签到，请选择："
        await harness.press_label(2001, harness.last(2001), "植树")
        assert last_text(harness, 2001).startswith("✅ 签到成功：植树（上午8点50分，按时）")
        await harness.say(2001, "签到")  # one left: no question
        assert last_text(harness, 2001).startswith("✅ 签到成功：党员先锋岗")
        await harness.say(2003, "签到")
        clock.now = local(21, 9, 30)
        await harness.say(2001, "签退")  # the latest check-in: 党员先锋岗, 30 minutes
        assert "党员先锋岗" in last_text(harness, 2001) and "本次计 30 分钟。" in last_text(
            harness, 2001
        )

        # Both forgotten check-outs of 植树 are flagged; one approved, one rejected.
        await fire(harness, clock, CLOSE_KIND, 1)
        await harness.say(2001, "/review")
        assert "只有" not in last_text(harness, 2001) and "没有待审核" in last_text(harness, 2001)
        await harness.say(SECRETARY, "/review")
        screen = harness.last(SECRETARY)
        assert "张阿姨　植树" in text_of(screen) and "李大爷　植树" in text_of(screen)
        await harness.press_label(SECRETARY, screen, "#1 通过")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "作废")
        assert last_text(harness, SECRETARY) == "没有待审核的时长。"
        await harness.press(SECRETARY, screen, cb.VolReview(1, "approve").encode(), strict=False)
        assert harness.api.callback_answers()[-1]["text"] == "这条记录已经审核过了。"
        assert await checkins(harness) == [
            (2001, 1, "window", None, 60, "approved", "auto"),
            (2001, 2, "window", None, 30, "ok", "self"),
            (2003, 1, "window", None, 0, "rejected", "auto"),
        ]
    finally:
        await harness.running.stop()
