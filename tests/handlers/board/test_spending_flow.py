"""经费公开 (spending per project, #14 §6) through the real bot: a secretary opens a project
linked to a matter and records what was spent with the receipts' photos; a correction
stays in the history; over budget is flagged; a resident reads it all, sees a receipt,
follows the project and is told of each change; the ledger's sheet; /export, /forget."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.board.test_board_flow import TOM, ZHANG, community, passed_matter
from tests.handlers.board.test_digest_flow import digests, fire_on
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    """The bot with a grid, its clock at Thursday 2026-11-19 19:00 in Shanghai."""
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"grids": [{"id": "g1", "name": "第一网格", "name_en": "Grid 1"}]},
    )
    running = await start_harness(settings, api, FakeClock())
    try:
        yield running
    finally:
        await running.running.stop()


def current(harness: BotHarness, chat_id: int, message: dict[str, Any]) -> dict[str, Any]:
    """A message as it stands now (edited by a later press)."""
    (now,) = [
        m for m in harness.api.bot_messages(chat_id) if m["message_id"] == message["message_id"]
    ]
    return now


def notes(harness: BotHarness, chat_id: int) -> list[str]:
    return [text for text in harness.texts(chat_id) if text.startswith("🔔")]


async def open_project(harness: BotHarness) -> None:
    """王书记 opens 3号楼路灯改造 (1.2万, 街道专项经费) for matter #1."""
    await harness.say(SECRETARY, "/project")
    assert harness.last(SECRETARY)["text"].startswith("请发送项目名称（最多 40 个字）")
    await harness.say(SECRETARY, "3号楼路灯改造")
    await harness.say(SECRETARY, "1.2万")
    assert harness.last(SECRETARY)["text"].startswith("经费从哪里来？")
    await harness.say(SECRETARY, "街道专项经费")
    ask = harness.last(SECRETARY)
    assert ask["text"] == "这个项目是办哪件事的？请选择；不是某件事的就点“跳过”。"
    assert button_labels(ask) == ["#1 3号楼前加装路灯", "跳过（不关联事项）"]
    await harness.press_label(SECRETARY, ask, "#1 3号楼前加装路灯")


async def record_item(
    harness: BotHarness, what: str, amount: str, day: str | None, photos: int
) -> None:
    """➕ 记一笔支出 on the secretary's project screen; ``day`` None: 今天 from the picker."""
    screen = [m for m in harness.api.bot_messages(SECRETARY) if "记一笔支出" in str(m)][-1]
    await harness.press_label(SECRETARY, screen, "记一笔支出")
    await harness.say(SECRETARY, what)
    await harness.say(SECRETARY, amount)
    if day is None:
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "今天")
    else:
        await harness.say(SECRETARY, day)
    for _ in range(photos):
        harness.api.send_photo(SECRETARY, None)
        await harness.settle()
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "完成" if photos else "没有收据")


async def test_a_project_from_budget_to_receipts_and_followers(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)

    # A resident cannot open one.
    await harness.say(ZHANG, "/project")
    assert harness.last(ZHANG)["text"] == "只有书记可以登记经费。"

    # Bad budgets are refused with the reason; the question stays.
    await harness.say(SECRETARY, "/project")
    await harness.say(SECRETARY, "3号楼路灯改造")
    refusals = {
        "abc": "没看懂这个金额。请只写数字，例如 12000、12,000.50 或 1.2万。",
        "-5": "金额要大于 0。",
        "0": "金额要大于 0。",
        "99999999999": "金额太大了，最多 1 亿元。",
        "12.345": "金额最多精确到分（小数点后两位）。",
    }
    for typed, refusal in refusals.items():
        await harness.say(SECRETARY, typed)
        assert harness.last(SECRETARY)["text"].startswith(refusal), typed
    await harness.say(SECRETARY, "/cancel")
    await open_project(harness)
    opened = harness.last(SECRETARY)["text"]
    assert opened.startswith("✅ 经费项目已登记，居民可以在公开栏看到。\n\n💰 3号楼路灯改造")
    assert "预算：12,000 元" in opened and "还没有支出。" in opened

    # 张阿姨 finds it on the board and follows it.
    await harness.say(ZHANG, "/board")
    await harness.press_label(ZHANG, harness.last(ZHANG), "经费公开")
    listing = harness.last(ZHANG)
    assert "· 3号楼路灯改造：已用 0 元，预算 12,000 元，还剩 12,000 元" in listing["text"]
    assert "新建项目" not in str(button_labels(listing))
    await harness.press_label(ZHANG, listing, "💰 3号楼路灯改造")
    await harness.press_label(ZHANG, harness.last(ZHANG), "🔔 关注")
    assert harness.api.callback_answers()[-1]["text"] == ("已关注：这个项目有变化时会私信告诉您。")
    assert "🔕 取消关注" in button_labels(harness.last(ZHANG))

    # The first item, today from the date picker, with a receipt's photo.
    await record_item(harness, "购买路灯 2 盏", "8,000", None, photos=1)
    recorded = harness.last(SECRETARY)["text"]
    assert recorded.startswith("✅ 已记下这笔支出，已公开在公开栏。")
    assert "1. 今天（周四） 购买路灯 2 盏：8,000 元 🧾1" in recorded
    await harness.pushes_sent()
    assert notes(harness, ZHANG) == [
        "🔔 您关注的经费项目“3号楼路灯改造”记了一笔支出：购买路灯 2 盏，8,000 元。\n"
        "现在已用 8,000 元，预算 12,000 元，还剩 4,000 元。"
    ]
    assert button_labels(harness.last(ZHANG)) == ["查看经费明细"]

    # A day after today is refused; yesterday typed as 11-18; over budget is flagged.
    screen = [m for m in harness.api.bot_messages(SECRETARY) if "记一笔支出" in str(m)][-1]
    await harness.press_label(SECRETARY, screen, "记一笔支出")
    await harness.say(SECRETARY, "安装人工费")
    await harness.say(SECRETARY, "5000.50")
    # The picker looks back: today, yesterday, ... and no day after today.
    picker = harness.last(SECRETARY)
    assert button_labels(picker)[:3] == [
        "今天 11月19日（周四） · 议事亭",
        "昨天 11月18日（周三）",
        "本周二 11月17日",
    ]
    assert not [label for label in button_labels(picker) if "明天" in label]
    await harness.say(SECRETARY, "2026-11-20")
    assert harness.last(SECRETARY)["text"] == "支出日期不能晚于今天。"
    await harness.press_label(SECRETARY, picker, "昨天")
    await harness.press_label(SECRETARY, current(harness, SECRETARY, picker), "没有收据")
    over = current(harness, SECRETARY, picker)
    assert "已用：13,000.50 元\n⚠️ 超出预算：1,000.50 元" in over["text"]

    # The lamps (now 2nd, by day) corrected: the change is told and kept in the history.
    await harness.press_label(SECRETARY, over, "更正第2笔")
    await harness.press_label(SECRETARY, current(harness, SECRETARY, over), "改金额")
    assert current(harness, SECRETARY, over)["text"] == (
        "现在的金额是 8,000 元。请发送改正后的金额。"
    )
    await harness.say(SECRETARY, "7500")
    assert harness.last(SECRETARY)["text"].startswith("✅ 已更正，原来的数字留在“📜 变更记录”里。")
    await harness.pushes_sent()
    assert notes(harness, ZHANG)[1:] == [
        "🔔 您关注的经费项目“3号楼路灯改造”记了一笔支出：安装人工费，5,000.50 元。\n"
        "现在已用 13,000.50 元，预算 12,000 元，⚠️ 超出预算 1,000.50 元。",
        "🔔 您关注的经费项目“3号楼路灯改造”更正了一笔支出（购买路灯 2 盏）："
        "金额 8,000 元 改为 7,500 元。\n"
        "现在已用 12,500.50 元，预算 12,000 元，⚠️ 超出预算 500.50 元。",
    ]
    # The secretary who made the changes is not told of them.
    assert notes(harness, SECRETARY) == []

    # 张阿姨 reads the project: items by day, the matter, receipts and history.
    await harness.press_label(ZHANG, harness.last(ZHANG), "查看经费明细")
    project = harness.last(ZHANG)
    assert project["text"] == (
        "💰 3号楼路灯改造\n"
        "经费来源：街道专项经费\n"
        "关联事项：#1 3号楼前加装路灯\n"
        "预算：12,000 元\n"
        "已用：12,500.50 元\n"
        "⚠️ 超出预算：500.50 元\n"
        "\n"
        "支出明细（2 笔）：\n"
        "1. 昨天（周三） 安装人工费：5,000.50 元\n"
        "2. 今天（周四） 购买路灯 2 盏：7,500 元 🧾1"
    )
    assert button_labels(project) == [
        "🧾 第2笔的收据",
        "📜 变更记录",
        "🔕 取消关注",
        "查看事项 #1",
        "◀ 返回经费公开",
    ]
    await harness.press_label(ZHANG, project, "第2笔的收据")
    photo = harness.api.bot_messages(ZHANG)[-1]
    assert photo["caption"] == "🧾 3号楼路灯改造：购买路灯 2 盏，7,500 元（收据 1/1）"
    assert len([m for m in harness.api.bot_messages(ZHANG) if "photo" in m]) == 1
    async with harness.db.read() as session:
        (item,) = [i for i in await session.board.spending.items(1) if i.receipts]
        (file_id,) = await session.board.spending.receipts(item.id)
    assert photo["photo"][-1]["file_id"] == file_id
    await harness.press_label(ZHANG, project, "变更记录")
    assert current(harness, ZHANG, project)["text"] == (
        "📜 “3号楼路灯改造”的变更记录\n"
        "每一次登记、更正和删除都留在这里，大家都能看到。\n\n"
        "今天（周四） 立项，预算 12,000 元\n"
        "今天（周四） 记支出：购买路灯 2 盏，8,000 元\n"
        "今天（周四） 记支出：安装人工费，5,000.50 元\n"
        "今天（周四） 更正“购买路灯 2 盏”：金额 8,000 元 改为 7,500 元"
    )

    # The matter's screen says what its project spent, with a button to it.
    await harness.say(ZHANG, "/matter 1")
    matter = harness.last(ZHANG)
    assert (
        "💰 经费“3号楼路灯改造”：已用 12,500.50 元，预算 12,000 元，⚠️ 超出预算 500.50 元"
        in matter["text"]
    )
    assert "💰 “3号楼路灯改造”的经费明细" in button_labels(matter)

    # The ledger's 经费公开 sheet: a row per item, the project's total.
    await harness.say(SECRETARY, "/ledger")
    (workbook,) = [m for m in harness.api.bot_messages(SECRETARY) if "document" in m][-1][
        "_files"
    ].values()
    sheet = load_workbook(io.BytesIO(workbook))["经费公开"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == (
        "项目",
        "关联事项",
        "日期",
        "支出内容",
        "金额（元）",
        "收据（张）",
        "预算（元）",
    )
    assert [(r[0], r[1], r[3], float(r[4]), r[5], r[6]) for r in rows[1:]] == [
        ("3号楼路灯改造", "#1 3号楼前加装路灯", "安装人工费", 5000.5, 0, None),
        ("3号楼路灯改造", "#1 3号楼前加装路灯", "购买路灯 2 盏", 7500.0, 1, None),
        ("3号楼路灯改造", "#1 3号楼前加装路灯", "合计", 12500.5, 1, 12000),
    ]
    assert [r[2].date().isoformat() for r in rows[1:3]] == ["2026-11-18", "2026-11-19"]

    # Closing: told once; nothing more can be recorded.
    await harness.say(SECRETARY, "/board")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "经费公开")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "💰 3号楼路灯改造")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "结项")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "确定结项")
    assert harness.last(SECRETARY)["text"].startswith("✅ 已结项。\n\n💰 3号楼路灯改造\n✅ 已结项")
    assert "记一笔支出" not in str(button_labels(harness.last(SECRETARY)))
    await harness.pushes_sent()
    assert notes(harness, ZHANG)[-1] == (
        "🔔 您关注的经费项目“3号楼路灯改造”已经结项："
        "已用 12,500.50 元，预算 12,000 元，⚠️ 超出预算 500.50 元。"
    )
    await harness.press(SECRETARY, harness.last(SECRETARY), "osa:1", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "“3号楼路灯改造”已经结项，不能再改了。"

    # The follow is in 张阿姨's /export, and goes with /forget.
    await harness.say(ZHANG, "/export")
    (content,) = harness.last(ZHANG)["_files"].values()
    follows = json.loads(content)["board"]["project_follows"]
    assert [(f["project_id"], f["name"]) for f in follows] == [(1, "3号楼路灯改造")]
    await harness.say(ZHANG, "/forget")
    await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
    async with harness.db.read() as session:
        assert await session.board.project_follows.followers(1) == []


async def test_removing_an_item_is_kept_in_the_history(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)
    await open_project(harness)
    await record_item(harness, "买错的灯泡", "300", None, photos=0)
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "更正第1笔")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "删除这笔")
    assert harness.last(SECRETARY)["text"] == (
        "确定删除“买错的灯泡，300 元”这笔支出吗？删除会留在变更记录里，大家都能看到。"
    )
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "确定删除")
    removed = harness.last(SECRETARY)["text"]
    assert removed.startswith("已删除这笔支出，变更记录里留有记录。")
    assert "已用：0 元" in removed and "还没有支出。" in removed
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "变更记录")
    assert harness.last(SECRETARY)["text"].endswith(
        "今天（周四） 记支出：买错的灯泡，300 元\n今天（周四） 删除支出：买错的灯泡，300 元"
    )


async def test_english(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)
    await open_project(harness)
    await harness.say(TOM, "📌 Public board")
    await harness.press_label(TOM, harness.last(TOM), "Public spending")
    listing = harness.last(TOM)
    assert "· 3号楼路灯改造: spent ¥0 of ¥12,000, ¥12,000 left" in listing["text"]
    await harness.press_label(TOM, listing, "💰 3号楼路灯改造")
    await harness.press_label(TOM, harness.last(TOM), "🔔 Follow")
    await record_item(harness, "购买路灯 2 盏", "12,500", None, photos=1)
    await harness.pushes_sent()
    assert notes(harness, TOM) == [
        "🔔 The project you follow, “3号楼路灯改造”, recorded spending: 购买路灯 2 盏, ¥12,500.\n"
        "Now spent ¥12,500 of ¥12,000, ⚠️ over budget by ¥500."
    ]
    await harness.press_label(TOM, harness.last(TOM), "See the spending")
    assert harness.last(TOM)["text"] == (
        "💰 3号楼路灯改造\n"
        "Funded by: 街道专项经费\n"
        "Matter: #1 3号楼前加装路灯\n"
        "Budget: ¥12,000\n"
        "Spent: ¥12,500\n"
        "⚠️ Over budget by ¥500\n"
        "\n"
        "Items (1):\n"
        "1. today (Thu) 购买路灯 2 盏: ¥12,500 🧾1"
    )


async def test_the_monthly_digest_tells_of_the_spending(tmp_path: Path, api: FakeBotApi) -> None:
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
        await passed_matter(harness)
        await open_project(harness)
        await record_item(harness, "购买路灯 2 盏", "8000", None, photos=0)
        await record_item(harness, "安装人工费", "1500.5", "11-18", photos=0)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "更正第1笔")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "改内容")
        await harness.say(SECRETARY, "安装人工费（两天）")

        await fire_on(harness, clock, date(2026, 12, 1), "09:00")
        assert digests(harness) == [
            "📌 幸福社区公开栏 · 2026年11月的变化\n"
            "📜 新的决议：#1 3号楼前加装路灯\n"
            "💰 新的经费项目：3号楼路灯改造（预算 12,000 元）\n"
            "🧾 新记的支出：3号楼路灯改造 2 笔，共 9,500.50 元\n"
            "✏️ 更正或删除的支出：3号楼路灯改造 1 笔\n"
            "想看详情，请私聊我，点“📌 公开栏”。"
        ]
    finally:
        await harness.running.stop()


async def test_a_long_project_still_fits_one_message(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)
    await open_project(harness)
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        spending = session.board.spending
        for number in range(1, 46):
            what = f"第{number}批材料" + "（钢管、螺丝、电线、灯泡、油漆）" * 3
            item_id = await spending.add_item(1, what[:60], 12_345_678, now.date(), None, now)
            await spending.add_receipt(item_id, f"receipt-{number}")
            await spending.record(1, "item_added", item_id=item_id, actor_id=None, now=now)
    await harness.say(ZHANG, "/board")
    await harness.press_label(ZHANG, harness.last(ZHANG), "经费公开")
    await harness.press_label(ZHANG, harness.last(ZHANG), "💰 3号楼路灯改造")
    screen = harness.last(ZHANG)
    assert len(screen["text"]) <= 4096
    assert (
        "支出明细（45 笔）：\n（这里只列出最近的 30 笔，全部明细在台账里。）\n16. "
        in screen["text"]
    )
    assert "45. " in screen["text"] and "\n15. " not in screen["text"]
    receipts = [label for label in button_labels(screen) if "收据" in label]
    assert (receipts[0], receipts[-1], len(receipts)) == ("🧾 第16笔的收据", "🧾 第45笔的收据", 30)
    await harness.press_label(ZHANG, screen, "变更记录")
    history = current(harness, ZHANG, screen)["text"]
    assert len(history) <= 4096 and "（这里只列出最近的 40 条。）" in history


async def test_a_secretary_opens_a_project_from_the_board(harness: BotHarness) -> None:
    await community(harness)
    await harness.say(SECRETARY, "/board")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "经费公开")
    listing = harness.last(SECRETARY)
    assert listing["text"] == ("💰 经费公开\n还没有经费项目。点“➕ 新建项目”登记第一个。")
    await harness.press_label(SECRETARY, listing, "新建项目")
    assert harness.last(SECRETARY)["text"].startswith("请发送项目名称")
    await harness.say(SECRETARY, "楼道粉刷")
    await harness.say(SECRETARY, "3000")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    # No matter raised yet: only 跳过.
    assert button_labels(harness.last(SECRETARY)) == ["跳过（不关联事项）"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    opened = harness.last(SECRETARY)["text"]
    assert opened == (
        "✅ 经费项目已登记，居民可以在公开栏看到。\n\n"
        "💰 楼道粉刷\n预算：3,000 元\n已用：0 元\n还剩：3,000 元\n\n还没有支出。"
    )
