"""Participation through the real bot: what awaits a person (/mine) after they raised a
matter, seconded another, voted in one of two open votes, commented, studied one of two
lessons, signed up for two activities and checked in and out of one; their record
(我的参与) counting exactly that; the secretary's view and the community's workbook;
the persistent keyboard of big buttons."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.volunteering.flow import VOLUNTEERS_GROUP, cards, create, local, text_of

MEMBERS_GROUP = -1005555
ZHANG, TOM, LI = 2001, 2002, 2003


async def grant(harness: BotHarness, user_id: int, role: str) -> None:
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(user_id)
        assert person is not None
        await session.people.grant(person.id, role, None, harness.running.services.clock())


async def raise_matter(harness: BotHarness, user_id: int, title: str) -> None:
    await harness.say(user_id, f"提议 {title}")
    await harness.say(user_id, "请大家议一议。")
    await harness.press_label(user_id, harness.last(user_id), "提交")


async def open_vote(harness: BotHarness, number: int, *presses: str) -> dict[str, Any]:
    """/vote N, the named settings, open; returns the card in the residents' group."""
    await harness.say(SECRETARY, f"/vote {number}")
    for label in presses:
        await harness.press_label(SECRETARY, harness.last(SECRETARY), label)
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "开始表决")
    await harness.pushes_sent()
    return [m for m in harness.api.bot_messages(RESIDENTS_GROUP) if "🗳" in text_of(m)][-1]


async def send_lesson(harness: BotHarness, title: str) -> None:
    """/newlesson: a title, one paragraph, no files, no link, no quiz; sent now."""
    await harness.say(SECRETARY, "/newlesson")
    await harness.say(SECRETARY, title)
    await harness.say(SECRETARY, f"{title}的正文。")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "正文写完了")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "下一步")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "不出题")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "现在发送")
    await harness.pushes_sent()


def with_button(harness: BotHarness, chat_id: int, label: str) -> dict[str, Any]:
    """The latest bot message in the chat with a button whose label contains ``label``."""
    for message in reversed(harness.api.bot_messages(chat_id)):
        if any(label in text for text in button_labels(message)):
            return message
    raise AssertionError(f"no message with {label!r} in chat {chat_id}")


def keys(message: dict[str, Any]) -> list[list[str]]:
    """The labels of the reply keyboard the bot sent with ``message``."""
    markup = message.get("_reply_markup") or {}
    return [[button["text"] for button in row] for row in markup.get("keyboard", [])]


async def community(harness: BotHarness) -> None:
    """A secretary, the three groups; 张阿姨 a party member and volunteer, Tom and 李大爷
    residents."""
    harness.api.add_group(MEMBERS_GROUP, "幸福里党员群")
    harness.api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    await harness.register(SECRETARY, "王书记")
    for kind, group in (
        ("residents", RESIDENTS_GROUP),
        ("members", MEMBERS_GROUP),
        ("volunteers", VOLUNTEERS_GROUP),
    ):
        await harness.say(SECRETARY, f"/bind {kind}", group)
    for user_id, name in ((ZHANG, "张阿姨"), (TOM, "Tom"), (LI, "李大爷")):
        await harness.register(user_id, name)
    for role in ("party_member", "volunteer"):
        await grant(harness, ZHANG, role)
    await harness.pushes_sent()


async def test_what_awaits_and_the_record_match_what_she_did(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(local(19, 19, 0))  # Thursday 2026-11-19 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Nothing awaits her yet.
        await harness.say(ZHANG, "/mine")
        assert harness.last(ZHANG)["text"] == "目前没有待办的事。😊"

        # Matters: 李大爷 raises #1 and #2 (to be voted on) and #4; she raises #3 and
        # seconds #4.
        await raise_matter(harness, LI, "小区门口加装路灯")
        await raise_matter(harness, LI, "文明养犬公约")
        await raise_matter(harness, ZHANG, "垃圾分类点加个棚")
        await raise_matter(harness, LI, "楼道堆物清理")
        await harness.pushes_sent()
        await harness.say(ZHANG, "/mine")
        assert "可以附议" in harness.last(ZHANG)["text"]
        assert "#4 楼道堆物清理" in harness.last(ZHANG)["text"]
        await harness.press_label(ZHANG, harness.last(ZHANG), "附议 #4")

        # Two open votes (closing in 3 days): she votes in the anonymous one (#2) only.
        await open_vote(harness, 1, "截止时间", "截止时间")
        card = await open_vote(harness, 2, "记名/不记名", "截止时间", "截止时间")
        assert "不记名" in text_of(card)
        await harness.press_label(ZHANG, card, "赞成")
        # One comment.
        await harness.say(ZHANG, "/discuss 1 路灯早该装了")

        # Two lessons: she studies the first.
        await send_lesson(harness, "学习党章")
        await harness.press_label(ZHANG, with_button(harness, ZHANG, "已学习"), "已学习")
        await send_lesson(harness, "两学一做")

        # Two activities: she signs up for both, comes to the first and checks out.
        await create(harness, "湖边清洁", "11-20 09:00-11:00", 5)
        await create(harness, "敬老院陪伴", "11-22 14:00-16:00", 5)
        first, second = cards(harness)
        await harness.press_label(ZHANG, first, "报名")
        await harness.press_label(ZHANG, second, "报名")
        clock.now = local(20, 9, 0)
        await harness.say(ZHANG, "签到")
        assert text_of(harness.last(ZHANG)).startswith("✅ 签到成功：湖边清洁")
        clock.now = local(20, 10, 30)
        await harness.say(ZHANG, "签退")
        assert "本次计 1 小时 30 分。" in text_of(harness.last(ZHANG))

        # /mine: exactly the vote not cast, the lesson not studied, the activity ahead.
        await harness.say(ZHANG, "/mine")
        mine = harness.last(ZHANG)
        assert mine["text"] == (
            "📋 我的待办\n"
            "\n🗳 等您投票\n"
            "• #1 小区门口加装路灯 · 11月22日（周日）晚上7点截止\n"
            "\n📖 还没学的党课\n"
            "• 《两学一做》\n"
            "\n🙋 报名的活动\n"
            "• 《敬老院陪伴》11月22日（周日）下午2点 · 湖边议事亭"
        )
        assert button_labels(mine) == [
            "#1 赞成",
            "#1 反对",
            "#1 弃权",
            "📖 学习《两学一做》",
            "📍 签到《敬老院陪伴》",
        ]

        # 我的参与, from /me: the counts match what she did.
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "我的参与")
        record = harness.last(ZHANG)
        assert record["text"] == (
            "🗂 我的参与 · 2026年\n\n"
            "🏛 议事：提议 1 件，附议 1 件，投票 1 次，讨论 1 条，评价 0 次，参加议事会 0 次\n\n"
            "📖 党课：收到 2 课，按时已学 1 课，迟学 0 课，请假 0 课，测验答对 -，补课 0 次\n\n"
            "🙋 志愿服务：参加活动 1 次，共 1.5 小时，请假 0 次，报名未到 0 次"
        )
        assert button_labels(record) == ["◀ 2025年"]
        await harness.press_label(ZHANG, record, "2025年")
        assert harness.last(ZHANG)["text"].endswith("这一年还没有参与记录。")
        assert button_labels(harness.last(ZHANG)) == ["◀ 2024年", "2026年 ▶"]

        # She votes from /mine; the vote leaves the list and the record counts it.
        await harness.press_label(ZHANG, mine, "#1 赞成")
        await harness.say(ZHANG, "/mine")
        assert "等您投票" not in harness.last(ZHANG)["text"]
        # The anonymous vote closes: that she voted in it is still known (the poll book).
        await harness.say(SECRETARY, "/closevote 2")
        await harness.say(ZHANG, "/myrecord")
        assert "投票 2 次" in harness.last(ZHANG)["text"]

        # Only a secretary sees the community's table; she is refused.
        await harness.say(ZHANG, "/participation")
        assert "书记" in harness.last(ZHANG)["text"]
        assert "document" not in harness.last(ZHANG)

        # The secretary sees her record from /people, and the table for the year.
        await harness.say(SECRETARY, "/people")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "参与记录")
        assert harness.last(SECRETARY)["text"].startswith("🗂 张阿姨的参与记录 · 2026年")
        assert "投票 2 次" in harness.last(SECRETARY)["text"]

        await harness.say(SECRETARY, "/participation 2026")
        sent = harness.last(SECRETARY)
        assert sent["document"]["file_name"] == "参与统计-2026.xlsx"
        assert sent["caption"].startswith(
            "📊 幸福社区 2026年参与统计\n登记 4 人，有参与记录的 2 人"
        )
        assert "议事：提议 4 · 附议 1 · 投票 2 · 讨论 1" in sent["caption"]
        (content,) = sent["_files"].values()
        book = load_workbook(io.BytesIO(content))
        assert book.sheetnames == ["全体居民", "党员民主评议", "志愿者表彰"]
        sheet = book["全体居民"]
        title = next(sheet.iter_rows(max_row=1, values_only=True))
        assert title[:3] == ("幸福社区", "统计期间：2026年", "制表人：王书记")
        assert str(title[3]).startswith("制表时间：2026-11-20 10:30")
        assert sheet["P2"].value == "志愿时长(小时)" and sheet["P3"].data_type == "n"
        rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
        zhang = ("张阿姨", None, 1, 1, 2, 1, 0, 0, 2, 1, 0, 0, None, 0, 1, 1.5, 0, 0)
        assert rows["张阿姨"] == zhang
        assert rows["李大爷"][2] == 3
        (member,) = book["党员民主评议"].iter_rows(min_row=3, values_only=True)
        assert member[:8] == ("张阿姨", None, 2, 1, 0, 0, None, 0)
        (volunteer,) = book["志愿者表彰"].iter_rows(min_row=3, values_only=True)
        assert volunteer == ("张阿姨", None, 1, 1.5, 0, 0)

        # Her own record is in /export.
        await harness.say(ZHANG, "/export")
        (exported,) = harness.last(ZHANG)["_files"].values()
        assert b'"votes": 2' in exported and b'"minutes": 90' in exported

        # Days later: the second lesson, studied after its deadline (3 days), counts as
        # late; the activity she signed up for and did not come to, as a no-show.
        clock.now = local(23, 9, 0)
        await harness.press_label(ZHANG, with_button(harness, ZHANG, "已学习"), "已学习")
        await harness.say(ZHANG, "/myrecord 2026")
        record_text = harness.last(ZHANG)["text"]
        assert "收到 2 课，按时已学 1 课，迟学 1 课" in record_text
        assert "参加活动 1 次，共 1.5 小时，请假 0 次，报名未到 1 次" in record_text
        await harness.say(ZHANG, "/mine")
        assert harness.last(ZHANG)["text"] == "目前没有待办的事。😊"
    finally:
        await harness.running.stop()


async def test_the_keyboard_follows_roles_and_language(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await harness.register(SECRETARY, "王书记")
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.register(LI, "李大爷")
        # Registered: the registration's last message carries a resident's keyboard.
        done = harness.last(LI)
        assert done["text"].startswith("🎉 登记完成")
        resident = [
            ["📋 我的待办", "📝 提议", "🙋 我有需求"],
            ["🗂 我的参与", "📌 公开栏", "❓ 帮助"],
        ]
        assert keys(done) == resident
        await harness.say(LI, "/start")
        assert keys(harness.last(LI)) == resident

        # A party member gains 📖 学习: he is told, with the new keyboard.
        hello = await harness.say(LI, "大家好", RESIDENTS_GROUP)
        await harness.say(
            SECRETARY,
            "/grant party_member",
            RESIDENTS_GROUP,
            reply_to_message_id=hello["message_id"],
        )
        told = harness.last(LI)
        assert told["text"] == "您的身份有变化，下面的按钮已更新。"
        assert keys(told) == [*resident, ["📖 学习"]]

        # A label press runs its command; one pressed while a form waits ends the form.
        await harness.say(LI, "📋 我的待办")
        assert harness.last(LI)["text"] == "目前没有待办的事。😊"
        await harness.say(LI, "📝 提议")
        assert "标题" in harness.last(LI)["text"]
        await harness.say(LI, "🗂 我的参与")
        texts = harness.texts(LI)
        assert texts[-2] == "已结束刚才没填完的内容。"
        assert texts[-1].startswith("🗂 我的参与 · 2026年")
        async with harness.db.read() as session:
            assert await session.dialogs.get(LI, LI) is None

        # In English, the labels are English, and pressing them works the same.
        await harness.say(LI, "/lang en")
        assert keys(harness.last(LI)) == [
            ["📋 To do", "📝 Raise", "🙋 I need help"],
            ["🗂 My record", "📌 Public board", "❓ Help"],
            ["📖 Study"],
        ]
        await harness.say(LI, "📋 To do")
        assert harness.last(LI)["text"] == "Nothing awaits you right now. 😊"

        # The secretary's keyboard has their main entries.
        await harness.say(SECRETARY, "/start")
        assert keys(harness.last(SECRETARY))[-1] == ["📊 参与统计", "👥 居民名册"]
        # Revoked on /people: the keyboard loses 📖 学习 again.
        await harness.say(SECRETARY, "/people")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "党员")
        assert keys(harness.last(LI)) == [
            ["📋 To do", "📝 Raise", "🙋 I need help"],
            ["🗂 My record", "📌 Public board", "❓ Help"],
        ]
    finally:
        await harness.running.stop()
