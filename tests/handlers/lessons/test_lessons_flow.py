"""Micro Party lessons through the real bot: written with a photo and a quiz,
scheduled for a floated Party day, pushed, studied, reminded, made up, delivered
at home, and reported."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness

MEMBERS_GROUP = -1005555
GRID_WORKER = 2004
#: Party members: (user id, display name).
MEMBERS = ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷"), (2005, "王奶奶"), (2006, "赵叔"))


def answer(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1]["text"])


async def grant(harness: BotHarness, user_id: int, role: str) -> None:
    async with harness.db.transaction() as session:
        person = await session.people.by_telegram_id(user_id)
        assert person is not None
        await session.people.grant(person.id, role, None, harness.running.services.clock())


async def community(harness: BotHarness) -> None:
    """A secretary, the members' group, five party members, a grid worker in grid g1."""
    harness.api.add_group(MEMBERS_GROUP, "幸福里党员群")
    harness.api.add_user(2005, "奶奶", language_code="zh-hans")
    harness.api.add_user(2006, "叔", language_code="zh-hans")
    harness.api.add_user(GRID_WORKER, "小周", language_code="zh-hans")
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind members", MEMBERS_GROUP)
    for user_id, name in MEMBERS:
        await harness.register(user_id, name)
        await grant(harness, user_id, "party_member")
    await harness.register(GRID_WORKER, "周网格员")
    await grant(harness, GRID_WORKER, "grid_worker")
    async with harness.db.transaction() as session:
        # Grids are chosen at registration when configured; here they are set directly.
        await session.conn.execute("UPDATE people SET grid_id = 'g1'")
    await harness.pushes_sent()


async def write_lesson(harness: BotHarness) -> None:
    """/newlesson: title, two paragraphs, a photo, no link, a two-question quiz."""
    await harness.say(SECRETARY, "/newlesson")
    assert harness.last(SECRETARY)["text"] == "📝 写一节微党课。\n请发送标题（60 字以内）。"
    await harness.say(SECRETARY, "学习党章")
    await harness.say(SECRETARY, "第一段：党章是党的根本大法。")
    assert harness.last(SECRETARY)["text"].startswith("已收到正文，共 14 字")
    await harness.say(SECRETARY, "第二段：每个党员都要学习党章。")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "正文写完了")
    harness.api.send_photo(SECRETARY, None, data=b"lesson picture")
    await harness.settle()
    assert harness.last(SECRETARY)["text"].startswith("📎 已收到附件，共 1 个")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "下一步")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.say(SECRETARY, "党的最高理想是什么？\n实现共产主义\n发展经济\n搞好团结")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "A. 实现共产主义")
    await harness.say(SECRETARY, "党章总纲写明了最高理想和最终目标。")
    await harness.say(SECRETARY, "党员要按时交纳党费吗？\n不用\n要")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "B. 要")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    assert harness.last(SECRETARY)["text"].startswith("已有 2 道题")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "完成")


async def lesson_schedule(harness: BotHarness, kind: str) -> tuple[int, datetime]:
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT id, next_due_at FROM schedules WHERE kind = ? ORDER BY id DESC LIMIT 1",
            (kind,),
        ) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return int(row[0]), datetime.fromisoformat(row[1])


async def fire(harness: BotHarness, clock: FakeClock, kind: str) -> None:
    schedule_id, due = await lesson_schedule(harness, kind)
    clock.now = due
    assert await harness.running.services.scheduler.fire(schedule_id, due)
    await harness.pushes_sent()


def with_button(harness: BotHarness, chat_id: int, label: str) -> dict[str, Any]:
    """The latest bot message in the chat with a button labelled ``label``."""
    for message in reversed(harness.api.bot_messages(chat_id)):
        if any(label in text for text in button_labels(message)):
            return message
    raise AssertionError(f"no message with {label!r} in chat {chat_id}")


async def test_lesson_from_writing_to_report(tmp_path: Path, api: FakeBotApi) -> None:
    # 2026-11-15, the Party day, is a Sunday: it floats to Monday 11-16.
    clock = FakeClock(datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await write_lesson(harness)
        screen = harness.last(SECRETARY)
        assert screen["text"].startswith("📘 微党课 #1《学习党章》已保存。")
        assert "测验 2 题" in screen["text"] and "全体党员（5 人）" in screen["text"]
        assert button_labels(screen)[0] == "📅 党日11月16日（周一）上午9点（原定11月15日）"
        await harness.press_label(SECRETARY, screen, "党日")
        assert harness.last(SECRETARY)["text"] == (
            "✅ 微党课 #1 将在党日11月16日（周一）上午9点发出（原定11月15日，因周末顺延）。"
        )

        await fire(harness, clock, "lesson.push")
        group = harness.api.bot_messages(MEMBERS_GROUP)
        assert group[-2]["caption"] == "📘 微党课 #1《学习党章》" and group[-2]["photo"]
        assert group[-1]["text"] == (
            "📘 微党课 #1《学习党章》\n\n第一段：党章是党的根本大法。\n\n"
            "第二段：每个党员都要学习党章。"
        )
        for user_id, _ in MEMBERS:
            assert button_labels(harness.last(user_id)) in (
                ["✅ 已学习，去答题", "🙋 请假"],
                ["✅ Studied, take the quiz", "🙋 Ask for leave"],
            )

        # 张阿姨 studies privately: one right, one wrong answer.
        await harness.press_label(2001, harness.last(2001), "已学习")
        assert (
            answer(harness) == "✅ 已记录：您学习了《学习党章》。小测验已私信发给您，答完记上成绩。"
        )
        question = harness.last(2001)
        assert question["text"] == "📝 《学习党章》小测验 第 1/2 题\n党的最高理想是什么？"
        await harness.press_label(2001, question, "实现共产主义")
        assert harness.api.bot_messages(2001)[-2]["text"] == (
            "✅ 答对了！\n党的最高理想是什么？\n正确答案：A. 实现共产主义\n"
            "💡 党章总纲写明了最高理想和最终目标。"
        )
        second = harness.last(2001)
        await harness.press_label(2001, second, "不用")
        assert harness.last(2001)["text"].endswith("🎉 测验答对 1/2 题，成绩已记上。")
        # Answering again (a stale copy of the question) changes nothing.
        await harness.press_label(2001, second, "要", strict=False)
        assert answer(harness) == "这道题您已经答过了。"
        # Tom presses 已学习 in the group: the quiz comes privately, in English.
        await harness.press_label(2002, group[-1], "已学习")
        assert answer(harness).startswith("✅ Recorded: you studied “学习党章”. The quiz was sent")
        await harness.press_label(2002, harness.last(2002), "实现共产主义")
        await harness.press_label(2002, harness.last(2002), "要")
        assert harness.last(2002)["text"].endswith("🎉 Quiz: 2/2 right; your score is recorded.")
        # Not a party member: refused.
        await harness.press_label(GRID_WORKER, group[-1], "已学习")
        assert "党员" in answer(harness)

        # The secretary offers a make-up slot from /lessons.
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 学习党章")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "添加补课时段")
        await harness.say(SECRETARY, "11-20 19:00 党群服务中心 10")
        added = harness.last(SECRETARY)["text"]
        assert added.startswith("✅ 已添加补课时段：11月20日（周五）晚上7点 党群服务中心（0/10）")
        code = added[-6:]
        assert added == f"{added.split(chr(10))[0]}\n现场签到码：{code}" and code.isdigit()

        # Three days later, those who have not studied are reminded, once.
        before = {user_id: len(api.bot_messages(user_id)) for user_id, _ in MEMBERS}
        await fire(harness, clock, "lesson.remind")
        reminded = [u for u, _ in MEMBERS if len(api.bot_messages(u)) > before[u]]
        assert reminded == [2003, 2005, 2006]
        assert button_labels(harness.last(2003)) == ["📖 现在学习", "📅 预约补课", "🏠 送学上门"]

        # 李大爷 books the make-up and checks in there with its code.
        await harness.press_label(2003, harness.last(2003), "预约补课")
        await harness.press_label(2003, harness.last(2003), "党群服务中心")
        assert harness.last(2003)["text"].startswith(
            "✅ 已预约补课：11月20日（周五）晚上7点，党群服务中心。"
        )
        clock.now = datetime(2026, 11, 20, 11, 5, tzinfo=UTC)
        await harness.say(2003, "补课 000000" if code != "000000" else "补课 000001")
        assert harness.last(2003)["text"] == "没有这个补课签到码。"
        await harness.say(2003, f"补课 {code}")
        assert (
            harness.last(2003)["text"] == "✅ 补课签到成功：11月20日（周五）晚上7点，党群服务中心。"
        )

        # 王奶奶 asks for home delivery; the grid worker confirms with a photo.
        await harness.press_label(2005, with_button(harness, 2005, "送学上门"), "送学上门")
        assert harness.last(2005)["text"] == "✅ 已请网格员送学上门：周网格员。"
        await harness.pushes_sent()
        task = harness.last(GRID_WORKER)
        assert task["text"].startswith("🏠 送学任务：王奶奶")
        await harness.press_label(GRID_WORKER, task, "已送学")
        assert harness.last(GRID_WORKER)["text"].startswith("✅ 已记录为 王奶奶 送学。")
        harness.api.send_photo(GRID_WORKER, None)
        await harness.settle()
        assert harness.last(GRID_WORKER)["text"] == "📷 照片已保存。"
        await harness.press_label(GRID_WORKER, task, "已送学", strict=False)
        assert answer(harness) == "这次送学已经确认过了。"

        # 赵叔 ignores everything. The report shows exactly that.
        await harness.say(SECRETARY, "/lessonreport 1")
        assert harness.last(SECRETARY)["text"] == (
            "📊 微党课 #1《学习党章》\n"
            "送达 5 人 · 在线学习 2 人 · 测验平均 75% · 补课 1 人 · 送学 1 人"
            " · 请假 0 人 · 未学 1 人\n"
            # The make-up and the delivery after the deadline (the reminder) are late.
            "按时学完（含送学、补课） 2 人 · 迟学 2 人 · 请假 0 人 · 未学 1 人\n"
            "在线学习：Tom（2/2）和张阿姨（1/2）\n"
            "补课：李大爷\n"
            "送学：王奶奶（周网格员送学）\n"
            "迟学：李大爷和王奶奶\n"
            "未学：赵叔"
        )
        # 王奶奶's own record says who delivered it.
        await harness.say(2005, "/mystudy 2026-11")
        assert "#1《学习党章》：迟学 · 🏠 周网格员送学" in harness.last(2005)["text"]
        # Secretaries see any member's record, picked from a list.
        await harness.say(SECRETARY, "/studyrecord 2026-13")
        assert harness.last(SECRETARY)["text"].startswith("用法：/studyrecord")
        await harness.say(SECRETARY, "/studyrecord 2026-11")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨")
        assert harness.last(SECRETARY)["text"] == (
            "📚 张阿姨 的学习记录（2026-11-01 至 2026-11-30）\n"
            "#1《学习党章》：已学 · ✅ 11月16日（周一）上午9点已学习，测验 1/2\n"
            "共 1 课：按时已学 1 · 迟学 0 · 请假 0 · 未学 0。"
        )
    finally:
        await harness.running.stop()


async def simple_lesson(
    harness: BotHarness, title: str, *paragraphs: str, files: bool = False
) -> None:
    """/newlesson with text (and, with ``files``, a document, an audio and a video);
    no link, no quiz; ends on the sending screen."""
    await harness.say(SECRETARY, "/newlesson")
    await harness.say(SECRETARY, title)
    for paragraph in paragraphs:
        await harness.say(SECRETARY, paragraph)
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "正文写完了")
    if files:
        harness.api.send_document(SECRETARY, None, "党章.pdf", b"%PDF-1.4 dang zhang")
        harness.api.send_audio(SECRETARY, None, "录音.mp3", b"ID3 recording")
        harness.api.send_video(SECRETARY, None, "视频.mp4", b"video")
        await harness.settle()
        assert harness.last(SECRETARY)["text"].startswith("📎 已收到附件，共 3 个")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "下一步")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "不出题")


async def test_studied_is_recorded_before_the_quiz_is_answered(
    tmp_path: Path, api: FakeBotApi
) -> None:
    """已学习 counts at once: the member is not chased; the quiz adds its score later."""
    clock = FakeClock(datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await write_lesson(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "党日")
        await fire(harness, clock, "lesson.push")

        # 张阿姨 presses 已学习 and leaves the quiz for later.
        await harness.press_label(2001, with_button(harness, 2001, "已学习"), "已学习")
        question = harness.last(2001)
        assert question["text"].startswith("📝 《学习党章》小测验 第 1/2 题")
        await harness.say(SECRETARY, "/lessonreport 1")
        report = harness.last(SECRETARY)["text"]
        assert "在线学习 1 人 · 测验平均 - ·" in report and "未学 4 人" in report
        assert "在线学习：张阿姨\n" in report
        assert "张阿姨" not in report.split("未学：")[1]

        # The reminder chases the four others, not her.
        before = {user_id: len(api.bot_messages(user_id)) for user_id, _ in MEMBERS}
        await fire(harness, clock, "lesson.remind")
        reminded = [u for u, _ in MEMBERS if len(api.bot_messages(u)) > before[u]]
        assert reminded == [2002, 2003, 2005, 2006]

        # Pressing 已学习 again goes on with the quiz; its score is added when done.
        await harness.press_label(2001, with_button(harness, 2001, "已学习"), "已学习")
        assert answer(harness) == "小测验已私信发给您。"
        await harness.press_label(2001, harness.last(2001), "实现共产主义")
        await harness.press_label(2001, harness.last(2001), "要")
        assert harness.last(2001)["text"].endswith("🎉 测验答对 2/2 题，成绩已记上。")
        await harness.say(SECRETARY, "/lessonreport 1")
        report = harness.last(SECRETARY)["text"]
        assert "在线学习 1 人 · 测验平均 100% ·" in report and "在线学习：张阿姨（2/2）" in report
        await harness.press_label(2001, with_button(harness, 2001, "已学习"), "已学习")
        assert answer(harness) == "您已经学过这一课了。"
    finally:
        await harness.running.stop()


async def test_audience_edit_send_now_attendance_correction_export(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, lessons={"body_warn_chars": 100}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Members cannot write lessons; bad input changes nothing.
        await harness.say(2001, "/newlesson")
        assert "只有书记" in harness.last(2001)["text"]
        await harness.say(SECRETARY, "/newlesson")
        await harness.say(SECRETARY, "长" * 61)
        assert harness.last(SECRETARY)["text"] == "标题要 1 到 60 个字，请再发一次。"
        await harness.say(SECRETARY, "/cancel")

        first, second = "为人民服务。" * 300, "牢记初心使命。" * 300  # 1,800 + 2,100 characters
        await simple_lesson(harness, "长课", first, second, "最后一段。", files=True)
        screen = harness.last(SECRETARY)
        assert f"正文 {len(first) + len(second) + 9} 字" in screen["text"]
        # Only two members get it.
        await harness.press_label(SECRETARY, screen, "选择发给谁")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "张阿姨")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        assert button_labels(harness.last(SECRETARY)) == [
            "Tom",
            "✅ 张阿姨",
            "✅ 李大爷",
            "王奶奶",
            "赵叔",
            "全体党员",
            "✅ 好了",
        ]
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "好了")
        assert "选定的 2 名党员" in harness.last(SECRETARY)["text"]
        # Edit before sending: a few words, "old → new".
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 长课")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "修改正文")
        await harness.say(SECRETARY, "最后一段 → 结束语")
        assert harness.last(SECRETARY)["text"] == "✅ 微党课 #1 已修改。"
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 长课")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "发送时间")
        when = harness.last(SECRETARY)
        await harness.press_label(SECRETARY, when, "现在发送")
        assert harness.last(SECRETARY)["text"] == "📤 微党课 #1 正在发给 2 名党员和党员群。"
        # A second press (a stale copy of the screen) sends nothing more.
        await harness.press_label(SECRETARY, when, "现在发送", strict=False)
        assert answer(harness) == "微党课 #1 已经发出了。"
        await harness.pushes_sent()
        # Split at paragraphs: the first alone, the second with the last one.
        private = [m["text"] for m in api.bot_messages(2001) if "长课" in (m.get("text") or "")]
        assert private == [
            f"📘 微党课 #1《长课》（1/2）\n\n{first}",
            f"📘 微党课 #1《长课》（2/2）\n\n{second}\n\n结束语。",
        ]
        assert not [m for m in api.bot_messages(2002) if "长课" in (m.get("text") or "")]
        # The files come privately on request (the group post has no such button).
        assert button_labels(harness.last(2001)) == ["✅ 已学习", "🙋 请假", "📎 附件（3）"]
        assert button_labels(harness.last(MEMBERS_GROUP)) == ["✅ 已学习"]
        await harness.press_label(2001, harness.last(2001), "附件")
        kinds = [
            next(k for k in ("document", "audio", "video") if k in m)
            for m in api.bot_messages(2001)[-3:]
        ]
        assert kinds == ["document", "audio", "video"]
        await harness.say(SECRETARY, "/lessonreport 1")
        assert "送达 2 人" in harness.last(SECRETARY)["text"]

        # Attendance marked by the secretary on the slot's list.
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 长课")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "添加补课时段")
        await harness.say(SECRETARY, "明天 党群服务中心")
        assert harness.last(SECRETARY)["text"].startswith("格式：日期 时间 地点 人数")
        await harness.say(SECRETARY, "11-20 19:00 党群服务中心 1")
        assert harness.last(SECRETARY)["text"].startswith("✅ 已添加补课时段")
        lesson_message = with_button(harness, 2001, "已学习")
        await harness.press_label(2001, lesson_message, "已学习")  # 张阿姨 studies
        await harness.press_label(2001, lesson_message, "已学习")
        assert answer(harness) == "您已经学过这一课了。"
        # 李大爷 books through the reminder, which comes three days later.
        await fire(harness, clock, "lesson.remind")
        assert harness.last(2003)["text"].startswith("📘 微党课 #1《长课》您还没有学习。")
        assert not [t for t in harness.texts(2001) if "您还没有学习" in t]
        await harness.press_label(2003, harness.last(2003), "预约补课")
        slots = harness.last(2003)
        await harness.press_label(2003, slots, "党群服务中心")
        await harness.press_label(2003, slots, "党群服务中心", strict=False)
        assert answer(harness) in ("这个时段已经满了，请选别的时段。", "这一课您已经预约过补课了。")
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 长课")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "11月20日（周五）晚上7点")
        roster = harness.last(SECRETARY)
        assert "到场 0/1" in roster["text"] and button_labels(roster) == ["⬜ 李大爷"]
        await harness.press_label(SECRETARY, roster, "李大爷")
        assert button_labels(harness.last(SECRETARY)) == ["✅ 李大爷"]

        # A typo corrected after sending reaches both members and the group.
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 长课")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "更正")
        await harness.say(SECRETARY, "没有的字 → 新")
        assert harness.last(SECRETARY)["text"] == "正文里没有找到“没有的字”。"
        await harness.say(SECRETARY, "结束语 → 结束语：牢记宗旨")
        assert harness.last(SECRETARY)["text"] == "✅ 已更正微党课 #1，更正已发给 2 人。"
        await harness.pushes_sent()
        correction = "✏️ 微党课 #1《长课》更正：“结束语”应为“结束语：牢记宗旨”。"
        assert harness.last(2003)["text"] == correction
        assert harness.last(MEMBERS_GROUP)["text"] == correction

        await harness.say(SECRETARY, "/lessonreport 1")
        assert harness.last(SECRETARY)["text"] == (
            "📊 微党课 #1《长课》\n"
            "送达 2 人 · 在线学习 1 人 · 测验平均 - · 补课 1 人 · 送学 0 人"
            " · 请假 0 人 · 未学 0 人\n"
            "按时学完（含送学、补课） 1 人 · 迟学 1 人 · 请假 0 人 · 未学 0 人\n"
            "在线学习：张阿姨\n"
            "补课：李大爷\n"
            "迟学：李大爷"
        )

        # The committee's export: two CSV files and a workbook.
        before = len(api.bot_messages(SECRETARY))
        await harness.say(SECRETARY, "/lessonexport 2026-11")
        files = [m for m in api.bot_messages(SECRETARY)[before:] if "document" in m]
        names = [m["document"]["file_name"] for m in files]
        assert names == [
            "微党课台账-课程-20261101-20261130.csv",
            "微党课台账-学习记录-20261101-20261130.csv",
            "微党课台账-党员统计-20261101-20261130.csv",
            "微党课台账-20261101-20261130.xlsx",
        ]
        (members_csv,) = files[2]["_files"].values()
        assert members_csv.decode("utf-8-sig").splitlines() == [
            "党员,送达,按时已学,迟学,请假,未学,已学习,补课,送学",
            "张阿姨,1,1,0,0,0,1,0,0",
            "李大爷,1,0,1,0,0,0,1,0",
        ]
        (study_csv,) = files[1]["_files"].values()
        text = study_csv.decode("utf-8-sig")
        assert "张阿姨,已学,已学习" in text and "李大爷,迟学,已补课" in text
        (workbook,) = files[3]["_files"].values()
        book = load_workbook(io.BytesIO(workbook))
        lessons = [row for row in book["微党课"].iter_rows(values_only=True)]
        assert lessons[0][:3] == ("幸福社区", "统计期间：2026年11月", "制表人：王书记")
        lesson = book["微党课"][3]
        assert lesson[2].is_date and lesson[2].number_format == "yyyy-mm-dd hh:mm"
        assert all(cell.data_type == "n" for cell in lesson[3:5])  # reached, studied
        members = [row for row in book["党员学习统计"].iter_rows(min_row=3, values_only=True)]
        assert members == [("张阿姨", 1, 1, 0, 0, 0, 1, 0, 0), ("李大爷", 1, 0, 1, 0, 0, 0, 1, 0)]
        await harness.say(SECRETARY, "/lessonexport 2026-13")
        assert harness.last(SECRETARY)["text"].startswith("用法：/lessonexport")
    finally:
        await harness.running.stop()
