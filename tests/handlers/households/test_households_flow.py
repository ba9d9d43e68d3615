"""Households (党员联户) through the real bot: the households of the register, one added
and flagged, a contact member linked, a lead household with its members, a member's
/myhouseholds and a visit (a later day refused), the tree with the households nobody
looks after, its workbook, the ledger's sheets, the functions other features read,
/export and /forget; refusals for a resident and for a member on another's household."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.households import contact_member_for, visits_per_member
from bot.standin import FakeBotApi
from handlers.community.callbacks import RegisterGrid
from handlers.datepicker.callbacks import DatePick
from handlers.households import callbacks as cb
from handlers.households.keyboards import VISIT_PICKER_KEY
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness

ZHANG, TOM, WORKER, LIU, CHEN, WANG, ZHAO = 2001, 2002, 2004, 2005, 2006, 2007, 2008
GRIDS = [
    {"id": "g1", "name": "一网格", "name_en": "Grid 1"},
    {"id": "g2", "name": "二网格", "name_en": "Grid 2"},
]


async def person_id(harness: BotHarness, user_id: int) -> int:
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(user_id)
    assert person is not None
    return person.id


async def join(
    harness: BotHarness,
    user_id: int,
    name: str,
    grid: str,
    roles: tuple[str, ...] = (),
    home: tuple[str, str] | None = None,
) -> None:
    """Register through the form (building skipped, the grid chosen); roles and the door
    (门牌) as a secretary would give them."""
    await harness.register(user_id, name)
    await harness.press(user_id, harness.last(user_id), RegisterGrid(grid).encode())
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(user_id)
        assert person is not None
        for role in roles:
            await session.people.grant(person.id, role, None, harness.running.services.clock())
        if home is not None:
            await session.people.set_home(person.id, *home)


async def community(harness: BotHarness) -> None:
    """A secretary; 小李 the grid worker of 一网格; 刘党员, 陈党员 and 王大姐 Party members of
    一网格; 张阿姨 (3号楼 201, her door set on /me) and 赵大爷 (5号楼 302, 二网格)
    residents; Tom a Party member of 二网格 who reads English."""
    for user_id, first, last in (
        (WORKER, "小李", None),
        (LIU, "党员", "刘"),
        (CHEN, "党员", "陈"),
        (WANG, "大姐", "王"),
        (ZHAO, "大爷", "赵"),
    ):
        harness.api.add_user(user_id, first, last_name=last, language_code="zh-hans")
    await join(harness, SECRETARY, "王书记", "-")
    await join(harness, WORKER, "小李", "g1", ("grid_worker",))
    await join(harness, LIU, "刘党员", "g1", ("party_member",), ("3号楼", "101"))
    await join(harness, CHEN, "陈党员", "g1", ("party_member",))
    await join(harness, WANG, "王大姐", "g1", ("party_member",))
    await join(harness, ZHANG, "张阿姨", "g1", ("resident",))
    await join(harness, ZHAO, "赵大爷", "g2", ("resident",), ("5号楼", "302"))
    await join(harness, TOM, "Tom", "g2", ("party_member",))
    # 张阿姨 sets her household on /me (🏠 门牌): a household of the register.
    await harness.say(ZHANG, "/me")
    await harness.press_label(ZHANG, harness.last(ZHANG), "🏠 门牌")
    await harness.say(ZHANG, "3号楼")
    await harness.say(ZHANG, "201")
    assert harness.last(ZHANG)["text"].startswith("已记下：3号楼 201。")


def alert(api: FakeBotApi) -> str:
    return str(api.callback_answers()[-1]["text"])


def rows_of(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def household_id(harness: BotHarness, building: str, door: str) -> int:
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT id FROM households WHERE building = ? AND door = ?", (building, door)
        ) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_households_leads_visits_and_the_tree(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"grids": GRIDS},
        households={"members_per_lead": 1, "households_per_member": 1},
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # A resident sees no households; a member cannot list them either.
        await harness.say(ZHANG, "/households")
        assert harness.last(ZHANG)["text"] == "只有书记和网格员可以管理住户。"
        await harness.say(CHEN, "/households")
        assert harness.last(CHEN)["text"] == "只有书记和网格员可以管理住户。"

        # The secretary: the households of the register, by grid and building.
        await harness.say(SECRETARY, "/households")
        listing = harness.last(SECRETARY)
        assert listing["text"] == (
            "🏠 住户（全社区，共 3 户，第 1/1 页）\n"
            "【一网格】\n"
            "· 3号楼 101：刘党员\n"
            "· 3号楼 201：张阿姨\n"
            "【二网格】\n"
            "· 5号楼 302：赵大爷\n"
            "\n"
            "按一户查看、做标记、安排联系党员。"
        )
        assert "⭐ 党员中心户" in button_labels(listing)

        # The grid worker sees their grid's only, and adds one not in the register.
        await harness.say(WORKER, "/households")
        assert "5号楼" not in harness.last(WORKER)["text"]
        assert "⭐ 党员中心户" not in button_labels(harness.last(WORKER))
        await harness.press_label(WORKER, harness.last(WORKER), "➕ 添加住户")
        assert harness.last(WORKER)["text"].startswith("➕ 添加住户：请发送楼栋")
        await harness.say(WORKER, "3号楼")
        await harness.say(WORKER, "201")
        assert harness.last(WORKER)["text"] == "3号楼 201 已经有了，不用再添加。"
        await harness.say(WORKER, "202")
        assert harness.last(WORKER)["text"].startswith("住的是谁？")
        await harness.say(WORKER, "王奶奶，独居")
        added = harness.last(WORKER)
        assert added["text"] == "✅ 已添加住户 3号楼 202。可以打开它做标记、安排联系党员。"
        await harness.press_label(WORKER, added, "🏠 打开 3号楼 202")
        screen = harness.last(WORKER)
        assert screen["text"] == (
            "🏠 3号楼 202（一网格）\n"
            "住户：王奶奶，独居\n"
            "标记：无\n"
            "联系党员：⚠️ 还没有\n"
            "最近走访：还没有走访"
        )
        assert button_labels(screen)[:5] == [
            "☐ 独居老人",
            "☐ 空巢",
            "☐ 残疾",
            "☐ 低保",
            "☐ 留守儿童",
        ]
        await harness.press_label(WORKER, screen, "☐ 独居老人")
        assert "标记：独居老人" in harness.last(WORKER)["text"]
        assert "☑ 独居老人" in button_labels(harness.last(WORKER))

        # 3号楼 201 gets the flag 低保 and its contact member: the grid's members offered.
        await harness.press_label(WORKER, harness.last(WORKER), "◀ 住户列表")
        await harness.press_label(WORKER, harness.last(WORKER), "3号楼 201")
        await harness.press_label(WORKER, harness.last(WORKER), "☐ 低保")
        await harness.press_label(WORKER, harness.last(WORKER), "👤 安排联系党员")
        choices = harness.last(WORKER)
        assert choices["text"].startswith("请选择联系 3号楼 201 的党员（本网格的党员")
        assert button_labels(choices) == [
            "刘党员（0）",
            "王大姐（0）",
            "陈党员（0）",
            "👥 全社区的党员",
            "◀ 返回",
        ]
        await harness.press_label(WORKER, choices, "刘党员")
        assert "联系党员：刘党员" in harness.last(WORKER)["text"]
        # 刘党员 looks after his own 3号楼 101 too: over the advised 1, warned, not refused.
        await harness.press_label(WORKER, harness.last(WORKER), "◀ 住户列表")
        await harness.press_label(WORKER, harness.last(WORKER), "3号楼 101")
        await harness.press_label(WORKER, harness.last(WORKER), "👤 安排联系党员")
        assert "刘党员（1 ⚠️）" in button_labels(harness.last(WORKER))
        await harness.press_label(WORKER, harness.last(WORKER), "刘党员")
        assert "⚠️ 刘党员 已联系 2 户，超过建议的 1 户左右。" in harness.last(WORKER)["text"]

        # A lead household (党员中心户): 王大姐, with 刘党员 and 陈党员 (over the advised 1).
        await harness.say(SECRETARY, "/households")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "⭐ 党员中心户")
        assert harness.last(SECRETARY)["text"].startswith("⭐ 还没有党员中心户。")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "➕ 设立中心户")
        assert button_labels(harness.last(SECRETARY))[:4] == ["Tom", "刘党员", "王大姐", "陈党员"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "王大姐")
        lead = harness.last(SECRETARY)
        assert lead["text"].startswith("⭐ 党员中心户：王大姐（一网格）\n联系党员 0 名党员")
        await harness.press_label(SECRETARY, lead, "☐ 刘党员")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "☐ 陈党员")
        lead = harness.last(SECRETARY)
        assert lead["text"] == (
            "⭐ 党员中心户：王大姐（一网格）\n"
            "联系党员 2 名党员（建议 1 名左右）：\n"
            "⚠️ 已超过建议的 1 名，可以考虑再设一个中心户。\n"
            "· 刘党员：联系 2 户 ⚠️超过建议\n"
            "· 陈党员：联系 0 户\n"
            "\n"
            "按下面的名字把党员加入或移出（☑ 是已联系的）。"
        )
        assert button_labels(lead)[:3] == ["☑ 刘党员", "☑ 陈党员", "☐ Tom"]
        await harness.press_label(SECRETARY, lead, "◀ 返回")
        assert harness.last(SECRETARY)["text"] == (
            "⭐ 党员中心户（共 1 个；每个联系 1 名左右党员）\n· 王大姐：联系 2 名党员 ⚠️超过建议"
        )
        # The grid worker cannot open the lead households.
        lead_id = await person_id(harness, WANG)
        await harness.press(
            WORKER, harness.last(WORKER), cb.LeadOpen(lead_id, 0).encode(), strict=False
        )
        assert "书记" in alert(api)

        # The member's households: /myhouseholds, and 🏠 我联系的住户 on /me.
        await harness.say(LIU, "/me")
        await harness.press_label(LIU, harness.last(LIU), "🏠 我联系的住户")
        mine = harness.last(LIU)
        assert mine["text"] == (
            "🏠 我联系的住户（2 户）\n"
            "\n"
            "1. 3号楼 101：刘党员\n"
            "　最近走访：还没有走访\n"
            "\n"
            "2. 3号楼 201：张阿姨\n"
            "　标记：低保\n"
            "　最近走访：还没有走访\n"
            "\n"
            "按一户可以记录走访。"
        )
        await harness.say(CHEN, "/myhouseholds")
        assert harness.last(CHEN)["text"].startswith("🏠 您还没有联系的住户。")
        await harness.say(ZHANG, "/myhouseholds")
        assert harness.last(ZHANG)["text"] == "只有党员有联系的住户。"

        # A visit (入户走访): today by default; a later day refused; an earlier day chosen.
        await harness.press_label(LIU, mine, "3号楼 201")
        screen = harness.last(LIU)
        assert "☐ 低保" not in button_labels(screen)  # a member does not set the flags
        await harness.press_label(LIU, screen, "📝 记录走访")
        ask = harness.last(LIU)
        assert ask["text"].startswith("📝 走访 3号楼 201\n走访日期：今天（周四）\n")
        await harness.press_label(LIU, ask, "📅 不是今天？换一天")
        days = harness.last(LIU)
        labels = button_labels(days)
        assert labels[0].startswith("今天") and "明天" not in " ".join(labels)
        await harness.say(LIU, "2026-11-25")
        assert harness.last(LIU)["text"] == "走访日期不能是以后的日子。"
        await harness.press(LIU, days, DatePick(VISIT_PICKER_KEY, "d", 20261117).encode())
        (picked,) = [m for m in api.bot_messages(LIU) if m["message_id"] == days["message_id"]]
        assert "走访日期：11月17日（周二）" in picked["text"]
        await harness.say(LIU, "访" * 501)
        assert harness.last(LIU)["text"] == "太长了（501 字），请不超过 500 字。"
        await harness.say(LIU, "张阿姨身体不错，说楼道灯坏了")
        assert harness.last(LIU)["text"] == "✅ 已记下：11月17日（周二） 走访 3号楼 201。谢谢您！"
        await harness.press_label(LIU, harness.last(LIU), "🏠 打开 3号楼 201")
        assert harness.last(LIU)["text"].endswith(
            "最近走访：11月17日（周二）\n\n走访记录：\n"
            "· 11月17日（周二） 刘党员：张阿姨身体不错，说楼道灯坏了"
        )

        # Another member cannot open it, nor log a visit to it.
        home_201 = await household_id(harness, "3号楼", "201")
        await harness.press(
            CHEN, harness.last(CHEN), cb.HouseholdOpen(home_201).encode(), strict=False
        )
        assert alert(api) == "这一户不归您联系，看不了。"
        await harness.press(
            CHEN, harness.last(CHEN), cb.VisitStart(home_201).encode(), strict=False
        )
        assert alert(api) == "这一户不归您联系，看不了。"
        await harness.press(
            ZHANG, harness.last(ZHANG), cb.HouseholdOpen(home_201).encode(), strict=False
        )
        assert alert(api) == "这一户不归您联系，看不了。"

        # The secretary's tree: grid → 中心户 → members → households; nobody's, flagged first.
        await harness.say(SECRETARY, "/households")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "🌳 联户情况")
        tree = harness.last(SECRETARY)
        assert tree["text"] == (
            "🌳 党员联户情况（幸福社区）\n"
            "\n"
            "【一网格】\n"
            "⭐ 王大姐（中心户，联系 2 名党员） ⚠️超过建议\n"
            "　👤 刘党员：2 户 ⚠️超过建议\n"
            "　　· 3号楼 101 刘党员（最近走访：还没有走访）\n"
            "　　· 3号楼 201 张阿姨（最近走访：11月17日（周二））〔低保〕\n"
            "　👤 陈党员：0 户\n"
            "\n"
            "【二网格】\n"
            "未属中心户的党员：\n"
            "　👤 Tom：0 户\n"
            "\n"
            "⚠️ 尚无党员联系的住户（2 户）：\n"
            "· 3号楼 202：王奶奶，独居〔独居老人〕\n"
            "· 5号楼 302：赵大爷"
        )
        # The grid worker's tree: their grid only.
        await harness.say(WORKER, "/households")
        await harness.press_label(WORKER, harness.last(WORKER), "🌳 联户情况")
        worker_tree = harness.last(WORKER)["text"]
        assert worker_tree.startswith("🌳 党员联户情况（一网格）")
        assert "Tom" not in worker_tree and "5号楼" not in worker_tree

        # The workbook of the tree.
        await harness.press_label(SECRETARY, tree, "📥 下载表格")
        (xlsx,) = harness.last(SECRETARY)["_files"].values()
        values = rows_of(xlsx)
        assert values[0][0] == "幸福社区"  # the title row (masthead)
        assert values[1] == [
            "网格",
            "党员中心户",
            "联系党员",
            "楼栋",
            "门牌",
            "住户",
            "标记",
            "最近走访",
        ]
        by_door = {(row[3], row[4]): row for row in values[2:] if row[3]}
        assert by_door[("3号楼", "201")][:7] == [
            "一网格",
            "王大姐",
            "刘党员",
            "3号楼",
            "201",
            "张阿姨",
            "低保",
        ]
        assert by_door[("3号楼", "201")][7].date().isoformat() == "2026-11-17"
        assert by_door[("3号楼", "202")][:7] == [
            "一网格",
            None,
            "（尚无党员联系）",
            "3号楼",
            "202",
            "王奶奶，独居",
            "独居老人",
        ]
        assert ["二网格", None, "Tom", None, None, None, None, None] in values

        # The ledger (台账) has the households' sheets: 党员联户 and the period's 入户走访.
        await harness.say(SECRETARY, "/ledger")
        (book,) = harness.last(SECRETARY)["_files"].values()
        workbook = load_workbook(io.BytesIO(book))
        assert {"党员联户", "入户走访"} <= set(workbook.sheetnames)
        visits = [list(row) for row in workbook["入户走访"].iter_rows(values_only=True)]
        assert visits[1] == ["走访日期", "党员", "楼栋", "门牌", "走访情况"]
        assert visits[2][1:] == ["刘党员", "3号楼", "201", "张阿姨身体不错，说楼道灯坏了"]
        assert visits[2][0].date().isoformat() == "2026-11-17"
        async with harness.db.read() as session:
            liu, chen = await person_id(harness, LIU), await person_id(harness, CHEN)
            assert await visits_per_member(session, [liu, chen], 2026) == {liu: 1, chen: 0}
            assert await visits_per_member(session.households, [liu], 2025) == {liu: 0}
            zhang = await person_id(harness, ZHANG)
            assert await contact_member_for(session, zhang) == liu
            assert await contact_member_for(session, await person_id(harness, ZHAO)) is None

        # /export: her household and its flags; his visits.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        exported = json.loads(content)["households"]
        assert exported["household"] == {
            "building": "3号楼",
            "door": "201",
            "flags": ["low_income"],
            "contact_member": "刘党员",
        }
        await harness.say(LIU, "/export")
        (content,) = harness.last(LIU)["_files"].values()
        exported = json.loads(content)["households"]
        assert [(h["building"], h["door"]) for h in exported["looked_after"]] == [
            ("3号楼", "101"),
            ("3号楼", "201"),
        ]
        assert exported["lead_household"]["lead"] == "王大姐"
        (visit,) = exported["visits"]
        assert visit["visited_on"] == "2026-11-17" and visit["door"] == "201"

        # The lead household removed: its members are under no lead any more.
        await harness.say(SECRETARY, "/households")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "⭐ 党员中心户")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "⭐ 王大姐")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "🗑 取消这个中心户")
        assert harness.last(SECRETARY)["text"] == (
            "已取消 王大姐 的党员中心户，原来联系的党员不再属于它。\n\n"
            "⭐ 还没有党员中心户。按“设立中心户”选一名党员。"
        )
        async with harness.db.read() as session:
            assert await session.households.lead_of_members() == {}

        # /forget: his visit notes go; the households he looked after have nobody now;
        # his own household (only he lived there) goes with its record.
        await harness.say(LIU, "/forget")
        await harness.press_label(LIU, harness.last(LIU), "确定删除")
        async with (
            harness.db.read() as session,
            session.conn.execute("SELECT person_id, note FROM household_visits") as cur,
        ):
            assert [tuple(row) for row in await cur.fetchall()] == [(None, "")]
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT building, door, contact_id FROM households ORDER BY id"
            ) as cur,
        ):
            assert [tuple(row) for row in await cur.fetchall()] == [
                ("3号楼", "201", None),
                ("5号楼", "302", None),
                ("3号楼", "202", None),
            ]
    finally:
        await harness.running.stop()


async def test_english_member_sees_their_household(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community={"grids": GRIDS})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/households")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "5号楼 302")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "☐ 空巢")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "👤 安排联系党员")
        assert button_labels(harness.last(SECRETARY))[0] == "Tom（0）"
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "Tom")
        await harness.say(TOM, "/myhouseholds")
        assert harness.last(TOM)["text"] == (
            "🏠 The households I look after (1 household)\n"
            "\n"
            "1. 5号楼 302: 赵大爷\n"
            "　Marked: Empty nest\n"
            "　Last visit: not visited yet\n"
            "\n"
            "Press a household to log a visit."
        )
        await harness.press_label(TOM, harness.last(TOM), "5号楼 302")
        await harness.press_label(TOM, harness.last(TOM), "📝 Log a visit")
        assert harness.last(TOM)["text"].startswith("📝 Visit to 5号楼 302\nDay: today (Thu)\n")
        await harness.say(TOM, "Fixed the door bell")
        assert (
            harness.last(TOM)["text"]
            == "✅ Logged: your visit to 5号楼 302, today (Thu). Thank you!"
        )
    finally:
        await harness.running.stop()


async def test_visits_count_in_the_yearly_appraisal(tmp_path: Path, api: FakeBotApi) -> None:
    """A member's visits (入户走访) of the year are a column of the democratic appraisal's
    table (民主评议, #14 §1): logged through the bot, counted in the table it closes with."""
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community={"grids": GRIDS})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/households")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "3号楼 201")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "👤 安排联系党员")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "刘党员")
        for note in ("楼道灯坏了", "送了药"):
            await harness.say(LIU, "/myhouseholds")
            await harness.press_label(LIU, harness.last(LIU), "3号楼 201")
            await harness.press_label(LIU, harness.last(LIU), "📝 记录走访")
            await harness.say(LIU, note)
            assert harness.last(LIU)["text"].startswith("✅ 已记下：")

        await harness.say(SECRETARY, "/appraisal")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "▶️ 开始 2026 年度民主评议")
        await harness.say(SECRETARY, "/appraisal")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "🔒 结束评议")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "✅ 确定结束")
        table = harness.api.bot_messages(SECRETARY)[-2]["text"]
        assert (
            "刘党员\n　承诺数 0 · 已践诺 0 · 已逾期 0 · 入户走访 2\n　志愿服务时长 0 · 参加活动 0\n"
            in table
        )
        assert (
            "陈党员\n　承诺数 0 · 已践诺 0 · 已逾期 0 · 入户走访 0\n　志愿服务时长 0 · 参加活动 0\n"
            in table
        )
        (content,) = harness.last(SECRETARY)["_files"].values()
        rows = rows_of(content)
        headers = next(row for row in rows if row and row[0] == "党员")
        liu = next(row for row in rows if row and row[0] == "刘党员")
        assert liu[headers.index("入户走访")] == 2
    finally:
        await harness.running.stop()
