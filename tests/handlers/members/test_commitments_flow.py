"""The commitment system (党员承诺制) through the real bot: a member proposes, the
secretary returns it with a reason, the member edits and resubmits, the secretary
approves it (the pledge card in the residents' group and to the member), progress
with a photo, the reminder before the deadline (once), 已践诺, the review, /export."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image

from bot.members.cards import PLEDGE_CARD, pledge_card
from bot.members.commitments import REMIND_KIND
from bot.standin import FakeBotApi
from handlers.datepicker.callbacks import DatePick
from handlers.members.keyboards import DUE_PICKER_KEY
from tests.backends import database_text
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZHANG, TOM, LI, CHEN = 2001, 2002, 2003, 2004


async def community(harness: BotHarness) -> None:
    """A secretary and the residents' group; 张阿姨 and Tom Party members; 陈师傅 not."""
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((ZHANG, "张阿姨"), (TOM, "Tom"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
    async with harness.db.transaction() as session:
        for user_id in (ZHANG, TOM):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            await session.people.grant(
                person.id, "party_member", None, harness.running.services.clock()
            )


async def reminder_due(harness: BotHarness, commitment_id: int) -> tuple[int, datetime]:
    """The commitment's reminder schedule still to come, and when it is due."""
    async with harness.db.read() as session:
        (schedule,) = await session.schedules.pending_for(
            REMIND_KIND, "commitment_id", commitment_id
        )
    assert schedule.next_due_at is not None
    return schedule.id, schedule.next_due_at


async def fire(harness: BotHarness, clock: FakeClock, schedule_id: int, due: datetime) -> None:
    """Fire the schedule as its alarm would at ``due`` (again, if it was fired)."""
    clock.now = due
    async with harness.db.transaction() as session:
        await session.schedules.set_next_due(schedule_id, due, due)
    await harness.running.services.scheduler.fire(schedule_id, due)
    await harness.pushes_sent()


def photos(harness: BotHarness, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(chat_id) if m.get("photo")]


async def card_params(harness: BotHarness, chat_id: int) -> dict[str, Any]:
    """The pledge's texts as queued for ``chat_id`` (drawn from them at send time)."""
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT content FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,)
        ) as cur,
    ):
        row = await cur.fetchone()
    card = json.loads(row[0])["card"]
    assert card["renderer"] == PLEDGE_CARD
    return dict(card["params"])


def alert(api: FakeBotApi) -> str:
    return str(api.callback_answers()[-1]["text"])


async def test_propose_return_resubmit_approve_carry_out(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # Not a Party member: a short refusal, and no 🤝 on /me.
        await harness.say(CHEN, "/commit")
        assert harness.last(CHEN)["text"] == "只有党员可以提出承诺。"
        await harness.say(CHEN, "/me")
        assert "🤝 我的承诺" not in button_labels(harness.last(CHEN))

        # 张阿姨 starts from /me: 🤝 我的承诺 → ➕ 提出新承诺.
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "🤝 我的承诺")
        assert harness.last(ZHANG)["text"].startswith("您还没有提出承诺。")
        await harness.press_label(ZHANG, harness.last(ZHANG), "➕ 提出新承诺")
        assert harness.last(ZHANG)["text"].startswith("🤝 您要承诺做什么事？")
        await harness.say(ZHANG, "帮" * 201)
        assert harness.last(ZHANG)["text"] == "太长了（201 字），请不超过 200 字。"
        await harness.say(ZHANG, "每周帮独居老人买一次菜")
        assert harness.last(ZHANG)["text"].startswith("为谁服务？")
        await harness.say(ZHANG, "3号楼独居老人")
        asked = harness.last(ZHANG)
        assert asked["text"].startswith("到哪天完成？")
        assert "明天" in " ".join(button_labels(asked))  # the date picker
        await harness.say(ZHANG, "2026-11-01")
        assert harness.last(ZHANG)["text"] == "完成日期要在今天以后。"
        await harness.say(ZHANG, "2026年12月31日")
        contact = harness.last(ZHANG)
        assert contact["text"].startswith("居民怎么联系您？")
        await harness.press_label(ZHANG, contact, "📱 也留电话号码")
        assert harness.last(ZHANG)["text"].startswith("请发送您的电话号码")
        await harness.say(ZHANG, "不告诉你")
        assert harness.last(ZHANG)["text"].startswith("没看懂这个电话号码")
        await harness.say(ZHANG, "138 0013 8000")
        assert harness.last(ZHANG)["text"] == (
            "✅ 已提交，等待书记审核。\n"
            "承诺事项：每周帮独居老人买一次菜\n"
            "服务对象：3号楼独居老人\n"
            "完成时限：2026年12月31日\n"
            "联系方式：电话 138 0013 8000"
        )

        # The secretary gets it with ✅ 通过 / ↩ 退回; returns it with a typed reason.
        await harness.pushes_sent()
        review = harness.last(SECRETARY)
        assert review["text"].startswith("🤝 新的党员承诺（第 1 号），请审核\n承诺人：张阿姨\n")
        assert button_labels(review) == ["✅ 通过", "↩ 退回"]
        await harness.press_label(SECRETARY, review, "↩ 退回")
        assert harness.last(SECRETARY)["text"].startswith("请发送退回 张阿姨 的承诺的原因")
        await harness.say(SECRETARY, "请写清楚每周哪一天去")
        assert harness.last(SECRETARY)["text"] == "↩ 已退回 张阿姨 的承诺，原因已告诉本人。"
        # Pressed again on the same push: a short alert, nothing twice.
        await harness.press_label(SECRETARY, review, "✅ 通过")
        assert alert(api) == "这条承诺已经审核过了。"

        await harness.pushes_sent()
        returned = harness.last(ZHANG)
        assert returned["text"] == (
            "↩ 您的承诺被退回了。\n"
            "承诺事项：每周帮独居老人买一次菜\n"
            "原因：请写清楚每周哪一天去\n"
            "可以修改后重新提交。"
        )
        # She edits it (the earlier answers shown) and resubmits; the day from the picker.
        await harness.press_label(ZHANG, returned, "✏️ 修改后重新提交")
        edit = harness.last(ZHANG)["text"]
        assert edit.startswith("书记退回了您的承诺，原因：请写清楚每周哪一天去\n")
        assert "（原来写的是：每周帮独居老人买一次菜）" in edit
        await harness.say(ZHANG, "每周六上午帮独居老人买一次菜")
        await harness.say(ZHANG, "3号楼独居老人")
        days = harness.last(ZHANG)
        assert "（原来写的是：2026年12月31日）" in days["text"]
        await harness.press(ZHANG, days, DatePick(DUE_PICKER_KEY, "d", 20261125).encode())
        contact = harness.last(ZHANG)
        assert contact["text"].startswith("居民怎么联系您？")
        await harness.press_label(ZHANG, contact, "💬 只通过议事亭联系")
        assert "完成时限：2026年11月25日\n联系方式：通过议事亭联系" in harness.last(ZHANG)["text"]

        # Approved: the pledge card in the residents' group and to her.
        await harness.pushes_sent()
        review = harness.last(SECRETARY)
        assert "每周六上午帮独居老人买一次菜" in review["text"]
        await harness.press_label(SECRETARY, review, "✅ 通过")
        assert harness.last(SECRETARY)["text"].startswith("✅ 已通过 张阿姨 的承诺")
        await harness.press_label(SECRETARY, review, "✅ 通过", strict=False)
        assert alert(api) == "这条承诺已经审核过了。"
        await harness.pushes_sent()
        (posted,) = photos(harness, RESIDENTS_GROUP)
        assert posted["caption"] == (
            "🤝 党员承诺书：张阿姨 同志承诺：每周六上午帮独居老人买一次菜\n"
            "服务对象：3号楼独居老人\n"
            "完成时限：2026年11月25日\n"
            "联系方式：通过议事亭联系\n"
            "欢迎居民监督。"
        )
        (png,) = posted["_files"].values()
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == 900 and image.height > 600
        params = await card_params(harness, RESIDENTS_GROUP)
        assert params["title"] == "党员承诺书"
        assert params["rows"] == [
            ["承诺人", "张阿姨"],
            ["承诺事项", "每周六上午帮独居老人买一次菜"],
            ["服务对象", "3号楼独居老人"],
            ["完成时限", "2026年11月25日"],
            ["联系方式", "通过议事亭联系"],
        ]
        assert params["community"] == "幸福社区" and params["date"] == "审核通过：2026年11月19日"
        assert pledge_card(params).png == png
        (mine,) = photos(harness, ZHANG)
        assert mine["caption"].startswith("🎉 您的承诺通过了审核！")

        # On the public board (党务公开栏), for any resident: the pledge and its contact.
        await harness.say(CHEN, "/board")
        await harness.press_label(CHEN, harness.last(CHEN), "🤝 党员承诺")
        assert harness.last(CHEN)["text"] == (
            "🤝 党员承诺（共 1 条，欢迎大家监督）\n\n"
            "· 张阿姨：每周六上午帮独居老人买一次菜\n"
            "　服务对象：3号楼独居老人\n"
            "　完成时限：2026年11月25日（践诺中）\n"
            "　联系方式：通过议事亭联系"
        )

        # Progress with a photo, from 🤝 我的承诺.
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "🤝 我的承诺")
        listing = harness.last(ZHANG)
        assert "· 每周六上午帮独居老人买一次菜（2026年11月25日前，践诺中）" in listing["text"]
        await harness.press_label(ZHANG, listing, "每周六上午")
        await harness.press_label(ZHANG, harness.last(ZHANG), "📝 汇报进展")
        assert harness.last(ZHANG)["text"].startswith("请发送进展情况")
        harness.api.send_photo(ZHANG, None, caption="第一次买了菜，老人很高兴")
        await harness.settle()
        assert harness.last(ZHANG)["text"].startswith("📝 已记下进展：")

        # The reminder 3 days before the deadline, at 09:00; on the secretary's /upcoming.
        schedule_id, due = await reminder_due(harness, 1)
        assert due == datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
        await harness.say(SECRETARY, "/upcoming")
        assert (
            "党员承诺 #1 到期前 3 天提醒 — 11月22日（周日）上午9点"
            in harness.last(SECRETARY)["text"]
        )
        before = len(harness.api.bot_messages(ZHANG))
        await fire(harness, clock, schedule_id, due)
        reminder = harness.last(ZHANG)
        assert reminder["text"].startswith(
            "⏰ 提醒：您的承诺“每周六上午帮独居老人买一次菜”的完成时限是 2026年11月25日，快到了。"
        )
        # Fired again (caught up after a restart, say): no second reminder.
        await fire(harness, clock, schedule_id, due + timedelta(hours=1))
        assert len(harness.api.bot_messages(ZHANG)) == before + 1

        # Done from the reminder: 已践诺; pressed twice, a short alert.
        await harness.press_label(ZHANG, reminder, "🤝 查看这条承诺")
        screen = harness.last(ZHANG)
        assert "📝 2026年11月19日：第一次买了菜，老人很高兴（附照片）" in screen["text"]
        await harness.press_label(ZHANG, screen, "✅ 已践诺")
        assert harness.last(ZHANG)["text"] == "🎉 已践诺：每周六上午帮独居老人买一次菜。谢谢您！"
        await harness.press_label(ZHANG, screen, "✅ 已践诺", strict=False)
        assert alert(api) == "这条承诺现在不在践诺中。"

        # /export holds the commitment and its progress.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        (exported,) = json.loads(content)["members"]["commitments"]
        assert exported["what"] == "每周六上午帮独居老人买一次菜"
        assert exported["state"] == "done" and exported["due_on"] == "2026-11-25"
        assert [p["text"] for p in exported["progress"]] == ["第一次买了菜，老人很高兴"]
        assert exported["phones_given"] == ["138 0013 8000"]  # given first, then taken back

        # /forget: her commitments go; the pledge posted stays, without her name or phone.
        await harness.say(ZHANG, "/forget")
        await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
        async with harness.db.read() as session:
            async with session.conn.execute("SELECT count(*) FROM party_commitments") as cur:
                row = await cur.fetchone()
            assert row is not None and row[0] == 0
            dump = await database_text(harness.db)
        assert "138 0013 8000" not in dump and "张阿姨" not in dump
    finally:
        await harness.running.stop()


async def test_english_member_and_the_review_flags_the_overdue(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(TOM, "/commit")
        assert harness.last(TOM)["text"].startswith("🤝 What do you commit to do?")
        await harness.say(TOM, "Teach the smartphone class")
        await harness.say(TOM, "Residents over 70")
        await harness.say(TOM, "2026-11-24")
        await harness.press_label(TOM, harness.last(TOM), "Through the bot only")
        assert harness.last(TOM)["text"].startswith("✅ Submitted; the secretary will review it.")
        assert "Due: 24 November 2026" in harness.last(TOM)["text"]
        # Two secretaries: one asks for a reason to return it, the other approves it
        # meanwhile; the reason typed afterwards is refused, and the question is over.
        await harness.register(LI, "李书记")
        async with harness.db.transaction() as session:
            li = await session.people.by_telegram_id(LI)
            assert li is not None
            await session.people.grant(li.id, "secretary", None, harness.running.services.clock())
        await harness.pushes_sent()
        # (Tom's deadline is 5 days ahead: his reminder is 3 days before, on the 21st.)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "↩ 退回")
        await harness.pushes_sent()
        await harness.say(LI, "/commitments")
        assert "Teach the smartphone class（2026年11月24日前，待审核）" in harness.texts(LI)[-2]
        async with (
            harness.db.read() as session,
            session.conn.execute("SELECT id FROM party_commitments") as cur,
        ):
            row = await cur.fetchone()
        assert row is not None
        # (李书记 was named after it was submitted: he presses it from his own copy.)
        listing = harness.api.bot_messages(LI)[-2]
        await harness.press(LI, listing, f"cmv:{row[0]}:a", strict=False)
        assert harness.api.bot_messages(LI)[-2]["text"].startswith("✅ 已通过 Tom 的承诺")
        await harness.say(SECRETARY, "写详细点")
        assert harness.last(SECRETARY)["text"] == "这条承诺已经审核过了。"
        await harness.say(SECRETARY, "写详细点")
        assert harness.last(SECRETARY)["text"] != "这条承诺已经审核过了。"
        await harness.pushes_sent()
        (card,) = photos(harness, TOM)
        assert card["caption"].startswith("🎉 Your commitment is approved!")
        assert (await card_params(harness, TOM))["title"] == "Party Member's Pledge"

        # A week later it is past its deadline and not carried out: flagged 已逾期.
        clock.advance(days=7)
        await harness.say(SECRETARY, "/commitments")
        texts = harness.texts(SECRETARY)
        assert texts[-2] == (
            "🤝 党员承诺（共 1 条，逾期 1 条）\n"
            "⚠️ 1. Tom：Teach the smartphone class（2026年11月24日前，已逾期）"
        )
        (xlsx,) = harness.last(SECRETARY)["_files"].values()
        sheet = load_workbook(io.BytesIO(xlsx)).active
        assert sheet is not None
        values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
        assert [
            "编号",
            "承诺人",
            "承诺事项",
            "服务对象",
            "完成时限",
            "状态",
            "通过日期",
            "践诺日期",
        ] in [list(row) for row in values]
        assert any(row[1] == "Tom" and row[5] == "已逾期" for row in values)
        # The month's ledger (台账) has the same review as its 党员承诺 sheet.
        await harness.say(SECRETARY, "/ledger")
        (book,) = harness.last(SECRETARY)["_files"].values()
        ledger = load_workbook(io.BytesIO(book))
        assert "党员承诺" in ledger.sheetnames
        rows = [list(row) for row in ledger["党员承诺"].iter_rows(values_only=True)]
        tom = next(row for row in rows if row[1] == "Tom")
        assert (tom[2], tom[5]) == ("Teach the smartphone class", "已逾期")
        assert tom[4].date().isoformat() == "2026-11-24"
        # A resident cannot see the review.
        await harness.say(CHEN, "/commitments")
        assert "书记" in harness.last(CHEN)["text"]
    finally:
        await harness.running.stop()
