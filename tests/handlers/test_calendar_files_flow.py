"""📅 加到手机日历 through the real bot: the .ics file of a volunteer activity (from /my
and its reminder), of a Thursday pavilion (from the group's agenda, by a deep link into
the private chat) and of a booked make-up slot, each read back with icalendar: a UID
stable per object, the start in Asia/Shanghai, Chinese (or English) words, a reminder,
a Chinese file name. A cancelled activity and a past sitting are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.standin import FakeBotApi
from bot.volunteering.reminders import REMINDER_KIND
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_data,
    button_labels,
    start_harness,
)
from tests.handlers.deliberation.test_thursday_pavilion import fire_builtin
from tests.handlers.lessons.test_lessons_flow import community as lesson_community
from tests.handlers.lessons.test_lessons_flow import fire as fire_lesson
from tests.handlers.lessons.test_lessons_flow import simple_lesson, with_button
from tests.handlers.volunteering.flow import cards, community, create, fire, local

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAPTION = "📅 点开文件，选“添加到日历”。开始前 1 小时手机会提醒您。"


def calendar_file(harness: BotHarness, chat_id: int) -> tuple[str, Event, dict[str, Any]]:
    """The last message in the chat, a calendar file: its name, its one event, the message."""
    message = harness.last(chat_id)
    assert "document" in message, message
    ((name, data),) = message["_files"].items()
    assert message["document"]["file_name"] == name
    calendar = Calendar.from_ical(data)
    assert calendar["PRODID"].startswith("-//Pavilion//")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (event,) = calendar.events
    return name, event, message


def alarm_before(event: Event) -> timedelta:
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    trigger: timedelta = alarm.decoded("TRIGGER")
    return trigger


def alert(harness: BotHarness) -> str:
    return str(harness.api.callback_answers()[-1].get("text") or "")


async def test_an_activity_into_the_phone_calendar(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await create(harness, "湖边清扫落叶", "11-21 09:00-11:00", 5)
        await create(harness, "敬老院探访", "11-22 15:00-16:30", 5)
        for card in cards(harness):
            await harness.press_label(2001, card, "报名")
            await harness.press_label(2002, card, "报名")

        # 张阿姨's /my: a 📅 button under each of her activities.
        await harness.say(2001, "/my")
        my = harness.last(2001)
        assert "📅 #1 加到手机日历" in button_labels(my)
        await harness.press_label(2001, my, "📅 #1")
        name, event, message = calendar_file(harness, 2001)
        assert name == "志愿活动-湖边清扫落叶.ics"
        assert message["caption"] == CAPTION
        assert event["SUMMARY"] == "志愿活动：湖边清扫落叶"
        assert event["LOCATION"] == "湖边议事亭"
        assert event.start == datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI)
        assert event.start.tzinfo is not None and str(event.start.tzinfo) == "Asia/Shanghai"
        assert event.end == datetime(2026, 11, 21, 11, 0, tzinfo=SHANGHAI)
        assert event.decoded("DTSTAMP") == clock.now
        assert alarm_before(event) == -timedelta(hours=1)
        uid = str(event["UID"])
        assert uid.startswith("activity-1@")

        # Pressed again (and from the reminder): the same UID, so the calendar updates.
        await harness.press_label(2001, my, "📅 #1")
        assert str(calendar_file(harness, 2001)[1]["UID"]) == uid
        await fire(harness, clock, REMINDER_KIND, 1)
        reminder = with_button(harness, 2001, "📅 加到手机日历")
        assert "湖边清扫落叶" in reminder["text"]
        await harness.press_label(2001, reminder, "📅 加到手机日历")
        assert str(calendar_file(harness, 2001)[1]["UID"]) == uid
        await harness.press_label(2001, my, "📅 #2")
        second_name, second, _ = calendar_file(harness, 2001)
        assert second_name == "志愿活动-敬老院探访.ics"
        assert str(second["UID"]).startswith("activity-2@") and str(second["UID"]) != uid

        # Tom reads English.
        await harness.say(2002, "/my")
        await harness.press_label(2002, harness.last(2002), "📅 #1")
        name, event, message = calendar_file(harness, 2002)
        assert name == "Volunteering-湖边清扫落叶.ics"
        assert event["SUMMARY"] == "Volunteering: 湖边清扫落叶"
        assert "Volunteer service of" in str(event["DESCRIPTION"])
        assert message["caption"].startswith("📅 Open the file")
        assert str(event["UID"]) == uid  # the same event, whoever adds it

        # The activity is cancelled: the old button gets a short refusal, no file.
        async with harness.db.transaction() as session:
            await session.conn.execute(
                "UPDATE activities SET cancelled_at = ? WHERE id = 2", ("2026-11-19T11:00:00Z",)
            )
        sent = len(api.bot_messages(2001))
        await harness.press_label(2001, my, "📅 #2")
        assert alert(harness) == "活动“敬老院探访”已经取消了，不用加到日历。"
        assert len(api.bot_messages(2001)) == sent
    finally:
        await harness.running.stop()


async def test_a_thursday_pavilion_from_the_group(tmp_path: Path, api: FakeBotApi) -> None:
    # Monday 2026-11-16, 10:00 in Shanghai; the pavilion is on Thursday the 19th at 19:00.
    clock = FakeClock(datetime(2026, 11, 16, 2, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.register(2001, "张阿姨")
        await fire_builtin(harness, clock, "builtin:session")
        agenda = with_button(harness, RESIDENTS_GROUP, "📅 加到手机日历")
        assert agenda["text"].startswith("📣 明天（周四）晚上7点是周四议事亭")

        # In the group the button opens the private chat with the bot (a deep link) ...
        data = button_data(agenda, "📅")
        await harness.press(2001, agenda, data)
        answered = api.callback_answers()[-1]
        assert answered["url"] == f"https://t.me/{api.bot_username}?start=ics-s-20261119"
        sent = len(api.bot_messages(RESIDENTS_GROUP))
        # ... where Telegram sends /start with the payload: the file comes there.
        await harness.say(2001, "/start ics-s-20261119")
        assert len(api.bot_messages(RESIDENTS_GROUP)) == sent  # nothing more in the group
        name, event, message = calendar_file(harness, 2001)
        assert name == "议事亭-11月19日.ics"
        assert message["caption"] == CAPTION
        assert event["SUMMARY"] == "幸福社区周四议事亭"
        assert event["LOCATION"] == "幸福社区议事亭"
        assert event.start == datetime(2026, 11, 19, 19, 0, tzinfo=SHANGHAI)
        assert event.end == datetime(2026, 11, 19, 21, 0, tzinfo=SHANGHAI)
        assert str(event["UID"]).startswith("sitting-session-20261119@")
        assert alarm_before(event) == -timedelta(hours=1)

        # Privately, /matters offers the next pavilion too: the same event.
        await harness.say(2001, "/matters")
        await harness.press_label(2001, harness.last(2001), "📅 下次议事亭（11月19日）")
        assert str(calendar_file(harness, 2001)[1]["UID"]) == str(event["UID"])

        # Once it is over, the link gets a short refusal.
        clock.now = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
        await harness.say(2001, "/start ics-s-20261119")
        assert harness.last(2001)["text"] == "11月19日的议事已经结束了。"
        # /matters now offers the following Thursday.
        await harness.say(2001, "/matters")
        assert "📅 下次议事亭（11月26日）加到手机日历" in button_labels(harness.last(2001))
        # A day with no sitting (a Friday): refused too.
        await harness.say(2001, "/start ics-s-20261120")
        assert harness.last(2001)["text"] == "这一天没有议事。"
    finally:
        await harness.running.stop()


async def test_a_booked_make_up_slot(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(datetime(2026, 11, 16, 1, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await lesson_community(harness)
        await simple_lesson(harness, "学习党章", "党章是党的根本大法。")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "现在发送")
        await harness.pushes_sent()
        await fire_lesson(harness, clock, "lesson.remind")
        await harness.say(SECRETARY, "/lessons")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "#1 学习党章")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "补课时段")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "添加补课时段")
        await harness.say(SECRETARY, "11-25 19:00 党群服务中心 5")

        await harness.press_label(2005, with_button(harness, 2005, "预约补课"), "预约补课")
        await harness.press_label(2005, harness.last(2005), "党群服务中心")
        booked = harness.last(2005)
        assert booked["text"].startswith("✅ 已预约补课")
        await harness.press_label(2005, booked, "📅 加到手机日历")
        name, event, message = calendar_file(harness, 2005)
        assert name == "补课-11月25日.ics"
        assert message["caption"] == CAPTION
        assert event["SUMMARY"] == "党课补课：学习党章"
        assert event["LOCATION"] == "党群服务中心"
        assert event.start == datetime(2026, 11, 25, 19, 0, tzinfo=SHANGHAI)
        assert event.end == datetime(2026, 11, 25, 20, 0, tzinfo=SHANGHAI)
        assert str(event["UID"]).startswith("makeup-1@")
        assert alarm_before(event) == -timedelta(hours=1)

        # Someone who did not book it cannot take the file; nor anyone once it is past.
        await harness.press(2006, harness.last(2006), button_data(booked, "📅"), strict=False)
        assert alert(harness) == "您没有预约这个补课时段。"
        assert not [m for m in api.bot_messages(2006) if "document" in m]
        clock.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
        await harness.press_label(2005, booked, "📅 加到手机日历")
        assert alert(harness) == "这个时段已经过去了。"
    finally:
        await harness.running.stop()
