"""The two lists, the other ways through the real bot: a need claimed as a task (a
voice note; the deadline moved; not solved, so open again and the secretary told); the
answer clock and the done clock pushing to the secretary once; a service offered and
claimed; a need turned into a matter and back; refusals; /export and /forget."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from bot.needs.rules import OVERDUE_KIND, UNANSWERED_KIND
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.needs.test_needs_flow import CHEN, LI, ZHANG, alert, community, post_need, text
from tests.handlers.volunteering.flow import text_of


async def due_of(harness: BotHarness, kind: str, need_id: int) -> tuple[int, datetime]:
    async with harness.db.read() as session:
        (schedule,) = await session.schedules.pending_for(kind, "need_id", need_id)
    assert schedule.next_due_at is not None
    return schedule.id, schedule.next_due_at


async def fire(harness: BotHarness, clock: FakeClock, schedule_id: int, due: datetime) -> None:
    """Fire the schedule as its alarm would at ``due`` (again, if it was fired)."""
    clock.now = due
    async with harness.db.transaction() as session:
        await session.schedules.set_next_due(schedule_id, due, due)
    await harness.running.services.scheduler.fire(schedule_id, due)
    await harness.pushes_sent()


async def test_task_voice_deadline_not_solved_and_the_clocks(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        # Not registered: /need is refused with the way to register.
        await harness.say(LI, "/need")
        assert text(harness, LI).startswith("您还没有登记")
        await community(harness)

        # 张阿姨 tells it by voice, urgent.
        await harness.say(ZHANG, "/need")
        await harness.press_label(ZHANG, harness.last(ZHANG), "助老")
        await harness.press_label(ZHANG, harness.last(ZHANG), "3号楼")
        await harness.press_label(ZHANG, harness.last(ZHANG), "紧急")
        harness.api.send_voice(ZHANG, None)
        await harness.settle()
        assert text(harness, ZHANG) == (
            "✅ 已收到您的需求 #1（助老）。\n我们会在 12 小时内回复您。"
        )
        await harness.pushes_sent()
        push = harness.last(SECRETARY)
        assert "voice" in push and text_of(push).startswith("🙋 新需求 #1（助老 · 紧急）")

        # Nobody answers within 12 hours: the secretary is told, once.
        schedule_id, due = await due_of(harness, UNANSWERED_KIND, 1)
        assert due == clock.now + timedelta(hours=12)
        await fire(harness, clock, schedule_id, due)
        warning = harness.last(SECRETARY)
        assert text_of(warning) == (
            "⚠️ 需求 #1 已超过 12 小时无人响应。\n助老 · 紧急 · 3号楼\n（见照片或语音）"
        )
        assert button_labels(warning) == ["👀 查看并认领"]
        before = len(harness.texts(SECRETARY))
        await fire(harness, clock, schedule_id, due)
        assert len(harness.texts(SECRETARY)) == before

        # 李大爷 claims it as a task from the secretary's kind of push, due in 2 days.
        await harness.press(LI, harness.last(LI), "ndo:1", strict=False)
        await harness.press_label(LI, harness.last(LI), "我来认领")
        assert text(harness, LI).startswith("✅ 您认领了需求 #1，请在 11月22日（周日）前办好。")
        assert "✅ 已办好" in button_labels(harness.last(LI))
        # The deadline moved with the date picker's typed form: the done clock moves too.
        await harness.press_label(LI, harness.last(LI), "改期限")
        assert text(harness, LI) == "📅 新的完成期限是哪天？"
        assert "明天" in " ".join(button_labels(harness.last(LI)))
        await harness.say(LI, "2026-11-24")
        assert text(harness, LI) == "📅 需求 #1 的期限改为 11月24日（周二）。"
        schedule_id, due = await due_of(harness, OVERDUE_KIND, 1)
        assert due == datetime.fromisoformat("2026-11-25T00:00:00+08:00")

        # Past it, still not done: the secretary hears, once.
        await fire(harness, clock, schedule_id, due)
        assert text(harness, SECRETARY) == (
            "⚠️ 需求 #1（助老）已过办结期限，还没有办好。\n办理人：李大爷"
        )

        # Done; 张阿姨 says not solved: it is open again, and the secretary is told.
        await harness.press(LI, harness.last(LI), "ndo:1", strict=False)
        await harness.press_label(LI, harness.last(LI), "已办好")
        await harness.pushes_sent()
        await harness.press_label(ZHANG, harness.last(ZHANG), "没有解决")
        assert text(harness, ZHANG) == "好的，需求 #1 已重新打开，我们会尽快再处理。"
        await harness.press(ZHANG, harness.last(ZHANG), "nds:1:1", strict=False)
        assert alert(api) == "您已经回答过了。"
        await harness.pushes_sent()
        assert text(harness, SECRETARY) == (
            "⚠️ 居民说需求 #1（助老）没有解决（办理人：李大爷），已重新打开。"
        )
        await harness.say(LI, "/needs")
        assert "#1 助老" in " ".join(button_labels(harness.last(LI)))

        # /export holds her need; /forget takes her words and voice, the need stays counted.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        (exported,) = json.loads(content)["needs"]["needs"]
        assert exported["category"] == "elderly" and exported["voice"]
        await harness.say(LI, "/export")
        (content,) = harness.last(LI)["_files"].values()
        assert json.loads(content)["needs"]["needs_answered"][0]["id"] == 1
        await harness.say(ZHANG, "/forget")
        await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
        async with harness.db.read() as session:
            need = await session.needs.by_id(1)
        assert need is not None and need.resident_id is None and need.voice is None
    finally:
        await harness.running.stop()


async def test_service_claimed_and_need_to_matter_and_back(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)

        # A resident only cannot offer; 李大爷 offers haircuts, long-term, for 1.
        await harness.say(CHEN, "/offer")
        assert text(harness, CHEN) == "只有党员、志愿者、网格员和书记可以登记服务。"
        await harness.say(LI, "/offer")
        assert text(harness, LI).startswith("🤲 您能提供什么服务？")
        await harness.say(LI, "周末上门理发")
        assert "♾ 长期" in button_labels(harness.last(LI))
        await harness.press_label(LI, harness.last(LI), "长期")
        await harness.press_label(LI, harness.last(LI), "1")
        assert text(harness, LI) == "✅ 已登上服务清单：周末上门理发\n时间：长期\n名额：1"

        # 张阿姨 claims it from /services; 李大爷 agrees: a task for him, she is told.
        await harness.say(ZHANG, "/services")
        await harness.press_label(ZHANG, harness.last(ZHANG), "周末上门理发")
        assert text(harness, ZHANG) == (
            "🤲 周末上门理发\n提供者：李大爷\n时间：长期\n剩余名额：1/1"
        )
        await harness.press_label(ZHANG, harness.last(ZHANG), "我要认领")
        assert text(harness, ZHANG) == "✅ 已告诉 李大爷，对方同意后会通知您。"
        await harness.press(ZHANG, harness.last(ZHANG), "nvc:1", strict=False)
        assert alert(api) == "您已经认领过了，正在等对方回复。"
        await harness.pushes_sent()
        ask = harness.last(LI)
        assert text_of(ask) == "🙋 张阿姨（3号楼）想认领您的服务「周末上门理发」。您同意吗？"
        await harness.press_label(LI, ask, "同意")
        assert text(harness, LI).startswith(
            "✅ 已同意「周末上门理发」。这是您的任务：需求 #1，请在"
        )
        await harness.press_label(LI, ask, "婉拒", strict=False)
        assert alert(api) == "您已经回答过了。"
        await harness.pushes_sent()
        assert text(harness, ZHANG).startswith("🙋 您的需求 #1（其他）已由 李大爷 认领")
        await harness.say(CHEN, "/services")
        assert text(harness, CHEN) == "服务清单里还没有服务。"  # its one place is taken

        # 陈师傅 posts a need about the square; the secretary turns it into a matter.
        async with harness.db.transaction() as session:
            chen = await session.people.by_telegram_id(CHEN)
            assert chen is not None
            await session.people.set_home(chen.id, "3号楼", None)
        await post_need(harness, CHEN, "楼下广场晚上跳舞太吵")
        await harness.pushes_sent()
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "查看并认领")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "转为议题")
        assert text(harness, SECRETARY) == ("🏛 需求 #2 已转为议题 #1，居民可以在居民群里附议。")
        await harness.pushes_sent()
        card = harness.last(RESIDENTS_GROUP)
        assert "需求 #2：维修" in text_of(card)
        assert "来自需求 #2（3号楼）：楼下广场晚上跳舞太吵" in text_of(card)
        assert text(harness, CHEN) == "🏛 您的需求 #2 已转为议题 #1，由居民一起商议。"

        # Back: on the matter's screen, ↩ 转回需求 #2 withdraws it and reopens the need.
        await harness.say(SECRETARY, "/matter 1")
        screen = harness.last(SECRETARY)
        assert "↩ 转回需求 #2" in button_labels(screen)
        await harness.press_label(SECRETARY, screen, "转回需求")
        assert text(harness, SECRETARY) == ("↩ 议题 #1 已撤回，需求 #2 重新打开，等待认领。")
        async with harness.db.read() as session:
            matter = await session.matters.get(1)
            need = await session.needs.by_id(2)
        assert matter is not None and matter.stage == "withdrawn"
        assert need is not None and need.state == "open" and need.matter_id == 1
        await harness.press_label(SECRETARY, screen, "转回需求", strict=False)
        assert alert(api) == "这个议题不是由需求转来的，或已经转回了。"
    finally:
        await harness.running.stop()
