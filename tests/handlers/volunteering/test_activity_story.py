"""Volunteer service through the real bot: an activity created, posted, filled with a
waitlist, a cancellation promoting a waiter, reminders, check-ins by words, location
(inside and outside the radius) and rotating code (current and expired), a forgotten
check-out closed and adjusted by the organiser, and the hours report to the minute."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from bot.volunteering.hours import MONTHLY_SCHEDULE_KEY
from bot.volunteering.reminders import REMINDER_KIND
from bot.volunteering.review import CLOSE_KIND
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.volunteering.flow import (
    EXTRA,
    FAR,
    NEAR,
    VENUE,
    VOLUNTEERS_GROUP,
    cards,
    checkins,
    code_on_screen,
    community,
    create,
    fire,
    last_text,
    local,
    text_of,
)


async def test_activity_from_card_to_hours_report(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # Only secretaries create activities; a bad time is explained and changes nothing.
        await harness.say(2001, "/newactivity")
        assert "只有书记" in last_text(harness, 2001)
        await harness.say(SECRETARY, "/newactivity")
        await harness.say(SECRETARY, "湖边清洁")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
        await harness.say(SECRETARY, "湖边议事亭")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
        await harness.say(SECRETARY, "明天上午")
        assert "没看懂时间" in last_text(harness, SECRETARY)
        await harness.say(SECRETARY, "/cancel")

        confirmation = await create(
            harness, "湖边清洁", "11-21 09:00-11:00", 3, venue=VENUE, presses=("现场码",)
        )
        assert confirmation.startswith("✅ 已发布“湖边清洁”（#1")
        await create(harness, "敬老院陪伴", "11-21 14:00-16:00", 5)
        card = cards(harness)[0]
        assert text_of(card).startswith("🙋 志愿活动 #1 湖边清洁\n🕘 11月21日（周六）上午9点–11点")
        assert "报名：0/3 人，候补 0 人" in text_of(card)
        # The card says exactly what to send (a plain 签到 does not check in here).
        assert text_of(card).endswith(
            "签到：到场后发送“签到”加现场屏幕上的 6 位数（例如“签到 123456”）、"
            "扫现场的二维码，或私聊我发送您的当前位置（200 米内）"
        )
        assert text_of(cards(harness)[1]).endswith("签到：到时发送“签到”")

        # Sign-ups on the card: three places, then the waitlist.
        for user_id in (2001, 2002, EXTRA):
            await harness.press_label(user_id, card, "报名")
        answers = harness.api.callback_answers()
        assert answers[-3]["text"] == "报名成功：湖边清洁。开始前会提醒您。"
        await harness.press_label(2003, card, "报名")
        assert harness.api.callback_answers()[-1]["text"] == (
            "名额已满，您在候补第 1 位：湖边清洁。有人取消时会通知您。"
        )
        await harness.press_label(2001, card, "报名")
        assert harness.api.callback_answers()[-1]["text"] == "您已经报名了“湖边清洁”。"
        # Tom cancels; 李大爷 moves up from the waitlist and is told.
        await harness.press_label(2002, card, "取消报名")
        assert harness.api.callback_answers()[-1]["text"] == "Sign-up cancelled: 湖边清洁."
        await harness.pushes_sent()
        assert "已从候补转为正式报名" in last_text(harness, 2003)
        await api.wait_for(lambda: "报名：3/3 人，候补 0 人" in text_of(cards(harness)[0]))

        # Tom signs up for the afternoon instead, from /activities.
        await harness.say(2002, "/activities")
        assert "#2 <b>" not in last_text(harness, 2002)  # rendered, not raw HTML
        await harness.press_label(2002, harness.last(2002), "#2")
        await harness.say(2002, "/my")
        assert "#2 敬老院陪伴" in last_text(harness, 2002)

        # Reminders 24 h and 1 h before go to those signed up, not to Tom.
        reminders = await fire(harness, clock, REMINDER_KIND, 1)
        assert [r.next_due_at for r in reminders] == [local(20, 9, 0), local(21, 8, 0)]
        for user_id in (2001, 2003, EXTRA):
            got = [m for m in harness.texts(user_id) if m.startswith("⏰ 活动提醒：湖边清洁")]
            assert len(got) == 2
        assert got[-1].endswith(
            "今天（周六）上午8点30分起可以签到：到场后发送“签到”加现场屏幕上的 6 位数"
            "（例如“签到 123456”）、扫现场的二维码，或私聊我发送您的当前位置（200 米内）。"
        )
        assert not [m for m in harness.texts(2002) if "湖边清洁" in m and "Reminder" in m]

        # Before the window opens (30 min before the start), the bot says when it opens.
        clock.now = local(21, 8, 20)
        await harness.say(2001, "签到")
        assert (
            last_text(harness, 2001)
            == "“湖边清洁”还没到签到时间，今天（周六）上午8点30分开始签到。"
        )

        # Words alone do not verify this activity; a location does, with consent first:
        # privately, 签到 offers the 📍 button (one tap sends the location), the code typed
        # as the fallback.
        clock.now = local(21, 8, 45)
        await harness.say(2001, "签到")
        assert last_text(harness, 2001) == (
            "📍 湖边清洁：到了场地，点下面的“📍 一键签到（发送位置）”。\n"
            "或者输入现场的签到码（6 位数）。"
        )
        assert api.reply_keyboard(2001)[0] == [
            {"text": "📍 一键签到（发送位置）", "request_location": True}
        ]
        api.tap_location_button(2001, *NEAR)
        await harness.settle()
        assert "不保存您的位置" in last_text(harness, 2001)
        assert await checkins(harness) == []
        await harness.press_label(2001, harness.last(2001), "同意")
        api.send_location(2001, None, *NEAR, forwarded=True)
        await harness.settle()
        assert last_text(harness, 2001) == "转发的位置不能签到，请发送您自己的当前位置。"
        api.send_location(2001, None, *NEAR, live_period=900)
        await harness.settle()
        confirmation = harness.last(2001)
        assert text_of(confirmation) == (
            "✅ 签到成功：湖边清洁（上午8点45分，定位，距场地 50 米）。结束时请按下面的“签退”。"
        )
        assert button_labels(confirmation) == ["🏁 签退"]
        await harness.say(2001, "签到")
        assert last_text(harness, 2001) == "您已经签到过“湖边清洁”了。"

        # Too far: refused, nothing recorded.
        await harness.say(2003, "/start")
        api.send_location(2003, None, *FAR)
        await harness.settle()
        await harness.press_label(2003, harness.last(2003), "同意")
        api.send_location(2003, None, *FAR)
        await harness.settle()
        assert last_text(harness, 2003) == (
            "离“湖边清洁”场地太远（2002 米，需在 200 米内），没有签到。"
        )
        assert [row[0] for row in await checkins(harness)] == [2001]

        # The rotating code: an expired one is refused, the current one checks in.
        # (A code lasts its 5 minutes and the next 5: 08:45's is good until 08:55.)
        code = await code_on_screen(harness)
        clock.now = local(21, 8, 56)
        await harness.say(2003, f"签到 {code}")
        assert last_text(harness, 2003) == "这个现场码已过期（每 5 分钟更换），请看屏幕上最新的。"
        await harness.say(2003, "签到 123")
        assert "我没听懂" in last_text(harness, 2003)  # not a 6-digit code: not a check-in
        code = await code_on_screen(harness)
        await harness.say(2003, f"签到 {code}")
        assert last_text(harness, 2003).startswith("✅ 签到成功：湖边清洁（上午8点56分，现场码）")

        # Check-out: 2001 at 10:37:30 counts 09:00–10:37 (rounded down) = 97 minutes.
        clock.now = local(21, 10, 37, 30)
        await harness.press_label(2001, confirmation, "签退")
        assert last_text(harness, 2001) == "👋 签退成功：湖边清洁。本次计 1 小时 37 分。谢谢您！"
        # A second 签退 (typed, or the button again) says when the first one was;
        # someone not checked in is told so.
        await harness.say(2001, "签退")
        assert last_text(harness, 2001) == "您已于上午10点37分签退（湖边清洁），不用再签退了。"
        await harness.press_label(2001, confirmation, "签退")
        assert (
            api.callback_answers()[-1]["text"]
            == "您已于上午10点37分签退（湖边清洁），不用再签退了。"
        )
        await harness.say(2002, "签退")
        assert last_text(harness, 2002) == "You have not checked in, so you cannot check out."

        # 李大爷 forgets to check out: closed at the scheduled end, flagged; the organiser
        # hears who did not come and reviews it.
        await fire(harness, clock, CLOSE_KIND, 1)
        after = last_text(harness, SECRETARY)
        assert "活动结束：湖边清洁" in after and "未到：王小伟" in after
        assert "待审核时长：1 条" in after
        await harness.say(2003, "签退")  # late: it was closed for him
        assert (
            last_text(harness, 2003) == "“湖边清洁”已在上午11点结束，签退已自动记上，不用再签退了。"
        )
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "审核时长")
        review = harness.last(SECRETARY)
        assert "李大爷　湖边清洁　签到11月21日（周六）上午8点56分　计 2 小时" in text_of(review)
        await harness.press_label(SECRETARY, review, "调整")
        await harness.say(SECRETARY, "100")
        assert last_text(harness, SECRETARY) == "请写上调整的理由。"
        await harness.say(SECRETARY, "100 实际10:40离开")
        assert last_text(harness, SECRETARY) == "已调整记录 #2：计 1 小时 40 分。修改已留档。"
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT action, old_minutes, new_minutes, reason FROM checkin_changes ORDER BY id"
            ) as cur,
        ):
            changes = [tuple(row) for row in await cur.fetchall()]
        assert changes == [("auto_close", None, 120, None), ("adjust", 120, 100, "实际10:40离开")]

        # The afternoon: Tom checks in by words in the group and out privately.
        clock.now = local(21, 14, 5)
        typed = await harness.say(2002, "签到", VOLUNTEERS_GROUP)
        # Acknowledged on his message and privately (test_group_checkin.py has more).
        assert api.reactions(VOLUNTEERS_GROUP, typed["message_id"]) == ["👌"]
        assert last_text(harness, 2002).startswith("✅ Checked in: 敬老院陪伴 (2:05 pm, on time)")
        await harness.pushes_sent()
        in_group = len(harness.api.messages(VOLUNTEERS_GROUP))
        await harness.say(2002, "今天天气真好", VOLUNTEERS_GROUP)  # other group text: ignored
        assert len(harness.api.messages(VOLUNTEERS_GROUP)) == in_group + 1
        clock.now = local(21, 15, 58, 59)
        await harness.say(2002, "签退")
        assert "counts 1 hour 53 minutes" in last_text(harness, 2002)

        assert await checkins(harness) == [
            (2001, 1, "location", 50, 97, "ok", "self"),
            (2003, 1, "code", None, 100, "adjusted", "auto"),
            (2002, 2, "window", None, 113, "ok", "self"),
        ]

        # Hours: the volunteer's own, and the secretaries' monthly report.
        await harness.say(2001, "/hours")
        assert "本月：1 小时 37 分" in last_text(harness, 2001)
        assert "距 10 小时里程碑还差 8 小时 23 分。" in last_text(harness, 2001)
        await harness.say(SECRETARY, "/volreport 2026-11")
        report = [
            m
            for m in harness.api.bot_messages(SECRETARY)
            if "📊 2026年11月 志愿时长（共 5.2 小时）" in text_of(m)
        ]
        assert "Tom：1.9 小时（1 次）\n李大爷：1.7 小时（1 次）\n张阿姨：1.6 小时（1 次）" in (
            text_of(report[0])
        )
        documents = [m for m in harness.api.bot_messages(SECRETARY) if "document" in m]
        assert [d["document"]["file_name"] for d in documents[-2:]] == [
            "志愿时长-2026-11.csv",
            "志愿时长-2026-11.xlsx",
        ]
        # The workbook: a title row, then minutes and hours as numbers that sum; the
        # per-unit sheet is headed 单位; check-in times are date cells.
        (content,) = documents[-1]["_files"].values()
        book = load_workbook(io.BytesIO(content))
        people = [row for row in book["按志愿者"].iter_rows(values_only=True)]
        assert people[0][:2] == ("幸福社区", "统计期间：2026年11月")
        assert people[1] == ("姓名", "分钟", "志愿时长(小时)", "次数")
        assert people[2:] == [
            ("Tom", 113, 1.88, 1),
            ("李大爷", 100, 1.67, 1),
            ("张阿姨", 97, 1.62, 1),
        ]
        assert book["按单位"]["A2"].value == "单位"
        checked_in = book["出勤"]["F3"]
        assert checked_in.is_date and checked_in.number_format == "yyyy-mm-dd hh:mm"
        assert "photo" in harness.last(SECRETARY)

        # On the 1st, secretaries get last month's summary with its chart.
        before = len(harness.api.bot_messages(SECRETARY))
        await monthly_until(harness, clock, local(1, 9, 0).replace(month=12))
        pushed = harness.api.bot_messages(SECRETARY)[before:]
        assert len(pushed) == 1 and "photo" in pushed[0]
        assert text_of(pushed[0]).startswith(
            "📊 2026年11月 志愿时长月报\n3 位志愿者，共 5.2 小时。"
        )

        # What is held about a volunteer: a distance, never a place; forgetting keeps the
        # hours, nameless.
        await harness.say(2001, "/export")
        (content,) = harness.last(2001)["_files"].values()
        held = json.loads(content)["volunteering"]
        assert [(c["method"], c["distance_m"], c["minutes"]) for c in held["checkins"]] == [
            ("location", 50, 97)
        ]
        assert held["location_consent_at"] is not None
        exported = content.decode() if isinstance(content, bytes) else str(content)
        assert "31.23" not in exported and "121.47" not in exported  # no coordinates
        await harness.say(2001, "/forget")
        await harness.press_label(2001, harness.last(2001), "确定删除")
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT person_id, minutes FROM checkins WHERE activity_id = 1 ORDER BY id"
            ) as cur,
        ):
            rows = [tuple(row) for row in await cur.fetchall()]
        assert rows[0] == (None, 97) and len(rows) == 2
    finally:
        await harness.running.stop()


async def monthly_until(harness: BotHarness, clock: FakeClock, until: datetime) -> None:
    """Fire the daily monthly-summary schedule up to ``until`` (it acts on the 1st only)."""
    services = harness.running.services
    while True:
        async with harness.db.read() as session:
            schedule = await session.schedules.by_key(MONTHLY_SCHEDULE_KEY)
        assert schedule is not None and schedule.next_due_at is not None
        if schedule.next_due_at > until:
            break
        clock.now = schedule.next_due_at
        assert await services.scheduler.fire(schedule.id, schedule.next_due_at)
    await harness.pushes_sent()
