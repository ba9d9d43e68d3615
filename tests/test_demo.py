"""``pavilion demo`` is the newcomer's first command: it must play its whole story."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.demo.story import demo_week_start, run_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_demo_plays_the_whole_story() -> None:
    # A week whose Thursday is in the next month, pinned so the transcript is the same
    # on any day the suite runs; `pavilion demo` itself plays the current week.
    now = datetime(2027, 3, 31, 8, 30, tzinfo=UTC)
    thursday = demo_week_start(now).astimezone(SHANGHAI) + timedelta(days=3)
    out = io.StringIO()
    level = logging.getLogger("bot.runtime.scheduler").level
    try:
        assert await run_demo(out=out, now=now) == 0
    finally:
        logging.getLogger("bot.runtime.scheduler").setLevel(level)
    transcript = out.getvalue()
    for moment in (
        "🎉 登记完成，张阿姨！",
        "⌨️ 【📋 我的待办】 【📝 提议】",  # the big buttons under a private chat
        "🗳 等您投票\n      • #1 3号楼前加装路灯",  # /mine, pressed as one of them
        f"📣 {thursday:%m-%d} 19:00 是周四议事亭",  # the agenda the evening before
        "🔔 周四议事亭现在开始",
        "📊 表决结果 #1 3号楼前加装路灯：通过",
        "📝 周四议事亭纪要",
        "🎉 #1 已办结",
        "🗂 我的参与 · 2027年",  # her record of the year
        "📊 微党课 #1《学习党章》",
        "✅ 签到成功：湖边清扫落叶",
        "演示结束。",
    ):
        assert moment in transcript, moment


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        # Sunday night in Shanghai is still that week; Monday early is the new one.
        (datetime(2027, 1, 31, 15, 59, tzinfo=UTC), datetime(2027, 1, 25, 10, 0, tzinfo=SHANGHAI)),
        (datetime(2027, 1, 31, 16, 1, tzinfo=UTC), datetime(2027, 2, 1, 10, 0, tzinfo=SHANGHAI)),
        # A Thursday in a leap-year February, and the leap day itself.
        (datetime(2028, 2, 24, 11, 30, tzinfo=UTC), datetime(2028, 2, 21, 10, 0, tzinfo=SHANGHAI)),
        (datetime(2028, 2, 29, 23, 0, tzinfo=UTC), datetime(2028, 2, 28, 10, 0, tzinfo=SHANGHAI)),
        # New Year's Eve at 23:59 in Shanghai.
        (
            datetime(2026, 12, 31, 15, 59, tzinfo=UTC),
            datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI),
        ),
    ],
)
def test_the_demo_week_starts_on_monday_morning_in_shanghai(
    now: datetime, monday: datetime
) -> None:
    assert demo_week_start(now) == monday
