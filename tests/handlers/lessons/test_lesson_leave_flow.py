"""Leave (请假) for micro Party lessons through the real bot: asked with a reason from
the lesson, decided once by a secretary, the excused member not chased and shown as
请假 in the report, the record and the export; a refused request leaves the member
missing; leave for a booked make-up frees the place; late requests are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.lessons.test_lessons_flow import (
    MEMBERS,
    answer,
    community,
    fire,
    simple_lesson,
    with_button,
)

LESSON = "微党课 #1《学习党章》"


def now_reads(harness: BotHarness, chat_id: int, message: dict[str, Any]) -> str:
    """The text of ``message`` as it reads now (edited in place)."""
    for current in harness.api.bot_messages(chat_id):
        if current["message_id"] == message["message_id"]:
            return str(current.get("text") or "")
    raise AssertionError("message gone")


async def test_leave_for_a_lesson_and_a_make_up(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(datetime(2026, 11, 16, 1, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await simple_lesson(harness, "学习党章", "党章是党的根本大法。")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "现在发送")
        await harness.pushes_sent()

        # 张阿姨 cannot study it this week: 🙋 请假 under the lesson, then the reason.
        await harness.press_label(2001, with_button(harness, 2001, "请假"), "请假")
        assert harness.last(2001)["text"] == (
            f"🙋 请假：{LESSON}\n请写一句请假原因（200 字以内），例如“住院治疗”。"
        )
        await harness.say(2001, "长" * 201)
        assert harness.last(2001)["text"] == "请假原因要 1 到 200 个字，请再写一次。"
        await harness.say(2001, "住院治疗")
        assert harness.last(2001)["text"] == (f"✅ 请假申请已交给书记：{LESSON}。批准后会告诉您。")
        await harness.press_label(2001, with_button(harness, 2001, "请假"), "请假")
        assert answer(harness) == "您已经请过假了，正在等待批准。"
        await harness.pushes_sent()
        request = harness.last(SECRETARY)
        assert request["text"] == f"🙋 请假申请：张阿姨\n{LESSON}\n原因：住院治疗"
        assert button_labels(request) == ["✅ 批准", "❌ 不批准"]

        # Pending leave already keeps her off the missing list, with the reason.
        await harness.say(SECRETARY, "/lessonreport 1")
        report = harness.last(SECRETARY)["text"]
        assert "请假：张阿姨（住院治疗，待批准）" in report
        assert "张阿姨" not in report.split("未学：")[1]

        # The secretary approves; a second press says who decided.
        await harness.press_label(SECRETARY, request, "批准")
        assert now_reads(harness, SECRETARY, request) == (
            f"✅ 已批准 张阿姨 请假：{LESSON}\n原因：住院治疗"
        )
        await harness.press_label(SECRETARY, request, "不批准", strict=False)
        decided_by = answer(harness)
        assert decided_by.startswith("这条请假已由 ") and decided_by.endswith(" 批准了。")
        await harness.pushes_sent()
        assert harness.last(2001)["text"].startswith(f"✅ 您的请假已批准：{LESSON}（")
        # Her participation record counts the approved leave, and /mine no longer asks
        # her to study the lesson.
        await harness.say(2001, "/myrecord")
        assert "请假 1 课" in harness.last(2001)["text"]
        await harness.say(2001, "/mine")
        assert "学习党章" not in harness.last(2001)["text"]

        # Tom asks too, in English; the secretary refuses: he stays missing.
        await harness.press_label(2002, with_button(harness, 2002, "leave"), "leave")
        assert harness.last(2002)["text"].startswith("🙋 Leave: micro Party lesson #1 “学习党章”")
        await harness.say(2002, "travelling")
        assert harness.last(2002)["text"].startswith("✅ Your request for leave went to")
        await harness.pushes_sent()
        tom_request = harness.last(SECRETARY)
        await harness.press_label(SECRETARY, tom_request, "不批准")
        assert now_reads(harness, SECRETARY, tom_request).startswith("❌ 不批准 Tom 请假")
        await harness.pushes_sent()
        assert harness.last(2002)["text"].startswith(
            "Your leave was not approved: micro Party lesson #1 “学习党章”"
        )

        # /lessons offers 请假 on the lesson's screen to a member who has not studied it.
        await harness.say(2006, "/lessons")
        await harness.press_label(2006, harness.last(2006), "#1 学习党章")
        assert button_labels(harness.last(2006)) == ["📖 阅读", "🙋 请假"]
        await harness.say(2001, "/lessons")
        await harness.press_label(2001, harness.last(2001), "#1 学习党章")
        assert harness.last(2001)["text"].endswith("我的学习：请假：住院治疗")

        # 李大爷 studies in time; the others are reminded at the deadline, not 张阿姨.
        await harness.press_label(2003, with_button(harness, 2003, "已学习"), "已学习")
        before = {user_id: len(api.bot_messages(user_id)) for user_id, _ in MEMBERS}
        await fire(harness, clock, "lesson.remind")
        reminded = [u for u, _ in MEMBERS if len(api.bot_messages(u)) > before[u]]
        assert reminded == [2002, 2005, 2006]
        # At the deadline the reminder offers no leave: it is too late for that.
        assert "🙋 请假" not in button_labels(harness.last(2005))
        await harness.press_label(2005, with_button(harness, 2005, "🙋 请假"), "请假")
        assert answer(harness) == "这一课的学习期限已过，不能再请假了。可以预约补课。"

        # A make-up: 王奶奶 books it, then asks leave from it; approved, the place is freed.
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 学习党章")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "添加补课时段")
        await harness.say(SECRETARY, "11-25 19:00 党群服务中心 1")
        await harness.press_label(2005, with_button(harness, 2005, "预约补课"), "预约补课")
        await harness.press_label(2005, harness.last(2005), "党群服务中心")
        booked = harness.last(2005)
        assert button_labels(booked) == ["📅 加到手机日历", "🙋 补课请假"]
        await harness.press_label(2005, booked, "补课请假")
        assert harness.last(2005)["text"].startswith(
            f"🙋 请假：补课11月25日（周三）晚上7点 党群服务中心（{LESSON}）"
        )
        await harness.say(2005, "腿脚不便")
        await harness.pushes_sent()
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "批准")
        await harness.pushes_sent()
        assert harness.last(2005)["text"].startswith(
            "✅ 您的请假已批准：补课11月25日（周三）晚上7点"
        )
        # The freed place takes 赵叔, who then cannot ask leave once it has started.
        await harness.press_label(2006, with_button(harness, 2006, "预约补课"), "预约补课")
        assert "（0/1）" in button_labels(harness.last(2006))[0]
        await harness.press_label(2006, harness.last(2006), "党群服务中心")
        clock.now = datetime(2026, 11, 25, 11, 5, tzinfo=UTC)
        await harness.press_label(2006, harness.last(2006), "补课请假")
        assert answer(harness) == "补课已经开始了，不能再请假了。"

        await harness.say(SECRETARY, "/lessonreport 1")
        assert harness.last(SECRETARY)["text"] == (
            f"📊 {LESSON}\n"
            "送达 5 人 · 在线学习 1 人 · 测验平均 - · 补课 0 人 · 送学 0 人"
            " · 请假 2 人 · 未学 2 人\n"
            "按时学完（含送学、补课） 1 人 · 迟学 0 人 · 请假 2 人 · 未学 2 人\n"
            "在线学习：李大爷\n"
            "请假：张阿姨（住院治疗）和王奶奶（腿脚不便）\n"
            "未学：Tom和赵叔（已预约补课）"
        )
        # Her own record and the secretary's export say 请假, with the reason.
        await harness.say(2001, "/mystudy 2026-11")
        assert harness.last(2001)["text"].endswith(
            "#1《学习党章》：请假：住院治疗\n共 1 课：按时已学 0 · 迟学 0 · 请假 1 · 未学 0。"
        )
        before_files = len(api.bot_messages(SECRETARY))
        await harness.say(SECRETARY, "/lessonexport 2026-11")
        files = [m for m in api.bot_messages(SECRETARY)[before_files:] if "document" in m]
        (study_csv,) = files[1]["_files"].values()
        study = study_csv.decode("utf-8-sig").splitlines()
        assert study[0] == "编号,标题,党员,出勤,情况,时间,测验答对(题),测验题数,送学人,请假原因"
        assert "1,学习党章,张阿姨,请假,请假,,,,,住院治疗" in study
        assert "1,学习党章,Tom,未学,未学习,,,,," in study
        (members_csv,) = files[2]["_files"].values()
        members = members_csv.decode("utf-8-sig").splitlines()
        assert "张阿姨,1,0,0,1,0,0,0,0" in members and "Tom,1,0,0,0,1,0,0,0" in members
    finally:
        await harness.running.stop()
