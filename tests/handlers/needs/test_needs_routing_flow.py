"""Routing a need and recording one on a resident's behalf (the seams the households
use, §4), and both lists as sheets of the ledger (台账)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.community.register import Caller
from bot.errors import UserFacingError
from bot.needs.report import SCHEDULE_KEY
from bot.needs.rules import UNANSWERED_KIND
from bot.standin import FakeBotApi
from storage.needs.repository import NeedRow
from storage.session import Session
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, start_harness
from tests.handlers.needs.test_needs_flow import LI, ZHANG, community, post_need, text
from tests.handlers.volunteering.flow import text_of


async def test_first_responder_record_for_and_the_ledger(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        services = harness.running.services
        async with harness.db.read() as session:
            li = await session.people.by_telegram_id(LI)
            zhang = await session.people.by_telegram_id(ZHANG)
        assert li is not None and zhang is not None
        seen: list[int] = []

        async def contact_member(session: Session, need: NeedRow) -> int | None:
            seen.append(need.id)
            return li.id if need.resident_id == zhang.id else None

        # With a first responder, only that member is told of 张阿姨's need.
        services.needs.route_first(contact_member)
        before = len(harness.texts(SECRETARY))
        await post_need(harness, ZHANG, "水管漏水")
        await harness.pushes_sent()
        assert seen == [1]
        assert text(harness, LI).startswith("🙋 新需求 #1（维修 · 一般）")
        assert len(harness.texts(SECRETARY)) == before

        # A member visiting records one on her behalf: hers, told to the same member.
        actor = await services.community.identify(Caller(LI, "大爷", "李"))
        need = await services.needs.record_for(
            actor, zhang.id, category="elderly", text="想请人陪着去医院复查"
        )
        assert need.resident_id == zhang.id and need.recorded_by == li.id
        assert need.building == "3号楼"
        await harness.pushes_sent()
        assert text(harness, LI).startswith("🙋 新需求 #2（助老 · 一般）")

        # A resident cannot record for someone else.
        resident = await services.community.identify(Caller(ZHANG, "阿姨", "张"))
        await harness.say(SECRETARY, "/offer")
        await harness.say(SECRETARY, "陪老人散步")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "长期")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "2")
        with pytest.raises(UserFacingError) as refused:
            await services.needs.record_for(resident, li.id, category="other", text="x")
        assert refused.value.key == "needs.claimers_only"

        # A secretary claims a service on a resident's behalf: 张阿姨 from the register.
        await harness.say(SECRETARY, "/services")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "陪老人散步")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "为居民认领")
        assert text(harness, SECRETARY) == "为哪位居民认领？"
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨 · 3号楼")
        assert text(harness, SECRETARY) == (
            "✅ 已替 张阿姨 认领，已告诉 王书记，对方同意后会通知居民。"
        )
        await harness.pushes_sent()
        ask = harness.last(SECRETARY)
        assert text_of(ask) == "🙋 张阿姨（3号楼）想认领您的服务「陪老人散步」。您同意吗？"
        await harness.press_label(SECRETARY, ask, "同意")
        await harness.pushes_sent()
        assert text(harness, ZHANG).startswith("🙋 您的需求 #3（其他）已由 王书记 认领")

        # The ledger has both lists.
        await harness.say(SECRETARY, "/ledger")
        files = [m for m in api.bot_messages(SECRETARY) if "document" in m]
        (workbook,) = files[-1]["_files"].values()
        book = load_workbook(io.BytesIO(workbook))
        needs = book["需求清单"]
        assert [c.value for c in needs[2]][:7] == [
            "编号", "提出时间", "类别", "楼栋", "紧急程度", "内容", "状态",
        ]  # fmt: skip
        assert [c.value for c in needs[3]][2:7] == ["维修", "3号楼", "一般", "水管漏水", "待认领"]
        assert [c.value for c in needs[4]][5] == "想请人陪着去医院复查"
        offers = book["服务清单"]
        assert [c.value for c in offers[3]][2:7] == ["王书记", "陪老人散步", "长期", 2, 1]
    finally:
        await harness.running.stop()


async def test_a_reply_stops_the_clock_and_the_report_on_the_first(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, needs={"monthly_report": True})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # From /me: 🙋 我有需求.
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "🙋 我有需求")
        assert text(harness, ZHANG) == "🙋 您需要什么帮助？请选一类："
        await harness.press_label(ZHANG, harness.last(ZHANG), "维修")
        await harness.say(ZHANG, "5号楼")  # typed instead of pressed
        assert text(harness, ZHANG) == "急不急？"
        await harness.press_label(ZHANG, harness.last(ZHANG), "紧急")
        harness.api.send_photo(ZHANG, None)  # a photo, without a caption
        await harness.settle()
        assert text(harness, ZHANG).startswith("✅ 已收到您的需求 #1（维修）。")
        await harness.pushes_sent()
        push = harness.last(SECRETARY)
        assert "photo" in push
        assert text_of(push).startswith("🙋 新需求 #1（维修 · 紧急）\n楼栋：5号楼")

        # 45 minutes later the secretary replies: the first answer, the clock stops.
        clock.advance(minutes=45)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "查看并认领")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "回复居民")
        assert text(harness, SECRETARY) == "💬 请输入给居民的回复："
        await harness.say(SECRETARY, "已联系物业，明天上午来修。")
        assert text(harness, SECRETARY) == "✅ 已回复居民（需求 #1）。"
        await harness.pushes_sent()
        assert (
            text(harness, ZHANG) == "💬 关于您的需求 #1，王书记 回复：\n已联系物业，明天上午来修。"
        )
        async with harness.db.read() as session:
            assert await session.schedules.pending_for(UNANSWERED_KIND, "need_id", 1) == []
            (built_in,) = [s for s in await session.schedules.all() if s.key == SCHEDULE_KEY]

        # On 1 December the secretaries get November's report.
        due = datetime.fromisoformat("2026-12-01T09:00:00+08:00")
        clock.now = due
        async with harness.db.transaction() as session:
            await session.schedules.set_next_due(built_in.id, due, due)
        await harness.running.services.scheduler.fire(built_in.id, due)
        await harness.pushes_sent()
        assert text(harness, SECRETARY) == (
            "📊 2026年11月需求报告（接诉即办）\n"
            "合计：1 件，按时响应 100%，响应用时中位数 45 分钟、平均 45 分钟，解决 0%，满意度 —\n\n"
            "各类：\n"
            "维修：1 件，按时响应 100%，响应用时中位数 45 分钟、平均 45 分钟，解决 0%，满意度 —"
        )
    finally:
        await harness.running.stop()
