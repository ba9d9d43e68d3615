"""The commitment system's five steps through the real bot, to the yearly table (民主评诺):
a member proposes, the secretary approves (the pledge card in the residents' group, with
满意/基本满意/不满意), progress, 已践诺; then the year's appraisal is opened, the members
assess themselves and each other, residents have rated the pledge, the branch sets its
grade, the secretary closes it: the table (message and workbook), the ledger's sheet,
/export and /forget; and the refusals (not a member, oneself, one's own pledge, closed)."""

from __future__ import annotations

import io
import json
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

ZHANG, TOM, LI, CHEN, STRANGER = 2001, 2002, 2003, 2004, 2005


async def community(harness: BotHarness) -> dict[int, int]:
    """A secretary and the residents' group; 张阿姨, Tom (English) and 李大爷 Party
    members; 陈师傅 a resident only. Their person ids, by Telegram id."""
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans")
    harness.api.add_user(STRANGER, "路人", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((ZHANG, "张阿姨"), (TOM, "Tom"), (LI, "李大爷"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
    ids = {}
    async with harness.db.transaction() as session:
        for user_id in (ZHANG, TOM, LI, CHEN):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            ids[user_id] = person.id
            if user_id != CHEN:
                await session.people.grant(
                    person.id, "party_member", None, harness.running.services.clock()
                )
    return ids


def alert(api: FakeBotApi) -> str:
    return str(api.callback_answers()[-1]["text"])


def group_card(harness: BotHarness) -> dict[str, Any]:
    (card,) = [m for m in harness.api.bot_messages(RESIDENTS_GROUP) if m.get("photo")]
    return card


def workbook_rows(message: dict[str, Any]) -> list[list[Any]]:
    (content,) = message["_files"].values()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_from_proposal_to_the_yearly_table(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()  # Thursday 2026-11-19, 19:00 in Shanghai
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        ids = await community(harness)

        # 1-2. Proposed and approved: the pledge card in the group, with the ratings.
        await harness.say(ZHANG, "/commit")
        await harness.say(ZHANG, "每周六上午帮独居老人买一次菜")
        await harness.say(ZHANG, "3号楼独居老人")
        await harness.say(ZHANG, "2026-12-10")
        await harness.press_label(ZHANG, harness.last(ZHANG), "💬 只通过议事亭联系")
        await harness.pushes_sent()
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "✅ 通过")
        await harness.pushes_sent()
        card = group_card(harness)
        assert card["caption"].startswith("🤝 党员承诺书：张阿姨 同志承诺")
        assert button_labels(card) == ["满意", "基本满意", "不满意"]

        # Residents rate it (群众参评): once each, changeable; only they know how.
        await harness.press_label(CHEN, card, "不满意")
        await harness.press_label(CHEN, card, "满意")
        assert alert(api) == (
            "✅ 已记下您对 张阿姨 的承诺的评价：满意。谢谢您的监督！可以改；党员不会知道是谁评的。"
        )
        assert group_card(harness)["caption"] == card["caption"]  # the card is untouched
        # Not on one's own pledge; not without registering.
        await harness.press_label(ZHANG, card, "满意")
        assert alert(api) == "这是您自己的承诺，不能评价。"
        await harness.press_label(STRANGER, card, "满意")
        assert "登记" in alert(api)
        # On the public board, too: 🤝 党员承诺 → 💬 评价.
        await harness.say(LI, "/board")
        await harness.press_label(LI, harness.last(LI), "🤝 党员承诺")
        await harness.press_label(LI, harness.last(LI), "💬 评价 张阿姨 的承诺")
        assert harness.last(LI)["text"].startswith("💬 张阿姨 的承诺：每周六上午帮独居老人买一次菜")
        await harness.press_label(LI, harness.last(LI), "基本满意")
        assert alert(api).startswith("✅ 已记下您对 张阿姨 的承诺的评价：基本满意。")

        # 3-4. Progress, then carried out.
        await harness.say(ZHANG, "/me")
        await harness.press_label(ZHANG, harness.last(ZHANG), "🤝 我的承诺")
        await harness.press_label(ZHANG, harness.last(ZHANG), "每周六上午")
        await harness.press_label(ZHANG, harness.last(ZHANG), "📝 汇报进展")
        await harness.say(ZHANG, "已经买了三次菜")
        await harness.press_label(ZHANG, harness.last(ZHANG), "✅ 已践诺")
        assert harness.last(ZHANG)["text"].startswith("🎉 已践诺")

        # 5. December: the year's appraisal. Not for someone who is not a member.
        clock.advance(days=26)  # 2026-12-15
        await harness.say(CHEN, "/appraisal")
        assert harness.last(CHEN)["text"] == "只有党员参加民主评议。"
        await harness.say(ZHANG, "/appraisal")
        assert harness.last(ZHANG)["text"] == "2026 年度民主评议还没有开始。"
        await harness.say(SECRETARY, "/appraisal")
        home = harness.last(SECRETARY)
        assert home["text"].startswith("📋 民主评议\n2026 年度民主评议还没有开始。")
        assert button_labels(home) == ["▶️ 开始 2026 年度民主评议"]
        await harness.press_label(SECRETARY, home, "开始 2026 年度民主评议")
        await harness.pushes_sent()
        invitation = harness.last(ZHANG)
        assert invitation["text"].startswith("📋 2026 年度民主评议开始了。")
        assert button_labels(invitation) == [
            "优秀",
            "合格",
            "基本合格",
            "不合格",
            "👥 互评其他党员",
        ]
        # Tom reads it in English.
        tom_invitation = harness.last(TOM)
        assert tom_invitation["text"].startswith("📋 The 2026 democratic appraisal has started.")
        # Pressed twice, the secretary's button opens nothing twice.
        sent = len(harness.api.bot_messages(ZHANG))
        await harness.press_label(SECRETARY, home, "开始 2026 年度民主评议", strict=False)
        await harness.pushes_sent()
        assert len(harness.api.bot_messages(ZHANG)) == sent

        # Self-assessment: a grade, then a few words (at most 300).
        await harness.press_label(ZHANG, invitation, "优秀")
        assert harness.last(ZHANG)["text"].startswith("✅ 自评：优秀。\n想说说这一年做了哪些事吗？")
        await harness.say(ZHANG, "帮" * 301)
        assert harness.last(ZHANG)["text"] == "太长了（301 字），请不超过 300 字。"
        await harness.say(ZHANG, "坚持每周为独居老人买菜，参加了志愿服务。")
        assert harness.last(ZHANG)["text"] == "✅ 已记下您的自评说明。"
        await harness.press_label(TOM, tom_invitation, "Competent")

        # Peer rating: the others, never oneself; one each, changeable.
        await harness.press_label(ZHANG, harness.last(ZHANG), "👥 互评其他党员")
        peers = harness.last(ZHANG)
        assert button_labels(peers) == ["📝 自评（点这里改）", "Tom：未评", "李大爷：未评"]
        await harness.press_label(ZHANG, peers, "Tom")
        assert harness.last(ZHANG)["text"] == "给 Tom 评一个等次："
        await harness.press_label(ZHANG, harness.last(ZHANG), "合格")
        assert alert(api) == "已评：Tom 合格"
        assert "Tom：合格" in button_labels(harness.last(ZHANG))
        appraisal_id = int(peers["reply_markup"]["inline_keyboard"][0][0]["callback_data"][4:])
        await harness.press(
            ZHANG, peers, f"eag:{appraisal_id}:{ids[ZHANG]}:excellent", strict=False
        )
        assert alert(api) == "不能给自己互评。"
        await harness.press(ZHANG, peers, f"eag:{appraisal_id}:{ids[CHEN]}:excellent", strict=False)
        assert alert(api) == "这位不是党员，不在民主评议里。"
        await harness.press_label(TOM, harness.last(TOM), "Rate the other members")
        await harness.press_label(TOM, harness.last(TOM), "张阿姨")
        await harness.press_label(TOM, harness.last(TOM), "Not competent")
        await harness.press_label(TOM, harness.last(TOM), "张阿姨")
        await harness.press_label(TOM, harness.last(TOM), "Excellent")  # changed his mind
        await harness.press_label(LI, harness.last(LI), "👥 互评其他党员")
        await harness.press_label(LI, harness.last(LI), "张阿姨")
        await harness.press_label(LI, harness.last(LI), "合格")

        # The secretary's screen; the branch's assessment with a note.
        await harness.say(SECRETARY, "/appraisal")
        screen = harness.last(SECRETARY)
        assert screen["text"] == (
            "📋 2026 年度民主评议进行中\n党员 3 人\n自评：2 人已评\n互评：共 3 条\n"
            "群众评价：共 2 条\n支部测评：0 人已定\n\n大家都评完后，点“🔒 结束评议”出汇总表。"
        )
        await harness.press_label(SECRETARY, screen, "🏛 支部测评")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨")
        assert harness.last(SECRETARY)["text"] == (
            "🏛 支部测评：张阿姨\n自评：优秀\n互评：优秀 1 · 合格 1\n支部测评：未评\n"
            "说明：坚持每周为独居老人买菜，参加了志愿服务。"
        )
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "优秀")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "✏️ 写意见")
        assert harness.last(SECRETARY)["text"].startswith("请发送对 张阿姨 的支部意见")
        await harness.say(SECRETARY, "带头服务群众")
        assert harness.last(SECRETARY)["text"] == "✅ 已记下对 张阿姨 的支部意见。"

        # Closed: the table, and its workbook.
        await harness.say(SECRETARY, "/appraisal")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "🔒 结束评议")
        confirm = harness.last(SECRETARY)
        assert confirm["text"].startswith("确定结束 2026 年度民主评议吗？")
        await harness.press_label(SECRETARY, confirm, "✅ 确定结束")
        table = harness.api.bot_messages(SECRETARY)[-2]["text"]
        assert table.startswith("📊 2026 年度党员民主评议汇总（共 3 名党员）")
        assert (
            "2. 张阿姨\n　承诺数 1 · 已践诺 1 · 已逾期 0 · 入户走访 0\n"
            "　志愿服务时长 0 · 参加活动 0\n　自评：优秀\n"
            "　互评：优秀 1 · 合格 1\n　群众评价：满意率 100%（满意 1 · 基本满意 1）\n"
            "　支部测评：优秀\n　支部意见：带头服务群众"
        ) in table
        assert (
            "Tom\n　承诺数 0 · 已践诺 0 · 已逾期 0 · 入户走访 0\n"
            "　志愿服务时长 0 · 参加活动 0\n　自评：合格\n　互评：合格 1" in table
        )
        assert (
            "李大爷\n　承诺数 0 · 已践诺 0 · 已逾期 0 · 入户走访 0\n"
            "　志愿服务时长 0 · 参加活动 0\n　自评：未评\n　互评：—" in table
        )
        rows = workbook_rows(harness.last(SECRETARY))
        headers = [
            "党员",
            "承诺数",
            "已践诺",
            "已逾期",
            "入户走访",
            "志愿服务时长",
            "参加活动",
            "在职报到",
            "自评",
            "自评说明",
            "互评·优秀",
            "互评·合格",
            "互评·基本合格",
            "互评·不合格",
            "群众评价·满意",
            "群众评价·基本满意",
            "群众评价·不满意",
            "群众满意率（%）",
            "支部测评",
            "支部意见",
        ]
        assert headers in rows
        zhang = next(row for row in rows if row[0] == "张阿姨")
        assert zhang == [
            "张阿姨",
            1,
            1,
            0,
            0,
            0,
            0,
            None,
            "优秀",
            "坚持每周为独居老人买菜，参加了志愿服务。",
            1,
            1,
            0,
            0,
            1,
            1,
            0,
            100,
            "优秀",
            "带头服务群众",
        ]

        # Late or twice: refused, nothing changes.
        await harness.press_label(SECRETARY, confirm, "✅ 确定结束", strict=False)
        assert alert(api) == "本年度民主评议已经结束。"
        await harness.press_label(LI, harness.last(LI), "📝 自评")
        assert alert(api) == "本年度民主评议已经结束。"
        await harness.press_label(CHEN, card, "不满意")
        assert alert(api) == "本年度民主评议已经结束。"
        await harness.press_label(TOM, tom_invitation, "Excellent")
        assert alert(api) == "This year's democratic appraisal has closed."

        # /appraisal shows the table again; the month's ledger has it as a sheet.
        await harness.say(SECRETARY, "/appraisal")
        assert harness.api.bot_messages(SECRETARY)[-2]["text"] == table
        await harness.say(SECRETARY, "/ledger")
        ledger = next(
            m
            for m in reversed(harness.api.bot_messages(SECRETARY))
            if any(name.endswith(".xlsx") for name in m.get("_files", {}))
        )
        (content,) = [v for k, v in ledger["_files"].items() if k.endswith(".xlsx")]
        book = load_workbook(io.BytesIO(content))
        assert "2026年度民主评议" in book.sheetnames
        sheet_rows = [list(r) for r in book["2026年度民主评议"].iter_rows(values_only=True)]
        assert zhang in sheet_rows

        # /export: what 张阿姨 gave and her row; 陈师傅's pledge rating.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        members = json.loads(content)["members"]
        assert members["appraisal_self"][0]["grade"] == "excellent"
        assert [(r["member"], r["grade"]) for r in members["appraisal_peer_given"]] == [
            ("Tom", "competent")
        ]
        (row,) = members["appraisal_rows"]
        assert row["peer_grades"] == {"excellent": 1, "competent": 1}
        assert row["residents_ratings"] == {"good": 1, "fair": 1}
        assert row["branch_grade"] == "excellent"
        await harness.say(CHEN, "/export")
        (content,) = harness.last(CHEN)["_files"].values()
        (given,) = json.loads(content)["members"]["pledge_ratings_given"]
        assert given["rating"] == "good"

        # /forget: what Tom gave goes.
        await harness.say(TOM, "/forget")
        await harness.press_label(TOM, harness.last(TOM), "Yes, delete")
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT count(*) FROM appraisal_peer WHERE rater_id = ?", (ids[TOM],)
            ) as cur,
        ):
            left = await cur.fetchone()
        assert left is not None and left[0] == 0
    finally:
        await harness.running.stop()
