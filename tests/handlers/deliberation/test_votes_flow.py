"""Votes through the real bot: set up, ballots on the card, proxy votes, the close, the
resolution, anonymity, and the conventions register."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.charts import render_chart
from bot.standin import FakeBotApi
from storage.times import to_db_time
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness

GRID_WORKER = 2004


async def community(harness: BotHarness) -> None:
    """A secretary, the residents' group, three residents, a grid worker, two matters."""
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷")):
        await harness.register(user_id, name)
    harness.api.add_user(GRID_WORKER, "小周", language_code="zh-hans")
    await harness.register(GRID_WORKER, "周网格员")
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(GRID_WORKER)
        assert person is not None
        await session.people.grant(person.id, "grid_worker", None, harness.running.services.clock())
    for title in ("小区门口加装路灯", "文明养犬公约"):
        await harness.say(2001, f"提议 {title}")
        await harness.say(2001, "晚上太黑。")
        await harness.press_label(2001, harness.last(2001), "提交")
    await harness.pushes_sent()


async def add_paper_resident(
    harness: BotHarness,
    worker: int,
    name: str,
    building: str,
    grid: str | None = None,
    door: str | None = None,
) -> None:
    """/addresident as a grid worker (or, with ``grid``, a secretary) does it."""
    await harness.say(worker, "/addresident")
    await harness.say(worker, name)
    await harness.say(worker, building)
    assert "门牌号" in harness.last(worker)["text"]
    if door is None:
        await harness.press_label(worker, harness.last(worker), "跳过")
    else:
        await harness.say(worker, door)
    if grid is not None:
        await harness.press_label(worker, harness.last(worker), grid)
    assert "纸质同意书" in harness.last(worker)["text"]
    await harness.press_label(worker, harness.last(worker), "登记")
    assert harness.last(worker)["text"].startswith(f"已登记：{name}")


def vote_cards(harness: BotHarness) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(RESIDENTS_GROUP) if "🗳" in (m.get("text") or "")]


def answer(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1]["text"])


async def open_vote(harness: BotHarness, number: int, *presses: str) -> dict[str, Any]:
    """/vote N, press the named settings, open it; returns the card in the group."""
    await harness.say(SECRETARY, f"/vote {number}")
    for label in presses:
        await harness.press_label(SECRETARY, harness.last(SECRETARY), label)
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "开始表决")
    assert "表决已开始" in harness.last(SECRETARY)["text"]
    await harness.pushes_sent()
    return vote_cards(harness)[-1]


async def close_by_schedule(harness: BotHarness, clock: FakeClock, vote_id: int) -> None:
    services = harness.running.services
    async with harness.db.read() as session:
        vote = await session.votes.get(vote_id)
        assert vote is not None and vote.schedule_id is not None
        schedule = await session.schedules.get(vote.schedule_id)
    assert schedule is not None and schedule.next_due_at == vote.closes_at
    clock.now = vote.closes_at
    assert await services.scheduler.fire(vote.schedule_id, vote.closes_at)
    await harness.pushes_sent()


async def ballots(harness: BotHarness, vote_id: int) -> list[Any]:
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT voter_key, person_id, choice, recorded_by, proxy_reason FROM ballots"
            " WHERE vote_id = ? ORDER BY voter_key",
            (vote_id,),
        ) as cur,
    ):
        return [tuple(row) for row in await cur.fetchall()]


async def test_any_quorum_can_be_set_by_steps_or_typed(tmp_path: Path, api: FakeBotApi) -> None:
    """A building of 8 households wants a quorum of 5: not one of a fixed cycle."""
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        await harness.say(SECRETARY, "/vote 1")
        assert "法定人数：10 人" in harness.last(SECRETARY)["text"]  # the default
        for label, quorum in (("−1 人", 9), ("+10 人", 19), ("−10 人", 9), ("−10 人", 0)):
            await harness.press_label(SECRETARY, harness.last(SECRETARY), label)
            assert f"法定人数：{quorum} 人" in harness.last(SECRETARY)["text"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "−1 人")
        assert "法定人数：0 人" in harness.last(SECRETARY)["text"]  # never below 0

        # Typed: a word or a number out of range is explained, and the number is asked again.
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "输入法定人数")
        assert harness.last(SECRETARY)["text"].startswith("法定人数现在是 0 人。请发送新的人数")
        await harness.say(SECRETARY, "五户")
        assert harness.last(SECRETARY)["text"].startswith("没看懂人数。")
        await harness.say(SECRETARY, "100001")
        assert harness.last(SECRETARY)["text"].startswith("没看懂人数。")
        await harness.say(SECRETARY, "5")
        assert "法定人数：5 人" in harness.last(SECRETARY)["text"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "开始表决")
        await harness.pushes_sent()
        assert "法定人数 5 ·" in vote_cards(harness)[-1]["text"]
        async with harness.db.read() as session:
            vote = await session.votes.get(1)
        assert vote is not None and vote.quorum == 5
    finally:
        await harness.running.stop()


async def test_public_vote_from_card_to_resolution(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 3}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Only secretaries open votes; bad arguments get the usage line.
        await harness.say(2001, "/vote 1")
        assert "只有书记" in harness.last(2001)["text"]
        await harness.say(SECRETARY, "/vote x")
        assert harness.last(SECRETARY)["text"].startswith("用法：/vote")
        await harness.say(SECRETARY, "/vote 1")
        screen = harness.last(SECRETARY)["text"]
        assert "法定人数：3 人" in screen and "记名" in screen and "过半数通过" in screen

        card = await open_vote(harness, 1)
        assert card["text"].startswith("🗳 表决 #1 小区门口加装路灯")
        data = {
            b["text"]: b["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for b in row
        }
        assert list(data) == ["赞成", "反对", "弃权"]

        await harness.press(2001, card, data["赞成"])
        assert answer(harness) == "已投：赞成。截止前可以改票。"
        await harness.press(2001, card, data["赞成"])
        assert answer(harness) == "您已经投了“赞成”。"
        await harness.press(2002, card, data["反对"])
        assert answer(harness) == "Your vote: No. You can change it until the close."
        await harness.press(2003, card, data["反对"])
        await harness.press(2003, card, data["赞成"])
        assert answer(harness) == "已改为：赞成。"
        # A person outside the register changes nothing.
        api.add_user(2999, "路人")
        await harness.press(2999, card, data["赞成"])
        assert "还没有登记" in answer(harness)

        # A grid worker records the vote of a resident without a phone, entered on paper.
        await harness.say(2001, "/proxyvote 1")
        assert "只有网格员" in harness.last(2001)["text"]
        await add_paper_resident(harness, GRID_WORKER, "王奶奶", "3栋")
        await harness.say(GRID_WORKER, "/proxyvote 1")
        await harness.press_label(GRID_WORKER, harness.last(GRID_WORKER), "王奶奶 · 3栋")
        await harness.press_label(GRID_WORKER, harness.last(GRID_WORKER), "弃权")
        assert harness.last(GRID_WORKER)["text"].startswith("已代为登记：王奶奶 —— 弃权")

        # The card's tally follows within a few seconds.
        # (An edit may land between two ballots: wait for the one that counts them all.)
        await api.wait_for(
            lambda: "赞成：2\n反对：1\n弃权：1" in vote_cards(harness)[-1]["text"], timeout=60
        )

        vote_id = int(data["赞成"].split(":")[1])
        recorded = await ballots(harness, vote_id)
        assert len(recorded) == 4
        proxy = [row for row in recorded if row[3] is not None]
        assert [(row[2], row[4]) for row in proxy] == [("2", "paper")]

        await close_by_schedule(harness, clock, vote_id)
        result = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("📊")][-1]
        assert result.startswith("📊 表决结果 #1 小区门口加装路灯：通过")
        assert "已投 4 / 应投 6（66%） · 法定人数 3" in result and "1. 赞成：2" in result
        # Posted as a bar chart image with the result as its caption.
        (posted,) = [m for m in api.bot_messages(RESIDENTS_GROUP) if m.get("photo")]
        assert posted["caption"] == result
        # The picture: the result in its title, the matter below, a bar per option (drawn
        # the same way every time, so it is the very chart of this spec).
        (png,) = posted["_files"].values()
        assert Image.open(io.BytesIO(png)).format == "PNG"
        assert (
            png
            == render_chart(
                {
                    "title": "表决结果：通过",
                    "subtitle": "#1 小区门口加装路灯",
                    "tone": "passed",
                    "bars": [["赞成", 2], ["反对", 1], ["弃权", 1]],
                }
            ).png
        )
        await harness.press(2002, card, data["赞成"], strict=False)
        assert answer(harness) == "This vote has closed; ballots can no longer be cast."
        assert len(await ballots(harness, vote_id)) == 4

        # The tally recorded at the close is the ballots' own count.
        async with harness.db.read() as session:
            vote = await session.votes.get(vote_id)
        assert vote is not None and vote.tally is not None
        counted = [0, 0, 0]
        for _, _, choice, _, _ in await ballots(harness, vote_id):
            counted[int(choice)] += 1
        assert vote.tally["counts"] == counted == [2, 1, 1]
        assert (vote.result, vote.voters) == ("passed", 4)

        # The secretary gets the draft resolution and accepts it.
        ask = harness.last(SECRETARY)
        assert "决议草稿" in ask["text"] and "获得通过" in ask["text"]
        await harness.press_label(SECRETARY, ask, "采用草稿")
        assert harness.last(SECRETARY)["text"].startswith("决议已记入 #1")
        await harness.press_label(SECRETARY, ask, "采用草稿", strict=False)
        assert "决议已经写过了" in answer(harness)
        matter = await harness.running.services.matters.matter(1)
        assert matter.stage == "passed" and matter.resolution and "赞成 2 票" in matter.resolution

        # /export shows a resident what deliberation holds about them.
        await harness.say(2003, "/export")
        (content,) = harness.last(2003)["_files"].values()
        held = json.loads(content)["deliberation"]
        assert [(b["matter_id"], b["choice"]) for b in held["public_ballots"]] == [(1, "0")]
        await harness.say(2001, "/export")
        (content,) = harness.last(2001)["_files"].values()
        raised = json.loads(content)["deliberation"]["matters_raised"]
        assert [m["title"] for m in raised] == ["小区门口加装路灯", "文明养犬公约"]
    finally:
        await harness.running.stop()


async def test_anonymous_vote_keeps_no_link_to_voters(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 5}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        card = await open_vote(harness, 1, "记名/不记名")
        assert "不记名" in card["text"]
        data = {
            b["text"]: b["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for b in row
        }
        await harness.press(2001, card, data["赞成"])
        await harness.press(2001, card, data["反对"])
        assert answer(harness) == "已改为：反对。"
        await harness.press(2003, card, data["赞成"])
        vote_id = int(data["赞成"].split(":")[1])
        recorded = await ballots(harness, vote_id)
        assert [row[1] for row in recorded] == [None, None]
        people_ids = {str(i) for i in range(1, 10)}
        assert all(row[0] not in people_ids and not row[0].startswith("p") for row in recorded)

        await close_by_schedule(harness, clock, vote_id)
        async with harness.db.read() as session:
            vote = await session.votes.get(vote_id)
        assert vote is not None
        assert (vote.result, vote.salt, vote.tally["counts"]) == ("no_quorum", None, [1, 1, 0])
        result = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("📊")][-1]
        assert "未达法定人数，无效" in result
        matter = await harness.running.services.matters.matter(1)
        assert matter.stage == "no_quorum"
    finally:
        await harness.running.stop()


def database_bytes(path: Path) -> bytes:
    """What someone holding only the database files has: the file and its -wal."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def assert_unlinkable(harness: BotHarness, vote_id: int) -> None:
    """No ballot key of the vote can be recomputed from anything in the database."""
    await harness.db.settle_checkpoints()
    raw = database_bytes(harness.db.path)
    # The updates that carried the presses (who pressed which button) are gone too.
    assert b"callback_query" not in raw and not re.search(rb'"data": ?"vb:', raw)
    async with harness.db.read() as session:
        vote = await session.votes.get(vote_id)
        async with session.conn.execute("SELECT id FROM people") as cur:
            people = [row[0] for row in await cur.fetchall()]
    assert vote is not None
    keys = {row[0] for row in await ballots(harness, vote_id)}
    assert keys
    secrets_in_db = {vote.salt or "", *(vote.salt or "").split(":")} - {""}
    identities = [form.format(i) for i in people for form in ("p{}", "{}", "w{}")]
    for secret in secrets_in_db | {""}:
        for identity in identities:
            for text in (f"{secret}:{identity}", f"{secret}{identity}", f"{vote_id}:{identity}"):
                assert hashlib.sha256(text.encode()).hexdigest() not in keys
            for key in (secret.encode(), bytes.fromhex(secret) if _hex(secret) else b""):
                for text in (f"{vote_id}:{identity}", identity):
                    digest = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
                    assert digest not in keys


def _hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


# SQLite's files; on PostgreSQL the rows are written again at the close (test_poll_book.py).
@pytest.mark.sqlite_only
async def test_anonymous_ballots_cannot_be_linked_from_the_database_files(
    tmp_path: Path, api: FakeBotApi
) -> None:
    """Issue 10 §6: with only the database file and its -wal, open or closed, no anonymous
    ballot is linked to anyone; voters still change their vote, also across a restart."""
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 1}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        card = await open_vote(harness, 1, "记名/不记名")
        data = {
            b["text"]: b["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for b in row
        }
        vote_id = int(data["赞成"].split(":")[1])
        await harness.press(2001, card, data["赞成"])
        await harness.press(2003, card, data["反对"])
        await assert_unlinkable(harness, vote_id)
        # The key lives outside the database, readable by the bot's user only.
        key_file = settings.storage.ballot_key_path
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert key_file.read_text().strip().encode() not in database_bytes(harness.db.path)
        async with harness.db.read() as session:
            vote = await session.votes.get(vote_id)
        assert vote is not None and vote.salt is not None
        nonce = vote.salt.split(":")[1]
    finally:
        await harness.running.stop()

    # After a restart the voter still has the same, changeable ballot.
    harness = await start_harness(settings, api, clock)
    try:
        clock.advance(minutes=5)
        await harness.press(2001, card, data["反对"])
        assert answer(harness) == "已改为：反对。"
        recorded = await ballots(harness, vote_id)
        assert len(recorded) == 2 and sorted(row[2] for row in recorded) == ["1", "1"]
        # A ballot's time is the vote's opening, not the press (times can be matched).
        async with (
            harness.db.read() as session,
            session.conn.execute("SELECT DISTINCT cast_at FROM ballots") as cur,
        ):
            times = [row[0] for row in await cur.fetchall()]
        assert times == [to_db_time(vote.opened_at)]
        await assert_unlinkable(harness, vote_id)

        await harness.say(SECRETARY, "/closevote 1")
        await harness.db.settle_checkpoints()
        raw = database_bytes(harness.db.path)
        # After the close the vote's nonce is gone from both files: even the key file
        # cannot link a ballot any more.
        assert nonce.encode() not in raw
        async with harness.db.read() as session:
            closed = await session.votes.get(vote_id)
        assert closed is not None and closed.salt is None and closed.tally is not None
        assert closed.tally["counts"] == [0, 2, 0]
        await assert_unlinkable(harness, vote_id)
    finally:
        await harness.running.stop()


async def test_conventions_register_with_an_amendment(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 1}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(2002, "/conventions")
        assert harness.last(2002)["text"].startswith("No community conventions yet")

        card = await open_vote(harness, 2, "是否社区公约")
        assert "三分之二通过" in card["text"]
        await harness.press_label(2001, card, "赞成")
        await close_by_schedule(harness, clock, 1)
        ask = harness.last(SECRETARY)
        await harness.press_label(SECRETARY, ask, "自己写")
        await harness.say(SECRETARY, "犬只出门须拴绳，及时清理粪便。")
        assert harness.last(SECRETARY)["text"] == "决议已记录，并已列入社区公约。"
        await harness.say(2003, "/conventions")
        register = harness.last(2003)["text"]
        assert "#1 文明养犬公约" in register and "犬只出门须拴绳" in register
        assert "赞成 1 票" in register

        # An amendment: a new matter, a convention vote that names #1.
        await harness.say(2003, "提议 修订养犬公约")
        await harness.say(2003, "增加夜间遛狗时间限制。")
        await harness.press_label(2003, harness.last(2003), "提交")
        await harness.pushes_sent()
        await harness.say(SECRETARY, "/vote 3")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "是否社区公约")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "修订哪条公约")
        assert "修订：公约 #1 文明养犬公约" in harness.last(SECRETARY)["text"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "开始表决")
        await harness.pushes_sent()
        await harness.press_label(2001, vote_cards(harness)[-1], "赞成")
        await close_by_schedule(harness, clock, 2)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "采用草稿")
        await harness.say(2003, "/conventions")
        register = harness.last(2003)["text"]
        assert "#2 修订养犬公约" in register and "（修订公约 #1）" in register
        assert "已被公约 #2 修订" in register
    finally:
        await harness.running.stop()
