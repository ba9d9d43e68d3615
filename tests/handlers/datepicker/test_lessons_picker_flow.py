"""Micro Party lessons: the sending time and a make-up slot chosen with buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, button_labels, start_harness
from tests.handlers.lessons.test_lessons_flow import community, write_lesson

#: Tuesday 2026-12-01, 10:00 in Shanghai.
TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def test_lesson_time_and_make_up_slot_by_buttons(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock(TUESDAY))
    try:
        await community(harness)
        await write_lesson(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "选日期时间")
        days = harness.last(SECRETARY)
        assert days["text"].startswith("什么时候发送？点按钮选哪一天")
        await harness.press_label(SECRETARY, days, "明天 12月2日（周三）")
        times = harness.last(SECRETARY)
        # ◀ 返回 goes back to the days; the day again, then 晚上7点.
        await harness.press_label(SECRETARY, times, "◀ 返回")
        assert "明天 12月2日（周三）" in button_labels(harness.last(SECRETARY))
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "明天")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "晚上7点")
        assert harness.last(SECRETARY)["text"] == "✅ 微党课 #1 将在12月2日（周三）晚上7点发出。"
    finally:
        await harness.running.stop()


async def test_make_up_slot_by_buttons(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock(TUESDAY))
    try:
        await community(harness)
        await write_lesson(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "现在发送")
        await harness.pushes_sent()
        # A make-up slot: 本周四 晚上7点半, then the place and the number of places typed.
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 学习党章")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "添加补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "本周四")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "晚上7点半")
        assert harness.last(SECRETARY)["text"].startswith("📅 补课时间：12月3日（周四）晚上7点30分")
        await harness.say(SECRETARY, "党群服务中心")
        assert harness.last(SECRETARY)["text"].startswith("请发送地点和人数")
        await harness.say(SECRETARY, "党群服务中心 10")
        assert harness.last(SECRETARY)["text"].startswith(
            "✅ 已添加补课时段：12月3日（周四）晚上7点30分 党群服务中心（0/10）"
        )
    finally:
        await harness.running.stop()


async def test_typing_still_works_on_the_times_screen(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock(TUESDAY))
    try:
        await community(harness)
        await write_lesson(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "选日期时间")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "下周 ▶")
        next_week = button_labels(harness.last(SECRETARY))
        assert next_week[:2] == ["下周一 12月7日", "下周二 12月8日"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "下周二")
        stale_times = harness.last(SECRETARY)
        # Typed, as before, with its refusal for a past time.
        await harness.say(SECRETARY, "11-30 19:00")
        assert harness.last(SECRETARY)["text"].startswith("没看懂这个时间（要是将来的时间）")
        await harness.say(SECRETARY, "12-09 08:30")
        assert (
            harness.last(SECRETARY)["text"] == "✅ 微党课 #1 将在12月9日（周三）上午8点30分发出。"
        )
        # The times screen shown before is too late now: an alert, the time unchanged.
        await harness.press_label(SECRETARY, stale_times, "上午9点")
        assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有再记一次。"
        async with harness.db.read() as session:
            lesson = await session.lessons.get(1)
        assert lesson is not None and lesson.send_at == datetime(2026, 12, 9, 0, 30, tzinfo=UTC)
    finally:
        await harness.running.stop()
