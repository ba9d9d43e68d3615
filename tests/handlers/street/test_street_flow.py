"""The street level through the real Application: /street for street administrators
only, creating and renaming communities (with the refusals), the link appointing a
community's secretary (used once, expiring), the street view (messages, workbook, chart)
and the monthly summary on the 1st."""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.standin import FakeBotApi
from bot.street.overview import MONTHLY_SCHEDULE_KEY
from handlers import SECRETARY_MENU
from handlers.street import callbacks as cb
from storage import in_community
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness

ADMIN = 9001
#: A street administrator who reads English.
ADMIN_EN = 9002
NEWCOMER = 2003


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def street(tmp_path: Path, api: FakeBotApi, clock: FakeClock) -> AsyncIterator[BotHarness]:
    api.add_user(ADMIN, "主任", last_name="街道", language_code="zh-hans")
    api.add_user(ADMIN_EN, "Ann", language_code="en")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        street={"name": "幸福街道", "name_en": "Happy Street", "admins": [ADMIN, ADMIN_EN]},
    )
    running = await start_harness(settings, api, clock)
    try:
        yield running
    finally:
        await running.running.stop()


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


async def create(street: BotHarness, name: str) -> None:
    await street.say(ADMIN, "/street")
    await street.press(ADMIN, street.last(ADMIN), cb.StreetNew().encode())
    await street.say(ADMIN, name)


async def test_only_street_admins_use_street(street: BotHarness) -> None:
    await street.say(2001, "/street")
    assert text_of(street.last(2001)) == "只有街道管理员可以使用。"
    # A community's secretary is not a street administrator either, nor are the buttons.
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/street")
    assert text_of(street.last(SECRETARY)) == "只有街道管理员可以使用。"
    await street.say(SECRETARY, "/help")
    menu = street.last(SECRETARY)
    street.api.press_button(
        SECRETARY, SECRETARY, menu["message_id"], cb.StreetInvite(1).encode(), strict=False
    )
    await street.settle()
    assert street.api.callback_answers()[-1]["text"] == "只有街道管理员可以使用。"
    # The administrator's own menu lists /street; a secretary's does not.
    scope = json.dumps({"type": "chat", "chat_id": ADMIN}, sort_keys=True)
    assert "street" in [c["command"] for c in street.api.commands[(scope, "")]]
    scope = json.dumps({"type": "chat", "chat_id": SECRETARY}, sort_keys=True)
    assert "street" not in [c["command"] for c in street.api.commands[(scope, "")]]


async def test_create_and_rename_with_refusals(street: BotHarness) -> None:
    # An administrator need not be registered anywhere.
    await street.say(ADMIN, "/street")
    listing = street.last(ADMIN)
    assert text_of(listing).startswith("🏢 幸福街道：1 个社区\n\n1. 幸福社区：0 人登记，0 个群")
    labels = button_labels(listing)
    assert labels == ["➕ 新建社区", "👤 指定书记 幸福社区", "📊 街道总览"]

    await street.press(ADMIN, listing, cb.StreetNew().encode())
    assert text_of(street.last(ADMIN)).startswith("请输入新社区的名称（不超过 20 个字）")
    await street.say(ADMIN, "   ")
    assert text_of(street.last(ADMIN)) == "名称不能为空，请重新输入。"
    await street.say(ADMIN, "幸福社区")
    assert text_of(street.last(ADMIN)) == "已有社区叫「幸福社区」，请换一个名称。"
    await street.say(ADMIN, "很" * 21)
    assert text_of(street.last(ADMIN)) == "名称太长了，请不超过 20 个字。"
    # The form stayed open through the refusals.
    await street.say(ADMIN, "和平社区")
    messages = street.api.bot_messages(ADMIN)
    assert text_of(messages[-2]) == "✅ 已新建社区「和平社区」。"
    assert "2. 和平社区：0 人登记，0 个群" in text_of(messages[-1])
    assert "✏️ 改名 和平社区" in button_labels(messages[-1])
    assert "✏️ 改名 幸福社区" not in button_labels(messages[-1])

    # Renaming: taken, then done; the form has ended after it.
    await street.press(ADMIN, messages[-1], cb.StreetRename(2).encode())
    assert text_of(street.last(ADMIN)).startswith("请输入「和平社区」的新名称")
    await street.say(ADMIN, "幸福社区")
    assert text_of(street.last(ADMIN)) == "已有社区叫「幸福社区」，请换一个名称。"
    await street.say(ADMIN, "和平新村")
    assert text_of(street.api.bot_messages(ADMIN)[-2]) == "✅ 已改名为「和平新村」。"
    assert [c.name for c in street.running.services.communities.all()] == ["幸福社区", "和平新村"]
    await street.say(ADMIN, "又一个名字")
    assert "和平新村" in [c.name for c in street.running.services.communities.all()]
    assert "又一个名字" not in [c.name for c in street.running.services.communities.all()]

    # The first community's name lives in the configuration (a forged button too).
    street.api.press_button(
        ADMIN, ADMIN, street.last(ADMIN)["message_id"], cb.StreetRename(1).encode(), strict=False
    )
    await street.settle()
    assert street.api.callback_answers()[-1]["text"] == (
        "第一个社区的名称写在配置文件里，请在配置文件中修改。"
    )


async def test_invite_link_appoints_once(street: BotHarness, clock: FakeClock) -> None:
    await create(street, "和平社区")
    await street.press(ADMIN, street.last(ADMIN), cb.StreetInvite(2).encode())
    made = text_of(street.last(ADMIN))
    assert made.startswith("👤 请把下面的链接转发给「和平社区」的书记。")
    assert "7 天内有效" in made
    found = re.search(r"https://t\.me/(\w+)\?start=(sec-[\w-]+)", made)
    assert found is not None
    payload = found.group(2)

    # A newcomer opens it: the consent text, then registered and appointed.
    await street.say(NEWCOMER, f"/start {payload}")
    consent = street.last(NEWCOMER)
    assert text_of(consent).startswith("👤 街道邀请您担任「和平社区」的书记。")
    await street.press(NEWCOMER, consent, button_of(consent, "同意并担任书记"))
    assert (
        street.texts(NEWCOMER)[-1] == "✅ 您已是「和平社区」的书记。发送 /help 查看书记可用的命令。"
    )
    with in_community(2):  # registered in the link's community, not the first
        async with street.db.read() as session:
            person = await session.people.by_telegram_id(NEWCOMER)
    assert person is not None and {"secretary", "resident"} <= person.roles
    assert person.display_name == "李大爷"
    # Their own menu now lists the secretaries' commands (as the configured ones' does).
    scope = json.dumps({"chat_id": NEWCOMER, "type": "chat"}, sort_keys=True)
    menu = {c["command"] for c in street.api.commands[(scope, "")]}
    assert set(SECRETARY_MENU) <= menu

    # Used once: a second opener (or the same again) is told so.
    await street.say(2002, f"/start {payload}")
    assert text_of(street.last(2002)) == (
        "This invitation link has been used already: ask the street office for a new one."
    )
    # A forged token, and a link past its seven days.
    await street.say(2002, "/start sec-AAAAAAAAAAAAAAAAAAAAAAAA")
    assert text_of(street.last(2002)) == "This invitation link is not valid."
    await street.press(ADMIN, street.api.bot_messages(ADMIN)[-2], cb.StreetInvite(2).encode())
    late = re.search(r"start=(sec-[\w-]+)", text_of(street.last(ADMIN)))
    assert late is not None
    clock.advance(days=7, seconds=1)
    await street.say(2001, f"/start {late.group(1)}")
    assert text_of(street.last(2001)) == "这个邀请链接已过期，请向街道要新的链接。"


async def test_invite_registers_into_the_links_community(street: BotHarness) -> None:
    await create(street, "和平社区")
    await street.press(ADMIN, street.last(ADMIN), cb.StreetInvite(2).encode())
    found = re.search(r"start=(sec-[\w-]+)", text_of(street.last(ADMIN)))
    assert found is not None
    await street.say(NEWCOMER, f"/start {found.group(1)}")
    await street.press(
        NEWCOMER, street.last(NEWCOMER), button_of(street.last(NEWCOMER), "担任书记")
    )
    assert await street.running.services.communities.of_user(NEWCOMER) == 2
    with in_community(2):
        async with street.db.read() as session:
            person = await session.people.by_telegram_id(NEWCOMER)
    assert person is not None and "secretary" in person.roles


async def test_invite_for_someone_registered_elsewhere_and_declined(street: BotHarness) -> None:
    await street.register(2001)
    await create(street, "和平社区")
    await street.press(ADMIN, street.last(ADMIN), cb.StreetInvite(2).encode())
    found = re.search(r"start=(sec-[\w-]+)", text_of(street.last(ADMIN)))
    assert found is not None
    await street.say(2001, f"/start {found.group(1)}")
    assert text_of(street.last(2001)) == "您已在另一个社区登记，不能用这个链接成为本社区书记。"
    # Declining keeps nothing and leaves the link usable.
    await street.say(NEWCOMER, f"/start {found.group(1)}")
    await street.press(NEWCOMER, street.last(NEWCOMER), button_of(street.last(NEWCOMER), "不同意"))
    assert text_of(street.last(NEWCOMER)) == "好的，什么也没有登记。链接仍可使用。"
    assert await street.running.services.communities.of_user(NEWCOMER) is None
    # An invite into one's own community appoints at once.
    await street.press(ADMIN, street.api.bot_messages(ADMIN)[-2], cb.StreetInvite(1).encode())
    own = re.search(r"start=(sec-[\w-]+)", text_of(street.last(ADMIN)))
    assert own is not None
    await street.say(2001, f"/start {own.group(1)}")
    assert (
        text_of(street.last(2001)) == "✅ 您已是「幸福社区」的书记。发送 /help 查看书记可用的命令。"
    )


def button_of(message: dict[str, Any], label: str) -> str:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(label)


async def seed_matters(street: BotHarness) -> None:
    """Community 1 in November: three matters raised, one done, one overdue."""
    now = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    with in_community(1):
        async with street.db.transaction() as session:
            ids = [
                await session.matters.create(
                    title=f"事项{n}",
                    details="细节",
                    raised_by=None,
                    support_until=now + timedelta(days=7),
                    now=now,
                )
                for n in range(3)
            ]
            await session.conn.execute(
                "UPDATE matters SET stage = 'done', done_at = ? WHERE id = ?",
                ("2026-11-10T02:00:00.000000+00:00", ids[0]),
            )
            await session.conn.execute(
                "UPDATE matters SET stage = 'in_progress', due_at = ? WHERE id = ?",
                ("2026-11-12T02:00:00.000000+00:00", ids[1]),
            )


async def test_street_view_message_workbook_and_chart(street: BotHarness) -> None:
    await create(street, "和平社区")
    await seed_matters(street)
    await street.say(ADMIN, "/street")
    before = len(street.api.bot_messages(ADMIN))
    await street.press(ADMIN, street.last(ADMIN), button_of(street.last(ADMIN), "街道总览"))
    sent = street.api.bot_messages(ADMIN)[before:]
    assert [("document" in m, "photo" in m) for m in sent] == [
        (False, False),
        (True, False),
        (False, True),
    ]
    view = text_of(sent[0])
    assert view.startswith("📊 幸福街道 · 街道总览 · 2026年11月（2 个社区）\n\n🏘 幸福社区\n")
    assert "议事：提出 3 · 决定 0 · 办结 1 · 逾期 1" in view
    assert "表决：0 次，参与率 —" in view
    assert "🏘 和平社区\n" in view
    assert button_labels(sent[0]) == ["◀ 2026年10月", "2026年12月 ▶", "📅 按年"]

    assert sent[1]["document"]["file_name"] == "街道总览2026-11.xlsx"
    (content,) = sent[1]["_files"].values()
    book = load_workbook(io.BytesIO(content))
    rows = list(book["街道总览"].iter_rows(values_only=True))
    assert rows[0][:2] == ("幸福街道", "统计期间：2026年11月")
    assert rows[1][:7] == (
        "社区",
        "起始日期",
        "截止日期",
        "提出事项",
        "决定事项",
        "办结事项",
        "逾期事项",
    )
    first = rows[2]
    assert first[0] == "幸福社区"
    # Real dates, not texts.
    assert isinstance(first[1], datetime) and isinstance(first[2], datetime)
    assert (first[1].date(), first[2].date()) == (date(2026, 11, 1), date(2026, 11, 30))
    assert book["街道总览"].cell(row=3, column=2).number_format == "yyyy-mm-dd"
    assert first[3:7] == (3, 0, 1, 1)
    assert rows[-1][0] == "合计" and rows[-1][5] == 1
    assert rows[3][0] == "和平社区"
    # Hours are a number (two decimals), as every volunteers' sheet.
    assert isinstance(first[12], int | float | Decimal)
    assert text_of(sent[2]) == "街道总览 · 2026年11月"

    # Switching to the year: the same, for 2026.
    await street.press(ADMIN, sent[0], cb.StreetView(cb.Span.YEAR, 2026, 0).encode())
    year = street.api.bot_messages(ADMIN)[before + 3 :]
    assert text_of(year[0]).startswith("📊 幸福街道 · 街道总览 · 2026年（2 个社区）")
    assert year[1]["document"]["file_name"] == "街道总览2026.xlsx"
    assert button_labels(year[0]) == ["◀ 2025年", "2027年 ▶", "📅 按月"]

    # In English, all of it.
    await street.say(ADMIN_EN, "/street")
    assert text_of(street.last(ADMIN_EN)).startswith("🏢 Happy Street · communities: 2")
    before = len(street.api.bot_messages(ADMIN_EN))
    await street.press(
        ADMIN_EN, street.last(ADMIN_EN), button_of(street.last(ADMIN_EN), "Street view")
    )
    english = street.api.bot_messages(ADMIN_EN)[before:]
    assert text_of(english[0]).startswith(
        "📊 Happy Street · Street view · November 2026 (communities: 2)"
    )
    assert "Matters: raised 3 · decided 0 · carried out 1 · overdue 1" in text_of(english[0])
    assert english[1]["document"]["file_name"] == "Street view 2026-11.xlsx"
    (content,) = english[1]["_files"].values()
    rows = list(load_workbook(io.BytesIO(content))["Street view"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Community", "From", "To", "Matters raised")
    assert text_of(english[2]) == "Street view · November 2026"


async def test_monthly_summary_on_the_first(street: BotHarness, clock: FakeClock) -> None:
    await create(street, "和平社区")
    await seed_matters(street)
    services = street.running.services
    before = len(street.api.bot_messages(ADMIN))
    until = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    while True:
        async with street.db.read() as session:
            schedule = await session.schedules.by_key(MONTHLY_SCHEDULE_KEY)
        assert schedule is not None and schedule.next_due_at is not None
        if schedule.next_due_at > until:
            break
        clock.now = schedule.next_due_at
        assert await services.scheduler.fire(schedule.id, schedule.next_due_at)
    await street.pushes_sent()
    pushed = street.api.bot_messages(ADMIN)[before:]
    assert len(pushed) == 1 and "photo" in pushed[0]
    caption = text_of(pushed[0])
    assert caption.startswith(
        "📊 2026年11月 街道月报\n\n🏘 幸福社区\n议事：提出 3 · 决定 0 · 办结 1"
    )
    assert "🏘 和平社区" in caption
