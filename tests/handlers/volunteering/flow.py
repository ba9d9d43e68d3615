"""What the volunteer service's flow tests share: the community, creating an activity,
firing its schedules, reading check-ins and the code on the organiser's screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tests.conftest import FakeClock
from tests.handlers.conftest import SECRETARY, BotHarness

VOLUNTEERS_GROUP = -1005678
EXTRA = 2004
#: The venue (the lakeside pavilion) and points 50 m and 2 km away from it.
VENUE = (31.2304, 121.4737)
NEAR = (31.23085, 121.4737)
FAR = (31.2484, 121.4737)


def local(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A moment of November 2026 in Shanghai (UTC+8), as UTC."""
    return datetime(2026, 11, day, hour - 8, minute, second, tzinfo=UTC)


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def last_text(harness: BotHarness, chat_id: int) -> str:
    return text_of(harness.last(chat_id))


async def community(harness: BotHarness) -> None:
    """A secretary, the volunteers' group, four registered volunteers."""
    harness.api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    harness.api.add_user(EXTRA, "小王", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind volunteers", VOLUNTEERS_GROUP)
    for user_id, name in ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷"), (EXTRA, "王小伟")):
        await harness.register(user_id, name)
    async with harness.db.transaction() as session:
        for user_id in (2001, 2002, 2003, EXTRA):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            await session.people.grant(
                person.id, "volunteer", None, harness.running.services.clock()
            )


async def create(
    harness: BotHarness,
    title: str,
    when: str,
    capacity: int,
    *,
    venue: tuple[float, float] | None = None,
    presses: tuple[str, ...] = (),
    secretary: int = SECRETARY,
) -> str:
    """/newactivity through the conversation (by ``secretary``); returns the confirmation."""
    await harness.say(secretary, "/newactivity")
    assert "新志愿活动" in last_text(harness, secretary)
    await harness.say(secretary, title)
    await harness.press_label(secretary, harness.last(secretary), "跳过")
    await harness.say(secretary, "湖边议事亭")
    if venue is None:
        await harness.press_label(secretary, harness.last(secretary), "跳过")
    else:
        harness.api.send_location(secretary, None, *venue)
        await harness.settle()
    assert "什么时间" in last_text(harness, secretary)
    await harness.say(secretary, when)
    await harness.say(secretary, str(capacity))
    for label in presses:
        await harness.press_label(secretary, harness.last(secretary), label)
    await harness.press_label(secretary, harness.last(secretary), "发布")
    await harness.pushes_sent()
    return last_text(harness, secretary)


def cards(harness: BotHarness) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(VOLUNTEERS_GROUP) if "志愿活动 #" in text_of(m)]


async def fire(harness: BotHarness, clock: FakeClock, kind: str, activity_id: int) -> list[Any]:
    """Fire the activity's schedules of ``kind``, each at its due time, in order."""
    services = harness.running.services
    async with harness.db.read() as session:
        rows = [
            s
            for s in await session.schedules.all()
            if s.kind == kind and s.payload.get("activity_id") == activity_id
        ]
    rows.sort(key=lambda s: s.next_due_at)
    for row in rows:
        clock.now = row.next_due_at
        assert await services.scheduler.fire(row.id, row.next_due_at)
    await harness.pushes_sent()
    return rows


async def checkins(harness: BotHarness) -> list[tuple[Any, ...]]:
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT p.tg_user_id, c.activity_id, c.method, c.distance_m, c.minutes, c.review,"
            " c.out_method FROM checkins c JOIN people p ON p.id = c.person_id ORDER BY c.id"
        ) as cur,
    ):
        return [tuple(row) for row in await cur.fetchall()]


async def code_on_screen(harness: BotHarness) -> str:
    await harness.say(SECRETARY, "/code")
    screen = harness.last(SECRETARY)
    assert "photo" in screen and "现场签到码" in text_of(screen)
    # The code spaced and bold, and as it is sent ("签到 482713").
    match = re.search(r"签到 (\d{6})", text_of(screen))
    assert match is not None and f"签到码：{' '.join(match[1])}，5 分钟内有效" in text_of(screen)
    assert match is not None
    return match[1]
