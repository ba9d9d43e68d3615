"""Households and the needs list joined (#14 §3 × §4) through the real bot: a resident's
need goes first to the household's contact member (the answer clock still warns the
secretary; a contact who blocked the bot is passed over), and a member records a need
for a household after a visit (🙋 记录需求): the resident told, the need on /needs and
in the ledger with who recorded it; refusals for a member who does not look after it,
a double press, a household with nobody registered."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.needs.rules import UNANSWERED_KIND
from bot.standin import FakeBotApi
from handlers.households import callbacks as cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.households.test_households_flow import (
    CHEN,
    GRIDS,
    LIU,
    TOM,
    WANG,
    WORKER,
    ZHANG,
    alert,
    community,
    household_id,
)
from tests.handlers.needs.test_needs_more_flow import due_of, fire
from tests.handlers.volunteering.flow import text_of

EXPIRED = "这一步已经结束了，请重新开始。"


def text(harness: BotHarness, chat_id: int) -> str:
    return text_of(harness.last(chat_id))


async def link_liu(harness: BotHarness) -> None:
    """The secretary makes 刘党员 the contact member of 3号楼 201 (张阿姨)."""
    await harness.say(SECRETARY, "/households")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "3号楼 201")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "👤 安排联系党员")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "刘党员")
    assert "联系党员：刘党员" in text(harness, SECRETARY)


async def post_need(harness: BotHarness, words: str) -> None:
    """张阿姨 posts a need from the keyboard: 维修, her building, 一般, the words."""
    await harness.say(ZHANG, "🙋 我有需求")
    await harness.press_label(ZHANG, harness.last(ZHANG), "维修")
    await harness.press_label(ZHANG, harness.last(ZHANG), "3号楼")
    await harness.press_label(ZHANG, harness.last(ZHANG), "一般")
    await harness.say(ZHANG, words)
    assert text(harness, ZHANG).startswith("✅ 已收到您的需求")
    await harness.pushes_sent()


async def test_a_households_need_goes_first_to_its_contact(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community={"grids": GRIDS})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await link_liu(harness)
        secretary_before = len(harness.texts(SECRETARY))
        worker_before = len(harness.texts(WORKER))

        # 张阿姨's need: 刘党员 (her household's contact) is told, not the secretary.
        await post_need(harness, "水管漏水")
        assert text(harness, LIU) == (
            "🙋 新需求 #1（维修 · 一般）\n楼栋：3号楼\n居民：张阿姨\n水管漏水"
        )
        assert button_labels(harness.last(LIU)) == ["👀 查看并认领"]
        assert len(harness.texts(SECRETARY)) == secretary_before
        assert len(harness.texts(WORKER)) == worker_before

        # Nobody answers within 24 hours: the answer clock still warns the secretary.
        schedule_id, due = await due_of(harness, UNANSWERED_KIND, 1)
        await fire(harness, clock, schedule_id, due)
        assert text(harness, SECRETARY).startswith("⚠️ 需求 #1 已超过 24 小时无人响应。")

        # 刘党员 blocked the bot: her next need goes to the grid's worker and the secretary.
        harness.api.block_bot(LIU)
        await harness.settle()
        liu_before = len(harness.texts(LIU))
        await post_need(harness, "楼道灯坏了")
        assert len(harness.texts(LIU)) == liu_before
        for chat in (WORKER, SECRETARY):
            assert text(harness, chat).startswith("🙋 新需求 #2（维修 · 一般）\n楼栋：3号楼")
    finally:
        await harness.running.stop()


async def test_a_need_recorded_after_a_visit(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community={"grids": GRIDS})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await link_liu(harness)
        home_201 = await household_id(harness, "3号楼", "201")

        # 刘党员 logs a visit; under the thanks, 🙋 记录需求.
        await harness.say(LIU, "/myhouseholds")
        await harness.press_label(LIU, harness.last(LIU), "3号楼 201")
        screen = harness.last(LIU)
        assert button_labels(screen) == ["📝 记录走访", "🙋 记录需求", "◀ 我联系的住户"]
        await harness.press_label(LIU, screen, "📝 记录走访")
        await harness.say(LIU, "张阿姨想去医院复查，没人陪")
        done = harness.last(LIU)
        assert text_of(done) == "✅ 已记下：今天（周四） 走访 3号楼 201。谢谢您！"
        assert button_labels(done)[0] == "🙋 记录需求"

        # Only 张阿姨 of the register lives there: straight to the category.
        await harness.press_label(LIU, done, "🙋 记录需求")
        asked = harness.last(LIU)
        assert text_of(asked) == "🙋 为 张阿姨（3号楼 201）记录需求：是哪一类？"
        assert button_labels(asked) == ["维修", "助老", "环境", "邻里纠纷", "其他"]
        await harness.press_label(LIU, asked, "助老")
        assert text(harness, LIU) == "急不急？"
        urgency = harness.last(LIU)
        await harness.press_label(LIU, urgency, "紧急")
        assert text(harness, LIU) == "请写下是什么事（也可以发一张照片）："
        # Pressed twice (a second tap before the screen changed): refused, nothing changes.
        await harness.press(LIU, urgency, cb.NeedUrgent(1).encode(), strict=False)
        assert alert(api) == EXPIRED
        await harness.say(LIU, "想请人陪着去医院复查")
        recorded = harness.last(LIU)
        assert text_of(recorded) == "✅ 已记下需求 #1（助老），张阿姨 会收到通知。"
        assert button_labels(recorded) == ["👀 查看并认领", "🏠 打开 3号楼 201"]

        # 张阿姨 is told once; 刘党员 recorded it, so the grid's worker and the secretary
        # hear of it, not he.
        liu_before = len(harness.texts(LIU))
        await harness.pushes_sent()
        told = [m for m in harness.texts(ZHANG) if "为您记下了需求" in m]
        assert told == [
            "🙋 刘党员 为您记下了需求 #1（助老）：\n想请人陪着去医院复查\n有进展会告诉您。"
        ]
        assert len(harness.texts(LIU)) == liu_before
        for chat in (WORKER, SECRETARY):
            assert text(harness, chat) == (
                "🙋 新需求 #1（助老 · 紧急）\n楼栋：3号楼\n居民：张阿姨\n想请人陪着去医院复查"
            )
        # The same words again are not a second need.
        await harness.say(LIU, "想请人陪着去医院复查")
        async with harness.db.read() as session:
            needs = await session.needs.of_resident(await _id(harness, ZHANG))
        assert [(n.id, n.recorded_name) for n in needs] == [(1, "刘党员")]

        # On /needs, with who recorded it.
        await harness.say(CHEN, "/needs")
        await harness.press_label(CHEN, harness.last(CHEN), "#1 助老")
        assert text(harness, CHEN).startswith("🙋 需求 #1 · 助老 · 紧急\n楼栋：3号楼\n居民：张阿姨")
        assert "代录：刘党员" in text(harness, CHEN)

        # A member who does not look after the household is refused (Tom reads English).
        await harness.press(TOM, harness.last(TOM), cb.NeedStart(home_201).encode(), strict=False)
        assert alert(api) == "You do not look after this household, so you cannot see it."
        await harness.press(CHEN, harness.last(CHEN), cb.NeedStart(home_201).encode(), strict=False)
        assert alert(api) == "这一户不归您联系，看不了。"

        # The grid worker, from the household's screen: two residents now, one chosen.
        async with harness.db.transaction() as session:
            await session.people.set_home(await _id(harness, WANG), "3号楼", "201")
        await harness.say(WORKER, "/households")
        await harness.press_label(WORKER, harness.last(WORKER), "3号楼 201")
        await harness.press_label(WORKER, harness.last(WORKER), "🙋 记录需求")
        asked = harness.last(WORKER)
        assert text_of(asked) == "🙋 为 3号楼 201 记录需求：是哪位居民的？"
        assert sorted(button_labels(asked)) == sorted(["张阿姨", "王大姐"])
        await harness.press_label(WORKER, asked, "王大姐")
        assert text(harness, WORKER) == "🙋 为 王大姐（3号楼 201）记录需求：是哪一类？"
        await harness.press_label(WORKER, harness.last(WORKER), "环境")
        await harness.press_label(WORKER, harness.last(WORKER), "一般")
        await harness.say(WORKER, "门口堆了杂物")
        assert text(harness, WORKER) == "✅ 已记下需求 #2（环境），王大姐 会收到通知。"
        await harness.pushes_sent()
        # This one goes to the household's contact first (he did not record it).
        assert text(harness, LIU).startswith("🙋 新需求 #2（环境 · 一般）")

        # A household added by hand has nobody of the register: said so.
        await harness.say(WORKER, "/households")
        await harness.press_label(WORKER, harness.last(WORKER), "➕ 添加住户")
        await harness.say(WORKER, "3号楼")
        await harness.say(WORKER, "202")
        await harness.say(WORKER, "王奶奶，独居")
        await harness.press_label(WORKER, harness.last(WORKER), "🏠 打开 3号楼 202")
        await harness.press_label(WORKER, harness.last(WORKER), "🙋 记录需求")
        assert alert(api) == "3号楼 202 还没有登记的居民，记不了需求。请先登记这户的居民。"

        # The ledger's 需求清单 has both, with who recorded them.
        await harness.say(SECRETARY, "/ledger")
        files = [m for m in api.bot_messages(SECRETARY) if "document" in m]
        (workbook,) = files[-1]["_files"].values()
        sheet = load_workbook(io.BytesIO(workbook))["需求清单"]
        headers = [c.value for c in sheet[2]]
        assert headers[-1] == "代录"
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
        assert [(r[0], r[5], r[-1]) for r in rows] == [
            (1, "想请人陪着去医院复查", "刘党员"),
            (2, "门口堆了杂物", "小李"),
        ]
    finally:
        await harness.running.stop()


async def _id(harness: BotHarness, user_id: int) -> int:
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(user_id)
    assert person is not None
    return person.id
