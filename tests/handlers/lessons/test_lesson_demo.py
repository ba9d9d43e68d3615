"""The shortened lesson story the demo plays, through the real bot."""

from __future__ import annotations

import json
from pathlib import Path

from bot.demo.lessons import play_lessons
from bot.demo.story import DemoScript
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, start_harness
from tests.handlers.lessons.test_lessons_flow import GRID_WORKER, MEMBERS_GROUP, community


async def test_demo_story_ends_with_the_report(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    clock = FakeClock()
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        script = DemoScript(api, harness.running, clock)
        await play_lessons(
            script, secretary=SECRETARY, studious=2001, delivered=2005, grid_worker=GRID_WORKER
        )
        assert harness.last(SECRETARY)["text"] == (
            "📊 微党课 #1《学习党章》\n"
            "送达 5 人 · 在线学习 1 人 · 测验平均 100% · 补课 0 人 · 送学 1 人"
            " · 请假 0 人 · 未学 3 人\n"
            "按时学完（含送学、补课） 2 人 · 迟学 0 人 · 请假 0 人 · 未学 3 人\n"
            "在线学习：张阿姨（1/1）\n"
            "送学：王奶奶（周网格员送学）\n"
            "未学：Tom、李大爷和赵叔"
        )
        assert harness.last(MEMBERS_GROUP)["text"].startswith("📘 微党课 #1《学习党章》")
        # /export shows a member their study record, with the quiz score.
        await harness.say(2001, "/export")
        (content,) = harness.last(2001)["_files"].values()
        held = json.loads(content)["lessons"]
        assert [(s["lesson_id"], s["correct"], s["questions"]) for s in held["studied"]] == [
            (1, 1, 1)
        ]
        assert [r["title"] for r in held["received"]] == ["学习党章"]
    finally:
        await harness.running.stop()
