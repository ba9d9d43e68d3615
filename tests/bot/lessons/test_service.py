"""Micro Party lessons, service by service: text splitting, sending, studying,
quizzes, slots and bookings, reminders once, absences in a row, corrections,
the monthly summary and the member's record."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.community.register import Actor
from bot.errors import UserFacingError
from bot.lessons.messages import split_body
from bot.services import Services
from storage.lessons.rows import QuizQuestion
from tests.bot.deliberation.fixtures import person, services
from tests.conftest import FakeClock

__all__ = ["services"]  # the fixture, used by name


def test_split_body_cuts_at_paragraphs_then_lines_then_hard() -> None:
    assert split_body("一\n\n\n二\n\n三", limit=10) == ["一\n\n二\n\n三"]
    assert split_body("甲" * 6 + "\n\n" + "乙" * 6, limit=10) == ["甲" * 6, "乙" * 6]
    assert split_body("甲" * 4 + "\n" + "乙" * 4 + "\n" + "丙" * 4, limit=10) == [
        "甲" * 4 + "\n" + "乙" * 4,
        "丙" * 4,
    ]
    assert split_body("丁" * 25, limit=10) == ["丁" * 10, "丁" * 10, "丁" * 5]


async def outbox(services: Services) -> list[tuple[int, dict[str, Any]]]:
    async with (
        services.db.read() as session,
        session.conn.execute("SELECT chat_id, content FROM outbox ORDER BY id") as cur,
    ):
        return [(row[0], json.loads(row[1])) for row in await cur.fetchall()]


async def lesson(
    services: Services, secretary: Actor, title: str = "学习党章", quiz: int = 0
) -> int:
    """A draft lesson, created directly (the /newlesson form has its own tests)."""
    now = services.clock()
    async with services.db.transaction() as session:
        return await session.lessons.create(
            title=title,
            body="正文",
            link=None,
            attachments=[],
            quiz=[QuizQuestion(f"题{i}", ("对", "错"), 0, "") for i in range(quiz)],
            created_by=secretary.person_id,
            now=now,
        )


async def test_study_once_quiz_score_and_refusals(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    resident = await person(services, 2002, "居民", "resident")
    plain_id = await lesson(services, secretary)
    quiz_id = await lesson(services, secretary, "有测验", quiz=2)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(member, plain_id)
    assert refused.value.key == "lesson.not_found"  # not sent yet
    await services.lessons.sending.send_now(secretary, plain_id, 1001)
    await services.lessons.sending.send_now(secretary, quiz_id, 1001)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.sending.send_now(secretary, plain_id, 1001)
    assert refused.value.key == "lesson.already_sent"

    assert (await services.lessons.studying.study(member, plain_id)).recorded
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(member, plain_id)
    assert refused.value.key == "lesson.already_studied"
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.study(resident, plain_id)
    assert refused.value.key == "lesson.members_only"

    started = await services.lessons.studying.study(member, quiz_id)
    assert (started.recorded, started.question) == (True, 0)  # studied before the quiz
    again = await services.lessons.studying.study(member, quiz_id)
    assert (again.recorded, again.question) == (False, 0)
    first = await services.lessons.studying.answer(member, quiz_id, 0, 1)
    assert (first.right, first.next_question) == (False, 1)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.studying.answer(member, quiz_id, 0, 0)
    assert refused.value.key == "lesson.already_answered"
    last = await services.lessons.studying.answer(member, quiz_id, 1, 0)
    assert (last.right, last.next_question, last.correct, last.total) == (True, None, 1, 2)
    report = await services.lessons.records.report(secretary, quiz_id)
    assert report.counts() == {
        "reached": 1,
        "studied": 1,
        "makeup": 0,
        "delivered": 0,
        "missing": 0,
    }
    assert report.quiz_average == 50


async def test_slots_capacity_one_booking_and_code_window(
    services: Services, clock: FakeClock
) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    one = await person(services, 2001, "张阿姨", "party_member")
    two = await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.makeup.ask_slot(secretary, 1001, lesson_id)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.answer_slot(secretary, 1001, "11-20 党群服务中心 1")
    assert refused.value.key == "lesson.slot_bad"
    slot = await services.lessons.makeup.answer_slot(
        secretary, 1001, "11-20 19:00 党群服务中心 1人"
    )
    assert (slot.place, slot.capacity, slot.starts_at) == (
        "党群服务中心",
        1,
        datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
    )
    assert (await services.lessons.makeup.book(one, slot.id)).booked == 1
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.book(two, slot.id)
    assert refused.value.key == "lesson.slot_full"
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(one, slot.code)
    assert refused.value.key == "lesson.code_not_now"
    clock.now = slot.starts_at
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(two, slot.code)
    assert refused.value.key == "lesson.not_booked"
    await services.lessons.makeup.check_in(one, slot.code)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.makeup.check_in(one, slot.code)
    assert refused.value.key == "lesson.already_checked_in"
    report = await services.lessons.records.report(secretary, lesson_id)
    assert [s.outcome for s in report.standings] == ["makeup", "missing"]


async def test_reminded_once_even_when_reminded_early(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.studying.study(member, lesson_id)
    assert await services.lessons.reminders.remind_now(secretary, lesson_id) == 1
    assert await services.lessons.reminders.remind_now(secretary, lesson_id) == 0
    async with (
        services.db.read() as session,
        session.conn.execute(
            "SELECT id, next_due_at FROM schedules WHERE kind = 'lesson.remind'"
        ) as cur,
    ):
        schedule_id, due = await cur.fetchone()
    assert datetime.fromisoformat(due) == clock() + timedelta(days=3)
    clock.now = datetime.fromisoformat(due)
    assert await services.scheduler.fire(schedule_id, clock.now)
    reminders = [
        chat for chat, content in await outbox(services) if content["key"] == "lesson.reminder"
    ]
    assert reminders == [2002]


async def test_missed_in_a_row_told_once_per_streak(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    await person(services, 2001, "张阿姨", "party_member")
    diligent = await person(services, 2002, "李大爷", "party_member")
    for number in range(5):
        lesson_id = await lesson(services, secretary, f"第{number + 1}课")
        await services.lessons.sending.send_now(secretary, lesson_id, 1001)
        await services.lessons.studying.study(diligent, lesson_id)
        clock.advance(days=30)
    told = [
        content["params"]
        for chat, content in await outbox(services)
        if content["key"] == "lesson.missed_streak"
    ]
    # Told when the 4th lesson goes out (3 missed before it), not again at the 5th.
    assert told == [{"count": 3, "names": "张阿姨"}]


async def test_correction_reaches_those_who_have_it(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    await person(services, 2001, "张阿姨", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.corrections.ask_fix(secretary, 1001, lesson_id)
    edited, told = await services.lessons.corrections.answer_fix(secretary, 1001, "新的正文")
    assert (edited.body, told) == ("新的正文", 0)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    await services.lessons.corrections.ask_fix(secretary, 1001, lesson_id)
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.corrections.answer_fix(secretary, 1001, "整段替换")
    assert refused.value.key == "lesson.fix_bad"
    fixed, told = await services.lessons.corrections.answer_fix(secretary, 1001, "新的 -> 修改后的")
    assert (fixed.body, fixed.corrections, told) == ("修改后的正文", ("新的 → 修改后的",), 1)
    corrections = [
        chat for chat, content in await outbox(services) if content["key"] == "lesson.correction"
    ]
    assert corrections == [2001]


async def test_record_and_monthly_summary(services: Services, clock: FakeClock) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "张阿姨", "party_member")
    clock.now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    october = await lesson(services, secretary, "十月课")
    await services.lessons.sending.send_now(secretary, october, 1001)
    await services.lessons.studying.study(member, october)
    record = await services.lessons.records.member_record(
        member, None, date(2026, 10, 1), date(2026, 10, 31)
    )
    assert [(row.title, standing.outcome) for row, standing in record.lessons] == [
        ("十月课", "studied")
    ]
    with pytest.raises(UserFacingError):
        await services.lessons.records.member_record(
            member, secretary.person_id, date(2026, 1, 1), date(2026, 12, 31)
        )

    await services.scheduler.ensure_builtin()
    async with (
        services.db.read() as session,
        session.conn.execute(
            "SELECT id, next_due_at FROM schedules WHERE key = 'builtin:lesson_summary'"
        ) as cur,
    ):
        schedule_id, due = await cur.fetchone()
    # The November Party day (the 15th, a Sunday) floats to Monday the 16th, 09:00.
    assert datetime.fromisoformat(due) == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    clock.now = datetime.fromisoformat(due)
    assert await services.scheduler.fire(schedule_id, clock.now)
    (summary,) = [c for _, c in await outbox(services) if c["key"] == "lesson.monthly_summary"]
    assert summary["params"] == {"month": "2026-10", "count": 1, "lines": "#1 十月课: 1/1"}


async def test_delivery_without_grid_worker_goes_to_secretaries(
    services: Services, clock: FakeClock
) -> None:
    secretary = await person(services, 1001, "书记", "secretary")
    member = await person(services, 2001, "王奶奶", "party_member")
    other = await person(services, 2002, "李大爷", "party_member")
    lesson_id = await lesson(services, secretary)
    await services.lessons.sending.send_now(secretary, lesson_id, 1001)
    told = await services.lessons.delivery.ask_delivery(member, lesson_id)
    assert [p.display_name for p in told] == ["书记"]  # no grid worker for her grid
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.delivery.ask_delivery(member, lesson_id)
    assert refused.value.key == "lesson.delivery_already"
    assert member.person_id is not None
    with pytest.raises(UserFacingError) as refused:
        await services.lessons.delivery.confirm_delivery(other, 2002, lesson_id, member.person_id)
    assert refused.value.key == "lesson.grid_workers_only"
    confirmed = await services.lessons.delivery.confirm_delivery(
        secretary, 1001, lesson_id, member.person_id
    )
    assert confirmed.display_name == "王奶奶"
    report = await services.lessons.records.report(secretary, lesson_id)
    assert [(s.display_name, s.outcome, s.delivered_by) for s in report.standings] == [
        ("李大爷", "missing", None),
        ("王奶奶", "delivered", "书记"),
    ]
