"""Paper ballots at the pavilion through the real bot (issue 15): the secretary's
attendance list is the guard, paper counts are limited by it, shown apart from the
online ballots on the card, in the result, the minutes and the ledger, and counted in
the decision."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.deliberation.test_votes_flow import (
    add_paper_resident,
    answer,
    open_vote,
    vote_cards,
)


def wall(text: str) -> datetime:
    """A wall-clock time as a workbook holds it (local, without a zone)."""
    return datetime.fromisoformat(text)


async def community(harness: BotHarness) -> None:
    """A secretary, the residents' group, four residents in two buildings, one matter."""
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    harness.api.add_user(2005, "大妈", last_name="孙", language_code="zh-hans")
    for user_id, name, building in (
        (2001, "张阿姨", "3栋"),
        (2002, "Tom", "3栋"),
        (2003, "李大爷", "5栋"),
        (2005, "孙大妈", "5栋"),
    ):
        await harness.register(user_id, name, building)
    await harness.say(2001, "提议 小区门口加装路灯")
    await harness.say(2001, "晚上太黑。")
    await harness.press_label(2001, harness.last(2001), "提交")
    await harness.pushes_sent()


async def open_sitting(harness: BotHarness, clock: FakeClock) -> None:
    """The Thursday pavilion has begun (as its opening schedule records it), matter #1
    on its agenda."""
    async with harness.db.transaction(completes_update=False) as session:
        sitting = await session.sittings.ensure("session", clock.now)
        await session.sittings.mark_opened(sitting.id, clock.now)
        await session.matters.put_on_agenda(1, "session", clock.now, clock.now)


async def press(harness: BotHarness, label: str) -> dict[str, Any]:
    """The secretary presses ``label`` on the last screen; the screen it shows next."""
    await harness.press_label(SECRETARY, harness.last(SECRETARY), label)
    return harness.last(SECRETARY)


async def test_paper_ballots_guarded_by_the_attendance_list(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 5}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Only secretaries keep the list; without a sitting there is nothing to keep.
        await harness.say(2001, "/attendance")
        assert "只有书记" in harness.last(2001)["text"]
        await harness.say(SECRETARY, "/attendance")
        assert harness.last(SECRETARY)["text"].startswith("还没有可以登记出席的会议")

        card = await open_vote(harness, 1)
        await harness.press_label(2001, card, "赞成")  # 张阿姨 votes on Telegram
        await open_sitting(harness, clock)

        await harness.say(SECRETARY, "/attendance")
        screen = harness.last(SECRETARY)
        assert screen["text"].startswith("📋 出席登记：周四议事亭 11月19日（周四）晚上7点")
        assert "到场：登记在册 0 人 · 未登记 0 人 · 合计 0 人" in screen["text"]
        assert button_labels(screen)[:2] == ["3栋（到场 0/2）", "5栋（到场 0/2）"]
        # Nor do residents enter paper counts.
        await harness.say(2001, "/paperballots 1")
        assert "只有书记" in harness.last(2001)["text"]

        # Three registered residents present, two attendees not in the register.
        await press(harness, "3栋")
        await press(harness, "⬜ 张阿姨")
        screen = await press(harness, "⬜ Tom")
        assert button_labels(screen)[:2] == ["✅ Tom", "✅ 张阿姨"]
        await press(harness, "楼栋列表")
        await press(harness, "5栋")
        await press(harness, "⬜ 李大爷")
        await press(harness, "楼栋列表")
        await press(harness, "未登记 +1")
        await press(harness, "未登记 +1")
        await press(harness, "未登记 +1")
        screen = await press(harness, "未登记 −1")
        assert "到场：登记在册 3 人 · 未登记 2 人 · 合计 5 人" in screen["text"]
        assert button_labels(screen)[:2] == ["3栋（到场 2/2）", "5栋（到场 1/2）"]

        # Two of them hand in a paper ballot; one who voted by Telegram cannot.
        screen = await press(harness, "纸质票 #1")
        assert "纸质票登记：表决 #1 小区门口加装路灯" in screen["text"]
        await press(harness, "3栋")
        await press(harness, "✅ Tom")
        screen = await press(harness, "✅ 张阿姨")
        assert (
            answer(harness)
            == "张阿姨 已经在 Telegram 上投过票（或已由网格员代投），不能再投纸质票。"
        )
        assert button_labels(screen)[:2] == ["🗳 Tom · 已投纸质票", "✅ 张阿姨"]
        await press(harness, "楼栋列表")
        await press(harness, "5栋")
        await press(harness, "✅ 李大爷")
        screen = await press(harness, "楼栋列表")
        assert "已投纸质票的登记居民 2 人 + 未登记到场 2 人，最多 4 张纸质票" in screen["text"]

        # Their Telegram ballots are refused (anonymity: what they chose is never stored).
        await harness.press_label(2003, card, "反对")
        assert answer(harness) == "您已在议事亭投了纸质票，不能再在这里投票。"
        await harness.press_label(2002, card, "赞成")
        assert answer(harness) == (
            "You voted with a paper ballot at the pavilion, so you cannot vote here as well."
        )
        # ...and /mine no longer asks them to vote; it still asks 孙大妈, who has not.
        await harness.say(2003, "/mine")
        assert "小区门口加装路灯" not in harness.last(2003)["text"]
        await harness.say(2005, "/mine")
        assert "小区门口加装路灯" in harness.last(2005)["text"]

        # The count: over the limit is refused with the numbers, at the limit accepted.
        screen = await press(harness, "录入纸质票数")
        assert "（第 1/3 项）" in screen["text"] and "请发送“赞成”的票数" in screen["text"]
        for number in ("3", "2", "0"):
            await harness.say(SECRETARY, number)
        refused = harness.last(SECRETARY)["text"]
        assert refused.startswith(
            "⚠️ 纸质票合计 5 张，超过了最多可投的 4 张"
            "（已投纸质票的登记居民 2 人 + 未登记到场 2 人）。"
        )
        assert "（第 1/3 项）" in refused
        for number in ("3", "1", "0"):
            await harness.say(SECRETARY, number)
        assert harness.last(SECRETARY)["text"].startswith("谁计的票（计票人）？")
        screen = await press(harness, "我计票")
        assert button_labels(screen) == ["Tom", "张阿姨", "李大爷"]
        screen = await press(harness, "Tom")
        assert "赞成 3 张\n反对 1 张\n弃权 0 张\n合计 4 张（最多 4 张）" in screen["text"]
        assert "监票人：Tom" in screen["text"] and "已经录过" not in screen["text"]
        await press(harness, "确认记入")
        assert harness.last(SECRETARY)["text"].startswith("✅ 已记入纸质票：表决 #1")

        # The card shows online and paper apart.
        await api.wait_for(
            lambda: "线上 1 · 纸质 4 · 合计 5" in vote_cards(harness)[-1]["text"], timeout=60
        )
        shown = vote_cards(harness)[-1]["text"]
        assert "赞成：4（线上 1 · 纸质 3）\n反对：1（线上 0 · 纸质 1）" in shown
        assert "已投 5 / 应投 5（100%） · 法定人数 5 ·" in shown

        # A later count replaces it, says so first, and the audit log keeps the first.
        await harness.say(SECRETARY, "/paperballots 1")
        for number in ("2", "2", "0"):
            await harness.say(SECRETARY, number)
        await harness.say(SECRETARY, "刘阿姨")
        await harness.say(SECRETARY, "刘阿姨")
        assert harness.last(SECRETARY)["text"] == "监票人不能和计票人是同一个人。"
        await harness.say(SECRETARY, "陈师傅")
        confirm = harness.last(SECRETARY)["text"]
        assert "计票人：刘阿姨\n监票人：陈师傅" in confirm
        assert (
            "⚠️ 这次表决已经录过纸质票：赞成 3 张、反对 1 张、弃权 0 张，"
            "11月19日（周四）晚上7点录入。" in confirm
        )
        assert "原来的数字留在审计记录里" in confirm
        await press(harness, "确认记入")
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT detail FROM audit_log WHERE action = 'vote.paper_count_replaced'"
            ) as cur,
        ):
            (detail,) = [row[0] for row in await cur.fetchall()]
        assert detail.startswith("1:[2, 2, 0] replaces [3, 1, 0]")

        # The decision counts both: without paper 1 voter of a quorum of 5.
        await harness.say(SECRETARY, "/closevote 1")
        assert harness.last(SECRETARY)["text"] == "表决 #1 已结束：通过。"
        await harness.pushes_sent()
        result = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("📊")][-1]
        assert "1. 赞成：3（线上 1 · 纸质 2）\n2. 反对：2（线上 0 · 纸质 2）" in result
        assert (
            "已投 5 / 应投 5（100%） · 法定人数 5 · 过半数通过\n线上 1 · 纸质 4 · 合计 5" in result
        )
        async with harness.db.read() as session:
            vote = await session.votes.get(1)
        assert vote is not None and vote.tally is not None
        assert (vote.result, vote.voters, vote.tally["counts"]) == ("passed", 5, [3, 2, 0])
        assert vote.tally["paper"] == [2, 2, 0] and vote.tally["paper_voters"] == 4
        # A paper voter's record counts the vote (the list of paper voters says that
        # they voted, never what) and the sitting they attended.
        await harness.say(2003, "/myrecord")
        record = harness.last(2003)["text"]
        assert "投票 1 次" in record and "参加议事会 1 次" in record, record

        # The minutes carry the attendance and the paper count, its counter and witness.
        await harness.say(2001, "/minutes")
        minutes = next(t for t in reversed(harness.texts(2001)) if t.startswith("📝"))
        assert "出席：共 5 人（登记在册 3 人，未登记 2 人）\n　Tom、张阿姨、李大爷（登记人：" in (
            minutes
        )
        assert (
            "　　线上 1 · 纸质 4 · 合计 5；纸质票：赞成 2、反对 2、弃权 0；"
            "计票人 刘阿姨，监票人 陈师傅" in minutes
        )

        # So does the ledger.
        await harness.say(SECRETARY, "/ledger")
        (workbook,) = harness.last(SECRETARY)["_files"].values()
        book = load_workbook(io.BytesIO(workbook))
        paper = [row for row in book["纸质票"].iter_rows(values_only=True)]
        # Below the title row (community, period, made by, made at): one column per option.
        assert paper[0][:2] == ("幸福社区", "统计期间：2026年11月")
        assert paper[1][:9] == (
            "表决编号",
            "事项编号",
            "标题",
            "赞成",
            "反对",
            "弃权",
            "纸质票张数",
            "计票人",
            "监票人",
        )
        assert paper[2][:9] == (1, 1, "小区门口加装路灯", 2, 2, 0, 4, "刘阿姨", "陈师傅")
        present = [row for row in book["出席"].iter_rows(values_only=True)]
        assert present[2][:6] == (
            wall("2026-11-19 19:00"),
            "周四议事亭",
            3,
            "Tom、张阿姨、李大爷",
            2,
            5,
        )
    finally:
        await harness.running.stop()


async def test_paper_residents_multiple_choice_and_the_guards(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await add_paper_resident(harness, SECRETARY, "赵奶奶", "5栋")
        await harness.say(SECRETARY, "/vote 1")
        for _ in ("single", "multiple"):  # the kind moves on; each asks for the options
            await press(harness, "类型")
            await harness.say(SECRETARY, "修路灯\n装监控\n种树")
        assert "类型：多选" in harness.last(SECRETARY)["text"]
        await press(harness, "开始表决")
        await harness.pushes_sent()
        await open_sitting(harness, clock)

        await harness.say(SECRETARY, "/attendance")
        assert button_labels(harness.last(SECRETARY))[:2] == ["3栋（到场 0/2）", "5栋（到场 0/3）"]
        # The number not in the register, typed.
        await press(harness, "输入未登记人数")
        assert harness.last(SECRETARY)["text"] == "现在未登记到场 0 人。请发送人数，例如“2”。"
        await harness.say(SECRETARY, "很多")
        assert harness.last(SECRETARY)["text"].startswith("没看懂人数。")
        await harness.say(SECRETARY, "1")
        assert "登记在册 0 人 · 未登记 1 人 · 合计 1 人" in harness.last(SECRETARY)["text"]

        # A resident entered on paper hands in a paper ballot: marked present as well.
        await press(harness, "纸质票 #1")
        await press(harness, "5栋")
        screen = await press(harness, "⬜ 赵奶奶")
        assert "🗳 赵奶奶 · 已投纸质票" in button_labels(screen)
        await press(harness, "楼栋列表")
        await press(harness, "返回出席登记")
        await press(harness, "5栋")
        await press(harness, "✅ 赵奶奶")
        assert answer(harness) == "赵奶奶 已投纸质票，要先在纸质票登记里取消，才能取消到场。"
        await press(harness, "⬜ 孙大妈")
        # Nobody records a proxy ballot for her now.
        await harness.say(SECRETARY, "/proxyvote 1")
        await press(harness, "赵奶奶 · 5栋")
        assert answer(harness) == "赵奶奶 已在议事亭投了纸质票，不能再代投。"

        # Multiple choice: the number of ballots first, each option at most that many.
        await harness.say(SECRETARY, "/paperballots 1")
        assert "请发送收到的纸质票张数" in harness.last(SECRETARY)["text"]
        await harness.say(SECRETARY, "3")
        assert harness.last(SECRETARY)["text"].startswith(
            "⚠️ 纸质票合计 3 张，超过了最多可投的 2 张"
            "（已投纸质票的登记居民 1 人 + 未登记到场 1 人）。"
        )
        await harness.say(SECRETARY, "2")
        assert "请发送“修路灯”的票数" in harness.last(SECRETARY)["text"]
        await harness.say(SECRETARY, "3")
        assert harness.last(SECRETARY)["text"] == "一个选项的票数（3）不能多于纸质票的张数（2）。"
        for number in ("2", "1", "0"):
            await harness.say(SECRETARY, number)
        await harness.say(SECRETARY, "刘阿姨")
        # No registered attendee to press (孙大妈 is one): typed names do.
        assert button_labels(harness.last(SECRETARY)) == ["孙大妈"]
        await harness.say(SECRETARY, "陈师傅")
        confirm = harness.last(SECRETARY)["text"]
        assert "修路灯 2 张\n装监控 1 张\n种树 0 张\n合计 2 张（最多 2 张）" in confirm
        await press(harness, "取消")
        assert harness.last(SECRETARY)["text"] == "已取消，没有记入纸质票。"
        async with harness.db.read() as session:
            assert await session.attendance.paper_count(1) is None

        # The attendance is part of what a resident's export holds.
        await harness.say(2005, "/export")
        (content,) = harness.last(2005)["_files"].values()
        attended = json.loads(content)["deliberation"]["sittings_attended"]
        assert [row["forum"] for row in attended] == ["session"]
        # ...and their participation record counts the sitting.
        await harness.say(2005, "/myrecord")
        record = harness.last(2005)["text"]
        assert "投票 0 次" in record and "参加议事会 1 次" in record, record
    finally:
        await harness.running.stop()
