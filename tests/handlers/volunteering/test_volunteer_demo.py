"""The volunteer story the demo can play runs through the real bot on the real clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.demo.story import DemoScript
from bot.demo.volunteering import play_volunteering, running_window
from tests.handlers.conftest import SECRETARY, BotHarness

TZ = ZoneInfo("Asia/Shanghai")
GROUP = -1009876


def test_the_window_is_running_and_within_one_day() -> None:
    assert running_window(datetime(2026, 11, 22, 9, 33, 20, tzinfo=UTC), TZ) == "11-22 17:23-18:23"
    assert running_window(datetime(2026, 11, 22, 16, 3, tzinfo=UTC), TZ) == "11-23 00:00-01:00"
    assert running_window(datetime(2026, 11, 22, 15, 55, tzinfo=UTC), TZ) == "11-22 23:45-23:59"


async def test_volunteer_story(harness: BotHarness) -> None:
    harness.api.add_group(GROUP, "志愿者群")
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    await harness.register(2003, "李大爷")
    services = harness.running.services
    local = services.clock().astimezone(services.settings.community.tz)
    if (local.hour, local.minute) == (23, 59):
        # In a day's last minute no running hour within the day lies ahead (the activity
        # would end before it is published): the story starts in the new day.
        await asyncio.sleep(60.1 - local.second - local.microsecond / 1e6)
    script = DemoScript(harness.api, harness.running, ManualClock(services.clock()))
    await play_volunteering(
        script,
        secretary=SECRETARY,
        volunteers=(2001, 2003),
        group=GROUP,
        now=services.clock(),
        tz=services.settings.community.tz,
    )
    texts = harness.texts(2003)
    assert any("已从候补转为正式报名" in text for text in texts)
    assert any(text.startswith("✅ 签到成功：湖边清扫落叶") for text in texts)
    assert any(text.startswith("👋 签退成功：湖边清扫落叶") for text in texts)
    assert "累计" in texts[-1]
