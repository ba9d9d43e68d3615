"""A resident corrects their own grid, building and door later (/me → ✏️ 改网格和门牌),
privately, through the real Application: the same grid buttons and questions as after a
move, 取消 at each step, only the current community's grids."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.community.communities import Communities
from bot.config import current_profile
from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from storage import current_community, in_community
from storage.community.people import PersonRow, person_by_telegram_id_street_wide
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

ZHANG = 2001
GRIDS = [{"id": "c1", "name": "第一网格"}, {"id": "c2", "name": "第二网格"}]


def _enter_for_update(self: Communities, community: int) -> None:
    """As tests/handlers/community/test_joining.py: the scope entered for the update."""
    current_profile.set(self.profile(community))
    current_community.set(community)


@pytest.fixture(autouse=True)
def _entering_sets_the_scope(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Communities, "enter_for_update", _enter_for_update)
    yield


async def _harness(tmp_path: Path, api: FakeBotApi, grids: list[dict[str, str]]) -> BotHarness:
    community: dict[str, object] = {"grids": grids} if grids else {}
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, community=community)
    token = current_community.set(None)
    try:
        return await start_harness(settings, api, FakeClock())
    finally:
        current_community.reset(token)


@pytest.fixture
async def with_grids(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    harness = await _harness(tmp_path, api, GRIDS)
    try:
        yield harness
    finally:
        await harness.running.stop()


@pytest.fixture
async def without_grids(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    harness = await _harness(tmp_path, api, [])
    try:
        yield harness
    finally:
        await harness.running.stop()


async def _person(harness: BotHarness, tg_user_id: int) -> PersonRow:
    found = await harness.db.run_read(
        lambda conn: person_by_telegram_id_street_wide(conn, tg_user_id)
    )
    assert isinstance(found, PersonRow)
    return found


async def _zhang_at_home(harness: BotHarness, grid: str | None) -> None:
    """张阿姨 registered in 3号楼 201 (and grid ``grid`` where there are grids)."""
    await harness.register(ZHANG, "张阿姨", "3号楼")
    if grid is not None:
        await harness.press(ZHANG, harness.last(ZHANG), cb.RegisterGrid(grid).encode())
    await harness.say(ZHANG, "/me")
    await harness.press_label(ZHANG, harness.last(ZHANG), "🏠 门牌")
    await harness.say(ZHANG, "201")


async def _audit(harness: BotHarness, action: str, community: int = 1) -> int:
    with in_community(community):
        async with harness.db.read() as session:
            return await session.audit.count_action(action)  # type: ignore[no-any-return]


async def _open_change(harness: BotHarness, label: str = "改网格和门牌") -> dict[str, object]:
    await harness.say(ZHANG, "/me")
    await harness.press_label(ZHANG, harness.last(ZHANG), label)
    return harness.last(ZHANG)


async def test_a_resident_changes_grid_building_and_door(with_grids: BotHarness) -> None:
    harness = with_grids
    await harness.register(SECRETARY)
    await harness.press(SECRETARY, harness.last(SECRETARY), cb.RegisterGrid("c1").encode())
    await _zhang_at_home(harness, "c1")
    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == ("c1", "3号楼", "201")
    grids_before = await _audit(harness, "person.grid")
    homes_before = await _audit(harness, "person.home")

    # The grid with big buttons, as after a move; 不清楚 and 取消 too.
    asked = await _open_change(harness)
    assert asked["text"] == "您属于哪个网格？请点下面的按钮。"
    assert button_labels(asked) == ["第一网格", "第二网格", "不清楚", "取消"]
    # Typed instead of pressed: the buttons are pointed to, the question asked again.
    await harness.say(ZHANG, "第二网格")
    assert harness.last(ZHANG)["text"] == ("请点上面的按钮选择。\n您属于哪个网格？请点下面的按钮。")
    await harness.press_label(ZHANG, asked, "第二网格")
    (answered,) = [
        m for m in harness.api.bot_messages(ZHANG) if m["message_id"] == asked["message_id"]
    ]
    assert answered["text"].endswith("✅ 第二网格")
    building_question = harness.last(ZHANG)
    assert building_question["text"] == "您住哪栋楼？请发送楼栋，例如“3号楼”。"
    assert button_labels(building_question) == ["取消"]
    # Nothing is saved before the door: the register still holds the old values.
    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == ("c1", "3号楼", "201")

    # Too long, then only spaces: a short reply and the question again.
    await harness.say(ZHANG, "楼" * 17)
    assert harness.last(ZHANG)["text"] == (
        "请不超过 16 个字。\n您住哪栋楼？请发送楼栋，例如“3号楼”。"
    )
    assert button_labels(harness.last(ZHANG)) == ["取消"]
    await harness.say(ZHANG, "5号楼")
    assert harness.last(ZHANG)["text"].startswith("您家的门牌号是多少？")
    assert "5号楼" in harness.last(ZHANG)["text"]
    await harness.say(ZHANG, "\u200b\u200b")
    assert harness.last(ZHANG)["text"].startswith("请发送文字。\n您家的门牌号是多少？")
    await harness.say(ZHANG, "302")
    assert harness.last(ZHANG)["text"] == "改好了。\n网格：第二网格\n楼栋：5号楼\n门牌：302"

    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == ("c2", "5号楼", "302")
    assert await _audit(harness, "person.grid") == grids_before + 1
    assert await _audit(harness, "person.home") == homes_before + 1
    # The grid button pressed again, late: refused politely, pointing to /me; no change.
    await harness.press(ZHANG, asked, cb.HomeGrid("c1").encode(), strict=False)
    assert harness.api.callback_answers()[-1]["text"] == (
        "这一步已经过去了。网格不对的话，请发 /me，点“✏️ 改网格和门牌”。"
    )
    assert (await _person(harness, ZHANG)).grid_id == "c2"
    # 取消 under a finished step: refused politely too.
    await harness.press(ZHANG, building_question, cb.HomeCancel().encode(), strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "这一步已经过去了，没有改动。"

    # /me and the secretary's register show the new values.
    await harness.say(ZHANG, "/me")
    card = harness.last(ZHANG)["text"]
    assert "楼栋：5号楼" in card and "门牌：302" in card and "网格：第二网格" in card
    await harness.say(SECRETARY, "/people")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨")
    entry = harness.last(SECRETARY)["text"]
    assert "楼栋：5号楼" in entry and "门牌：302" in entry and "网格：第二网格" in entry


async def test_i_dont_know_clears_the_grid(with_grids: BotHarness) -> None:
    harness = with_grids
    await _zhang_at_home(harness, "c1")
    asked = await _open_change(harness)
    await harness.press_label(ZHANG, asked, "不清楚")
    await harness.say(ZHANG, "3号楼")
    await harness.say(ZHANG, "201")
    assert harness.last(ZHANG)["text"] == "改好了。\n网格：不清楚\n楼栋：3号楼\n门牌：201"
    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == (None, "3号楼", "201")


async def test_cancel_keeps_the_old_values(with_grids: BotHarness) -> None:
    harness = with_grids
    await _zhang_at_home(harness, "c1")
    homes_before = await _audit(harness, "person.home")

    # 取消 under the grid question.
    asked = await _open_change(harness)
    await harness.press_label(ZHANG, asked, "取消")
    assert harness.last(ZHANG)["text"] == "好的，没有改。您的网格和门牌还是原来的。"
    # Its grid buttons are over with it.
    await harness.press(ZHANG, asked, cb.HomeGrid("c2").encode(), strict=False)
    assert harness.api.callback_answers()[-1]["text"].startswith("这一步已经过去了")

    # 取消 under the door question, after a grid and a building were given.
    asked = await _open_change(harness)
    await harness.press_label(ZHANG, asked, "第二网格")
    await harness.say(ZHANG, "9号楼")
    door_question = harness.last(ZHANG)
    assert button_labels(door_question) == ["取消"]
    await harness.press_label(ZHANG, door_question, "取消")
    assert harness.last(ZHANG)["text"] == "好的，没有改。您的网格和门牌还是原来的。"
    # A door typed afterwards is no answer to anything: nothing changes.
    await harness.say(ZHANG, "999")

    # 取消 typed as a word under the building question.
    await harness.press_label(ZHANG, await _open_change(harness), "第二网格")
    await harness.say(ZHANG, "取消")
    assert harness.last(ZHANG)["text"] == "好的，没有改。您的网格和门牌还是原来的。"

    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == ("c1", "3号楼", "201")
    assert await _audit(harness, "person.home") == homes_before


async def test_a_community_without_grids_asks_the_building_first(
    without_grids: BotHarness,
) -> None:
    harness = without_grids
    await _zhang_at_home(harness, None)
    await harness.say(ZHANG, "/me")
    assert "✏️ 改楼栋和门牌" in button_labels(harness.last(ZHANG))
    asked = await _open_change(harness, "改楼栋和门牌")
    assert asked["text"] == "您住哪栋楼？请发送楼栋，例如“3号楼”。"
    assert button_labels(asked) == ["取消"]
    await harness.say(ZHANG, "7号楼")
    await harness.say(ZHANG, "1203")
    assert harness.last(ZHANG)["text"] == "改好了。\n楼栋：7号楼\n门牌：1203"
    zhang = await _person(harness, ZHANG)
    assert (zhang.grid_id, zhang.building, zhang.door) == (None, "7号楼", "1203")
    # A grid button, forged: there is no grid question here, nothing is taken.
    await harness.press(ZHANG, asked, cb.HomeGrid("-").encode(), strict=False)
    assert harness.api.callback_answers()[-1]["text"].startswith("这一步已经过去了")


async def test_another_communitys_grid_is_refused_even_forged(with_grids: BotHarness) -> None:
    harness = with_grids
    await _zhang_at_home(harness, "c1")
    services = harness.running.services
    peace = (await services.communities.create("和平社区", created_by=None)).id
    east = await services.communities.add_grid(peace, "东区网格")
    assert east.id not in {grid["id"] for grid in GRIDS}

    asked = await _open_change(harness)
    assert "东区网格" not in button_labels(asked)
    # The other community's grid id, forged into a button of this question: refused.
    await harness.press(ZHANG, asked, cb.HomeGrid(east.id).encode(), strict=False)
    assert harness.api.callback_answers()[-1]["text"].startswith("这一步已经过去了")
    # The question is still open: a grid of this community is then taken.
    await harness.press_label(ZHANG, asked, "第二网格")
    await harness.say(ZHANG, "3号楼")
    await harness.say(ZHANG, "201")
    assert (await _person(harness, ZHANG)).grid_id == "c2"


async def test_me_in_a_group_points_to_the_private_chat(with_grids: BotHarness) -> None:
    harness = with_grids
    await harness.register(SECRETARY)
    await harness.press(SECRETARY, harness.last(SECRETARY), cb.RegisterGrid("c1").encode())
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await harness.say(SECRETARY, "/me", RESIDENTS_GROUP)
    pointed = harness.last(RESIDENTS_GROUP)
    assert pointed["text"] == "您的登记信息请私聊我查看和修改。请点下面的按钮。"
    markup = pointed["reply_markup"]
    (url,) = [b["url"] for row in markup["inline_keyboard"] for b in row]
    assert url.endswith("?start=me")
    await harness.say(SECRETARY, "/start me")
    assert harness.last(SECRETARY)["text"].startswith("我的登记信息\n称呼：")
    assert "✏️ 改网格和门牌" in button_labels(harness.last(SECRETARY))
