"""/calendar: a street-created community's secretary chooses its own rhythm (session day
and time, talk days, Party day) in the bot; its agenda and its weekly reminder follow it
while the first community keeps the configuration's (the street's default)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.community.test_isolation import (
    ADMIN,
    PEACE_GROUP,
    PEACE_SECRETARY,
    join,
    make_second_community,
    text_of,
)
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)

STREET_RHYTHM = (
    "每周四晚上7点议事；逢4、14、24日上午9点说事；每月15日上午9点党日（遇节假日前后浮动2天）"
)
#: Thursday 2026-11-19 19:00 in Shanghai (FakeClock's start).
NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


@pytest.fixture
async def street(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    api.add_user(ADMIN, "主任", last_name="街道", language_code="zh-hans")
    api.add_user(PEACE_SECRETARY, "书记", last_name="和", language_code="zh-hans")
    api.add_user(3002, "阿姨", last_name="王", language_code="zh-hans")
    api.add_group(PEACE_GROUP, "和平里居民群")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        street={"name": "幸福街道", "admins": [ADMIN]},
        deliberation={"agenda_forum": "session"},
    )
    running = await start_harness(settings, api, FakeClock(NOW))
    try:
        yield running
    finally:
        await running.running.stop()


async def _session_reminder(street: BotHarness, community: int) -> tuple[int, datetime]:
    with street.running.services.communities.enter(community):
        async with street.db.read() as session:
            row = await session.schedules.by_key("builtin:session")
    assert row is not None and row.next_due_at is not None
    return row.id, row.next_due_at


async def test_a_community_keeps_its_own_rhythm(street: BotHarness) -> None:
    services = street.running.services
    peace = await make_second_community(street)

    # The first community's calendar is the file's: shown, not changed here.
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/calendar")
    first = street.last(SECRETARY)
    assert text_of(first).splitlines()[:2] == ["📅 幸福社区的议事日程：", STREET_RHYTHM]
    assert "配置文件" in text_of(first) and button_labels(first) == []

    # The new community starts on the street's default.
    await street.say(PEACE_SECRETARY, "/calendar")
    screen = street.last(PEACE_SECRETARY)
    assert text_of(screen).splitlines() == [
        "📅 和平社区的议事日程：",
        STREET_RHYTHM,
        "现在用的是街道的默认日程；改了的项目只对本社区有效。",
    ]
    assert button_labels(screen) == ["📅 议事日", "🕖 议事时间", "🗓 说事日", "🎗 党日"]
    _, before = await _session_reminder(street, peace)
    assert before == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Wed 20:00, the evening before

    # The session moves to Monday; the same press again (an old message) changes nothing.
    await street.press(PEACE_SECRETARY, screen, cb.CalendarMenu(peace, "weekday").encode())
    days = street.last(PEACE_SECRETARY)
    week = ["周一", "周二", "周三", "✓ 周四", "周五", "周六", "周日"]
    assert button_labels(days) == [*week, "↩️ 返回"]
    await street.press(PEACE_SECRETARY, days, cb.CalendarWeekday(peace, 0).encode())
    assert street.api.callback_answers()[-1]["text"] == "✅ 日程已更新，提醒按新日程发。"
    changed = text_of(street.last(PEACE_SECRETARY))
    assert changed.startswith("📅 和平社区的议事日程：\n每周一晚上7点")
    # Pressed twice (a second tap, another copy of the screen): nothing more changes.
    street.api.press_button(
        PEACE_SECRETARY,
        PEACE_SECRETARY,
        days["message_id"],
        cb.CalendarWeekday(peace, 0).encode(),
        strict=False,
    )
    await street.settle()
    assert street.api.callback_answers()[-1]["text"] == "日程没有变化。"

    # Its weekly reminder is planned again: Sunday 20:00, before Monday's session; the
    # first community's stays on Wednesday.
    peace_reminder, due = await _session_reminder(street, peace)
    assert due == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    _, happy_due = await _session_reminder(street, 1)
    assert happy_due == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    # The agenda goes to each community's own next session.
    with services.communities.enter(peace):
        assert services.matters.next_forum(NOW) == (
            "session",
            datetime(2026, 11, 23, 11, 0, tzinfo=UTC),
        )
        assert services.scheduler.calendar.session_weekday == 0
    with services.communities.enter(1):
        assert services.matters.next_forum(NOW)[1] == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)

    # The time: a button, then a typed one that is refused, then one that is kept.
    await street.say(PEACE_SECRETARY, "/calendar")
    await street.press(
        PEACE_SECRETARY, street.last(PEACE_SECRETARY), cb.CalendarMenu(peace, "time").encode()
    )
    times = street.last(PEACE_SECRETARY)
    assert button_labels(times) == [
        "上午9点",
        "下午2点30分",
        "晚上7点",
        "晚上7点30分",
        "⌨️ 输入其他时间",
        "↩️ 返回",
    ]
    await street.press(PEACE_SECRETARY, times, cb.CalendarTime(peace, "1930").encode())
    assert "每周一晚上7点30分议事" in text_of(street.last(PEACE_SECRETARY))
    again = street.last(PEACE_SECRETARY)
    await street.press(PEACE_SECRETARY, again, cb.CalendarMenu(peace, "time").encode())
    await street.press(PEACE_SECRETARY, again, cb.CalendarAsk(peace, "session_time").encode())
    await street.say(PEACE_SECRETARY, "七点")
    assert text_of(street.last(PEACE_SECRETARY)) == "请按“时:分”输入时间，例如 19:30。"
    await street.say(PEACE_SECRETARY, "23:00")
    assert "太晚" in text_of(street.last(PEACE_SECRETARY))
    await street.say(PEACE_SECRETARY, "18：30")
    assert "每周一下午6点30分议事" in text_of(street.last(PEACE_SECRETARY))

    # Talk days and the Party day, typed; refusals are short and keep the question.
    screen = street.last(PEACE_SECRETARY)
    await street.press(PEACE_SECRETARY, screen, cb.CalendarAsk(peace, "talk_days").encode())
    await street.say(PEACE_SECRETARY, "0 14")
    assert text_of(street.last(PEACE_SECRETARY)).startswith("请输入 1 到 28 之间的日子")
    await street.say(PEACE_SECRETARY, "1 2 3 4 5 6 7")
    assert text_of(street.last(PEACE_SECRETARY)) == "说事日最多 6 天，请再输入一次。"
    await street.say(PEACE_SECRETARY, "25，5 15")
    await street.press(PEACE_SECRETARY, screen, cb.CalendarAsk(peace, "party_day").encode())
    await street.say(PEACE_SECRETARY, "30")
    assert text_of(street.last(PEACE_SECRETARY)) == "请输入 1 到 28 之间的一个日子，例如 15。"
    await street.say(PEACE_SECRETARY, "1日")
    final = text_of(street.last(PEACE_SECRETARY)).splitlines()
    assert final[1:] == [
        "每周一下午6点30分议事；逢5、15、25日上午9点说事；每月1日上午9点党日（遇节假日前后浮动2天）",
        "本社区改过日程；没改的项目沿用街道的默认日程。",
    ]
    # A late answer: the form is over, a typed number is just a message.
    await street.say(PEACE_SECRETARY, "12")
    assert services.communities.calendar(peace).party_day == 1

    # Refusals: a forged press from the first community, a resident, the first community.
    happy_before = services.communities.calendar(1)
    street.api.press_button(
        SECRETARY,
        SECRETARY,
        first["message_id"],
        cb.CalendarWeekday(peace, 4).encode(),
        strict=False,
    )
    await street.settle()
    assert services.communities.calendar(peace).session_weekday == "monday"
    assert street.api.callback_answers()[-1]["text"] == "这个按钮不是你所在社区的，什么也没改。"
    street.api.press_button(
        SECRETARY, SECRETARY, first["message_id"], cb.CalendarWeekday(1, 4).encode(), strict=False
    )
    await street.settle()
    assert services.communities.calendar(1) is happy_before
    assert "配置文件" in street.api.callback_answers()[-1]["text"]
    await join(street, 3002, peace, "王阿姨")
    await street.say(3002, "/calendar")
    assert "只有书记" in text_of(street.last(3002))
    street.api.anonymous_admin_says(RESIDENTS_GROUP, "/calendar")
    await street.settle()
    assert "本人的账号" in street.last(RESIDENTS_GROUP)["text"]

    # The reminder fires on its own day, in its own community's group only.
    await street.say(PEACE_SECRETARY, "/bind residents", PEACE_GROUP)
    peace_reminder, due = await _session_reminder(street, peace)
    assert due == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sunday 20:00 still
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.now = due
    group_before = len(street.texts(RESIDENTS_GROUP))
    assert await services.scheduler.fire(peace_reminder, due)
    await street.pushes_sent()
    posted = " ".join(street.texts(PEACE_GROUP))
    assert "明天（周一）下午6点30分" in posted
    assert len(street.texts(RESIDENTS_GROUP)) == group_before


async def test_the_street_default_follows_the_file(tmp_path: Path, api: FakeBotApi) -> None:
    """A field a community did not choose is the street's, as the file says now."""
    api.add_user(ADMIN, "主任", last_name="街道", language_code="zh-hans")
    api.add_user(PEACE_SECRETARY, "书记", last_name="和", language_code="zh-hans")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        street={"admins": [ADMIN]},
        calendar={"session_weekday": "wednesday", "talk_days": [8, 18]},
    )
    running = await start_harness(settings, api, FakeClock(NOW))
    try:
        peace = await make_second_community(running)
        await running.say(PEACE_SECRETARY, "/calendar")
        screen = running.last(PEACE_SECRETARY)
        assert text_of(screen).splitlines()[1].startswith("每周三晚上7点议事；逢8、18日")
        await running.press(PEACE_SECRETARY, screen, cb.CalendarAsk(peace, "party_day").encode())
        await running.say(PEACE_SECRETARY, "20")
        calendar = running.running.services.communities.calendar(peace)
        assert (calendar.session_weekday, calendar.talk_days, calendar.party_day) == (
            "wednesday",
            [8, 18],
            20,
        )
        assert running.running.services.communities.calendar(1).party_day == 15
    finally:
        await running.running.stop()
