"""Sittings: agenda the evening before, opening, close with minutes; /minutes' service."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.community.register import Actor, Caller, ChatInfo, ChatKind, CommunityService
from bot.config import Language
from bot.deliberation.sittings import Minutes, MinutesItem, SittingService, VoteOutcome, parse_day
from bot.errors import UserFacingError
from bot.runtime.scheduler import SchedulerService
from handlers.deliberation import minutes_texts
from handlers.texts import MESSAGE_LIMIT, split_message
from storage import Database
from storage.times import to_db_time
from tests.conftest import FakeClock, make_settings

WEDNESDAY_MORNING = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
SESSION = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)  # Thursday 19:00 in Shanghai
GROUP = -100


class Recorder:
    def arm(self, schedule_id: int, due_at: datetime) -> None:
        pass

    def disarm(self, schedule_id: int) -> None:
        pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WEDNESDAY_MORNING)


@pytest.fixture
async def setup(db: Database, tmp_path: Path, clock: FakeClock) -> tuple[Any, ...]:
    settings = make_settings(tmp_path)
    scheduler = SchedulerService(db, settings, clock)
    scheduler.attach(Recorder(), lambda: None)
    sittings = SittingService(db, settings, scheduler, clock, minutes_texts.minutes_messages)
    community = CommunityService(db, settings.community, clock)
    secretary = await community.identify(Caller(1001, "王"))
    await community.bind_chat(
        secretary, ChatInfo(GROUP, "居民群", "supergroup"), ChatKind.RESIDENTS
    )
    await scheduler.ensure_builtin()
    return scheduler, sittings, secretary


async def add_person(db: Database, tg_user_id: int, now: datetime) -> int:
    async with db.transaction(completes_update=False) as session:
        return await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=f"居民{tg_user_id}",
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=now,
            now=now,
        )


async def add_matter(
    db: Database, title: str, now: datetime, *, agenda: datetime | None = None
) -> int:
    async with db.transaction(completes_update=False) as session:
        matter_id = await session.matters.create(
            title=title,
            details="详情",
            raised_by=None,
            support_until=now + timedelta(days=14),
            now=now,
        )
        if agenda is not None:
            await session.matters.put_on_agenda(matter_id, "session", agenda, now)
    return matter_id


async def add_closed_vote(
    db: Database,
    matter_id: int,
    *,
    anonymous: bool,
    counts: list[int],
    result: str,
    closed_at: datetime,
) -> None:
    async with db.transaction(completes_update=False) as session:
        await session.conn.execute(
            "INSERT INTO votes (matter_id, kind, options, anonymous, quorum, threshold,"
            " opened_at, closes_at, closed_at, result, tally, voters)"
            " VALUES (?, 'yes_no', ?, ?, 3, 'majority', ?, ?, ?, ?, ?, ?)",
            (
                matter_id,
                json.dumps(["yes", "no", "abstain"]),
                int(anonymous),
                to_db_time(closed_at - timedelta(hours=1)),
                to_db_time(closed_at),
                to_db_time(closed_at),
                result,
                json.dumps({"counts": counts, "voters": sum(counts)}),
                sum(counts),
            ),
        )
        await session.matters.set_stage(matter_id, result, closed_at)


async def outbox(db: Database) -> list[dict[str, Any]]:
    async with (
        db.read() as session,
        session.conn.execute("SELECT chat_id, content FROM outbox ORDER BY id") as cur,
    ):
        return [{"chat": r[0], **json.loads(r[1])} for r in await cur.fetchall()]


async def fire(scheduler: SchedulerService, db: Database, clock: FakeClock, key: str) -> None:
    async with db.read() as session:
        schedule = await session.schedules.by_key(key)
    assert schedule is not None and schedule.next_due_at is not None
    clock.now = schedule.next_due_at
    assert await scheduler.fire(schedule.id, schedule.next_due_at)


async def test_a_session_from_agenda_to_minutes(
    setup: tuple[Any, ...], db: Database, clock: FakeClock
) -> None:
    scheduler, sittings, secretary = setup
    now = clock.now
    lamp = await add_matter(db, "3号楼前加装路灯", now, agenda=SESSION)
    dogs = await add_matter(db, "遛狗要牵绳", now, agenda=SESSION)
    residents = [await add_person(db, 3000 + i, now) for i in range(2)]
    async with db.transaction(completes_update=False) as session:
        for person in residents:
            await session.matters.support(lamp, person, now)
        await session.conn.execute(
            "INSERT INTO comments (matter_id, person_id, text, created_at) VALUES (?, ?, ?, ?)",
            (lamp, residents[0], "支持", to_db_time(now)),
        )

    # The evening before: the reminder carries the agenda.
    await fire(scheduler, db, clock, "builtin:session")
    (reminder,) = await outbox(db)
    assert reminder["chat"] == GROUP
    assert reminder["key"] == "sittings.session_agenda"
    assert reminder["params"]["agenda"] == "#1 3号楼前加装路灯\n#2 遛狗要牵绳"
    assert reminder["params"]["date"] == "明天（周四）"  # the evening before

    # At its start the session opens, with the agenda.
    await fire(scheduler, db, clock, "builtin:session_open")
    assert clock.now == SESSION
    opened = (await outbox(db))[-1]
    assert opened["key"] == "sittings.session_open"
    assert opened["params"]["time"] == "晚上7点"

    # During it, one vote passes (public), one fails quorum (anonymous); a resolution is written.
    await add_closed_vote(
        db, lamp, anonymous=False, counts=[5, 1, 1], result="passed", closed_at=SESSION
    )
    await add_closed_vote(
        db, dogs, anonymous=True, counts=[1, 0, 0], result="no_quorum", closed_at=SESSION
    )
    async with db.transaction(completes_update=False) as session:
        await session.conn.execute(
            "UPDATE matters SET resolution = '同意加装两盏路灯' WHERE id = ?", (lamp,)
        )
    clock.advance(minutes=30)
    late = await add_matter(db, "垃圾分类点太远", clock.now)

    # 120 minutes after the start it closes and posts the minutes.
    await fire(scheduler, db, clock, "builtin:session_close")
    assert clock.now == SESSION + timedelta(minutes=120)
    minutes_message = [m for m in await outbox(db) if m["key"] == "sittings.text"][-1]
    assert minutes_message["key"] == "sittings.text"
    assert minutes_message["params"]["text"].split("\n") == [
        "📝 幸福社区周四议事亭会议记录",
        "时间：2026年11月19日（周四）晚上7点—晚上9点",
        "地点：社区议事亭",
        "主持人：（未填）",
        "记录人：（未填）",
        "出席：未登记出席",
        "",
        "【议题 1】#1 3号楼前加装路灯（已通过）",
        "　附议 2 人 · 讨论 1 条",
        "　主要意见：",
        "　　· 居民3000：“支持”",
        "　表决情况：通过；赞成 5、反对 1、弃权 1；7 人参与；法定人数 3 人",
        "　决议：同意加装两盏路灯",
        "",
        "【议题 2】#2 遛狗要牵绳（未达法定人数）",
        "　附议 0 人 · 讨论 0 条",
        "　表决情况：未达法定人数（不记名）；赞成 1、反对 0、弃权 0；1 人参与；法定人数 3 人",
        "　决议：暂无",
        "",
        "【上次会议以来新提的事项】",
        "#3 垃圾分类点太远（征集附议中，附议 0 人）",
    ]

    (found,) = await sittings.minutes_on(date(2026, 11, 19))
    assert found.agenda[0] == replace(
        MinutesItem(
            number=lamp,
            title="3号楼前加装路灯",
            stage="passed",
            supports=2,
            comments=1,
            vote=VoteOutcome(
                "yes_no", ("yes", "no", "abstain"), (5, 1, 1), 7, "passed", False, quorum=3
            ),
            resolution="同意加装两盏路灯",
            matter_id=lamp,
        ),
        opinions=found.agenda[0].opinions,
    )
    assert [o.text for o in found.agenda[0].opinions] == ["支持"]
    assert [item.number for item in found.raised] == [late]
    assert found.opened_at == SESSION and found.closed_at == clock.now
    assert [m.sitting_id for m in await sittings.minutes_on(None)] == [found.sitting_id]
    async with db.read() as session:
        sitting = await session.sittings.get(found.sitting_id)
        events = [event.kind for event in await session.matters.events(lamp)]
    assert sitting is not None
    assert sitting.agenda_posted_at == SESSION - timedelta(hours=23)
    assert sitting.minutes_posted_at == clock.now
    assert events == ["sitting_opened", "sitting_closed"]

    # A secretary's notes join the minutes; others are refused.
    noted = await sittings.add_notes(secretary, date(2026, 11, 19), "下周复查路灯")
    assert noted.notes == "下周复查路灯"
    resident = Actor(3000, Language.ZH_HANS, None, configured_secretary=False)
    with pytest.raises(UserFacingError) as refused:
        await sittings.add_notes(resident, date(2026, 11, 19), "x")
    assert refused.value.key == "sittings.secretaries_only"
    with pytest.raises(UserFacingError) as too_long:
        await sittings.add_notes(secretary, date(2026, 11, 19), "x" * 2001)
    assert too_long.value.key == "sittings.notes_too_long"
    with pytest.raises(UserFacingError) as nothing:
        await sittings.minutes_on(date(2026, 11, 20))
    assert nothing.value.key == "sittings.none_on"


async def test_an_empty_agenda_invites_residents_to_raise(
    setup: tuple[Any, ...], db: Database, clock: FakeClock
) -> None:
    scheduler, sittings, _ = setup
    with pytest.raises(UserFacingError) as none_yet:
        await sittings.minutes_on(None)
    assert none_yet.value.key == "sittings.none_yet"
    await fire(scheduler, db, clock, "builtin:session")
    await fire(scheduler, db, clock, "builtin:talk_day")
    keys = [message["key"] for message in await outbox(db)]
    assert keys == ["sittings.session_agenda_empty", "sittings.talk_day_open_empty"]
    await fire(scheduler, db, clock, "builtin:talk_day_close")
    assert clock.now == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    text = [m for m in await outbox(db) if m["key"] == "sittings.text"][-1]["params"]["text"]
    assert text.startswith(
        "📝 幸福社区逢四说事会议记录\n时间：2026年11月24日（周二）上午9点—晚上8点"
    )
    assert "本次没有列入议程的事项。" in text


def test_dates_are_read_as_people_type_them() -> None:
    today = date(2026, 11, 22)
    assert parse_day("2026-11-19", today) == date(2026, 11, 19)
    assert parse_day("11-19", today) == date(2026, 11, 19)
    assert parse_day("2-3", today) == date(2026, 2, 3)
    assert parse_day("12-30", today) == date(2025, 12, 30)  # minutes look back
    assert parse_day("02-29", today) == date(2024, 2, 29)
    for bad in ("13-01", "2026-02-30", "昨天", "11/19"):
        with pytest.raises(UserFacingError):
            parse_day(bad, today)


def test_a_line_longer_than_a_message_is_cut_hard() -> None:
    chunks = split_message(["a", "x" * 5000, "b"])
    assert [len(chunk) for chunk in chunks] == [1, 4096, 906]
    assert chunks[2].endswith("x\nb")
    # Measured as sent: "&" becomes "&amp;", five characters.
    escaped = split_message(["&" * 5000])
    assert [len(chunk) for chunk in escaped] == [819] * 6 + [86]


def test_long_minutes_are_split_at_line_boundaries() -> None:
    item = MinutesItem(1, "路灯" * 10, "agenda", 3, 0, None, "<决议>" * 150)
    minutes = Minutes(1, "session", SESSION, None, None, (item,) * 40, (), None)
    chunks = minutes_texts.minutes_html(Language.ZH_HANS, [minutes], texts_tz())
    assert len(chunks) > 1
    assert all(len(chunk) <= MESSAGE_LIMIT for chunk in chunks)
    lines = minutes_texts.minutes_lines(Language.ZH_HANS, minutes, texts_tz())
    import html

    assert "\n".join(chunks) == html.escape("\n".join(lines))


def texts_tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")
