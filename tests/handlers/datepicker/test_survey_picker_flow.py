"""A survey's closing day picked with the date picker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, button_labels, start_harness
from tests.handlers.surveys.test_surveys_flow import community

#: Tuesday 2026-12-01, 10:00 in Shanghai.
TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def test_closing_day_picked(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock(TUESDAY))
    try:
        await community(harness)
        await harness.say(SECRETARY, "/survey")
        await harness.say(SECRETARY, "物业服务满意度")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "红色物业")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "简短文字")
        await harness.say(SECRETARY, "还有什么建议？")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "题目写完了")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "全体居民")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "记名")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "📅 选日子")
        days = harness.last(SECRETARY)
        assert "什么时候截止" in days["text"]
        assert button_labels(days)[0] == "今天 12月1日（周二）"
        await harness.press_label(SECRETARY, days, "本周五")
        preview = harness.last(SECRETARY)["text"]
        assert preview.startswith("请确认问卷") and "截止：12月4日（周五）晚上8点" in preview
        # A stale copy of the days: an alert, the closing day unchanged.
        await harness.press_label(SECRETARY, days, "本周六", strict=False)
        assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有再记一次。"
        assert "截止：12月4日（周五）晚上8点" in harness.last(SECRETARY)["text"]
    finally:
        await harness.running.stop()
