"""Carrying out: the due date of /assign and /refer picked as a day (typing still works)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.deliberation.test_carrying_flow import setup

#: Tuesday 2026-12-01, 10:00 in Shanghai.
TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def _started(tmp_path: Path, api: FakeBotApi) -> BotHarness:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    return await start_harness(settings, api, FakeClock(TUESDAY))


async def test_due_date_picked_as_a_day(tmp_path: Path, api: FakeBotApi) -> None:
    harness = await _started(tmp_path, api)
    try:
        await setup(harness)
        await harness.say(SECRETARY, "/assign 1")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        ask = harness.last(SECRETARY)
        assert button_labels(ask) == ["1 周", "2 周", "1 个月", "📅 选日子"]
        await harness.press_label(SECRETARY, ask, "选日子")
        days = harness.last(SECRETARY)
        assert days["text"] == ask["text"]  # the question stays; the buttons are days now
        await harness.press_label(SECRETARY, days, "下周 ▶")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "再往后一周")
        weeks_on = harness.last(SECRETARY)
        assert button_labels(weeks_on)[:2] == ["12月14日（周一） · 说事日", "12月15日（周二）"]
        await harness.press_label(SECRETARY, weeks_on, "12月15日")
        assert harness.last(SECRETARY)["text"] == "✅ #1 已交给 李大爷 办理，期限12月15日（周二）。"
        # Pressed again: the form is over, nothing is assigned twice.
        await harness.press_label(SECRETARY, weeks_on, "12月16日", strict=False)
        assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有再记一次。"
        async with harness.db.read() as session:
            matter = await session.matters.get(1)
        assert matter is not None and matter.due_at == datetime(2026, 12, 15, 15, 59, tzinfo=UTC)
    finally:
        await harness.running.stop()


async def test_referral_due_typed_or_picked(tmp_path: Path, api: FakeBotApi) -> None:
    harness = await _started(tmp_path, api)
    try:
        await setup(harness)
        await harness.say(SECRETARY, "/refer 1")
        await harness.say(SECRETARY, "区市政所")
        await harness.say(SECRETARY, "更换3号楼前的电缆")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "选日子")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "✏️ 输入日期")
        assert harness.last(SECRETARY)["text"].startswith("✏️ 请直接输入，例如：2026-12-31")
        # Typed: the same refusal as before for a past day, then a good one.
        await harness.say(SECRETARY, "2026-11-30")
        assert harness.last(SECRETARY)["text"] == "这个日期已经过去了，请选今天或以后的日期。"
        await harness.say(SECRETARY, "2026-12-20")
        assert harness.last(SECRETARY)["text"].startswith("✅ 已转交 区市政所（#1）")
        async with harness.db.read() as session:
            referrals = await session.carrying.open_referrals()
        assert [r.due_at for r in referrals] == [datetime(2026, 12, 20, 15, 59, tzinfo=UTC)]
    finally:
        await harness.running.stop()


async def test_in_english(tmp_path: Path) -> None:
    api = FakeBotApi()
    api.add_user(SECRETARY, "Anna", language_code="en")
    api.add_user(2001, "阿姨", last_name="张", language_code="zh-hans")
    api.add_user(2002, "Tom", language_code="en")
    api.add_user(2003, "大爷", last_name="李", language_code="zh-hans")
    api.add_group(-1001234, "幸福里居民群")
    harness = await _started(tmp_path, api)
    try:
        await setup(harness)
        await harness.say(SECRETARY, "/assign 1")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "A resident")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "Pick a day")
        labels = button_labels(harness.last(SECRETARY))
        assert labels[:3] == [
            "Today (Tue 1 Dec)",
            "Tomorrow (Wed 2 Dec)",
            "This Thu (3 Dec) · sitting",
        ]
        assert labels[-2:] == ["Next week ▶", "✏️ Type a date"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "Tomorrow")
        assert harness.last(SECRETARY)["text"] == "✅ #1 is now with 李大爷, due tomorrow (Wed)."
    finally:
        await harness.running.stop()
