"""A community whose session is on Wednesdays reads 周三议事亭 (never 周四议事亭) in its
agenda, its opening, its reminder's name and its buttons, in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.standin import FakeBotApi
from handlers.community import callbacks as cb
from tests.conftest import FakeClock, make_settings
from tests.handlers.community.test_calendar_settings import NOW, street  # noqa: F401
from tests.handlers.community.test_isolation import (
    PEACE_GROUP,
    PEACE_SECRETARY,
    join,
    make_second_community,
    raise_matter,
)
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)


async def _fire(harness: BotHarness, community: int, key: str) -> None:
    """Fire the built-in schedule ``key`` of ``community`` at its next due time."""
    services = harness.running.services
    with services.communities.enter(community):
        async with harness.db.read() as session:
            row = await session.schedules.by_key(key)
    assert row is not None and row.next_due_at is not None
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.now = row.next_due_at
    assert await services.scheduler.fire(row.id, row.next_due_at)
    await harness.pushes_sent()


async def test_a_wednesday_community_names_its_own_pavilion(street: BotHarness) -> None:  # noqa: F811
    peace = await make_second_community(street)
    await street.say(PEACE_SECRETARY, "/calendar")
    screen = street.last(PEACE_SECRETARY)
    await street.press(PEACE_SECRETARY, screen, cb.CalendarMenu(peace, "weekday").encode())
    await street.press(
        PEACE_SECRETARY, street.last(PEACE_SECRETARY), cb.CalendarWeekday(peace, 2).encode()
    )
    await street.press(PEACE_SECRETARY, screen, cb.CalendarAsk(peace, "talk_days").encode())
    await street.say(PEACE_SECRETARY, "5 15 25")
    await street.say(PEACE_SECRETARY, "/bind residents", PEACE_GROUP)
    welcome = street.texts(PEACE_GROUP)[-1]
    assert "每周三开议事亭" in welcome and "“说事日”" in welcome and "逢四" not in welcome
    await join(street, 3002, peace, "王阿姨")
    await raise_matter(street, 3002, "楼下装个长椅")

    # The secretary's buttons under /matter 1 name the community's own forums.
    await street.say(PEACE_SECRETARY, "/matter 1")
    labels = button_labels(street.last(PEACE_SECRETARY))
    assert "📅 列入周三议事亭议程" in labels and "📅 列入说事日议程" in labels
    # /upcoming names the reminder so.
    await street.say(PEACE_SECRETARY, "/upcoming")
    upcoming = street.last(PEACE_SECRETARY)["text"]
    assert "周三议事亭提醒" in upcoming and "说事日开场" in upcoming and "周四" not in upcoming

    # The evening before, the agenda; at the start, the opening; a talk day's morning.
    await _fire(street, peace, "builtin:session")
    await _fire(street, peace, "builtin:session_open")
    await _fire(street, peace, "builtin:talk_day")
    posted = street.texts(PEACE_GROUP)
    assert any("是周三议事亭" in text for text in posted)
    assert any(text.startswith("🔔 周三议事亭现在开始") for text in posted)
    assert any("是说事日" in text for text in posted)
    assert not any("周四议事亭" in text or "逢四说事" in text for text in posted)

    # The first community keeps the file's calendar, as before.
    await street.register(SECRETARY)
    await street.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    assert "“逢四说事”" in street.texts(RESIDENTS_GROUP)[-1]


async def test_in_english_too(tmp_path: Path, api: FakeBotApi) -> None:
    """The first community, its session moved to Wednesday in the file, in English."""
    api.add_user(SECRETARY, "Sam", language_code="en")
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        community={"default_language": "en"},
        calendar={"session_weekday": "wednesday", "talk_days": [5, 15, 25]},
    )
    harness = await start_harness(settings, api, FakeClock(NOW - timedelta(days=2)))
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.register(2002)
        await harness.say(2002, "提议 A bench by the lake")
        await harness.say(2002, "We all need one.")
        await harness.press_label(2002, harness.last(2002), "Submit")
        await harness.say(SECRETARY, "/matter 1")
        labels = button_labels(harness.last(SECRETARY))
        assert "📅 Wednesday pavilion agenda" in labels and "📅 Talk day agenda" in labels
        await _fire(harness, 1, "builtin:session")
        await _fire(harness, 1, "builtin:session_open")
        posted = harness.texts(RESIDENTS_GROUP)
        assert any("The Wednesday pavilion is" in text for text in posted)
        assert any(text.startswith("🔔 The Wednesday pavilion is open") for text in posted)
        assert not any("Thursday" in text for text in posted)
    finally:
        await harness.running.stop()
