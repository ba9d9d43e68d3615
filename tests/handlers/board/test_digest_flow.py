"""The public board's monthly digest through the real bot: on the 1st, the residents'
group gets the month's changes (pages added, resolutions, matters done), once."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.board.digest import SCHEDULE_KEY
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.board.test_board_flow import community, passed_matter
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def fire_on(harness: BotHarness, clock: FakeClock, day: date, at: str) -> bool:
    """Fire the digest's built-in schedule as its alarm would at ``at`` on ``day``."""
    due = datetime.combine(day, time.fromisoformat(at), tzinfo=SHANGHAI)
    clock.now = due
    async with harness.db.transaction() as session:
        schedule = await session.schedules.by_key(SCHEDULE_KEY)
        assert schedule is not None
        await session.schedules.set_next_due(schedule.id, due, due)
    fired = await harness.running.services.scheduler.fire(schedule.id, due)
    await harness.pushes_sent()
    return fired


def digests(harness: BotHarness) -> list[str]:
    return [text for text in harness.texts(RESIDENTS_GROUP) if "的变化" in text]


async def test_the_digest_on_the_first_of_the_month(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # 2026-11-19
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"grids": [{"id": "g1", "name": "第一网格"}]},
        board={"monthly_digest": True},
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        matter_id = await passed_matter(harness)
        async with harness.db.transaction() as session:
            await session.carrying.mark_done(matter_id, clock())
        await harness.say(SECRETARY, "/boardpage")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "新建一页")
        await harness.say(SECRETARY, "怎样开居住证明")
        await harness.say(SECRETARY, "带身份证到一楼窗口。")

        # Not the 1st: nothing.
        await fire_on(harness, clock, date(2026, 11, 30), "09:00")
        assert digests(harness) == []
        # The 1st: November's changes, once even when fired again.
        await fire_on(harness, clock, date(2026, 12, 1), "09:00")
        await fire_on(harness, clock, date(2026, 12, 1), "09:00")
        assert digests(harness) == [
            "📌 幸福社区公开栏 · 2026年11月的变化\n"
            "📋 新的办事流程：怎样开居住证明\n"
            "📜 新的决议：#1 3号楼前加装路灯\n"
            "✅ 办结的事项：#1 3号楼前加装路灯\n"
            "想看详情，请私聊我，点“📌 公开栏”。"
        ]
        # A month without changes: nothing is posted.
        await fire_on(harness, clock, date(2027, 1, 1), "09:00")
        assert len(digests(harness)) == 1
    finally:
        await harness.running.stop()
