"""The weekly duty rota (周五我值日) through the real bot: units and contacts, round
robin, a swap both units agree to, a skipped turn, and the duty as an activity."""

from __future__ import annotations

from pathlib import Path

from bot.standin import FakeBotApi
from bot.volunteering.rota import DUTY_SCHEDULE_KEY
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, start_harness
from tests.handlers.volunteering.flow import (
    VOLUNTEERS_GROUP,
    community,
    local,
    text_of,
)


async def plan(harness: BotHarness, clock: FakeClock) -> None:
    """Fire the weekly planning at its due time."""
    async with harness.db.read() as session:
        schedule = await session.schedules.by_key(DUTY_SCHEDULE_KEY)
    assert schedule is not None and schedule.next_due_at is not None
    clock.now = schedule.next_due_at
    assert await harness.running.services.scheduler.fire(schedule.id, schedule.next_due_at)
    await harness.pushes_sent()


async def duties(harness: BotHarness) -> list[tuple[str, str]]:
    async with harness.db.read() as session:
        rows = await session.volunteering.rota.duties_from("2000-01-01")
    return [(row.day, row.unit_name) for row in rows]


async def test_units_take_turns_swap_and_skip(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/unit")
        assert harness.last(SECRETARY)["text"].startswith("用法：/unit")
        for unit, contact in (("物业公司", "张阿姨"), ("银行", "Tom"), ("学校", "李大爷")):
            await harness.say(SECRETARY, f"/unit {unit}")
            await harness.press_label(SECRETARY, harness.last(SECRETARY), contact)
            assert harness.last(SECRETARY)["text"] == f"{unit} 的联系人：{contact}。"
        await harness.say(SECRETARY, "/unit 银行")
        assert harness.last(SECRETARY)["text"] == "“银行”已经登记了。"

        # Tuesday 09:00: the unit longest without a duty gets Friday's; its contact is told.
        await plan(harness, clock)
        assert clock.now == local(24, 9, 0)
        assert await duties(harness) == [("2026-11-27", "物业公司")]
        reminder = harness.last(2001)
        assert text_of(reminder).startswith("📅 值日提醒：物业公司 负责11月27日（周五）的社区值日")
        card = harness.api.last_bot_message(VOLUNTEERS_GROUP)
        assert text_of(card).startswith(
            "🙋 志愿活动 #1 周五值日：物业公司\n🕘 11月27日（周五）上午9点–11点"
        )

        # 银行 asks to skip its next turn.
        await harness.say(2002, "/duty")
        await harness.press_label(2002, harness.last(2002), "⏭")
        assert "Asked to skip the next turn." in harness.last(2002)["text"]

        # 物业公司 hands its duty to 学校, who agrees: they exchange places. (Pushes
        # queued so far are out first, so the answer to the press is the last message.)
        await harness.pushes_sent()
        await harness.press_label(2001, reminder, "换班")
        await harness.press_label(2001, harness.last(2001), "学校")
        assert harness.last(2001)["text"] == "已向 学校 发出换班请求，等待对方同意。"
        await harness.pushes_sent()
        asked = harness.last(2003)
        assert "物业公司 想请 学校 代替11月27日（周五）的值日" in text_of(asked)
        await harness.press_label(2003, asked, "同意")
        await harness.press_label(2003, asked, "同意", strict=False)  # a stale copy
        assert harness.api.callback_answers()[-1]["text"] == "这个换班请求已经处理过了。"
        assert await duties(harness) == [("2026-11-27", "学校")]
        async with harness.db.read() as session:
            activity = await session.volunteering.activities.activity(1)
        assert activity is not None and activity.title == "周五值日：学校"

        # The duty is for the unit's people: its contact and members; /team joins one.
        await harness.press_label(2002, card, "报名")
        assert harness.api.callback_answers()[-1]["text"] == (
            "This activity is for members of “学校”. Send /team to join a unit."
        )
        await harness.press_label(2003, card, "报名")
        assert harness.api.callback_answers()[-1]["text"].startswith("报名成功")
        await harness.say(2001, "/team")
        await harness.press_label(2001, harness.last(2001), "学校")
        assert harness.last(2001)["text"] == "已加入“学校”。"
        await harness.press_label(2001, card, "报名")
        assert harness.api.callback_answers()[-1]["text"].startswith("报名成功")

        # Next weeks: 物业公司 (its turn was handed off), then 银行 skips once, 学校 is
        # longest waiting, then 银行.
        for _ in range(3):
            await plan(harness, clock)
        assert await duties(harness) == [
            ("2026-11-27", "学校"),
            ("2026-12-04", "物业公司"),
            ("2026-12-11", "学校"),
            ("2026-12-18", "银行"),
        ]
        await harness.say(2001, "/rota")
        assert "12月18日（周五）：银行" in harness.last(2001)["text"]
    finally:
        await harness.running.stop()
