"""/matters and a sitting's agenda: a button opens each matter, ✏️ 我要提议 starts raising,
and a long list pages (◀ ▶), through the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 16, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi, clock: FakeClock) -> AsyncIterator[BotHarness]:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    running = await start_harness(settings, api, clock)
    try:
        await running.register(SECRETARY)
        await running.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await running.register(2001, "张阿姨")
        await running.register(2002, "Tom")
        yield running
    finally:
        await running.running.stop()


async def raise_matters(harness: BotHarness, *titles: str) -> None:
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        for title in titles:
            await session.matters.create(
                title=title,
                details="大家商量一下",
                raised_by=None,
                support_until=now + timedelta(days=14),
                now=now,
            )


def answered_url(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1].get("url"))


async def test_each_matter_has_a_button_that_opens_it(harness: BotHarness) -> None:
    await raise_matters(harness, "3号楼前加装路灯", "小区南门的快递柜搬到车棚旁边去")
    await harness.say(2001, "/matters")
    listed = harness.last(2001)
    assert listed["text"] == (
        "议事事项\n【征集附议中】\n#1 3号楼前加装路灯 — 附议 0/3"
        "\n#2 小区南门的快递柜搬到车棚旁边去 — 附议 0/3\n点下面的事项，看它的详情和经过。"
    )
    assert "/matter" not in listed["text"]
    labels = button_labels(listed)
    assert labels[:3] == ["#1 3号楼前加装路灯", "#2 小区南门的快递柜搬到车…", "✏️ 我要提议"]
    assert labels[3].startswith("📅")  # the next Thursday pavilion, as before

    # Pressed: the same screen /matter 2 shows, as a new message; the list stays.
    await harness.press_label(2001, listed, "#2 ")
    opened = harness.last(2001)
    assert opened["message_id"] != listed["message_id"]
    await harness.say(2001, "/matter 2")
    typed = harness.last(2001)
    assert opened["text"] == typed["text"]
    assert opened["text"].split("\n")[0] == "#2 小区南门的快递柜搬到车棚旁边去"
    assert button_labels(opened) == button_labels(typed) == ["💬 讨论（0）", "🔔 关注"]
    (kept,) = [m for m in harness.api.bot_messages(2001) if m["message_id"] == listed["message_id"]]
    assert kept["text"] == listed["text"]  # the list is still there for the next tap

    # ✏️ 我要提议: the raise form starts, as /raise does.
    await harness.press_label(2001, listed, "我要提议")
    asked = harness.last(2001)["text"]
    assert asked.startswith("想提什么事？先用一句话说个标题")
    await harness.say(2001, "/raise")
    assert asked == harness.last(2001)["text"]


async def test_a_long_list_pages_with_eight_buttons_each(harness: BotHarness) -> None:
    await raise_matters(harness, *(f"第{n}件事" for n in range(1, 11)))
    await harness.say(2001, "/matters")
    first = harness.last(2001)
    assert first["text"].startswith("议事事项 · 第 1/2 页\n")
    assert "#8 第8件事" in first["text"] and "#9 第9件事" not in first["text"]
    labels = button_labels(first)
    assert labels[:8] == [f"#{n} 第{n}件事" for n in range(1, 9)]
    assert labels[8:10] == ["下一页 ▶", "✏️ 我要提议"]
    await harness.press_label(2001, first, "下一页")
    second = harness.last(2001)
    assert second["message_id"] == first["message_id"]  # the same message, turned over
    assert second["text"].startswith("议事事项 · 第 2/2 页\n")
    assert button_labels(second)[:4] == ["#9 第9件事", "#10 第10件事", "◀ 上一页", "✏️ 我要提议"]
    await harness.press_label(2001, second, "上一页")
    assert harness.last(2001)["text"] == first["text"]
    # A page gone meanwhile (a matter closed) shows the last one there is.
    await harness.press(2001, second, "xmp:5", strict=False)
    assert harness.last(2001)["text"].startswith("议事事项 · 第 2/2 页\n")


async def test_in_a_group_the_buttons_open_the_private_chat(harness: BotHarness) -> None:
    await raise_matters(harness, "3号楼前加装路灯")
    await harness.say(2001, "/matters", RESIDENTS_GROUP)
    listed = harness.last(RESIDENTS_GROUP)
    assert button_labels(listed) == ["#1 3号楼前加装路灯", "✏️ 我要提议"]
    bot = harness.running.app.bot.username
    await harness.press_label(2001, listed, "#1 ")
    assert answered_url(harness) == f"https://t.me/{bot}?start=matter-1"
    await harness.press_label(2001, listed, "我要提议")
    assert answered_url(harness) == f"https://t.me/{bot}?start=raise"
    assert listed["text"] == harness.api.bot_messages(RESIDENTS_GROUP)[-1]["text"]  # untouched
    # Where the link leads: the matter, privately.
    await harness.say(2001, "/start matter-1")
    assert "3号楼前加装路灯" in harness.last(2001)["text"].split("\n")[0]
    assert "讨论" in " ".join(button_labels(harness.last(2001)))
    await harness.say(2001, "/start matter-99")
    assert harness.last(2001)["text"] == "没有编号 #99 的事项。"


async def test_the_agenda_has_a_button_per_matter(harness: BotHarness, clock: FakeClock) -> None:
    services = harness.running.services
    async with harness.db.read() as session:
        opening = await session.schedules.by_key("builtin:session_open")
    assert opening is not None and opening.next_due_at is not None
    await raise_matters(
        harness, "3号楼前加装路灯", "小区文明养犬", *(f"第{n}件事" for n in range(3, 10))
    )
    async with harness.db.transaction() as session:
        for matter_id in range(1, 10):
            await session.matters.put_on_agenda(
                matter_id, "session", opening.next_due_at, clock.now
            )
    clock.now = opening.next_due_at
    assert await services.scheduler.fire(opening.id, opening.next_due_at)
    await harness.pushes_sent()
    agenda = harness.last(RESIDENTS_GROUP)
    assert agenda["text"].startswith("🔔 周四议事亭现在开始")
    assert "#9 第9件事" in agenda["text"]  # the text lists them all
    assert button_labels(agenda) == [
        "#1 3号楼前加装路灯",
        "#2 小区文明养犬",
        *(f"#{n} 第{n}件事" for n in range(3, 9)),
        "📋 全部 9 件事项",
        "✏️ 我要提议",
    ]
    bot = harness.running.app.bot.username
    await harness.press_label(2002, agenda, "#2 ")
    assert answered_url(harness) == f"https://t.me/{bot}?start=matter-2"
    await harness.press_label(2001, agenda, "全部")
    assert answered_url(harness) == f"https://t.me/{bot}?start=matters"
    await harness.say(2001, "/start matters")
    assert harness.last(2001)["text"].startswith("议事事项 · 第 1/2 页\n【已列入议程】\n")


async def test_english(harness: BotHarness) -> None:
    await harness.say(2002, "/matters")
    empty = harness.last(2002)
    assert empty["text"] == (
        "There are no open matters. To raise one, press “Raise a matter” below."
    )
    assert button_labels(empty)[0] == "✏️ Raise a matter"
    await raise_matters(harness, "3号楼前加装路灯")
    await harness.say(2002, "/matters")
    listed = harness.last(2002)
    assert listed["text"].endswith("\nPress a matter below to see it and its history.")
    assert button_labels(listed)[:2] == ["#1 3号楼前加装路灯", "✏️ Raise a matter"]
    await harness.press_label(2002, listed, "#1 ")
    assert "3号楼前加装路灯" in harness.last(2002)["text"].split("\n")[0]
