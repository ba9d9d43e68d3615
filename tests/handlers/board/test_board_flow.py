"""The public board (公开栏, #14 §6) through the real bot: its sections, the how-to pages
a secretary writes, the resolutions, and following a matter."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin import FakeBotApi
from handlers.community.callbacks import RegisterGrid
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

ZHANG, TOM, LI, CHEN = 2001, 2002, 2003, 2004
BOARD_KEY = "📌 公开栏"


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    """The bot with two grids, its clock at 2026-11-19 19:00 in Shanghai."""
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={
            "grids": [
                {"id": "g1", "name": "第一网格", "name_en": "Grid 1"},
                {"id": "g2", "name": "第二网格", "name_en": "Grid 2"},
            ]
        },
    )
    running = await start_harness(settings, api, FakeClock())
    try:
        yield running
    finally:
        await running.running.stop()


async def person_id(harness: BotHarness, tg_user_id: int) -> int:
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(tg_user_id)
    assert person is not None
    return person.id


async def community(harness: BotHarness) -> None:
    """王书记; 张阿姨, Tom, 李大爷 (grid worker of 第一网格), 陈师傅 (supervision group)."""
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans", username="chen_sf")
    await harness.register(SECRETARY, "王书记")
    await harness.press(SECRETARY, harness.last(SECRETARY), RegisterGrid("-").encode())
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((ZHANG, "张阿姨"), (TOM, "Tom"), (LI, "李大爷"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
        # With grids configured, the form asks for one: 李大爷 lives in 第一网格.
        grid = "g1" if user_id == LI else "-"
        await harness.press(user_id, harness.last(user_id), RegisterGrid(grid).encode())
    now = harness.running.services.clock()
    li, chen = await person_id(harness, LI), await person_id(harness, CHEN)
    async with harness.db.transaction() as session:
        await session.people.grant(li, "grid_worker", None, now)
        await session.people.grant(chen, "supervisor", None, now)


async def passed_matter(harness: BotHarness) -> int:
    """Matter #1, raised by 张阿姨, passed with its resolution written."""
    now = harness.running.services.clock()
    raiser = await person_id(harness, ZHANG)
    async with harness.db.transaction() as session:
        matter_id = await session.matters.create(
            title="3号楼前加装路灯",
            details="晚上太黑",
            raised_by=raiser,
            support_until=now,
            now=now,
        )
        await session.matters.set_stage(matter_id, "passed", now)
        await session.matters.set_resolution(matter_id, "在3号楼前装两盏路灯，月底前完成。", now)
    return matter_id


async def test_a_resident_reads_each_section(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)

    # The big button is on a resident's keyboard; it opens the board.
    (keyboard, *_) = [
        m["_reply_markup"]["keyboard"]
        for m in reversed(harness.api.bot_messages(ZHANG))
        if "keyboard" in (m.get("_reply_markup") or {})
    ]
    assert [key["text"] for key in keyboard[1]] == ["🗂 我的参与", BOARD_KEY, "❓ 帮助"]
    await harness.say(ZHANG, BOARD_KEY)
    home = harness.last(ZHANG)
    assert home["text"].startswith("📌 幸福社区公开栏")
    assert button_labels(home) == [
        "👥 社区组织",
        "📋 办事流程",
        "📜 决议公开",
        "🤝 党员承诺",
        "💰 经费公开",
    ]

    # 社区组织: names only, no usernames nor phone numbers.
    await harness.press_label(ZHANG, home, "社区组织")
    committee = harness.last(ZHANG)["text"]
    assert committee == (
        "👥 社区组织\n"
        "书记：王书记\n"
        "网格员：\n"
        "· 第一网格：李大爷\n"
        "· 第二网格：（暂无）\n"
        "居民监督小组：陈师傅"
    )
    assert "chen_sf" not in committee and "@" not in committee

    # 办事流程: none yet.
    await harness.press_label(ZHANG, harness.last(ZHANG), "返回公开栏")
    await harness.press_label(ZHANG, harness.last(ZHANG), "办事流程")
    assert harness.last(ZHANG)["text"] == ("📋 办事流程\n还没有办事流程。书记写好后会在这里公开。")
    assert button_labels(harness.last(ZHANG)) == ["◀ 返回公开栏"]

    # 决议公开: the resolution with its progress.
    await harness.press_label(ZHANG, harness.last(ZHANG), "返回公开栏")
    await harness.press_label(ZHANG, harness.last(ZHANG), "决议公开")
    assert harness.last(ZHANG)["text"] == (
        "📜 决议公开（第 1/1 页）\n\n"
        "#1 3号楼前加装路灯\n"
        "决议：在3号楼前装两盏路灯，月底前完成。\n"
        "进度：0%　状态：已通过"
    )


async def test_a_secretary_writes_edits_and_removes_a_page(harness: BotHarness) -> None:
    await community(harness)

    # Not a secretary: a short refusal, and no button to write one.
    await harness.say(ZHANG, "/boardpage")
    assert harness.last(ZHANG)["text"] == "只有书记可以编写办事流程。"
    await harness.say(ZHANG, "/board")
    await harness.press_label(ZHANG, harness.last(ZHANG), "办事流程")
    assert "➕ 新建一页" not in button_labels(harness.last(ZHANG))

    await harness.say(SECRETARY, "/boardpage")
    assert "点“➕ 新建一页”写第一页" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "新建一页")
    assert harness.last(SECRETARY)["text"].startswith("请发送这一页的标题（最多 40 个字）")
    await harness.say(SECRETARY, "很长" * 30)
    assert harness.last(SECRETARY)["text"].startswith("标题太长了，最多 40 个字。")
    await harness.say(SECRETARY, "怎样开居住证明")
    assert harness.last(SECRETARY)["text"].startswith("请发送正文（最多 2000 个字）")
    await harness.say(SECRETARY, "带身份证和户口本，工作日到社区服务站一楼窗口办理。")
    assert harness.last(SECRETARY)["text"] == (
        "✅ 已公开在公开栏的“办事流程”里：\n\n"
        "怎样开居住证明\n\n带身份证和户口本，工作日到社区服务站一楼窗口办理。"
    )

    # The resident sees its title as a button, then the page; no edit buttons for her.
    await harness.say(ZHANG, "/board")
    await harness.press_label(ZHANG, harness.last(ZHANG), "办事流程")
    assert button_labels(harness.last(ZHANG)) == ["怎样开居住证明", "◀ 返回公开栏"]
    await harness.press_label(ZHANG, harness.last(ZHANG), "怎样开居住证明")
    assert "工作日到社区服务站一楼窗口办理" in harness.last(ZHANG)["text"]
    assert button_labels(harness.last(ZHANG)) == ["◀ 返回办事流程"]

    # The secretary edits it: the current title and text are shown.
    await harness.say(SECRETARY, "/boardpage")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "怎样开居住证明")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "修改")
    assert "现在的标题是“怎样开居住证明”" in harness.last(SECRETARY)["text"]
    await harness.say(SECRETARY, "怎样开居住证明（新）")
    assert "带身份证和户口本" in harness.last(SECRETARY)["text"]
    await harness.say(SECRETARY, "带身份证，周一到周五上午到一楼窗口。")
    await harness.say(ZHANG, "/board")
    await harness.press_label(ZHANG, harness.last(ZHANG), "办事流程")
    await harness.press_label(ZHANG, harness.last(ZHANG), "怎样开居住证明（新）")
    assert harness.last(ZHANG)["text"] == (
        "怎样开居住证明（新）\n\n带身份证，周一到周五上午到一楼窗口。"
    )
    page = harness.last(ZHANG)

    # A forged edit press from the resident is refused.
    await harness.press(ZHANG, page, "obw:1", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "只有书记可以编写办事流程。"

    # Removed (after asking): the resident's list is empty again.
    await harness.say(SECRETARY, "/boardpage")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "怎样开居住证明（新）")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "删除")
    assert harness.last(SECRETARY)["text"] == (
        "确定删除“怎样开居住证明（新）”吗？删除后居民就看不到了。"
    )
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "确定删除")
    assert harness.last(SECRETARY)["text"].startswith("已删除“怎样开居住证明（新）”。")
    await harness.press_label(ZHANG, page, "返回办事流程")
    assert "还没有办事流程" in harness.last(ZHANG)["text"]


async def test_followers_are_told_of_each_change(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)

    # 张阿姨 follows #1 from its screen; the button turns into 取消关注.
    await harness.say(ZHANG, "/matter 1")
    await harness.press_label(ZHANG, harness.last(ZHANG), "🔔 关注")
    assert harness.api.callback_answers()[-1]["text"] == "已关注：这件事有变化时会私信告诉您。"
    assert "🔕 取消关注" in button_labels(harness.last(ZHANG))
    # Tom (English) follows, then stops; 陈师傅 never does.
    await harness.say(TOM, "/matter 1")
    await harness.press_label(TOM, harness.last(TOM), "🔔 Follow")
    await harness.press_label(TOM, harness.last(TOM), "🔕 Unfollow")
    assert "🔔 Follow" in button_labels(harness.last(TOM))
    tom_before = len(harness.api.bot_messages(TOM))

    # Assigned to 李大爷; he reports 50%, then 100%; the secretary accepts.
    await harness.say(SECRETARY, "/assign 1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
    await harness.say(LI, "/progress 1")
    await harness.press_label(LI, harness.last(LI), "50%")
    await harness.say(LI, "灯杆已经到货")
    await harness.say(LI, "/progress 1")
    await harness.say(LI, "100")
    await harness.say(LI, "路灯已装好")
    await harness.pushes_sent()
    review = [m for m in harness.api.bot_messages(SECRETARY) if "请您验收" in (m.get("text") or "")]
    await harness.press_label(SECRETARY, review[-1], "验收通过")
    await harness.pushes_sent()

    told = [t for t in harness.texts(ZHANG) if t.startswith("🔔")]
    assert told == [
        "🔔 您关注的事项 #1“3号楼前加装路灯”定了承办人，开始办理。",
        "🔔 您关注的事项 #1“3号楼前加装路灯”有新进展：已完成 50%。",
        "🔔 您关注的事项 #1“3号楼前加装路灯”已经办完，等待验收。",
        "🔔 您关注的事项 #1“3号楼前加装路灯”验收通过，已经办结。",
    ]
    last_note = [
        m for m in harness.api.bot_messages(ZHANG) if (m.get("text") or "").startswith("🔔")
    ]
    assert button_labels(last_note[-1]) == ["查看这件事"]
    # The unfollower and the never-follower were told nothing of it.
    assert not [t for t in harness.texts(TOM)[tom_before:] if "follow" in t.lower()]
    assert not [t for t in harness.texts(CHEN) if t.startswith("🔔")]

    # The follow is in 张阿姨's /export, and goes with /forget.
    await harness.say(ZHANG, "/export")
    (content,) = harness.last(ZHANG)["_files"].values()
    follows = json.loads(content)["board"]["follows"]
    assert [(f["matter_id"], f["title"]) for f in follows] == [(1, "3号楼前加装路灯")]
    await harness.say(ZHANG, "/forget")
    await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
    async with harness.db.read() as session:
        assert await session.board.follows.followers(1) == []


async def test_english(harness: BotHarness) -> None:
    await community(harness)
    await passed_matter(harness)
    await harness.say(TOM, "📌 Public board")
    home = harness.last(TOM)
    assert home["text"].startswith("📌 幸福社区 public board")
    await harness.press_label(TOM, home, "Who does what")
    assert harness.last(TOM)["text"] == (
        "👥 Who does what\n"
        "Secretaries: 王书记\n"
        "Grid workers:\n"
        "· Grid 1: 李大爷\n"
        "· Grid 2: (none yet)\n"
        "Residents' supervision group: 陈师傅"
    )
    await harness.say(TOM, "/matter 1")
    await harness.press_label(TOM, harness.last(TOM), "🔔 Follow")
    await harness.say(SECRETARY, "/assign 1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
    await harness.say(LI, "/progress 1")
    await harness.press_label(LI, harness.last(LI), "50%")
    await harness.say(LI, "灯杆已经到货")
    await harness.pushes_sent()
    assert [t for t in harness.texts(TOM) if t.startswith("🔔")] == [
        "🔔 The matter you follow, #1 “3号楼前加装路灯”, has someone to carry it out; work starts.",
        "🔔 The matter you follow, #1 “3号楼前加装路灯”, has moved on: 50% done.",
    ]
