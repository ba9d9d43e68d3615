"""``pavilion demo`` is the newcomer's first command: it must play its whole story."""

from __future__ import annotations

import io
import logging

from bot.demo import run_demo


async def test_the_demo_plays_the_whole_story() -> None:
    out = io.StringIO()
    level = logging.getLogger("bot.scheduling").level
    try:
        assert await run_demo(out=out) == 0
    finally:
        logging.getLogger("bot.scheduling").setLevel(level)
    transcript = out.getvalue()
    for moment in (
        "🎉 登记完成，张阿姨！",
        "📣 11-",  # the agenda the evening before
        "🔔 周四议事亭现在开始",
        "📊 表决结果 #1 3号楼前加装路灯：通过",
        "📝 周四议事亭纪要",
        "🎉 #1 已办结",
        "📊 微党课 #1《学习党章》",
        "✅ 签到成功：湖边清扫落叶",
        "演示结束。",
    ):
        assert moment in transcript, moment
