"""A session closes with its minutes in the group; /minutes and /minutes_note through the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import spoken
from bot.config import Language
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness


def minutes_text(harness: BotHarness, chat_id: int) -> str:
    """The last minutes text the chat got (the Word document follows it)."""
    return next(text for text in reversed(harness.texts(chat_id)) if text.startswith("📝"))


async def test_minutes_are_posted_and_can_be_read_later(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(datetime(2026, 11, 16, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.register(2001, "张阿姨")
        services = harness.running.services
        async with harness.db.read() as session:
            close = await session.schedules.by_key("builtin:session_close")
        assert close is not None and close.next_due_at is not None
        starts = close.next_due_at - timedelta(minutes=120)
        async with harness.db.transaction(completes_update=False) as session:
            matter_id = await session.matters.create(
                title="3号楼前加装路灯<灯>",
                details="晚上太黑",
                raised_by=None,
                support_until=clock.now + timedelta(days=14),
                now=clock.now,
            )
            await session.matters.put_on_agenda(matter_id, "session", starts, clock.now)

        # The session's end: it closes and the minutes go to the residents' group.
        clock.now = close.next_due_at
        assert await services.scheduler.fire(close.id, close.next_due_at)
        await harness.pushes_sent()
        posted = minutes_text(harness, RESIDENTS_GROUP)
        day = starts.astimezone(settings.community.tz)
        assert posted.startswith("📝 幸福社区周四议事亭会议记录\n")
        said = spoken.day(Language.ZH_HANS, day.date(), year=True) + spoken.clock(
            Language.ZH_HANS, day
        )
        assert f"时间：{said}—" in posted  # 2026年11月19日（周四）晚上7点—
        assert "【议题 1】#1 3号楼前加装路灯<灯>（已列入议程）" in posted
        assert harness.last(RESIDENTS_GROUP)["document"]["file_name"].endswith(".docx")

        # Anyone registered reads them, by date or the latest; bad dates get a usage hint.
        await harness.say(2001, f"/minutes {day:%m-%d}")
        assert minutes_text(harness, 2001) == posted
        await harness.say(2001, "/minutes")
        assert minutes_text(harness, 2001) == posted
        await harness.say(2001, "/minutes 昨天")
        assert harness.last(2001)["text"] == "看不懂日期“昨天”。请写成 11-19 或 2026-11-19。"
        await harness.say(2001, f"/minutes {day - timedelta(days=1):%Y-%m-%d}")
        assert harness.last(2001)["text"].endswith("没有会议记录。")

        # A secretary adds notes; a resident cannot.
        await harness.say(2001, f"/minutes_note {day:%m-%d} 我也想写")
        assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"
        await harness.say(SECRETARY, f"/minutes_note {day:%m-%d} 下周复查路灯")
        assert harness.last(SECRETARY)["text"] == "✅ 已保存备注。"
        await harness.say(SECRETARY, "/minutes_note")
        assert harness.last(SECRETARY)["text"].startswith("用法：/minutes_note")
        await harness.say(2001, "/minutes")
        assert minutes_text(harness, 2001).endswith("【备注】下周复查路灯")
    finally:
        await harness.running.stop()
