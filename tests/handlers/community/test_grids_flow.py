"""/grids: a street-created community's secretary adds and removes its grids in the bot,
and registration there offers them at once; the first community's are configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from storage import in_community
from tests.conftest import make_settings
from tests.handlers.community.test_isolation import (
    PEACE_SECRETARY,
    make_second_community,
    text_of,
)
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness

ADMIN = 9001


@pytest.fixture
async def street(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    api.add_user(ADMIN, "主任", last_name="街道", language_code="zh-hans")
    api.add_user(PEACE_SECRETARY, "书记", last_name="和", language_code="zh-hans")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        street={"admins": [ADMIN]},
        community={"grids": [{"id": "g1", "name": "第一网格"}]},
    )
    running = await start_harness(settings, api)
    try:
        yield running
    finally:
        await running.running.stop()


async def test_a_secretary_keeps_the_grids_of_their_community(street: BotHarness) -> None:
    peace = await make_second_community(street)
    await street.say(PEACE_SECRETARY, "/grids")
    screen = street.last(PEACE_SECRETARY)
    assert text_of(screen) == "🗺 和平社区的网格：\n还没有网格。居民登记时就不问网格。"
    assert button_labels(screen) == ["➕ 添加网格"]

    await street.press(PEACE_SECRETARY, screen, cb.GridAdd().encode())
    await street.say(PEACE_SECRETARY, "   ")
    assert text_of(street.last(PEACE_SECRETARY)) == "网格名称不能为空，请再输入一次。"
    await street.say(PEACE_SECRETARY, "东" * 17)
    assert "最多 16 个字" in text_of(street.last(PEACE_SECRETARY))
    await street.say(PEACE_SECRETARY, "东区网格")
    assert "✅ 已添加网格「东区网格」" in street.texts(PEACE_SECRETARY)[-2]
    listing = street.last(PEACE_SECRETARY)
    assert text_of(listing) == "🗺 和平社区的网格：\n1. 东区网格"
    assert button_labels(listing) == ["➕ 添加网格", "🗑 删除 东区网格"]
    await street.press(PEACE_SECRETARY, listing, cb.GridAdd().encode())
    await street.say(PEACE_SECRETARY, "东区网格")
    assert text_of(street.last(PEACE_SECRETARY)) == "已经有叫「东区网格」的网格了，请换一个名称。"
    await street.say(PEACE_SECRETARY, "/cancel")

    # A newcomer joining 和平社区 is asked its grid (and not the first community's).
    await street.say(2003, f"/start join-{peace}")
    await street.press(2003, street.last(2003), cb.RegisterConsent(True).encode())
    await street.press(2003, street.last(2003), cb.RegisterUseTelegramName().encode())
    await street.press(2003, street.last(2003), cb.RegisterSkipBuilding().encode())
    asked = street.last(2003)
    assert "第一网格" not in str(button_labels(asked))
    await street.press_label(2003, asked, "东区网格")
    with in_community(peace):
        async with street.db.read() as session:
            li = await session.people.by_telegram_id(2003)
    assert li is not None and li.grid_id == "g1"

    # A grid somebody is in is not removed; the first community's are the file's.
    await street.say(PEACE_SECRETARY, "/grids")
    await street.press(PEACE_SECRETARY, street.last(PEACE_SECRETARY), cb.GridRemove("g1").encode())
    answer = street.api.callback_answers()[-1]["text"]
    assert answer == "「东区网格」里还有 1 位登记的居民，不能删除。"
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/grids")
    first = street.last(SECRETARY)
    assert text_of(first).startswith("🗺 幸福社区的网格：\n1. 第一网格\n")
    assert button_labels(first) == []
    # A forged press from the first community changes nothing of the second's.
    street.api.press_button(
        SECRETARY, SECRETARY, first["message_id"], cb.GridRemove("g1").encode(), strict=False
    )
    await street.settle()
    assert street.running.services.communities.profile(peace).grids[0].name == "东区网格"
    # A resident may not.
    await street.say(2003, "/grids")
    assert "只有书记" in text_of(street.last(2003))
