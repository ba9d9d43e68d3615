"""Surveys (民意测评) through the real bot: built, sent to one building, answered, reminded,
closed on time, counted with charts, published with the committee's response, in the ledger;
anonymous answers that name nobody; English; and who may build one."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from bot.surveys.rules import REMIND_KIND
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

# 张阿姨 and 李大爷 live in 3号楼, Tom (English) in 5号楼.
ZHANG, TOM, LI = 2001, 2002, 2003


async def community(harness: BotHarness) -> None:
    """A secretary with the residents' group; two residents of 3号楼 and one of 5号楼."""
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await harness.register(ZHANG, "张阿姨", "3号楼")
    await harness.register(LI, "李大爷", "3号楼")
    await harness.register(TOM, "Tom", "5号楼")


def bot_texts(harness: BotHarness, chat_id: int) -> list[str]:
    return harness.texts(chat_id)


def questions(harness: BotHarness, user_id: int) -> list[dict[str, Any]]:
    """The question messages in a person's private chat (the latest copy of each last)."""
    return [
        m
        for m in harness.api.bot_messages(user_id)
        if (m.get("text") or "").startswith(("第 ", "Question "))
    ]


def question(harness: BotHarness, user_id: int, number: int) -> dict[str, Any]:
    """The latest message of question ``number`` in the person's chat."""
    found = [m for m in questions(harness, user_id) if m["text"].startswith(f"第 {number}/")]
    assert found, f"no question {number} for {user_id}"
    return found[-1]


def toast(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1]["text"])


async def build(harness: BotHarness, *, anonymous: bool = False) -> None:
    """The secretary builds three questions (single, scale, text) for 3号楼, 7 days."""
    await harness.say(SECRETARY, "/survey")
    assert harness.last(SECRETARY)["text"].startswith("📋 发起民意测评。")
    await harness.say(SECRETARY, "物业服务满意度")
    assert button_labels(harness.last(SECRETARY)) == ["居委会工作", "红色物业", "项目", "其他"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "红色物业")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "单选")
    await harness.say(SECRETARY, "您对楼道保洁满意吗？")
    assert harness.last(SECRETARY)["text"].startswith("请发送选项，每行一个")
    await harness.say(SECRETARY, "满意\n一般\n不满意")
    assert "1. 【单选】您对楼道保洁满意吗？" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "1–5 评分")
    await harness.say(SECRETARY, "给物业打个分")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "简短文字")
    await harness.say(SECRETARY, "还有什么建议？")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "题目写完了")
    assert button_labels(harness.last(SECRETARY)) == ["全体居民", "3号楼", "5号楼"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "3号楼")
    assert "发给：3号楼（2 人）" in harness.last(SECRETARY)["text"], (
        harness.api.callback_answers()[-1:],
        harness.api.bot_messages(SECRETARY)[-2:],
    )
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "不记名" if anonymous else "记名")
    assert button_labels(harness.last(SECRETARY)) == ["3 天", "7 天", "14 天", "📅 选日子"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "7 天")
    preview = harness.last(SECRETARY)["text"]
    assert preview.startswith("请确认问卷")
    assert "关于：红色物业" in preview and "截止：11月26日（周四）晚上7点" in preview
    assert "    · 一般" in preview and "3. 【简短文字】还有什么建议？" in preview
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "发送")
    assert harness.last(SECRETARY)["text"].startswith("📤 问卷 #")
    await harness.pushes_sent()


async def schedules(harness: BotHarness, kind: str, survey_id: int) -> list[Any]:
    async with harness.db.read() as session:
        return await session.schedules.pending_for(kind, "survey_id", survey_id)


async def fire(harness: BotHarness, clock: FakeClock, schedule: Any) -> bool:
    clock.now = schedule.next_due_at
    fired = await harness.running.services.scheduler.fire(schedule.id, schedule.next_due_at)
    await harness.pushes_sent()
    return bool(fired)


def reminders(harness: BotHarness, user_id: int) -> list[dict[str, Any]]:
    return [
        m
        for m in harness.api.bot_messages(user_id)
        if (m.get("text") or "").startswith(("⏰ 问卷提醒", "⏰ Survey reminder"))
    ]


async def test_a_survey_from_build_to_published_response(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # A draft survives a restart: the title is kept, /survey goes on where it stopped.
        await harness.say(SECRETARY, "/survey")
        await harness.say(SECRETARY, "草稿")
        await harness.running.stop()
        harness = await start_harness(settings, api, clock)
        await harness.say(SECRETARY, "/survey")
        assert harness.last(SECRETARY)["text"].startswith("标题：草稿")
        await harness.say(SECRETARY, "/cancel")

        await build(harness)
        await harness.say(SECRETARY, "/upcoming")
        assert "问卷 #1 截止前 1 天 提醒未答完的居民" in harness.last(SECRETARY)["text"]
        # 3号楼's residents get the opening and three questions; 5号楼's Tom nothing.
        zhang = bot_texts(harness, ZHANG)
        assert any(text.startswith("📋 幸福社区民意测评：物业服务满意度") for text in zhang)
        assert len(questions(harness, ZHANG)) == 3 and len(questions(harness, LI)) == 3
        assert questions(harness, TOM) == []
        assert not any("物业服务满意度" in text for text in bot_texts(harness, TOM))
        q1 = question(harness, ZHANG, 1)
        assert q1["text"].startswith("第 1/3 题：您对楼道保洁满意吗？")
        assert button_labels(q1) == ["满意", "一般", "不满意"]
        assert button_labels(question(harness, ZHANG, 2)) == ["1", "2", "3", "4", "5"]
        assert button_labels(question(harness, ZHANG, 3)) == ["✏️ 写回答"]

        # 张阿姨 answers all three and changes her first answer; pressing it again is a no-op.
        await harness.press_label(ZHANG, q1, "满意")
        assert toast(harness) == "已记下第 1 题。已答 1/3 题。"
        await harness.press_label(ZHANG, q1, "一般")
        assert toast(harness) == "第 1 题的回答已改好。已答 1/3 题。"
        await harness.press_label(ZHANG, q1, "一般")
        assert toast(harness) == "这个回答已经记下了，不用再按。"
        await harness.press_label(ZHANG, question(harness, ZHANG, 2), "4")
        await harness.press_label(ZHANG, question(harness, ZHANG, 3), "写回答")
        assert harness.last(ZHANG)["text"].startswith("第 3 题：还有什么建议？")
        await harness.say(ZHANG, "楼道灯坏了，请尽快修。")
        assert harness.last(ZHANG)["text"] == (
            "✅ 您的回答已记下。\n已记下第 3 题。3 道题都答完了，谢谢您！"
        )
        # 李大爷 answers only the first; Tom cannot answer a survey not sent to him.
        await harness.press_label(LI, question(harness, LI, 1), "不满意")
        await harness.press(TOM, harness.last(TOM), "svp:1:0:0", strict=False)
        assert toast(harness) == "This survey was not sent to you."

        # The reminder (24 h before the close) reaches only 李大爷, once.
        survey_id = 1
        (reminder,) = await schedules(harness, REMIND_KIND, survey_id)
        assert await fire(harness, clock, reminder)
        assert reminders(harness, ZHANG) == [] and reminders(harness, TOM) == []
        (li_reminder,) = reminders(harness, LI)
        assert "11月26日（周四）晚上7点截止，还有 1 天，" in li_reminder["text"]
        assert button_labels(li_reminder) == ["📝 继续填写", "🔕 不再提醒我填问卷"]
        assert not await harness.running.services.scheduler.fire(reminder.id, reminder.next_due_at)
        await harness.pushes_sent()
        assert len(reminders(harness, LI)) == 1
        # From the reminder he gets the two questions still open, and answers the scale.
        await harness.press_label(LI, li_reminder, "继续填写")
        assert [m["text"][:7] for m in questions(harness, LI)[-2:]] == ["第 2/3 题", "第 3/3 题"]
        await harness.press_label(LI, question(harness, LI, 2), "5")

        # The close comes at the closing time; the secretary is told; answers stop.
        (close,) = await schedules(harness, "survey.close", survey_id)
        assert await fire(harness, clock, close)
        notice = harness.last(SECRETARY)
        assert notice["text"] == (
            "⏹ 问卷“物业服务满意度”已截止：发给 2 人，2 人作答。"
            "按下面的按钮查看结果并发布委员会的回应。"
        )
        await harness.press_label(LI, question(harness, LI, 1), "满意")
        assert toast(harness) == "问卷“物业服务满意度”已经截止，不能再作答了。谢谢您！"

        # Results: counts with shares and the average, the text answer without a name, charts.
        await harness.press_label(SECRETARY, notice, "打开问卷")
        screen = harness.last(SECRETARY)
        assert "作答：2/2 人" in screen["text"]
        assert button_labels(screen) == ["📊 结果", "📣 发布结果"]
        before = len(harness.api.bot_messages(SECRETARY))
        await harness.press_label(SECRETARY, screen, "结果")
        sent = harness.api.bot_messages(SECRETARY)[before:]
        results = sent[0]["text"]
        assert results.startswith("📊 问卷 #1“物业服务满意度”的结果：发给 2 人，2 人作答。")
        assert "1. 您对楼道保洁满意吗？（2 人答）" in results
        assert (
            "    1) 满意：0 人（0%）\n    2) 一般：1 人（50%）\n    3) 不满意：1 人（50%）"
            in results
        )
        assert "    4) 4：1 人（50%）\n    5) 5：1 人（50%）\n    平均 4.5 分" in results
        assert "    · 楼道灯坏了，请尽快修。" in results
        assert "张阿姨" not in results
        charts = [m for m in sent if m.get("photo")]
        assert [m["caption"].split("\n")[0] for m in charts] == [
            "第 1 题：您对楼道保洁满意吗？",
            "第 2 题：给物业打个分",
        ]
        assert all(next(iter(m["_files"].values())).startswith(b"\x89PNG") for m in charts)

        # The response: written, previewed, published to the group and to the recipients.
        await harness.press_label(SECRETARY, screen, "发布结果")
        assert harness.last(SECRETARY)["text"].startswith(
            "请写下委员会对“物业服务满意度”结果的回应"
        )
        await harness.say(SECRETARY, "本周内修好3号楼楼道灯，保洁每天加扫一次。")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "发布")
        await harness.pushes_sent()
        (group_post,) = [
            m
            for m in harness.api.bot_messages(RESIDENTS_GROUP)
            if "民意测评结果" in (m.get("text") or "")
        ]
        assert button_labels(group_post) == []
        post = group_post["text"]
        assert post.startswith(
            "📣 民意测评结果：物业服务满意度\n关于：红色物业\n发给 2 人，2 人作答。"
        )
        assert "收到 1 条意见" in post and "楼道灯坏了" not in post
        assert post.endswith(
            "委员会的回应（下一步怎么做）：\n本周内修好3号楼楼道灯，保洁每天加扫一次。"
        )
        for user_id in (ZHANG, LI):
            assert any("民意测评结果" in t for t in bot_texts(harness, user_id))
        assert not any("民意测评结果" in t for t in bot_texts(harness, TOM))
        # The survey's screen keeps the response, for the secretary and for residents.
        await harness.say(SECRETARY, "/surveys")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "物业服务满意度")
        screen = harness.last(SECRETARY)["text"]
        assert screen.endswith("委员会的回应：\n本周内修好3号楼楼道灯，保洁每天加扫一次。")
        zhang_post = [
            m for m in harness.api.bot_messages(ZHANG) if "民意测评结果" in (m.get("text") or "")
        ][-1]
        await harness.press_label(ZHANG, zhang_post, "查看问卷")
        assert any(
            "本周内修好3号楼楼道灯" in t and t.startswith("📋 问卷 #1")
            for t in bot_texts(harness, ZHANG)
        )

        # The ledger carries the survey: audience, counts, results, response.
        before = len(harness.api.bot_messages(SECRETARY))
        await harness.say(SECRETARY, "/ledger")
        (workbook,) = [
            next(iter(m["_files"].values()))
            for m in harness.api.bot_messages(SECRETARY)[before:]
            if m.get("document", {}).get("file_name", "").endswith(".xlsx")
        ]
        sheet = load_workbook(io.BytesIO(workbook))["民意测评"]
        (row,) = list(sheet.iter_rows(min_row=3, values_only=True))
        assert row[:5] == (1, "物业服务满意度", "红色物业", "3号楼", "否")
        assert row[8:10] == (2, 2)
        assert "2) 一般：1 人（50%）" in row[10] and "· 楼道灯坏了" in row[10]
        assert row[11] == "本周内修好3号楼楼道灯，保洁每天加扫一次。"

        # Named answers are in the person's export, and /forget removes them.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        exported = json.loads(content)["surveys"]
        assert [s["title"] for s in exported["received"]] == ["物业服务满意度"]
        assert [(a["question"], a["choice"], a["text"]) for a in exported["answers"]] == [
            (0, [1], None),
            (1, [3], None),
            (2, None, "楼道灯坏了，请尽快修。"),
        ]
        await harness.say(ZHANG, "/forget")
        await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
        async with harness.db.read() as session:
            left = await session.surveys.answers(survey_id)
            assert await session.surveys.recipients(survey_id) == [
                (await session.people.by_telegram_id(LI)).id  # type: ignore[union-attr]
            ]
        assert "楼道灯坏了，请尽快修。" not in [a.text for a in left]
        assert len(left) == 2  # 李大爷's two answers
    finally:
        await harness.running.stop()


async def test_anonymous_answers_hold_no_person_id(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await build(harness, anonymous=True)
        assert "不记名" in bot_texts(harness, ZHANG)[-4]
        await harness.press_label(ZHANG, question(harness, ZHANG, 1), "满意")
        await harness.press_label(ZHANG, question(harness, ZHANG, 2), "3")
        await harness.press_label(ZHANG, question(harness, ZHANG, 3), "写回答")
        await harness.say(ZHANG, "希望多装几个垃圾桶")
        await harness.press_label(LI, question(harness, LI, 1), "一般")
        async with harness.db.read() as session:
            zhang = await session.people.by_telegram_id(ZHANG)
            assert zhang is not None
            async with session.conn.execute(
                "SELECT respondent, person_id, choice, text FROM survey_answers"
            ) as cur:
                rows = [tuple(row) for row in await cur.fetchall()]
            async with session.conn.execute("SELECT count(*) FROM dialogs") as cur:
                assert (await cur.fetchone())[0] == 0
        assert len(rows) == 4
        assert all(person_id is None for _, person_id, _, _ in rows)
        assert all(not key.startswith("p") and len(key) == 64 for key, _, _, _ in rows)
        assert not any(str(zhang.id) == key or f"p{zhang.id}" in key for key, _, _, _ in rows)
        # /mine knows it too (through the keyed answers): 李大爷 has two questions left
        # and a button that sends them; 张阿姨, who finished, has nothing waiting.
        await harness.say(LI, "/mine")
        mine = harness.last(LI)
        assert (
            "📋 等您填写的问卷\n• 《物业服务满意度》还有 2 题 · 11月26日（周四）晚上7点截止"
            in mine["text"]
        ), mine["text"]
        before = len(questions(harness, LI))
        await harness.press_label(LI, mine, "📝 填写《物业服务满意度》")
        sent = questions(harness, LI)[before:]
        assert [m["text"][:7] for m in sent] == ["第 2/3 题", "第 3/3 题"]
        await harness.say(ZHANG, "/mine")
        assert "物业服务满意度" not in harness.last(ZHANG)["text"]
        # The reminder still knows who has not finished: 李大爷, not 张阿姨.
        (reminder,) = await schedules(harness, REMIND_KIND, 1)
        assert await fire(harness, clock, reminder)
        assert reminders(harness, ZHANG) == [] and len(reminders(harness, LI)) == 1
        # 🔕 under it turns them off (and 🔔 is offered back).
        await harness.press_label(LI, reminders(harness, LI)[0], "不再提醒我填问卷")
        assert harness.last(LI)["text"].startswith("好的，以后不再提醒您填问卷。")
        assert button_labels(harness.last(LI)) == ["🔔 恢复问卷提醒"]
        async with harness.db.read() as session:
            li = await session.people.by_telegram_id(LI)
            assert li is not None
            assert await session.people.reminders_off("survey") == {li.id}
            assert await session.people.reminders_off("vote") == set()
        # Closed, the survey's key secret is gone.
        (close,) = await schedules(harness, "survey.close", 1)
        assert await fire(harness, clock, close)
        async with harness.db.read() as session:
            survey = await session.surveys.get(1)
        assert survey is not None and survey.salt is None and not survey.is_open
    finally:
        await harness.running.stop()


async def test_english_and_who_may_build(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        await harness.say(ZHANG, "/survey")
        assert harness.last(ZHANG)["text"] == "抱歉，只有书记可以使用这个功能。"
        await harness.say(ZHANG, "/surveys")
        assert harness.last(ZHANG)["text"] == "抱歉，只有书记可以使用这个功能。"

        # A survey for everyone: Tom reads it in English, toggles a multiple choice, submits.
        await harness.say(SECRETARY, "/survey")
        await harness.say(SECRETARY, "小区改造")
        await harness.say(SECRETARY, "东门改造项目")  # a typed subject
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "多选")
        await harness.say(SECRETARY, "最需要改什么？")
        await harness.say(SECRETARY, "1. 路灯\n2. 座椅\n3. 绿化")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "题目写完了")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "全体居民")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "记名")
        await harness.say(SECRETARY, "12-01")
        assert "截止：12月1日（周二）晚上8点" in harness.last(SECRETARY)["text"]
        assert "关于：东门改造项目" in harness.last(SECRETARY)["text"]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "发送")
        await harness.pushes_sent()
        opening = [t for t in bot_texts(harness, TOM) if t.startswith("📋")][-1]
        assert opening.startswith("📋 幸福社区 survey: 小区改造\nAbout: 东门改造项目")
        (q1,) = questions(harness, TOM)
        assert q1["text"] == "Question 1/1: 最需要改什么？\nChoose any, then press “✅ Submit”."
        assert button_labels(q1) == ["⬜ 路灯", "⬜ 座椅", "⬜ 绿化", "✅ Submit"]
        await harness.press_label(TOM, q1, "Submit")
        assert toast(harness) == "Choose at least one, then press “Submit”."
        await harness.press_label(TOM, q1, "路灯")
        await harness.press_label(TOM, harness.last(TOM), "绿化")
        assert button_labels(harness.last(TOM)) == ["☑️ 路灯", "⬜ 座椅", "☑️ 绿化", "✅ Submit"]
        await harness.press_label(TOM, harness.last(TOM), "Submit")
        assert toast(harness) == "Question 1 recorded. All 1 questions answered, thank you!"
        async with harness.db.read() as session:
            tom = await session.people.by_telegram_id(TOM)
            assert tom is not None
            answers = await session.surveys.answers(1)
        assert [(a.respondent, a.choice) for a in answers] == [(f"p{tom.id}", (0, 2))]

        # Closed early by the secretary: its reminders and close are finished.
        await harness.say(SECRETARY, "/surveys")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "小区改造")
        screen = harness.last(SECRETARY)
        assert "已作答：1/4 人" in screen["text"]  # the secretary is a resident too
        assert button_labels(screen) == ["📊 结果", "⏹ 结束问卷"]
        await harness.press_label(SECRETARY, screen, "结束问卷")
        assert toast(harness) == "问卷“小区改造”已结束。"
        assert button_labels(harness.last(SECRETARY)) == ["📊 结果", "📣 发布结果"]
        assert await schedules(harness, REMIND_KIND, 1) == []
        assert await schedules(harness, "survey.close", 1) == []
        await harness.press_label(TOM, harness.last(TOM), "座椅", strict=False)
        assert (
            toast(harness)
            == "The survey “小区改造” has closed; answers are no longer taken. Thank you!"
        )
    finally:
        await harness.running.stop()
