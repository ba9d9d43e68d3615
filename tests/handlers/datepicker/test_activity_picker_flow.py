"""Volunteer activity: the day, start and end chosen with buttons (typing still works)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.volunteering.flow import VOLUNTEERS_GROUP, last_text

#: Tuesday 2026-12-01, 10:00 in Shanghai.
TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def _until_when(harness: BotHarness, title: str = "清扫湖边步道") -> None:
    await harness.say(SECRETARY, "/newactivity")
    await harness.say(SECRETARY, title)
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.say(SECRETARY, "湖边议事亭")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")


async def _started(tmp_path: Path, api: FakeBotApi) -> BotHarness:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock(TUESDAY))
    harness.api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind volunteers", VOLUNTEERS_GROUP)
    return harness


async def test_tomorrow_at_seven_pm_for_two_hours(tmp_path: Path, api: FakeBotApi) -> None:
    harness = await _started(tmp_path, api)
    try:
        await _until_when(harness)
        screen = harness.last(SECRETARY)
        assert "点按钮选哪一天" in screen["text"]
        labels = button_labels(screen)
        assert labels[:3] == [
            "今天 12月1日（周二）",
            "明天 12月2日（周三）",
            "本周四 12月3日 · 议事亭",
        ]
        assert "下周 ▶" in labels and "✏️ 输入日期" in labels

        await harness.press_label(SECRETARY, screen, "明天")
        times = harness.last(SECRETARY)
        assert times["text"].startswith("📅 明天 12月2日（周三）\n几点开始？")
        assert button_labels(times)[:6] == [
            "上午9点",
            "上午10点",
            "下午2点",
            "下午3点",
            "晚上7点",
            "晚上7点半",
        ]
        await harness.press_label(SECRETARY, times, "晚上7点")
        ends = harness.last(SECRETARY)
        assert "晚上7点开始" in ends["text"]
        assert "到晚上9点（2小时）" in button_labels(ends)
        end_button = next(
            b["callback_data"]
            for row in ends["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == "到晚上9点（2小时）"
        )
        await harness.press(SECRETARY, ends, end_button)
        assert "需要多少人" in last_text(harness, SECRETARY)

        # The same button again (the screen moved on): a short alert, nothing recorded twice.
        await harness.press(SECRETARY, ends, end_button, strict=False)
        assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有再记一次。"
        assert harness.api.callback_answers()[-1]["show_alert"] is True
        assert "需要多少人" in last_text(harness, SECRETARY)

        await harness.say(SECRETARY, "10")
        assert "🕘 12月2日（周三）晚上7点–9点" in last_text(harness, SECRETARY)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "发布")
        await harness.pushes_sent()
        async with harness.db.read() as session:
            rows = await session.volunteering.activities.upcoming(TUESDAY, 10)
        assert [(r.starts_at, r.ends_at) for r in rows] == [
            (datetime(2026, 12, 2, 11, 0, tzinfo=UTC), datetime(2026, 12, 2, 13, 0, tzinfo=UTC))
        ]
    finally:
        await harness.running.stop()


async def test_typing_at_any_step_and_a_press_after_cancel(tmp_path: Path, api: FakeBotApi) -> None:
    harness = await _started(tmp_path, api)
    try:
        await _until_when(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "✏️ 输入日期")
        assert harness.last(SECRETARY)["text"].startswith("✏️ 请直接输入，例如：11-28 09:00-11:00")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "◀ 返回")
        back = harness.last(SECRETARY)
        assert back["text"].startswith("活动哪天？")
        assert button_labels(back)[0] == "今天 12月1日（周二）"
        await harness.press_label(SECRETARY, back, "本周六")
        times = harness.last(SECRETARY)
        # Typed on the times screen: the typed rules, with their refusals.
        await harness.say(SECRETARY, "12-05 11:00-09:00")
        assert last_text(harness, SECRETARY) == "结束时间要晚于开始时间。"
        await harness.say(SECRETARY, "12-05 09:00-11:30")
        assert "需要多少人" in last_text(harness, SECRETARY)
        await harness.say(SECRETARY, "/cancel")
        # The form is over: a time pressed now is refused with a short alert.
        await harness.press_label(SECRETARY, times, "上午9点")
        assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有再记一次。"
        async with harness.db.read() as session:
            assert await session.volunteering.activities.upcoming(TUESDAY, 10) == []
    finally:
        await harness.running.stop()
