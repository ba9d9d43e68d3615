"""In-service members reporting in (在职党员报到) through the real bot: registering (the
refusals, a bad contact, the post and building buttons), 包楼栋 as a commitment waiting for
approval, the contact card (a PNG with the deep link), a resident's message through the
card and the reply back, the secretary's /inservice (posting the card, the yearly letter
and workbook, the ledger's sheet, taking one off), /export and /forget; one in English."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document
from openpyxl import load_workbook
from PIL import Image

from bot.members.cards import CONTACT_CARD, contact_card
from bot.members.inservice_feedback import FEEDBACK_SCHEDULE_KEY
from bot.standin import FakeBotApi
from storage.times import to_db_time
from tests.backends import database_text
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

ZHANG, TOM, LI, CHEN, WANG, ANNA = 2001, 2002, 2003, 2004, 2005, 2006
SHANGHAI = ZoneInfo("Asia/Shanghai")
LINK = re.compile(r"https://t\.me/pavilion_demo_bot\?start=contact-([A-Za-z0-9_-]+)")


async def community(harness: BotHarness) -> None:
    """A secretary and the residents' group; 王芳 and Tom Party members; 李大爷 a resident
    of 3号楼, 陈师傅 a resident who is not a member."""
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans")
    harness.api.add_user(WANG, "芳", last_name="王", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await harness.register(LI, "李大爷", building="3号楼")
    for user_id, name in ((WANG, "王芳"), (TOM, "Tom"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
    async with harness.db.transaction() as session:
        for user_id in (WANG, TOM):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            await session.people.grant(
                person.id, "party_member", None, harness.running.services.clock()
            )


async def one_value(harness: BotHarness, sql: str, *args: Any) -> Any:
    async with harness.db.read() as session, session.conn.execute(sql, args) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def card_params(harness: BotHarness, chat_id: int) -> dict[str, Any]:
    """The contact card's texts as queued for ``chat_id`` (drawn from them at send time)."""
    content = await one_value(
        harness, "SELECT content FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1", chat_id
    )
    card = json.loads(content)["card"]
    assert card["renderer"] == CONTACT_CARD
    return dict(card["params"])


async def fire_on(harness: BotHarness, clock: FakeClock, day: date) -> None:
    """Fire the daily feedback schedule as its alarm would at 09:00 on ``day``."""
    due = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)
    clock.now = due
    async with harness.db.transaction() as session:
        schedule = await session.schedules.by_key(FEEDBACK_SCHEDULE_KEY)
        assert schedule is not None
        await session.schedules.set_next_due(schedule.id, due, due)
    await harness.running.services.scheduler.fire(schedule.id, due)
    await harness.pushes_sent()


def photos(harness: BotHarness, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(chat_id) if m.get("photo")]


async def served(harness: BotHarness, user_id: int, title: str, minutes: int) -> None:
    """A volunteer activity on 2026-11-10 where the person served ``minutes``."""
    starts = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    ends = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(user_id)
        assert person is not None
        cur = await session.conn.execute(
            "INSERT INTO activities (title, place, starts_at, ends_at, capacity, code_secret,"
            " created_at) VALUES (?, '社区广场', ?, ?, 20, 'x', ?)",
            (title, to_db_time(starts), to_db_time(ends), to_db_time(starts)),
        )
        await session.conn.execute(
            "INSERT INTO checkins (activity_id, person_id, checked_in_at, method, checked_out_at,"
            " out_method, minutes) VALUES (?, ?, ?, 'window', ?, 'self', ?)",
            (cur.lastrowid, person.id, to_db_time(starts), to_db_time(ends), minutes),
        )


async def test_report_in_pledge_card_messages_and_feedback(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # Not a Party member: refused in one line, and no 🏢 on /me.
        await harness.say(CHEN, "/report_in")
        assert harness.last(CHEN)["text"] == "只有党员可以报到。"
        await harness.say(CHEN, "/me")
        assert "🏢 在职党员报到" not in button_labels(harness.last(CHEN))

        # 王芳 starts from /me: 🏢 在职党员报到.
        await harness.say(WANG, "/me")
        await harness.press_label(WANG, harness.last(WANG), "🏢 在职党员报到")
        assert harness.last(WANG)["text"] == (
            "🏢 在职党员到社区报到。一共几步，随时可以发送 /cancel 停下。\n\n"
            "您的工作单位是？（例如：市税务局）"
        )
        await harness.say(WANG, "局" * 61)
        assert harness.last(WANG)["text"] == "太长了（61 字），请不超过 60 字。"
        await harness.say(WANG, "市税务局")
        assert harness.last(WANG)["text"].startswith("您单位的党组织叫什么？")
        await harness.say(WANG, "市税务局机关党委")
        assert harness.last(WANG)["text"] == "单位党组织的联系人是谁？请发姓名。"
        await harness.say(WANG, "刘主任")
        assert harness.last(WANG)["text"].startswith("请发联系人的电话或电子邮箱")
        await harness.say(WANG, "找办公室")
        assert harness.last(WANG)["text"].startswith("没看懂。请发电话号码")
        await harness.say(WANG, "139 0013 9000")
        posts = harness.last(WANG)
        assert posts["text"] == "您想在社区认领哪个岗位？请点一个："
        assert button_labels(posts) == ["楼栋长", "政策宣传", "志愿服务", "矛盾调解", "关爱帮扶"]
        # Typed instead of pressed: the buttons again.
        await harness.say(WANG, "楼栋长")
        assert harness.texts(WANG)[-2] == "请点下面的按钮选择。"
        await harness.press_label(WANG, harness.last(WANG), "楼栋长")
        buildings = harness.last(WANG)
        assert buildings["text"] == "要包一栋楼吗（包楼栋）？点楼栋，或点“跳过”。"
        assert button_labels(buildings) == ["3号楼", "⏭ 跳过"]
        await harness.press_label(WANG, buildings, "3号楼")
        assert harness.last(WANG)["text"] == (
            "✅ 报到成功，谢谢您！\n"
            "工作单位：市税务局\n"
            "单位党组织：市税务局机关党委\n"
            "联系人：刘主任（139 0013 9000）\n"
            "岗位：楼栋长\n"
            "包楼栋：3号楼\n\n"
            "🤝 包楼栋（3号楼）已作为您的党员承诺提交，等待书记审核；通过后会发承诺书。"
        )
        # Pressed again: the step is over, nothing twice.
        await harness.press_label(WANG, buildings, "3号楼", strict=False)
        assert await one_value(harness, "SELECT count(*) FROM party_commitments") == 1

        # 包楼栋 is a commitment waiting for the secretary, due at the year's end.
        assert await one_value(harness, "SELECT state FROM party_commitments") == "pending"
        assert await one_value(harness, "SELECT due_on FROM party_commitments") == "2026-12-31"
        await harness.pushes_sent()
        review = harness.last(SECRETARY)
        assert review["text"].startswith("🤝 新的党员承诺（第 1 号），请审核\n承诺人：王芳\n")
        assert "负责 3号楼 的楼栋工作（包楼栋）" in review["text"]
        assert "服务对象：3号楼居民" in review["text"]
        assert button_labels(review) == ["✅ 通过", "↩ 退回"]

        # Her contact card from /me: a PNG, with the bot's deep link and an unguessable token.
        await harness.say(WANG, "/me")
        await harness.press_label(WANG, harness.last(WANG), "🏢 在职党员报到")
        assert harness.last(WANG)["text"].startswith("🏢 您已在本社区报到\n工作单位：市税务局")
        await harness.press_label(WANG, harness.last(WANG), "🪪 我的联系卡")
        await harness.pushes_sent()
        (card,) = photos(harness, WANG)
        assert card["caption"].startswith("🪪 您的联系卡。居民扫码或点这个链接")
        found = LINK.search(card["caption"])
        assert found is not None
        token = found.group(1)
        stored = await one_value(harness, "SELECT token FROM inservice_members")
        assert token == stored and len(token) >= 20 and "13900139000" not in token
        (png,) = card["_files"].values()
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == 900 and image.height > 900
        params = await card_params(harness, WANG)
        assert params["rows"] == [["党员", "王芳"], ["岗位", "楼栋长"], ["包楼栋", "3号楼"]]
        assert params["link"] == found.group(0)
        assert params["community"] == "幸福社区" and params["date"] == "报到日期：2026年11月19日"
        assert contact_card(params).png == png
        assert "139" not in json.dumps(params)

        # 李大爷 opens the link: a message to her, relayed; her reply comes back.
        await harness.say(LI, "/start contact-" + "A" * 24)
        assert harness.last(LI)["text"] == "这张联系卡已经不能用了。"
        await harness.say(LI, f"/start contact-{token}")
        assert harness.last(LI)["text"].startswith("给 王芳 留言：\n")
        await harness.say(LI, "3号楼楼道的灯坏了")
        assert harness.last(LI)["text"] == "✅ 已转给 王芳，TA 回复后会通知您。"
        await harness.pushes_sent()
        relayed = harness.last(WANG)
        assert relayed["text"] == "💬 居民 李大爷 给您留言：\n3号楼楼道的灯坏了"
        await harness.press_label(WANG, relayed, "↩ 回复")
        assert harness.last(WANG)["text"] == "请发送给 李大爷 的回复："
        await harness.say(WANG, "明天就找物业修")
        assert harness.last(WANG)["text"] == "✅ 回复已转给 李大爷。"
        await harness.pushes_sent()
        assert harness.last(LI)["text"] == (
            "💬 王芳 回复了您的留言（“3号楼楼道的灯坏了”）：\n明天就找物业修"
        )
        # Someone not registered yet: asked to register first, then scan again.
        harness.api.add_user(2007, "新", last_name="赵", language_code="zh-hans")
        await harness.say(2007, f"/start contact-{token}")
        assert harness.texts(2007)[0] == (
            "要给这位党员留言，请先花一分钟登记（只需一次）。登记好后再扫一次联系卡就可以了。"
        )
        assert len(harness.texts(2007)) == 2  # then the registration's first question
        # Her own card's link: nothing to relay.
        await harness.say(WANG, f"/start contact-{token}")
        assert harness.last(WANG)["text"].startswith("这是您自己的联系卡")

        # The secretary's /inservice: the list, her record, the card to the residents' group.
        await harness.say(SECRETARY, "/inservice")
        roster = harness.last(SECRETARY)
        assert roster["text"] == "🏢 在职党员（共 1 人）\n\n1. 王芳 · 市税务局 · 楼栋长 · 3号楼"
        await harness.press_label(SECRETARY, roster, "王芳")
        screen = harness.last(SECRETARY)
        assert screen["text"].startswith("🏢 在职党员 王芳\n工作单位：市税务局")
        await harness.press_label(SECRETARY, screen, "📤 把联系卡发到居民群")
        await harness.pushes_sent()
        (posted,) = photos(harness, RESIDENTS_GROUP)
        assert posted["caption"].startswith("🪪 在职党员联系卡：王芳（楼栋长，3号楼）。")
        assert f"start=contact-{token}" in posted["caption"]

        # The yearly feedback: a letter per member and the workbook, to the secretary.
        await served(harness, WANG, "社区环境整治", 150)
        await harness.press_label(SECRETARY, screen, "◀ 返回名单")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "📄 年度反馈")
        letter_message, book_message = harness.api.bot_messages(SECRETARY)[-2:]
        ((letter_name, letter),) = letter_message["_files"].items()
        assert letter_name == "在职党员报到情况反馈-王芳-2026.docx"
        document = Document(io.BytesIO(letter))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "致 市税务局机关党委：" in text
        assert (
            "兹有贵单位（市税务局）党员 王芳 同志于 2026 年到我社区（幸福社区）报到，"
            "认领“楼栋长”岗位，负责 3号楼（包楼栋）。现将其 2026 年在社区的表现反馈如下："
        ) in text
        assert "2026年11月10日　社区环境整治（2 小时 30 分）" in text
        assert (
            "负责 3号楼 的楼栋工作（包楼栋）：宣传政策、收集居民诉求、帮助解决困难"
            "（完成时限 2026年12月31日，待审核）" in text
        )
        assert "幸福社区党组织\n2026年11月19日" in text
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        assert cells == [
            "志愿服务",
            "2.5 小时，参加 1 次活动",
            "党员承诺",
            "1 项，已践诺 0 项",
            "居民留言",
            "收到 1 条，已回复 1 条",
            "群众评价",
            "暂无评价",
        ]
        ((book_name, book),) = book_message["_files"].items()
        assert book_name.endswith(".xlsx") and "2026" in book_name
        sheet = load_workbook(io.BytesIO(book)).active
        assert sheet is not None
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0][:3] == ["姓名", "工作单位", "单位党组织"]
        (wang,) = rows[1:]
        assert wang[:6] == [
            "王芳",
            "市税务局",
            "市税务局机关党委",
            "刘主任 139 0013 9000",
            "楼栋长",
            "3号楼",
        ]
        # No residents' ratings yet, no appraisal closed: no share, no branch grade.
        assert wang[7:] == [2.5, 1, 1, 0, 1, 1, 0, 0, 0, None, None]

        # The ledger (台账) has the sheet too.
        await harness.say(SECRETARY, "/ledger")
        ledger_files = [
            data
            for m in harness.api.bot_messages(SECRETARY)[-4:]
            for name, data in (m.get("_files") or {}).items()
            if name.endswith(".xlsx")
        ]
        assert ledger_files
        workbook = load_workbook(io.BytesIO(ledger_files[-1]))
        assert "在职党员报到" in workbook.sheetnames
        ledger_rows = list(workbook["在职党员报到"].iter_rows(values_only=True))
        assert any(row[0] == "王芳" for row in ledger_rows)

        # /export: her record and the messages; 李大爷's holds the one he sent.
        await harness.say(WANG, "/export")
        (content,) = harness.last(WANG)["_files"].values()
        members = json.loads(content)["members"]
        assert members["inservice"]["employer"] == "市税务局"
        assert members["inservice"]["building"] == "3号楼"
        (received,) = members["inservice_messages_received"]
        assert received["text"] == "3号楼楼道的灯坏了" and received["reply"] == "明天就找物业修"
        await harness.say(LI, "/export")
        (content,) = harness.last(LI)["_files"].values()
        (sent,) = json.loads(content)["members"]["inservice_messages_sent"]
        assert sent["member"] == "王芳"

        # /forget: her record and messages go, and the contact she gave.
        await harness.say(WANG, "/forget")
        await harness.press_label(WANG, harness.last(WANG), "确定删除")
        assert await one_value(harness, "SELECT count(*) FROM inservice_members") == 0
        assert await one_value(harness, "SELECT count(*) FROM inservice_messages") == 0
        dump = await database_text(harness.db)
        assert "139 0013 9000" not in dump and "市税务局机关党委" not in dump
        # Her card no longer works.
        await harness.say(LI, f"/start contact-{token}")
        assert harness.last(LI)["text"] == "这张联系卡已经不能用了。"
    finally:
        await harness.running.stop()


async def test_english_member_skips_the_building_and_is_taken_off(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, members={"inservice_feedback": True}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await harness.say(TOM, "/report_in")
        assert harness.last(TOM)["text"].endswith(
            "Where do you work? (for example: City Tax Bureau)"
        )
        await harness.say(TOM, "City Library")
        await harness.say(TOM, "Library Party Branch")
        await harness.say(TOM, "Ms Zhou")
        await harness.say(TOM, "zhou@library")
        assert harness.last(TOM)["text"].startswith("I could not read that.")
        await harness.say(TOM, "zhou@library.example.cn")
        posts = harness.last(TOM)
        assert button_labels(posts) == [
            "Building leader",
            "Policy outreach",
            "Volunteer service",
            "Mediation",
            "Care and support",
        ]
        await harness.press_label(TOM, posts, "Policy outreach")
        await harness.press_label(TOM, harness.last(TOM), "Skip")
        assert harness.last(TOM)["text"] == (
            "✅ You have reported in. Thank you!\n"
            "Employer: City Library\n"
            "Party organisation: Library Party Branch\n"
            "Contact: Ms Zhou (zhou@library.example.cn)\n"
            "Post: Policy outreach\n"
            "Building: none"
        )
        # No building: no commitment.
        assert await one_value(harness, "SELECT count(*) FROM party_commitments") == 0

        # On 20 December the secretaries are asked for the year's feedback, once; an
        # English-speaking secretary gets it in English, and the letter too.
        harness.api.add_user(ANNA, "Anna", language_code="en")
        await harness.register(ANNA, "Anna")
        async with harness.db.transaction() as session:
            anna = await session.people.by_telegram_id(ANNA)
            assert anna is not None
            await session.people.grant(anna.id, "secretary", None, clock())
        before = len(harness.api.bot_messages(ANNA))
        await fire_on(harness, clock, date(2026, 12, 19))
        assert len(harness.api.bot_messages(ANNA)) == before
        await fire_on(harness, clock, date(2026, 12, 20))
        push = harness.last(ANNA)
        assert push["text"] == (
            "📄 2026 is nearly over. In-service members who reported in here: 1. Tap below"
            " for the feedback letters to their employers and the summary table."
        )
        assert harness.last(SECRETARY)["text"].startswith("📄 2026 年快结束了：本社区有 1 位")
        await fire_on(harness, clock, date(2026, 12, 20))
        assert len(harness.api.bot_messages(ANNA)) == before + 1
        await harness.press_label(ANNA, push, "Yearly feedback")
        letter_message, book_message = harness.api.bot_messages(ANNA)[-2:]
        ((letter_name, letter),) = letter_message["_files"].items()
        assert letter_name == "In-service feedback-Tom-2026.docx"
        text = "\n".join(p.text for p in Document(io.BytesIO(letter)).paragraphs)
        assert "To Library Party Branch:" in text
        assert (
            "Comrade Tom, a Party member of your organisation (City Library), reported in to"
            " our community (幸福社区) in 2026 and took the post of Policy outreach."
        ) in text
        assert text.endswith("Party organisation of 幸福社区\n20 December 2026")
        assert book_message["caption"].startswith("📄 In-service members in 2026")

        # A resident (not a secretary) cannot see the list.
        await harness.say(CHEN, "/inservice")
        assert "书记" in harness.last(CHEN)["text"]
        # Eleven more (seeded): the list goes ten a page.
        now = clock()
        async with harness.db.transaction() as session:
            for n in range(11):
                person_id = await session.people.insert(
                    tg_user_id=3000 + n,
                    display_name=f"党员{n:02d}",
                    tg_username=None,
                    language="zh_Hans",
                    building=None,
                    grid_id=None,
                    consent_at=now,
                    now=now,
                )
                await session.members.inservice.put(
                    person_id,
                    employer="区医院",
                    party_org="区医院党委",
                    org_contact_name="周",
                    org_contact="13700137000",
                    post="志愿服务",
                    building=None,
                    commitment_id=None,
                    token=f"seeded-token-{n:02d}-xxxxxxxx",
                    now=now,
                )
        await harness.say(SECRETARY, "/inservice")
        first = harness.last(SECRETARY)
        assert first["text"].startswith("🏢 在职党员（共 12 人）\n\n1. Tom · City Library")
        assert first["text"].endswith("10. 党员08 · 区医院 · 志愿服务 · 未包楼栋")
        assert button_labels(first)[-2:] == ["下一页 ▶", "📄 年度反馈（给各单位党组织）"]
        await harness.press_label(SECRETARY, first, "下一页")
        second = harness.last(SECRETARY)
        assert second["text"].endswith(
            "11. 党员09 · 区医院 · 志愿服务 · 未包楼栋\n12. 党员10 · 区医院 · 志愿服务 · 未包楼栋"
        )
        assert "◀ 上一页" in button_labels(second)
        await harness.press_label(SECRETARY, second, "上一页")
        assert harness.last(SECRETARY)["text"] == first["text"]

        # The secretary takes him off the list; his card stops working.
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "Tom")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "🗑 移出名单")
        assert harness.last(SECRETARY)["text"] == (
            "🗑 已把 Tom 移出在职党员名单，TA 的联系卡也不能用了。"
        )
        await harness.say(TOM, "/me")
        await harness.press_label(TOM, harness.last(TOM), "Report in")
        assert harness.last(TOM)["text"].startswith("🏢 Reporting in to the community")
    finally:
        await harness.running.stop()
