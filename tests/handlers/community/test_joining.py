"""Joining a community (a group's link, the street's list) and moving to another, with
two communities, through the real Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.community.communities import Communities
from bot.config import current_profile
from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from storage import current_community, in_community
from storage.community.people import PersonRow, person_by_telegram_id_street_wide
from tests.conftest import make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

PEACE_GROUP = -1005678
NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def _enter_for_update(self: Communities, community: int) -> None:
    """``Communities.enter_for_update`` as it must be: ``in_community(c).__enter__()`` on a
    context manager dropped at once is closed by the garbage collector, whose ``finally``
    resets the scope, so only the profile was entered (reported to the lead)."""
    current_profile.set(self.profile(community))
    current_community.set(community)


@pytest.fixture(autouse=True)
def _entering_sets_the_scope(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Communities, "enter_for_update", _enter_for_update)
    yield


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    """The bot run as `pavilion run` runs it, in no community: a newcomer's updates have
    none until they join one (the test itself reads inside the first)."""
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    token = current_community.set(None)
    try:
        running = await start_harness(settings, api)
    finally:
        current_community.reset(token)
    try:
        yield running
    finally:
        await running.running.stop()


async def _second_community(harness: BotHarness) -> int:
    row = await harness.running.services.communities.create("和平社区", created_by=None)
    return row.id


async def _person(harness: BotHarness, tg_user_id: int) -> PersonRow | None:
    return await harness.db.run_read(  # type: ignore[no-any-return]
        lambda conn: person_by_telegram_id_street_wide(conn, tg_user_id)
    )


async def _register_by_link(harness: BotHarness, user_id: int, payload: str) -> None:
    await harness.say(user_id, f"/start {payload}")
    await harness.press(user_id, harness.last(user_id), cb.RegisterConsent(True).encode())
    await harness.press(user_id, harness.last(user_id), cb.RegisterUseTelegramName().encode())
    await harness.press(user_id, harness.last(user_id), cb.RegisterSkipBuilding().encode())


async def _make_secretary(harness: BotHarness, user_id: int, community: int) -> None:
    person = await _person(harness, user_id)
    assert person is not None and person.community_id == community
    with in_community(community):
        async with harness.db.transaction() as session:
            assert await session.people.grant(person.id, "secretary", None, NOW)


def _url(message: dict[str, object]) -> str:
    markup = message["reply_markup"]
    assert isinstance(markup, dict)
    (url,) = [b["url"] for row in markup["inline_keyboard"] for b in row]
    return str(url)


async def test_a_groups_link_registers_the_newcomer_in_its_community(
    harness: BotHarness,
) -> None:
    await harness.register(SECRETARY)
    peace = await _second_community(harness)
    # Community 1's group: its link names community 1.
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    assert _url(harness.last(RESIDENTS_GROUP)).endswith("?start=join-1")

    # A newcomer follows a link of the second community: the form is that community's.
    await harness.say(2003, f"/start join-{peace}")
    assert "欢迎加入和平社区议事亭" in harness.last(2003)["text"]
    await harness.press(2003, harness.last(2003), cb.RegisterConsent(True).encode())
    await harness.say(2003, "李大爷")  # a typed answer: still the second community's form
    await harness.press(2003, harness.last(2003), cb.RegisterSkipBuilding().encode())
    assert "登记完成，李大爷" in harness.texts(2003)[-1]
    li = await _person(harness, 2003)
    assert li is not None and li.community_id == peace and li.roles == frozenset({"resident"})

    # Made its secretary, they bind their group: it becomes the second community's.
    await _make_secretary(harness, 2003, peace)
    harness.api.add_group(PEACE_GROUP, "和平居民群")
    await harness.say(2003, "/bind residents", PEACE_GROUP)
    assert _url(harness.last(PEACE_GROUP)).endswith(f"?start=join-{peace}")
    assert "和平社区" in harness.api.bot_messages(PEACE_GROUP)[-1]["text"]
    with in_community(peace):
        async with harness.db.read() as session:
            assert [c.title for c in await session.chats.bound()] == ["和平居民群"]
            assert await session.people.count() == 1
    with in_community(1):
        async with harness.db.read() as session:
            assert [c.title for c in await session.chats.bound()] == ["幸福里居民群"]
            assert await session.people.count() == 1  # the secretary only

    # In the first community's group, the second's secretary is a visitor: not theirs.
    await harness.say(2003, "/unbind", RESIDENTS_GROUP)
    assert "书记" in harness.last(RESIDENTS_GROUP)["text"]
    with in_community(1):
        async with harness.db.read() as session:
            assert len(await session.chats.bound()) == 1

    # A link to no community is a plain /start: the newcomer chooses.
    await harness.say(2001, "/start join-99")
    assert harness.last(2001)["text"] == "请选择您所在的社区："


async def test_a_newcomer_without_a_link_chooses_the_community(harness: BotHarness) -> None:
    peace = await _second_community(harness)
    await harness.say(2002, "/start")
    choice = harness.last(2002)
    assert choice["text"] == "Please choose your community:"
    assert button_labels(choice) == ["幸福社区", "和平社区"]
    await harness.press_label(2002, choice, "和平社区")
    consent = harness.last(2002)
    assert "和平社区" in consent["text"] and "What we keep" in consent["text"]
    await harness.press(2002, consent, cb.RegisterConsent(True).encode())
    await harness.press(2002, harness.last(2002), cb.RegisterUseTelegramName().encode())
    await harness.press(2002, harness.last(2002), cb.RegisterSkipBuilding().encode())
    tom = await _person(harness, 2002)
    assert tom is not None and tom.community_id == peace

    # The list pressed again: a short reply, nothing changes.
    await harness.press(2002, choice, cb.JoinCommunity(1).encode(), strict=False)
    assert "registered already" in harness.api.callback_answers()[-1]["text"]
    tom_again = await _person(harness, 2002)
    assert tom_again is not None and tom_again.community_id == peace
    # Registered, /start is theirs as before: no list.
    await harness.say(2002, "/start")
    assert "Please choose" not in harness.last(2002)["text"]


async def test_moving_to_another_community_on_acceptance(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨", "3号楼")
    peace = await _second_community(harness)
    await _register_by_link(harness, 2003, f"join-{peace}")
    await _make_secretary(harness, 2003, peace)
    zhang = await _person(harness, 2001)
    assert zhang is not None and zhang.community_id == 1
    with in_community(1):
        async with harness.db.transaction() as session:
            await session.people.grant(zhang.id, "volunteer", None, NOW)

    await harness.say(2001, "/me")
    await harness.press_label(2001, harness.last(2001), "搬到其他社区")
    targets = harness.last(2001)
    assert targets["text"] == "您想搬到哪个社区？"
    assert button_labels(targets) == ["和平社区"]
    await harness.press_label(2001, targets, "和平社区")
    assert "留在原社区" in harness.last(2001)["text"]
    await harness.press_label(2001, harness.last(2001), "确定申请")
    assert harness.last(2001)["text"] == "已把您的申请转给和平社区的书记，处理后会告诉您。"

    await harness.pushes_sent()
    request = harness.last(2003)
    assert "张阿姨 申请从幸福社区搬到本社区" in request["text"]
    assert button_labels(request) == ["✅ 接受", "拒绝"]
    # The first community's secretary cannot decide it (another community's request).
    data = request["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await harness.say(SECRETARY, "/me")
    await harness.press(SECRETARY, harness.last(SECRETARY), data, strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "这条申请已不在了。"

    await harness.press_label(2003, request, "接受")
    assert harness.last(2003)["text"] == "已接受：张阿姨 搬到本社区。"
    await harness.pushes_sent()
    # No grids there: asked their building at once (the 门牌 form).
    assert harness.last(2001)["text"] == (
        "和平社区的书记同意了，您现在是和平社区的居民。\n您住哪栋楼？请发送楼栋，例如“3号楼”。"
    )
    moved = await _person(harness, 2001)
    assert moved is not None and moved.community_id == peace
    assert moved.roles == frozenset({"resident"})
    assert moved.building is None
    # Pressed again: decided once.
    await harness.press(2003, request, data, strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "这条申请已经接受过了。"

    with in_community(1):
        async with harness.db.read() as session:
            assert [p.display_name for p in await session.people.page(0, 10)] == ["王书记"]
            # What they did there stays there.
            assert await session.audit.count_action("person.register") == 2
    with in_community(peace):
        async with harness.db.read() as session:
            names = {p.display_name for p in await session.people.page(0, 10)}
            assert names == {"张阿姨", "李大爷"}
    # Their /me is the new community's now: no move back to where they are.
    await harness.say(2001, "/me")
    await harness.press_label(2001, harness.last(2001), "搬到其他社区")
    assert button_labels(harness.last(2001)) == ["幸福社区"]


async def test_a_moved_person_chooses_the_new_communitys_grid_and_building(
    tmp_path: Path, api: FakeBotApi
) -> None:
    """The new community's grids as big buttons, privately; the old grid never follows."""
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"grids": [{"id": "g1", "name": "第一网格"}]},
    )
    token = current_community.set(None)
    try:
        harness = await start_harness(settings, api)
    finally:
        current_community.reset(token)
    try:
        services = harness.running.services
        await harness.register(2001, "张阿姨", "3号楼")
        await harness.press(2001, harness.last(2001), cb.RegisterGrid("g1").encode())
        zhang = await _person(harness, 2001)
        assert zhang is not None and zhang.grid_id == "g1"
        peace = await _second_community(harness)
        # The new community's grids, set with /grids: ids of their own (g1 again, maybe).
        east = await services.communities.add_grid(peace, "东区网格")
        west = await services.communities.add_grid(peace, "西区网格")
        await harness.say(2003, f"/start join-{peace}")
        await harness.press(2003, harness.last(2003), cb.RegisterConsent(True).encode())
        await harness.press(2003, harness.last(2003), cb.RegisterUseTelegramName().encode())
        await harness.press(2003, harness.last(2003), cb.RegisterSkipBuilding().encode())
        await harness.press(2003, harness.last(2003), cb.RegisterGrid(east.id).encode())
        await _make_secretary(harness, 2003, peace)

        await harness.say(2001, "/me")
        await harness.press_label(2001, harness.last(2001), "搬到其他社区")
        await harness.press_label(2001, harness.last(2001), "和平社区")
        await harness.press_label(2001, harness.last(2001), "确定申请")
        await harness.pushes_sent()
        await harness.press_label(2003, harness.last(2003), "接受")
        await harness.pushes_sent()

        # Told, and asked the grid with big buttons: the new community's, not the old.
        asked = harness.last(2001)
        assert asked["text"] == (
            "和平社区的书记同意了，您现在是和平社区的居民。\n您属于哪个网格？请点下面的按钮。"
        )
        assert button_labels(asked) == ["东区网格", "西区网格", "不清楚"]
        # Until they answer they have no grid: 第一网格 is nowhere in the new community.
        moved = await _person(harness, 2001)
        assert moved is not None and moved.community_id == peace
        assert (moved.grid_id, moved.building, moved.door) == (None, None, None)
        with in_community(peace):
            async with harness.db.read() as session:
                assert await session.people.count_in_grid("g1") == (
                    1 if east.id == "g1" else 0  # 李大爷 chose 东区网格
                )
        await harness.say(2001, "/me")
        card = harness.last(2001)["text"]
        assert "第一网格" not in card and "3号楼" not in card

        # Typed instead of pressed: the buttons above are pointed to, nothing is taken.
        await harness.say(2001, "西区")
        assert harness.last(2001)["text"] == "请点上面的按钮选择。"
        # The grid pressed: the question keeps its answer, the building is asked.
        await harness.press_label(2001, asked, "西区网格")
        (answered,) = [
            m for m in harness.api.bot_messages(2001) if m["message_id"] == asked["message_id"]
        ]
        assert answered["text"].endswith("✅ 西区网格")
        assert harness.last(2001)["text"] == "您住哪栋楼？请发送楼栋，例如“3号楼”。"
        await harness.say(2001, "5号楼")
        assert harness.last(2001)["text"].startswith("您家的门牌号是多少？")
        await harness.say(2001, "301")
        assert harness.last(2001)["text"].startswith("已记下：5号楼 301。")
        moved = await _person(harness, 2001)
        assert moved is not None
        assert (moved.grid_id, moved.building, moved.door) == (west.id, "5号楼", "301")
        # The same button again: that step is over, nothing changes.
        await harness.press(2001, asked, cb.HomeGrid(east.id).encode(), strict=False)
        assert harness.api.callback_answers()[-1]["text"].startswith("这一步已经过去了")
        moved = await _person(harness, 2001)
        assert moved is not None and moved.grid_id == west.id
    finally:
        await harness.running.stop()


async def test_a_refused_move_leaves_the_person_where_they_are(harness: BotHarness) -> None:
    await harness.register(2001, "张阿姨")
    peace = await _second_community(harness)
    await _register_by_link(harness, 2003, f"join-{peace}")
    await _make_secretary(harness, 2003, peace)
    await harness.say(2001, "/me")
    await harness.press_label(2001, harness.last(2001), "搬到其他社区")
    await harness.press_label(2001, harness.last(2001), "和平社区")
    await harness.press_label(2001, harness.last(2001), "确定申请")
    await harness.pushes_sent()
    await harness.press_label(2003, harness.last(2003), "拒绝")
    assert harness.last(2003)["text"] == "已拒绝 张阿姨 的搬入申请。"
    await harness.pushes_sent()
    assert "没有同意" in harness.last(2001)["text"]
    zhang = await _person(harness, 2001)
    assert zhang is not None and zhang.community_id == 1


async def test_a_group_the_bot_is_added_to_is_the_adders_community(
    harness: BotHarness,
) -> None:
    peace = await _second_community(harness)
    await _register_by_link(harness, 2003, f"join-{peace}")
    await _make_secretary(harness, 2003, peace)
    harness.api.add_group(-556, "和平老年群", type="group", bot_status="left")
    harness.api.bot_added(-556, 2003)
    await harness.settle()
    assert "/bind" in harness.last(-556)["text"]
    assert await harness.running.services.communities.of_chat(-556) == peace
    # Bound, then upgraded to a supergroup: still the second community's.
    await harness.say(2003, "/bind volunteers", -556)
    harness.api.migrate_group(-556, -1005560)
    await harness.settle()
    with in_community(peace):
        async with harness.db.read() as session:
            moved = await session.chats.get(-1005560)
            assert moved is not None and moved.kind == "volunteers"
    with in_community(1):
        async with harness.db.read() as session:
            assert await session.chats.get(-1005560) is None
            assert await session.chats.bound() == []
