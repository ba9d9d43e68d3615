"""The lessons' repositories work on the current community's rows only: the same
operations in two communities, and nothing of one is seen, changed or exported from the
other; the same make-up code exists in both (migration 32)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import Database, in_community
from storage.lessons.studies import StudyDesk

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
CODE = "123456"
TABLES = (
    "lessons",
    "lesson_recipients",
    "lesson_studies",
    "lesson_answers",
    "makeup_slots",
    "makeup_bookings",
    "home_deliveries",
)


@dataclass(frozen=True)
class Filled:
    """What one community's round of operations made."""

    member: int
    worker: int
    lesson: int
    slot: int


async def _person(db: Database, cid: int, tg_user_id: int, name: str) -> int:
    """A person of community ``cid`` (the people repository is scoped on its own)."""
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building="3号楼",
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        await session.conn.execute("UPDATE people SET community_id = ? WHERE id = ?", (cid, person))
    return person


async def _fill(db: Database, cid: int, tg_base: int) -> Filled:
    """Inside community ``cid``: a sent lesson with everything a member can do with it."""
    member = await _person(db, cid, tg_base + 1, "刘党员")
    worker = await _person(db, cid, tg_base + 2, "王网格员")
    async with db.transaction() as session:
        lesson = await session.lessons.create(
            title="学习二十大精神",
            body="正文",
            link=None,
            attachments=[],
            quiz=[],
            created_by=worker,
            now=NOW,
        )
        await session.lessons.set_audience(lesson, [member], NOW)
        # Sent as a push would send it (the push itself is the outbox's, not this test's).
        await session.conn.execute(
            "UPDATE lessons SET status = 'sent', sent_at = ? WHERE id = ?",
            ("2026-11-19T11:00:00.000000+00:00", lesson),
        )
        await session.lessons.add_recipients(lesson, [member], NOW)
        assert await session.lessons.mark_reminded(lesson, member, NOW)
        assert await session.lesson_studies.put_answer(lesson, member, 0, 1, True, NOW)
        await session.lesson_studies.put_score(lesson, member, 1, 1, NOW)
        slot = await session.makeup.add_slot(
            lesson, NOW + timedelta(days=2), "党群服务中心", 20, CODE, worker, NOW
        )
        assert slot is not None  # the same code as the other community's: no collision
        assert await session.makeup.book(slot, lesson, member, NOW)
        assert await session.makeup.set_attended(slot, member, True, worker, NOW)
        assert await session.home_deliveries.request_delivery(lesson, member, NOW)
        assert await session.home_deliveries.confirm_delivery(lesson, member, worker, NOW)
        await session.home_deliveries.set_delivery_photo(lesson, member, "photo-file")
    # The 已学习 desk runs in the database's thread: it is given its community.
    desk_member = await _person(db, cid, tg_base + 3, "赵党员")

    def study(conn: sqlite3.Connection) -> bool:
        desk = StudyDesk(conn, cid)
        assert desk.lesson(lesson) is not None
        desk.add_recipient(lesson, desk_member, NOW)
        assert desk.is_recipient(lesson, desk_member)
        return desk.put_study(lesson, desk_member, NOW, 0)

    assert await db.run_unit(study)
    return Filled(member, worker, lesson, slot)


async def _sees_only(db: Database, own: Filled, other: Filled, cid: int) -> None:
    """From the current community (``cid``): its own rows, and none of ``other``'s."""
    async with db.read() as session:
        lessons = session.lessons
        assert [row.id for row in await lessons.recent(10, sent_only=False)] == [own.lesson]
        assert [row.id for row in await lessons.recent(10, sent_only=True)] == [own.lesson]
        sent = await lessons.sent_between(NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert [row.id for row in sent] == [own.lesson]
        assert await lessons.get(other.lesson) is None
        assert await lessons.standings(other.lesson) == []
        assert await lessons.standing(other.lesson, other.member) is None
        assert not await lessons.is_recipient(other.lesson, other.member)
        standings = await lessons.standings(own.lesson)
        assert {s.person_id for s in standings} == {own.member, own.member + 2}
        mine = await lessons.standing(own.lesson, own.member)
        assert mine is not None and mine.outcome == "studied" and mine.slot_id == own.slot
        assert mine.delivered_at is not None and mine.reminded
        outcomes = await lessons.recent_outcomes(5)
        assert set(outcomes) == {own.member, own.member + 2}
        # The export of the other community's member from here holds nothing.
        assert all(rows == [] for rows in (await lessons.person_record(other.member)).values())
        record = await lessons.person_record(own.member)
        assert [row["lesson_id"] for row in record["received"]] == [own.lesson]
        assert all(len(rows) == 1 for rows in record.values())

        studies = session.lesson_studies
        assert await studies.study(other.lesson, other.member) is None
        assert await studies.answers(other.lesson, other.member) == {}
        assert await studies.study(own.lesson, own.member) is not None
        assert await studies.answers(own.lesson, own.member) == {0: True}

        makeup = session.makeup
        assert await makeup.slots(other.lesson) == []
        assert await makeup.slot(other.slot) is None
        assert await makeup.bookings(other.slot) == []
        (slot,) = await makeup.slots(own.lesson)
        assert slot.id == own.slot and slot.booked == 1
        by_code = await makeup.slot_by_code(CODE)
        assert by_code is not None and by_code.id == own.slot
        assert [b.person_id for b in await makeup.bookings(own.slot)] == [own.member]

        deliveries = session.home_deliveries
        assert await deliveries.delivery(other.lesson, other.member) is None
        delivery = await deliveries.delivery(own.lesson, own.member)
        assert delivery is not None and delivery.photo_file_id == "photo-file"

    def desk_reads(conn: sqlite3.Connection) -> tuple[bool, bool, int]:
        desk = StudyDesk(conn, cid)
        return (
            desk.lesson(other.lesson) is None,
            desk.is_recipient(other.lesson, other.member),
            desk.answered(other.lesson, other.member),
        )

    assert await db.run_unit(desk_reads) == (True, False, 0)


async def _changes_nothing_of(db: Database, other: Filled) -> None:
    """Writes aimed at ``other``'s ids from the current community change nothing."""
    async with db.transaction() as session:
        lessons = session.lessons
        await lessons.set_body(other.lesson, "改写", NOW)
        await lessons.add_correction(other.lesson, ["更正"], "改写", NOW)
        await lessons.set_audience(other.lesson, None, NOW)
        assert not await lessons.mark_sent(other.lesson, 1, NOW)
        assert not await lessons.mark_reminded(other.lesson, other.member, NOW)
        assert not await session.makeup.set_attended(other.slot, other.member, False, None, NOW)
        assert not await session.makeup.cancel_booking(other.slot, other.member)
        assert not await session.home_deliveries.confirm_delivery(
            other.lesson, other.member, other.worker, NOW
        )
        await session.home_deliveries.set_delivery_photo(other.lesson, other.member, "forged")
        # An upsert of a score on the other's key leaves the other's row alone.
        await session.lesson_studies.put_score(other.lesson, other.member, 0, 9, NOW)


async def test_two_communities_see_only_their_own_lessons(db: Database) -> None:
    async with db.transaction() as session:
        cid = await session.communities.create("和平社区", None, None, NOW)
    with in_community(1):
        first = await _fill(db, 1, 100)
    with in_community(cid):
        second = await _fill(db, cid, 200)

    with in_community(1):
        await _sees_only(db, first, second, 1)
        await _changes_nothing_of(db, second)
    with in_community(cid):
        await _sees_only(db, second, first, cid)
        await _changes_nothing_of(db, first)

    with in_community(cid):
        async with db.read() as session:
            lesson = await session.lessons.get(second.lesson)
            assert lesson is not None
            assert lesson.body == "正文" and lesson.corrections == ()
            assert lesson.audience == (second.member,)
            delivery = await session.home_deliveries.delivery(second.lesson, second.member)
            assert delivery is not None and delivery.photo_file_id == "photo-file"
            study = await session.lesson_studies.study(second.lesson, second.member)
            assert study is not None and study.questions == 1
            (booking,) = await session.makeup.bookings(second.slot)
            assert booking.attended_at is not None

    # Every row names its community: none of the second's fell back to the default 1.
    async with db.read() as session:
        for table in TABLES:
            async with session.conn.execute(
                f"SELECT community_id, count(*) FROM {table} GROUP BY community_id"
            ) as cur:
                counts = {int(row[0]): int(row[1]) for row in await cur.fetchall()}
            assert set(counts) == {1, cid}, table
            assert counts[1] == counts[cid], table


async def test_a_make_up_code_is_unique_within_its_community(db: Database) -> None:
    with in_community(1):
        first = await _fill(db, 1, 100)
        async with db.transaction() as session:
            again = await session.makeup.add_slot(
                first.lesson, NOW + timedelta(days=3), "另一处", 10, CODE, None, NOW
            )
        assert again is None  # the caller draws another code
