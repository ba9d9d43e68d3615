"""Leave (请假) from a volunteer activity through the real bot: asked from /my and from a
reminder, decided once by the organiser (a non-organiser is refused), an approved
leave freeing the place for the waiting list and skipping the reminders, a late
request refused, and the attendance — 按时 / 迟到 / 请假 / 缺席 — in the organiser's
report after the activity, /volreport and its workbook."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from bot.volunteering.reminders import REMINDER_KIND
from bot.volunteering.review import CLOSE_KIND
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_data, button_labels, start_harness
from tests.handlers.volunteering.flow import (
    EXTRA,
    cards,
    community,
    create,
    fire,
    last_text,
    local,
    text_of,
)

WHAT = "活动《湖边清洁》11月21日（周六）上午9点"


def now_reads(harness: BotHarness, chat_id: int, message: dict[str, Any]) -> str:
    """The text of ``message`` as it reads now (edited in place)."""
    for current in harness.api.bot_messages(chat_id):
        if current["message_id"] == message["message_id"]:
            return text_of(current)
    raise AssertionError("message gone")


def alert(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1]["text"])


async def test_leave_approved_frees_the_place_and_counts_as_excused(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await create(harness, "湖边清洁", "11-21 09:00-11:00", 3)
        card = cards(harness)[0]
        for user_id in (2001, 2002, 2003, EXTRA):  # 王小伟 (EXTRA) waits
            await harness.press_label(user_id, card, "报名")

        # 张阿姨 cannot come: 🙋 请假 beside her sign-up in /my, then the reason.
        await harness.say(2001, "/my")
        assert button_labels(harness.last(2001)) == [
            "取消报名 #1 湖边清洁",
            "🙋 请假",
            "📅 #1 加到手机日历",
        ]
        await harness.press_label(2001, harness.last(2001), "请假")
        assert last_text(harness, 2001) == (
            f"🙋 请假：{WHAT}\n请写一句请假原因（200 字以内），例如“临时出差”。"
        )
        await harness.say(2001, "临时出差")
        assert last_text(harness, 2001) == (
            f"✅ 请假申请已交给活动组织者：{WHAT}。批准后会告诉您。"
        )
        await harness.pushes_sent()
        request = harness.last(SECRETARY)  # the secretary who published it organises it
        assert text_of(request) == f"🙋 志愿活动请假：张阿姨\n{WHAT}\n原因：临时出差"
        assert button_labels(request) == ["✅ 批准", "❌ 不批准"]

        # Someone else than the organiser (or a secretary) cannot decide, even with the
        # button's data forged under a message of their own.
        forged = button_data(request, "批准")
        await harness.press(2003, harness.last(2003), forged, strict=False)
        assert alert(harness) == "只有活动的组织者或书记可以这样做。"

        # Approved: her place goes to 王小伟, who is told; a second press says who decided.
        await harness.press_label(SECRETARY, request, "批准")
        assert now_reads(harness, SECRETARY, request) == (
            f"✅ 已批准 张阿姨 请假：{WHAT}\n原因：临时出差\n候补的 王小伟 已转为正式报名。"
        )
        await harness.press_label(SECRETARY, request, "不批准", strict=False)
        assert alert(harness) == "这条请假已由 王书记 批准了。"
        await harness.pushes_sent()
        assert last_text(harness, 2001).startswith(f"✅ 您的请假已批准：{WHAT}（王书记）。")
        # Her participation record counts the approved leave, not a no-show.
        await harness.say(2001, "/myrecord")
        assert "请假 1 次，报名未到 0 次" in last_text(harness, 2001)
        assert "已从候补转为正式报名" in last_text(harness, EXTRA)
        await api.wait_for(lambda: "报名：3/3 人，候补 0 人" in text_of(cards(harness)[0]))

        # The reminders skip her and carry 🙋 请假 for the others.
        await fire(harness, clock, REMINDER_KIND, 1)
        assert not [m for m in harness.texts(2001) if m.startswith("⏰ 活动提醒")]
        reminder = harness.last(EXTRA)
        assert text_of(reminder).startswith("⏰ 活动提醒：湖边清洁")
        assert button_labels(reminder) == ["🙋 请假", "📅 加到手机日历"]

        # Tom asks from his reminder (in English); refused, he stays signed up.
        await harness.press_label(2002, harness.last(2002), "leave")
        assert last_text(harness, 2002).startswith(
            "🙋 Leave: activity “湖边清洁” Sat 21 Nov, 9 am\n"
        )
        await harness.say(2002, "tired")
        assert last_text(harness, 2002).startswith(
            "✅ Your request for leave went to the organiser"
        )
        await harness.pushes_sent()
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "不批准")
        await harness.pushes_sent()
        assert last_text(harness, 2002).startswith(
            "Your leave was not approved: activity “湖边清洁”"
        )

        # Once it has started, leave can no longer be asked.
        clock.now = local(21, 8, 50)
        await harness.say(2003, "签到")
        assert last_text(harness, 2003).startswith("✅ 签到成功：湖边清洁")
        clock.now = local(21, 9, 15)  # past the start and the 10 minutes' grace
        await harness.press_label(EXTRA, reminder, "请假")
        assert alert(harness) == "“湖边清洁”已经开始了，不能再请假。"
        await harness.say(EXTRA, "签到")

        # After it: 李大爷 on time, 王小伟 late, 张阿姨 excused, Tom absent.
        await fire(harness, clock, CLOSE_KIND, 1)
        after = last_text(harness, SECRETARY)
        assert after.startswith("📋 活动结束：湖边清洁，今天（周六）上午9点\n签到 2 人。\n")
        assert "按时 1 · 迟到 1 · 请假 1 · 缺席 1\n请假：张阿姨（临时出差）\n未到：Tom\n" in after

        await harness.say(SECRETARY, "/volreport 2026-11")
        report = next(
            text_of(m)
            for m in harness.api.bot_messages(SECRETARY)
            if "📊 2026年11月 志愿时长（" in text_of(m)
        )
        assert report.endswith(
            "出勤\n#1 湖边清洁 11月21日（周六）上午9点：按时 1 · 迟到 1 · 请假 1 · 缺席 1\n"
            "合计：按时 1 · 迟到 1 · 请假 1 · 缺席 1"
        )
        workbook = next(m for m in harness.api.bot_messages(SECRETARY)[::-1] if "document" in m)
        (content,) = workbook["_files"].values()
        sheet = load_workbook(io.BytesIO(content))["出勤"]
        rows = [tuple(c for c in row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert rows[0] == ("编号", "活动", "时间", "姓名", "出勤", "签到时间", "请假原因")
        assert sorted(row[3:5] + row[6:] for row in rows[1:]) == [
            ("Tom", "缺席", None),
            ("张阿姨", "请假", "临时出差"),
            ("李大爷", "按时", None),
            ("王小伟", "迟到", None),
        ]
    finally:
        await harness.running.stop()
