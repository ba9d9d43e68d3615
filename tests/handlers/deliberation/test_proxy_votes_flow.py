"""Proxy ballots through the real bot (issue 10 §5): only for a resident without Telegram
entered on paper or a registered resident who asked, only in the recorder's grid, one per
person per vote, the person told and able to replace it, every one in the ledger."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.standin import FakeBotApi
from handlers.community import callbacks as community_cb
from handlers.deliberation import callbacks as deliberation_cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness
from tests.handlers.deliberation.test_votes_flow import (
    add_paper_resident,
    answer,
    ballots,
    open_vote,
)

WORKER_G1 = 2004
WORKER_G2 = 2005
GRIDS = [{"id": "g1", "name": "第一网格"}, {"id": "g2", "name": "第二网格"}]


async def register_in(harness: BotHarness, user_id: int, name: str, grid: str) -> int:
    await harness.register(user_id, name)
    await harness.press(user_id, harness.last(user_id), community_cb.RegisterGrid(grid).encode())
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(user_id)
    assert person is not None and person.grid_id == grid
    return person.id


async def make_worker(harness: BotHarness, user_id: int) -> None:
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(user_id)
        assert person is not None
        await session.people.grant(person.id, "grid_worker", None, harness.running.services.clock())


async def community(harness: BotHarness, api: FakeBotApi) -> dict[str, int]:
    """A secretary, three residents and a grid worker in 第一网格, one of each in 第二网格,
    and two matters."""
    await harness.register(SECRETARY)
    await harness.press(
        SECRETARY, harness.last(SECRETARY), community_cb.RegisterGrid("g1").encode()
    )
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    api.add_user(WORKER_G1, "小周", language_code="zh-hans")
    api.add_user(WORKER_G2, "小吴", language_code="zh-hans")
    api.add_user(2006, "奶奶", last_name="赵", language_code="zh-hans")
    ids = {
        "zhang": await register_in(harness, 2001, "张阿姨", "g1"),
        "tom": await register_in(harness, 2002, "Tom", "g1"),
        "li": await register_in(harness, 2003, "李大爷", "g2"),
        "worker1": await register_in(harness, WORKER_G1, "周网格员", "g1"),
        "worker2": await register_in(harness, WORKER_G2, "吴网格员", "g2"),
    }
    await make_worker(harness, WORKER_G1)
    await make_worker(harness, WORKER_G2)
    for title in ("小区门口加装路灯", "文明养犬公约"):
        await harness.say(2001, f"提议 {title}")
        await harness.say(2001, "晚上太黑。")
        await harness.press_label(2001, harness.last(2001), "提交")
    await harness.pushes_sent()
    return ids


async def paper_ids(harness: BotHarness) -> dict[tuple[str, str], int]:
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT id, display_name, building FROM paper_residents") as cur,
    ):
        return {(row[1], row[2]): row[0] for row in await cur.fetchall()}


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> Any:
    clock = FakeClock()
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        deliberation={"default_quorum": 1},
        community={"grids": GRIDS},
    )
    running = await start_harness(settings, api, clock)
    try:
        yield running
    finally:
        await running.running.stop()


async def test_twenty_two_invented_names_and_unasked_residents_are_refused(
    harness: BotHarness, api: FakeBotApi
) -> None:
    ids = await community(harness, api)
    card = await open_vote(harness, 1)
    vote_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])

    # Nobody in the grid can be proxied yet: the worker is told who can be, and typed
    # names (the audit's 20 invented ones and 2 real residents) record nothing.
    await harness.say(WORKER_G1, "/proxyvote 1")
    screen = harness.last(WORKER_G1)
    assert "没有可以由您代投的居民" in screen["text"] and labels(screen) == []
    invented = [f"居民{i}" for i in range(20)] + ["张阿姨", "Tom"]
    for name in invented:
        await harness.say(WORKER_G1, name)
    # Forged buttons: a registered resident with a phone who never asked, invented ids.
    for data in (
        deliberation_cb.ProxyPerson("p", ids["zhang"]),
        deliberation_cb.ProxyPerson("p", ids["tom"]),
        deliberation_cb.ProxyPerson("w", 1),
        deliberation_cb.ProxyPerson("w", 999),
        deliberation_cb.ProxyPerson("p", 999),
    ):
        await harness.press(WORKER_G1, screen, data.encode(), strict=False)
        assert "不能为这位居民代投" in answer(harness)
    await harness.press(WORKER_G1, screen, deliberation_cb.ProxyBallot(0).encode(), strict=False)
    assert "这一步已经过去了" in answer(harness)
    assert await ballots(harness, vote_id) == []
    # A resident cannot record votes for others at all.
    await harness.say(2001, "/proxyvote 1")
    assert "只有网格员或书记" in harness.last(2001)["text"]
    await harness.say(2001, "/addresident")
    assert "只有网格员或书记" in harness.last(2001)["text"]


async def test_a_paper_resident_is_proxied_once_in_the_workers_own_grid_only(
    harness: BotHarness, api: FakeBotApi
) -> None:
    ids = await community(harness, api)
    # Two residents without Telegram with the same name: two buttons, never a guess.
    await add_paper_resident(harness, WORKER_G1, "王奶奶", "3栋")
    await add_paper_resident(harness, WORKER_G1, "王奶奶", "5栋")
    await add_paper_resident(harness, SECRETARY, "孙爷爷", "8栋", grid="第二网格")
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT display_name, building, grid_id, consent_method, entered_by"
            " FROM paper_residents ORDER BY id"
        ) as cur,
    ):
        entered = [tuple(row) for row in await cur.fetchall()]
    secretary = (await harness.running.services.community.person_by_telegram_id(SECRETARY)).id
    assert entered == [
        ("王奶奶", "3栋", "g1", "paper", ids["worker1"]),
        ("王奶奶", "5栋", "g1", "paper", ids["worker1"]),
        ("孙爷爷", "8栋", "g2", "paper", secretary),
    ]
    paper = await paper_ids(harness)
    card = await open_vote(harness, 1)
    vote_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])

    await harness.say(WORKER_G1, "/proxyvote 1")
    screen = harness.last(WORKER_G1)
    assert labels(screen) == ["王奶奶 · 3栋 · 纸质登记", "王奶奶 · 5栋 · 纸质登记"]
    await harness.press_label(WORKER_G1, screen, "王奶奶 · 3栋")
    assert harness.last(WORKER_G1)["text"] == "请选择 王奶奶 的意见："
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "赞成")
    assert harness.last(WORKER_G1)["text"].startswith("已代为登记：王奶奶 —— 赞成")
    # Recorded again (a correction): still one ballot for her.
    await harness.say(WORKER_G1, "/proxyvote 1")
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "王奶奶 · 3栋")
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "反对")
    recorded = await ballots(harness, vote_id)
    assert [(row[2], row[3], row[4]) for row in recorded] == [("1", ids["worker1"], "paper")]
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT paper_resident_id FROM ballots") as cur,
    ):
        assert [row[0] for row in await cur.fetchall()] == [paper[("王奶奶", "3栋")]]
    # The schema itself refuses a second ballot for her in this vote.
    async with harness.db.transaction() as session:
        with pytest.raises(sqlite3.IntegrityError):
            await session.votes.put_ballot(
                vote_id=vote_id,
                voter_key="forged",
                person_id=None,
                paper_resident_id=paper[("王奶奶", "3栋")],
                choice=(0,),
                now=harness.running.services.clock(),
            )

    # The worker of 第二网格 sees only their grid's resident, and cannot proxy ours.
    await harness.say(WORKER_G2, "/proxyvote 1")
    assert labels(harness.last(WORKER_G2)) == ["孙爷爷 · 8栋 · 纸质登记"]
    await harness.press(
        WORKER_G2,
        harness.last(WORKER_G2),
        deliberation_cb.ProxyPerson("w", paper[("王奶奶", "5栋")]).encode(),
        strict=False,
    )
    assert "不能为这位居民代投" in answer(harness)
    # A secretary records for any grid.
    await harness.say(SECRETARY, "/proxyvote 1")
    assert labels(harness.last(SECRETARY)) == [
        "孙爷爷 · 8栋 · 纸质登记",
        "王奶奶 · 3栋 · 纸质登记",
        "王奶奶 · 5栋 · 纸质登记",
    ]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "孙爷爷")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "弃权")
    assert len(await ballots(harness, vote_id)) == 2

    # The ledger lists every proxy ballot with who recorded it and why.
    now = harness.running.services.clock()
    async with harness.db.read() as session:
        proxies = await session.ledger.proxy_ballots(
            now - timedelta(days=1), now + timedelta(days=1)
        )
    assert sorted((p.voter, p.choice, p.recorded_by, p.proxy_reason) for p in proxies) == [
        ("孙爷爷", (2,), "王书记", "paper"),
        ("王奶奶", (1,), "周网格员", "paper"),
    ]


async def test_a_resident_who_asked_is_told_and_replaces_the_proxy_ballot(
    harness: BotHarness, api: FakeBotApi
) -> None:
    ids = await community(harness, api)
    card = await open_vote(harness, 1)
    data = {
        b["text"]: b["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for b in row
    }
    vote_id = int(data["赞成"].split(":")[1])
    # Tom (with a phone) asks privately; 张阿姨 never does.
    await harness.say(2002, "/askproxy")
    assert "ask your grid worker" in harness.last(2002)["text"]
    await harness.press_label(2002, harness.last(2002), "Ask my grid worker")
    assert harness.last(2002)["text"].startswith("Done: your grid worker")
    await harness.say(WORKER_G1, "/proxyvote 1")
    assert labels(harness.last(WORKER_G1)) == ["Tom · — · 本人请求"]
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "Tom")
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "反对")
    assert "已私信告诉本人" in harness.last(WORKER_G1)["text"]
    await harness.pushes_sent()
    notice = harness.last(2002)["text"]
    assert notice.startswith("🗳 周网格员 recorded your vote on #1 小区门口加装路灯: No.")
    assert [(row[1], row[2], row[3], row[4]) for row in await ballots(harness, vote_id)] == [
        (ids["tom"], "1", ids["worker1"], "asked")
    ]
    # Tom votes himself on the card: his own ballot replaces it, even with the same choice.
    await harness.press(2002, card, data["反对"])
    assert answer(harness) == "Now your own vote: No. You can change it until the close."
    assert [(row[1], row[3], row[4]) for row in await ballots(harness, vote_id)] == [
        (ids["tom"], None, None)
    ]
    await harness.say(WORKER_G1, "/proxyvote 1")
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "Tom")
    assert answer(harness) == "Tom 已经自己投过票了，不能代投。"
    # Withdrawn: no longer in the list.
    await harness.say(2002, "/askproxy")
    await harness.press_label(2002, harness.last(2002), "No thanks")
    await harness.say(WORKER_G1, "/proxyvote 1")
    assert labels(harness.last(WORKER_G1)) == []


async def test_anonymous_proxy_ballots_keep_who_recorded_them_not_for_whom(
    harness: BotHarness, api: FakeBotApi
) -> None:
    ids = await community(harness, api)
    await add_paper_resident(harness, WORKER_G1, "王奶奶", "3栋")
    await harness.say(2002, "/askproxy")
    await harness.press_label(2002, harness.last(2002), "Ask my grid worker")
    card = await open_vote(harness, 1, "记名/不记名")
    data = {
        b["text"]: b["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for b in row
    }
    vote_id = int(data["赞成"].split(":")[1])
    for name in ("王奶奶", "Tom"):
        await harness.say(WORKER_G1, "/proxyvote 1")
        await harness.press_label(WORKER_G1, harness.last(WORKER_G1), name)
        await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "赞成")
    # Tom is told at once; the outbox keeps no record that he was proxied in this vote.
    assert harness.last(2002)["text"].startswith("🗳 周网格员 recorded your vote on #1")
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT count(*) FROM outbox WHERE chat_id = 2002") as cur,
    ):
        row = await cur.fetchone()
    assert row is not None and row[0] == 0
    recorded = await ballots(harness, vote_id)
    assert sorted((row[1], row[3], row[4]) for row in recorded) == [
        (None, ids["worker1"], "asked"),
        (None, ids["worker1"], "paper"),
    ]
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT paper_resident_id FROM ballots") as cur,
    ):
        assert {row[0] for row in await cur.fetchall()} == {None}
    # Tom replaces his own: still one ballot each (the same keyed hash).
    await harness.press(2002, card, data["反对"])
    assert len(await ballots(harness, vote_id)) == 2
    await harness.say(SECRETARY, "/closevote 1")
    async with harness.db.read() as session:
        vote = await session.votes.get(vote_id)
        now = harness.running.services.clock()
        proxies = await session.ledger.proxy_ballots(
            now - timedelta(days=1), now + timedelta(days=1)
        )
    assert vote is not None and vote.tally is not None and vote.tally["counts"] == [1, 1, 0]
    assert [(p.voter, p.choice, p.recorded_by, p.proxy_reason) for p in proxies] == [
        (None, None, "周网格员", "paper")
    ]


async def test_a_paper_resident_can_be_removed_by_their_grid_worker(
    harness: BotHarness, api: FakeBotApi
) -> None:
    await community(harness, api)
    await add_paper_resident(harness, WORKER_G1, "王奶奶", "3栋")
    await add_paper_resident(harness, WORKER_G2, "孙爷爷", "8栋")
    # Each worker sees their own grid's; the other grid's cannot be removed.
    await harness.say(WORKER_G2, "/paperresidents")
    assert labels(harness.last(WORKER_G2)) == ["🗑 删除 孙爷爷 · 8栋"]
    paper = await paper_ids(harness)
    await harness.press(
        WORKER_G2,
        harness.last(WORKER_G2),
        deliberation_cb.PaperRemove(paper[("王奶奶", "3栋")], True).encode(),
        strict=False,
    )
    assert "不属于您的网格" in answer(harness)
    await harness.say(WORKER_G1, "/paperresidents")
    listing = harness.last(WORKER_G1)
    assert "· 王奶奶，3栋，第一网格" in listing["text"]
    await harness.press_label(WORKER_G1, listing, "删除 王奶奶")
    await harness.press_label(WORKER_G1, harness.last(WORKER_G1), "确定删除")
    assert harness.last(WORKER_G1)["text"] == "已删除：王奶奶。"
    assert await paper_ids(harness) == {("孙爷爷", "8栋"): paper[("孙爷爷", "8栋")]}
