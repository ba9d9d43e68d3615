"""A vote's electorate through the real bot (issue 15): a vote of some buildings, of a
grid, or one vote per household; the card says who may vote, others are refused with
the reason, reminders reach only the electorate's non-voters, and the quorum and the
turnout count the electorate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.standin import FakeBotApi
from handlers.community import callbacks as community_cb
from handlers.deliberation import callbacks as deliberation_cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.deliberation.test_paper_ballots_flow import open_sitting
from tests.handlers.deliberation.test_proxy_votes_flow import paper_ids
from tests.handlers.deliberation.test_vote_reminders_flow import (
    fire,
    reminder_schedules,
    reminders,
    vote_of,
)
from tests.handlers.deliberation.test_votes_flow import (
    add_paper_resident,
    answer,
    ballots,
    close_by_schedule,
    vote_cards,
)

# 张阿姨, Tom (English) and 王大妈 live in 3号楼, 李大爷 in 5号楼.
ZHANG, TOM, LI, WANG = 2001, 2002, 2003, 2005
GRIDS = [{"id": "g1", "name": "一网格"}, {"id": "g2", "name": "二网格"}]


async def community(harness: BotHarness, grids: dict[int, str] | None = None) -> None:
    """A secretary (no building), four residents in two buildings, one matter."""
    harness.api.add_user(WANG, "大妈", last_name="王", language_code="zh-hans")
    people = ((ZHANG, "张阿姨", "3号楼"), (TOM, "Tom", "3号楼"), (LI, "李大爷", "5号楼"))
    await harness.register(SECRETARY)
    if grids is not None:
        await _grid(harness, SECRETARY, "g1")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name, building in (*people, (WANG, "王大妈", "3号楼 ")):
        await harness.register(user_id, name, building)
        if grids is not None:
            await _grid(harness, user_id, grids[user_id])
    await harness.say(ZHANG, "提议 3号楼电梯加装扶手")
    await harness.say(ZHANG, "老人上下楼不方便。")
    await harness.press_label(ZHANG, harness.last(ZHANG), "提交")
    await harness.pushes_sent()


async def _grid(harness: BotHarness, user_id: int, grid: str) -> None:
    data = community_cb.RegisterGrid(grid).encode()
    await harness.press(user_id, harness.last(user_id), data)


async def press(harness: BotHarness, *labels: str) -> dict[str, Any]:
    """The secretary presses the named buttons, each on the screen the last one left."""
    for label in labels:
        await harness.press_label(SECRETARY, harness.last(SECRETARY), label)
    return harness.last(SECRETARY)


async def open_with(harness: BotHarness, *labels: str, number: int = 1) -> dict[str, Any]:
    """/vote N, the named presses, open: the card in the group."""
    await harness.say(SECRETARY, f"/vote {number}")
    await press(harness, *labels, "开始表决")
    assert "表决已开始" in harness.last(SECRETARY)["text"]
    await harness.pushes_sent()
    return vote_cards(harness)[-1]


async def person(harness: BotHarness, user_id: int) -> Any:
    async with harness.db.read() as session:
        return await session.people.by_telegram_id(user_id)


async def card_shows(harness: BotHarness, api: FakeBotApi, text: str) -> dict[str, Any]:
    """The card once its refresh (within a few seconds) shows ``text``."""
    await api.wait_for(lambda: text in vote_cards(harness)[-1]["text"], timeout=60)
    return vote_cards(harness)[-1]


async def test_a_vote_of_one_building_from_setup_to_result(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"vote_reminder_hours": [2]}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/vote 1")
        screen = harness.last(SECRETARY)
        assert "投票范围：全体居民（可投票 5 人）" in screen["text"]
        assert "投票范围" in button_labels(screen)

        # Who may vote: four kinds, the current one ticked; then the register's buildings.
        chooser = await press(harness, "投票范围")
        assert chooser["text"].startswith("谁可以投票？")
        assert button_labels(chooser) == ["✅ 全体居民", "按楼栋", "按网格", "一户一票", "⬅ 返回"]
        buildings = await press(harness, "按楼栋")
        assert button_labels(buildings) == ["▫️ 3号楼", "▫️ 5号楼", "✅ 完成"]
        await press(harness, "完成")
        assert answer(harness) == "请至少选择一栋楼。"
        ticked = await press(harness, "3号楼")
        assert button_labels(ticked) == ["✅ 3号楼", "▫️ 5号楼", "✅ 完成"]
        assert "已选：3号楼（可投票 3 人）" in ticked["text"]
        settings_screen = await press(harness, "完成")
        assert "投票范围：3号楼（可投票 3 人）" in settings_screen["text"]
        # The default quorum (10) is more than may vote: all three must.
        assert "法定人数：10 人（可投票的只有 3，要全部投票才够）" in settings_screen["text"]

        # Closing in 24 hours: one reminder 2 h before.
        await press(harness, "截止时间", "开始表决")
        await harness.pushes_sent()
        card = vote_cards(harness)[-1]
        assert "投票范围：3号楼\n" in card["text"]
        assert "已投 0 / 应投 3（0%） · 法定人数 3 ·" in card["text"]
        vote = await vote_of(harness, 1)
        assert (vote.electorate, vote.electorate_buildings) == ("buildings", ("3号楼",))

        # 李大爷 lives in 5号楼: refused with the reason, nothing recorded.
        await harness.press_label(LI, card, "赞成")
        assert answer(harness) == "本次表决只限 3号楼 的居民投票，您不在其中。"
        assert api.callback_answers()[-1].get("show_alert") is True
        # The secretary, with no building in the register, is outside too.
        await harness.press_label(SECRETARY, card, "赞成")
        assert "只限 3号楼" in answer(harness)
        assert await ballots(harness, vote.id) == []

        await harness.press_label(ZHANG, card, "赞成")
        assert answer(harness).startswith("已投：赞成")
        card = await card_shows(harness, api, "已投 1 / 应投 3（33%）")
        # What awaits whom (for /mine): Tom has a vote to cast; 张阿姨 and 李大爷 none.
        electorate = harness.running.services.votes.electorate
        assert [[v.id for v in await electorate.awaiting(await person(harness, uid))]
                for uid in (ZHANG, TOM, LI)] == [[], [vote.id], []]  # fmt: skip

        # The reminder: only 3号楼's non-voters, once each.
        (reminder,) = await reminder_schedules(harness, vote.id)
        assert await fire(harness, clock, reminder)
        assert [len(reminders(harness, uid)) for uid in (ZHANG, TOM, LI, WANG, SECRETARY)] == [
            0,
            1,
            0,
            1,
            0,
        ]
        assert not await harness.running.services.scheduler.fire(reminder.id, reminder.next_due_at)
        await harness.pushes_sent()
        assert len(reminders(harness, WANG)) == 1 and len(reminders(harness, TOM)) == 1

        # Tom votes from his reminder, 王大妈 on the card: the whole building has voted.
        await harness.press_label(TOM, reminders(harness, TOM)[0], "No")
        await harness.press_label(WANG, card, "赞成")
        await card_shows(harness, api, "已投 3 / 应投 3（100%）")

        await close_by_schedule(harness, clock, vote.id)
        (result,) = [text for text in harness.texts(RESIDENTS_GROUP) if text.startswith("📊")]
        assert result.startswith("📊 表决结果 #1 3号楼电梯加装扶手：通过\n投票范围：3号楼\n")
        assert "已投 3 / 应投 3（100%） · 法定人数 3 · 过半数通过" in result
        closed = await vote_of(harness, 1)
        assert closed.tally is not None and closed.tally["eligible"] == 3
        assert closed.result == "passed"
    finally:
        await harness.running.stop()


async def test_a_building_vote_without_quorum_counts_the_building_only(
    tmp_path: Path, api: FakeBotApi
) -> None:
    """Two of 3号楼's three residents are needed: one ballot is not enough, however
    many people the whole community has."""
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(SECRETARY, "/vote 1")
        await press(harness, "投票范围", "按楼栋", "3号楼", "完成", "−10 人", "+1 人", "+1 人")
        assert "法定人数：2 人\n" in harness.last(SECRETARY)["text"]
        await press(harness, "开始表决")
        await harness.pushes_sent()
        card = vote_cards(harness)[-1]
        await harness.press_label(ZHANG, card, "赞成")
        await harness.press_label(LI, card, "赞成")  # refused: not counted
        vote = await vote_of(harness, 1)
        await close_by_schedule(harness, clock, vote.id)
        (result,) = [text for text in harness.texts(RESIDENTS_GROUP) if text.startswith("📊")]
        assert "未达法定人数，无效" in result
        assert "已投 1 / 应投 3（33%） · 法定人数 2" in result
    finally:
        await harness.running.stop()


async def test_one_vote_per_household(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        # 张阿姨 and 王大妈 live together in 3号楼 201; they say so on /me (🏠 门牌).
        for user_id in (ZHANG, WANG):
            await harness.say(user_id, "/me")
            me = harness.last(user_id)
            assert "门牌：未填写" in me["text"]
            await harness.press_label(user_id, me, "门牌")
            assert harness.last(user_id)["text"].startswith("您家的门牌号是多少？")
            await harness.say(user_id, " 201 ")
            assert harness.last(user_id)["text"].startswith("已记下：3号楼 201。")
        # A secretary gives 李大爷's door on his screen of /people.
        await harness.say(SECRETARY, "/people")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "门牌")
        assert harness.last(SECRETARY)["text"].startswith("李大爷 家的门牌号是多少？")
        await harness.say(SECRETARY, "502")
        assert harness.last(SECRETARY)["text"] == "已记下 李大爷 的住址：5号楼 502。"

        await harness.say(SECRETARY, "/vote 1")
        await press(harness, "投票范围", "一户一票", "记名/不记名")
        assert "一户一票（共 2 户）" in harness.last(SECRETARY)["text"]
        await press(harness, "开始表决")
        await harness.pushes_sent()
        card = vote_cards(harness)[-1]
        assert "\n一户一票\n" in card["text"] and "不记名" in card["text"]
        assert "已投 0 / 应投 2（0%）" in card["text"]
        vote = await vote_of(harness, 1)

        # The household's first ballot binds it: only 张阿姨 may change it.
        await harness.press_label(ZHANG, card, "赞成")
        await harness.press_label(WANG, card, "反对")
        assert answer(harness) == "您家（3号楼 201）已有人投票，一户一票。"
        await harness.press_label(ZHANG, card, "反对")
        assert answer(harness).startswith("已改为：反对")
        electorate = harness.running.services.votes.electorate
        assert await electorate.has_voted(await person(harness, WANG), vote)  # her household
        assert not await electorate.has_voted(await person(harness, LI), vote)
        rows = await ballots(harness, vote.id)
        assert len(rows) == 1 and rows[0][1] is None  # anonymous: no voter named
        assert re.fullmatch("[0-9a-f]{64}", rows[0][0])
        async with (
            harness.db.read() as session,
            session.conn.execute("SELECT caster_key FROM ballots") as cur,
        ):
            (caster,) = [row[0] for row in await cur.fetchall()]
        assert re.fullmatch("[0-9a-f]{64}", caster) and caster != rows[0][0]

        # Tom has no door: told why, and privately offered the button to give it.
        await harness.press_label(TOM, card, "赞成")
        assert (
            answer(harness) == "One vote per household: please give your building and door first."
        )
        offer = harness.last(TOM)
        assert offer["text"].startswith("This vote is one vote per household")
        await harness.press_label(TOM, offer, "Door number")
        await harness.say(TOM, "202")
        assert harness.last(TOM)["text"].startswith("Noted: 3号楼 202.")
        await harness.press_label(TOM, card, "赞成")
        assert answer(harness).startswith("Your vote: Yes")
        await card_shows(harness, api, "已投 2 / 应投 3（66%）")
    finally:
        await harness.running.stop()


async def test_a_vote_of_one_grid(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community={"grids": GRIDS})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness, {ZHANG: "g1", TOM: "g2", LI: "g1", WANG: "g2"})
        await harness.say(SECRETARY, "/vote 1")
        grids = await press(harness, "投票范围", "按网格")
        assert button_labels(grids) == ["一网格", "二网格", "⬅ 返回"]
        settings_screen = await press(harness, "二网格")
        assert "网格：二网格（可投票 2 人）" in settings_screen["text"]
        await press(harness, "开始表决")
        await harness.pushes_sent()
        card = vote_cards(harness)[-1]
        assert "\n网格：二网格\n" in card["text"]
        await harness.press_label(ZHANG, card, "赞成")
        assert answer(harness) == "本次表决只限二网格的居民投票，您不在其中。"
        await harness.press_label(WANG, card, "赞成")
        assert answer(harness).startswith("已投：赞成")
        await card_shows(harness, api, "已投 1 / 应投 2（50%）")
    finally:
        await harness.running.stop()


async def test_the_electorate_screen_in_english(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        async with harness.db.transaction() as session:
            tom = await session.people.by_telegram_id(TOM)
            assert tom is not None
            await session.people.grant(tom.id, "secretary", None, harness.running.services.clock())
        await harness.say(TOM, "/vote 1")
        assert "Who may vote: all residents (5 may vote)" in harness.last(TOM)["text"]
        await harness.press_label(TOM, harness.last(TOM), "Who may vote")
        chooser = harness.last(TOM)
        assert chooser["text"].startswith("Who may vote?")
        assert button_labels(chooser) == [
            "✅ All residents",
            "By building",
            "By grid",
            "One vote per household",
            "⬅ Back",
        ]
        await harness.press_label(TOM, chooser, "By grid")
        assert answer(harness) == "No grids are configured: a vote by grid is not possible."
        await harness.press_label(TOM, chooser, "Back")
        assert harness.last(TOM)["text"].startswith("🗳 Set up a vote on #1")
    finally:
        await harness.running.stop()


async def test_proxy_ballots_only_for_the_electorate(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        await harness.say(ZHANG, "提议 5号楼门口修路")
        await harness.say(ZHANG, "坑太多。")
        await harness.press_label(ZHANG, harness.last(ZHANG), "提交")
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "门牌")
        await harness.say(ZHANG, "201")
        # Two residents without Telegram: 赵奶奶 in 5号楼 (door not known), 钱奶奶 who
        # lives with 张阿姨 in 3号楼 201.
        await add_paper_resident(harness, SECRETARY, "赵奶奶", "5号楼")
        await add_paper_resident(harness, SECRETARY, "钱奶奶", "3号楼", door="201")
        paper = {name: pid for (name, _), pid in (await paper_ids(harness)).items()}

        # A vote of 3号楼: only 钱奶奶 is offered; 赵奶奶 is refused with the reason.
        await open_with(harness, "投票范围", "按楼栋", "3号楼", "完成")
        await harness.say(SECRETARY, "/proxyvote 1")
        people = harness.last(SECRETARY)
        assert button_labels(people) == ["钱奶奶 · 3号楼 · 纸质登记"]
        forged = deliberation_cb.ProxyPerson("w", paper["赵奶奶"]).encode()
        await harness.press(SECRETARY, people, forged, strict=False)
        assert answer(harness) == "赵奶奶 不在本次表决的投票范围（只限 3号楼 的居民）。"

        # One vote per household: 张阿姨 voted for 3号楼 201, so 钱奶奶 cannot be proxied.
        card = await open_with(harness, "投票范围", "一户一票", number=2)
        await harness.press_label(ZHANG, card, "赞成")
        await harness.say(SECRETARY, "/proxyvote 2")
        people = harness.last(SECRETARY)
        assert button_labels(people) == ["钱奶奶 · 3号楼 · 纸质登记"]  # 赵奶奶: no door
        await harness.press_label(SECRETARY, people, "钱奶奶")
        assert answer(harness) == "钱奶奶 家（3号楼 201）已有人投票，一户一票，不能再代投。"
    finally:
        await harness.running.stop()


async def test_paper_ballots_only_from_the_electorate(tmp_path: Path, api: FakeBotApi) -> None:
    """At the pavilion, a paper ballot of a 3号楼 vote is refused from 5号楼, and attendees
    not in the register (who cannot be shown to live in 3号楼) add no paper ballots."""
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await open_with(harness, "投票范围", "按楼栋", "3号楼", "完成")
        await open_sitting(harness, clock)
        await harness.say(SECRETARY, "/attendance")
        await press(harness, "未登记 +1", "未登记 +1")
        await press(harness, "纸质票 #1", "5号楼", "⬜ 李大爷")
        assert answer(harness) == "李大爷 不在本次表决的投票范围（只限 3号楼 的居民）。"
        screen = await press(harness, "楼栋列表", "3号楼", "⬜ 王大妈")
        assert "🗳 王大妈 · 已投纸质票" in button_labels(screen)
        assert "已投纸质票的登记居民 1 人 + 未登记到场 0 人，最多 1 张纸质票" in screen["text"]
        assert "未登记的到场者无法核实是否在范围内" in screen["text"]
        await harness.say(SECRETARY, "/paperballots 1")
        prompt = harness.last(SECRETARY)["text"]
        assert "未登记的到场者无法核实是否在范围内" in prompt and "最多 1 张" in prompt, prompt
        for number in ("2", "0", "0"):
            await harness.say(SECRETARY, number)
        assert harness.last(SECRETARY)["text"].startswith(
            "⚠️ 纸质票合计 2 张，超过了最多可投的 1 张"
        )
    finally:
        await harness.running.stop()


async def test_a_household_that_voted_on_paper_has_voted(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"vote_reminder_hours": [2]}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # 张阿姨 and 王大妈: one household, 3号楼 201; 李大爷 alone in 5号楼 502.
        for user_id, door in ((ZHANG, "201"), (WANG, "201"), (LI, "502")):
            await harness.say(user_id, "/me")
            await harness.press_label(user_id, harness.last(user_id), "门牌")
            await harness.say(user_id, door)
        card = await open_with(harness, "投票范围", "一户一票", "截止时间")
        await open_sitting(harness, clock)
        await harness.say(SECRETARY, "/attendance")
        screen = await press(harness, "纸质票 #1", "3号楼", "⬜ 王大妈")
        assert "🗳 王大妈 · 已投纸质票" in button_labels(screen)
        # Her household has voted: 张阿姨 is refused on the card and at the pavilion.
        await press(harness, "⬜ 张阿姨")
        assert answer(harness) == "张阿姨 家（3号楼 201）已有人投票，一户一票，不能再代投。"
        await harness.press_label(ZHANG, card, "赞成")
        assert answer(harness) == "您家（3号楼 201）已有人投了纸质票，一户一票。"
        # …and is not reminded; 李大爷's household is; Tom, without a door, is not.
        vote = await vote_of(harness, 1)
        (reminder,) = await reminder_schedules(harness, vote.id)
        assert await fire(harness, clock, reminder)
        assert [len(reminders(harness, uid)) for uid in (ZHANG, WANG, TOM, LI)] == [0, 0, 0, 1]
    finally:
        await harness.running.stop()
