"""Two communities of one street play the same flows at once, through the real bot run
outside any community (as `pavilion run` runs it): nothing of one reaches the other's
lists, counts, cards, pushes, exports or street figures, and a forged press of one's
button from the other finds nothing."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.standin import FakeBotApi
from handlers import COMMANDS
from handlers.community import callbacks as cb
from handlers.street import callbacks as street_cb
from storage import in_community
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_data,
    start_harness,
)
from tests.handlers.volunteering.flow import create

ADMIN = 9001
PEACE_SECRETARY = 3001
PEACE_GROUP = -1005678
HAPPY = {"zhang": 2001, "tom": 2002}
PEACE = {"wang": 3002, "zhao": 3003}
HAPPY_MATTER = "3号楼前加装路灯"
#: When the activities of the numbering test take place (the clock stands at 11-19).
WHEN = "11-21 14:00-16:00"
PEACE_MATTER = "小区门口增设快递柜"


@pytest.fixture
async def street(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    api.add_user(ADMIN, "主任", last_name="街道", language_code="zh-hans")
    api.add_user(PEACE_SECRETARY, "书记", last_name="和", language_code="zh-hans")
    api.add_user(3002, "阿姨", last_name="王", language_code="zh-hans")
    api.add_user(3003, "大爷", last_name="赵", language_code="zh-hans")
    api.add_group(PEACE_GROUP, "和平里居民群")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        street={"name": "幸福街道", "admins": [ADMIN]},
    )
    running = await start_harness(settings, api, FakeClock())
    try:
        yield running
    finally:
        await running.running.stop()


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


async def join(street: BotHarness, user_id: int, community: int, name: str) -> None:
    """Register through a group's link of ``community`` (the link carries it)."""
    await street.say(user_id, f"/start join-{community}")
    await street.press(user_id, street.last(user_id), cb.RegisterConsent(True).encode())
    await street.say(user_id, name)
    await street.press(user_id, street.last(user_id), cb.RegisterSkipBuilding().encode())


async def raise_matter(street: BotHarness, user_id: int, title: str) -> None:
    await street.say(user_id, f"提议 {title}")
    await street.say(user_id, "大家都很需要。")
    await street.press_label(user_id, street.last(user_id), "提交")


async def make_second_community(street: BotHarness) -> int:
    """The street administrator creates 和平社区 and appoints its secretary by link."""
    await street.say(ADMIN, "/street")
    await street.press(ADMIN, street.last(ADMIN), street_cb.StreetNew().encode())
    await street.say(ADMIN, "和平社区")
    (peace,) = [row.id for row in street.running.services.communities.all() if row.id != 1]
    await street.press(ADMIN, street.last(ADMIN), street_cb.StreetInvite(peace).encode())
    found = re.search(r"start=(sec-[\w-]+)", text_of(street.last(ADMIN)))
    assert found is not None
    await street.say(PEACE_SECRETARY, f"/start {found.group(1)}")
    await street.press_label(PEACE_SECRETARY, street.last(PEACE_SECRETARY), "同意并担任书记")
    return peace


async def test_two_communities_see_only_their_own(street: BotHarness) -> None:
    peace = await make_second_community(street)

    # Each community: its secretary, its residents' group, two residents.
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await street.say(PEACE_SECRETARY, "/bind residents", PEACE_GROUP)
    await join(street, HAPPY["zhang"], 1, "张阿姨")
    await join(street, HAPPY["tom"], 1, "Tom")
    await join(street, PEACE["wang"], peace, "王阿姨")
    await join(street, PEACE["zhao"], peace, "赵大爷")

    # The same flow in both: each raises a matter, and each is its community's #1.
    await raise_matter(street, HAPPY["zhang"], HAPPY_MATTER)
    assert street.last(HAPPY["zhang"])["text"].startswith("✅ 已提交，编号 #1。")
    await raise_matter(street, PEACE["wang"], PEACE_MATTER)
    assert street.last(PEACE["wang"])["text"].startswith("✅ 已提交，编号 #1。")
    await street.pushes_sent()

    # Cards: each group has its own community's matter, never the other's.
    happy_group = " ".join(street.texts(RESIDENTS_GROUP))
    peace_group = " ".join(street.texts(PEACE_GROUP))
    assert f"📌 #1 {HAPPY_MATTER}" in happy_group and PEACE_MATTER not in happy_group
    assert f"📌 #1 {PEACE_MATTER}" in peace_group and HAPPY_MATTER not in peace_group
    assert "和平社区" not in happy_group and "幸福社区" not in peace_group

    # Lists: /matters shows each its own.
    for user_id, own, other in (
        (HAPPY["tom"], HAPPY_MATTER, PEACE_MATTER),
        (PEACE["zhao"], PEACE_MATTER, HAPPY_MATTER),
    ):
        await street.say(user_id, "/matters")
        listing = text_of(street.last(user_id))
        assert own in listing and other not in listing

    # Counts: each secretary's /status counts their own people and groups only.
    await street.say(SECRETARY, "/status")
    happy_status = text_of(street.last(SECRETARY))
    await street.say(PEACE_SECRETARY, "/status")
    peace_status = text_of(street.last(PEACE_SECRETARY))
    assert "幸福社区" in happy_status and "和平里居民群" not in happy_status
    assert "和平社区" in peace_status and "幸福里居民群" not in peace_status

    # A push: community 2's notice reaches community 2's residents only.
    await street.say(PEACE_SECRETARY, "/notify")
    await street.press_label(PEACE_SECRETARY, street.last(PEACE_SECRETARY), "全体登记居民")
    assert "（3 人）" in text_of(street.last(PEACE_SECRETARY))  # the secretary and two
    await street.say(PEACE_SECRETARY, "本周六停水，请提前储水。")
    await street.press_label(PEACE_SECRETARY, street.last(PEACE_SECRETARY), "发送")
    await street.pushes_sent()
    assert any("本周六停水" in t for t in street.texts(PEACE["zhao"]))
    for user_id in (SECRETARY, *HAPPY.values()):
        assert not any("本周六停水" in t for t in street.texts(user_id))

    # A forged press: community 2's resident presses community 1's card's button.
    happy_card = next(
        m for m in street.api.bot_messages(RESIDENTS_GROUP) if HAPPY_MATTER in text_of(m)
    )
    support = button_data(happy_card, "附议")
    street.api.press_button(
        PEACE["zhao"], RESIDENTS_GROUP, happy_card["message_id"], support, strict=False
    )
    await street.settle()
    with in_community(1):
        async with street.db.read() as session:
            (matter,) = await session.matters.open()
            assert matter.title == HAPPY_MATTER
            assert matter.supports == 0

    # Exports: a resident's /export holds nothing of the other community.
    await street.say(PEACE["wang"], "/export")
    exported = street.api.bot_messages(PEACE["wang"])[-1]
    (content,) = exported["_files"].values()
    record = json.loads(content)
    dumped = json.dumps(record, ensure_ascii=False)
    assert PEACE_MATTER in dumped and HAPPY_MATTER not in dumped and "张阿姨" not in dumped

    # The street view: one block per community, each with its own one matter raised.
    await street.say(ADMIN, "/street")
    await street.press_label(ADMIN, street.last(ADMIN), "街道总览")
    view = next(
        text_of(m) for m in reversed(street.api.bot_messages(ADMIN)) if text_of(m).startswith("📊")
    )
    blocks = view.split("🏘 ")[1:]
    assert [block.splitlines()[0] for block in blocks] == ["幸福社区", "和平社区"]
    for block in blocks:
        assert "提出 1 ·" in block

    # Every row either community wrote is its own: nothing fell back to community 1.
    with in_community(peace):
        async with street.db.read() as session:
            assert await session.people.count() == 3
            assert [c.title for c in await session.chats.bound()] == ["和平里居民群"]
    with in_community(1):
        async with street.db.read() as session:
            assert await session.people.count() == 3
            assert [c.title for c in await session.chats.bound()] == ["幸福里居民群"]


async def test_a_newcomer_of_no_community_gets_answers_not_apologies(street: BotHarness) -> None:
    """With two communities, someone registered nowhere is in no community: every command
    and the plain words the bot understands answer them shortly (register first, or a
    refusal), and none reaches a community's records unscoped (an apology would say so)."""
    await make_second_community(street)
    newcomer = 3003
    commands = [
        "/" + command.name
        for command in COMMANDS
        if command.name not in ("start", "cancel", "forget")
    ]
    words = ["提议 路灯坏了", "签到", "签退 ", "我报名", "你好", "🙋 我有需求", "📌 公开栏"]
    for text in [*commands, *words]:
        before = len(street.api.bot_messages(newcomer))
        await street.say(newcomer, text)
        answers = [text_of(m) for m in street.api.bot_messages(newcomer)[before:]]
        assert not any("出了点问题" in answer for answer in answers), (text, answers)
    # In a group nobody of any community has bound (the newcomer added the bot): the same.
    stray = -1009999
    street.api.add_group(stray, "新群")
    street.api.bot_added(stray, newcomer)
    await street.settle()
    for text in [
        "/bind residents",
        "/start",
        "/help",
        "/matters",
        "提议 路灯坏了",
        "签到",
        "大家好",
    ]:
        before = len(street.api.bot_messages(stray))
        await street.say(newcomer, text, stray)
        answers = [text_of(m) for m in street.api.bot_messages(stray)[before:]]
        assert not any("出了点问题" in answer for answer in answers), (text, answers)
    # /start still offers the list of communities.
    await street.say(newcomer, "/start")
    assert text_of(street.last(newcomer)) == "请选择您所在的社区："


async def test_activities_are_numbered_per_community(street: BotHarness) -> None:
    peace = await make_second_community(street)
    happy_volunteers, peace_volunteers = -1004441, -1004442
    street.api.add_group(happy_volunteers, "幸福里志愿者群")
    street.api.add_group(peace_volunteers, "和平里志愿者群")
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/bind volunteers", happy_volunteers)
    await street.say(PEACE_SECRETARY, "/bind volunteers", peace_volunteers)
    await join(street, PEACE["wang"], peace, "王阿姨")

    # Community 1 has two activities before 和平社区 has any: 和平社区's first is still #1.
    assert "#1" in await create(street, "湖边清洁", WHEN, 5)
    assert "#2" in await create(street, "公园巡逻", WHEN, 5)
    confirmation = await create(street, "垃圾分类", WHEN, 5, secretary=PEACE_SECRETARY)
    assert "#1" in confirmation and "#3" not in confirmation
    peace_cards = " ".join(street.texts(peace_volunteers))
    assert "#1" in peace_cards and "垃圾分类" in peace_cards and "湖边清洁" not in peace_cards

    # What a resident of 和平社区 sees: their #1, with its 报名 button.
    await street.say(PEACE["wang"], "/activities")
    listing = street.last(PEACE["wang"])
    assert "#1" in text_of(listing) and "垃圾分类" in text_of(listing)
    assert "公园巡逻" not in text_of(listing) and "#3" not in text_of(listing)
    labels = [b["text"] for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert any("#1" in label and "垃圾分类" in label for label in labels)
    with in_community(peace):
        async with street.db.read() as session:
            (activity,) = await session.volunteering.activities.upcoming(
                street.running.services.clock(), 10
            )
            assert (activity.number, activity.id) == (1, 3)  # ids stay street-wide


async def post_need(street: BotHarness, user_id: int, words: str) -> str:
    """🙋 我有需求 from the keyboard (维修, no building, 一般, the words): the answer."""
    await street.say(user_id, "🙋 我有需求")
    await street.press_label(user_id, street.last(user_id), "维修")
    await street.press_label(user_id, street.last(user_id), "不涉及楼栋")
    await street.press_label(user_id, street.last(user_id), "一般")
    await street.say(user_id, words)
    return text_of(street.last(user_id))


async def test_needs_are_numbered_per_community(street: BotHarness) -> None:
    peace = await make_second_community(street)
    await street.register(SECRETARY)
    await join(street, HAPPY["zhang"], 1, "张阿姨")
    await join(street, PEACE["wang"], peace, "王阿姨")

    # Community 1 has two needs before 和平社区 has any: 和平社区's first is still #1.
    assert "需求 #1（维修）" in await post_need(street, HAPPY["zhang"], "楼道灯坏了")
    assert "需求 #2（维修）" in await post_need(street, HAPPY["zhang"], "水管漏水")
    theirs = await post_need(street, PEACE["wang"], "门禁坏了")
    assert "需求 #1（维修）" in theirs and "#3" not in theirs
    await street.pushes_sent()
    # Its secretary hears of 新需求 #1, and lists it as #1.
    told = " ".join(street.texts(PEACE_SECRETARY))
    assert "新需求 #1" in told and "#3" not in told
    await street.say(PEACE_SECRETARY, "/needs")
    listing = street.last(PEACE_SECRETARY)
    labels = [b["text"] for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert any(label.startswith("#1 维修") for label in labels)
    assert not any(label.startswith("#3") for label in labels)
    with in_community(peace):
        async with street.db.read() as session:
            (need,) = await session.needs.of_resident(
                (await session.people.by_telegram_id(PEACE["wang"])).id  # type: ignore[union-attr]
            )
            assert (need.number, need.id) == (1, 3)  # ids stay street-wide
