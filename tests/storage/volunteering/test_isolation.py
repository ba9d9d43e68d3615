"""Volunteer service and participation, two communities in one database: nothing of one
is listed, counted, exported or found by id from the other, and each may have a unit
of the same name and a unit on duty the same Friday (migration 33)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from storage import Database, in_community
from storage.participation import poll_book
from storage.volunteering.desk import CheckinDesk

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)
START = NOW - timedelta(minutes=30)
FRIDAY = "2026-11-20"
UNIT = "物业服务中心"


@dataclass(frozen=True)
class Community:
    """What one community's volunteering holds, by id."""

    cid: int
    person: int
    unit: int
    duty: int
    swap: int
    activity: int
    checkin: int
    vote: int


async def _move(db: Database, table: str, row_id: int, cid: int) -> None:
    """Put a row of another feature (people, matters, votes) in ``cid``: those features'
    repositories are not this test's subject."""
    async with db.transaction() as session:
        await session.conn.execute(
            f"UPDATE {table} SET community_id = ? WHERE id = ?",
            (cid, row_id),
        )


async def _populate(db: Database, cid: int, n: int) -> Community:
    """The same things in community ``cid``: a volunteer, a unit (always named UNIT) on
    duty on FRIDAY with a swap asked, a running activity they signed up to and checked in
    to (flagged, with a change), their location consent, and a vote they cast."""
    with in_community(cid):
        async with db.transaction() as session:
            person = await session.people.insert(
                tg_user_id=7000 + n,
                display_name=f"志愿者{n}",
                tg_username=None,
                language="zh_Hans",
                building=None,
                grid_id=None,
                consent_at=NOW,
                now=NOW,
            )
            matter = await session.matters.create(
                title=f"议题{n}", details="细节", raised_by=None, support_until=NOW, now=NOW
            )
            vote = await session.votes.create(
                matter_id=matter,
                kind="yes_no",
                options=("yes", "no", "abstain"),
                anonymous=False,
                salt=None,
                quorum=0,
                threshold="majority",
                opened_by=None,
                closes_at=NOW + timedelta(days=1),
                now=NOW,
            )
        await _move(db, "people", person, cid)
        await _move(db, "matters", matter, cid)
        await _move(db, "votes", vote, cid)
        async with db.transaction() as session:
            v = session.volunteering
            unit = await v.rota.add_unit(UNIT, person, NOW)
            await v.rota.set_member(person, unit, NOW)
            duty = await v.rota.add_duty(FRIDAY, unit, NOW)
            swap = await v.rota.ask_swap(duty, unit, person, NOW)
            activity = await v.activities.create_activity(
                series_id=None,
                title=f"清扫楼道{n}",
                description="",
                place="3号楼",
                latitude=None,
                longitude=None,
                radius_m=200,
                starts_at=START,
                ends_at=START + timedelta(hours=2),
                capacity=10,
                by_location=False,
                by_code=False,
                audience="volunteers",
                unit_id=unit,
                code_secret="secret",
                organiser_id=person,
                now=NOW,
            )
            await v.rota.set_duty_activity(duty, activity)
            await v.signups.put_signup(activity, person, "signed", NOW)
            checkin = await v.checkins.check_in(activity, person, NOW, "window")
            await v.checkins.check_out(checkin, NOW + timedelta(minutes=60), "self", 60, "ok")
            await v.checkins.give_location_consent(person, NOW)
            await v.records.add_change(
                checkin,
                at=NOW,
                by_id=person,
                action="adjust",
                old_minutes=60,
                new_minutes=60,
                reason="核对",
            )
        await db.run_unit(lambda conn: poll_book.mark(conn, vote, person, voted=True))
    return Community(cid, person, unit, duty, swap, activity, checkin, vote)


@pytest.fixture
async def two(db: Database) -> tuple[Community, Community]:
    async with db.transaction() as session:
        second = await session.communities.create("和平社区", None, None, NOW)
    return await _populate(db, 1, 1), await _populate(db, second, 2)


async def test_each_community_sees_only_its_own_volunteering(
    db: Database, two: tuple[Community, Community]
) -> None:
    for mine, other in (two, two[::-1]):
        with in_community(mine.cid):
            async with db.read() as session:
                v = session.volunteering
                assert [a.id for a in await v.activities.upcoming(NOW, 50)] == [mine.activity]
                running = await v.activities.running(NOW, NOW + timedelta(minutes=30))
                assert [a.id for a in running] == [mine.activity]
                recent = await v.activities.recent(NOW - timedelta(days=1), NOW)
                assert [a.id for a in recent] == [mine.activity]
                assert await v.activities.activity(other.activity) is None
                assert await v.signups.signup(other.activity, other.person) is None
                assert await v.signups.signups(other.activity, "signed") == []
                assert await v.signups.counts(other.activity) == (0, 0, 0)
                assert await v.signups.counts(mine.activity) == (1, 0, 1)
                assert await v.signups.person_signups(other.person, NOW) == []
                assert await v.signups.no_shows(other.activity) == []
                assert await v.checkins.checkin(other.checkin) is None
                assert await v.checkins.checkin_of(other.activity, other.person) is None
                assert await v.checkins.checkins(other.activity) == []
                assert [c.id for c, _ in await v.checkins.checkins(mine.activity)] == [mine.checkin]
                assert await v.checkins.still_open(other.activity) == []
                assert not await v.checkins.has_location_consent(other.person)
                assert await v.records.changes(other.checkin) == []
                assert len(await v.records.changes(mine.checkin)) == 1
                assert await v.records.attendance(other.activity) == []
                assert await v.records.person_minutes(other.person, None) == 0
                assert await v.records.person_minutes(mine.person, None) == 60
                period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
                by_person = await v.records.minutes_by_person(*period)
                assert [(h.key, h.minutes) for h in by_person] == [(mine.person, 60)]
                by_unit = await v.records.minutes_by_unit(*period)
                assert [(h.key, h.minutes) for h in by_unit] == [(mine.unit, 60)]
                record = await v.records.person_record(other.person)
                assert record == {
                    "signups": [],
                    "checkins": [],
                    "location_consent_at": None,
                    "unit": None,
                }
                own = await v.records.person_record(mine.person)
                assert [s["activity_id"] for s in own["signups"]] == [mine.activity]
                assert [c["activity_id"] for c in own["checkins"]] == [mine.activity]
                assert own["unit"] == UNIT
                assert [u.id for u in await v.rota.units()] == [mine.unit]
                assert await v.rota.unit(other.unit) is None
                assert await v.rota.unit_of(other.person) is None
                assert [d.id for d in await v.rota.duties_from(FRIDAY)] == [mine.duty]
                assert await v.rota.duty(other.duty) is None
                assert await v.rota.swap(other.swap) is None
                assert await v.rota.swap(mine.swap) is not None


async def test_the_same_unit_name_and_duty_day_in_two_communities(
    db: Database, two: tuple[Community, Community]
) -> None:
    first, second = two
    for c in two:
        with in_community(c.cid):
            async with db.read() as session:
                (unit,) = await session.volunteering.rota.units()
                (duty,) = await session.volunteering.rota.duties_from(FRIDAY)
            assert (unit.name, duty.day, duty.unit_name) == (UNIT, FRIDAY, UNIT)
    assert first.unit != second.unit and first.duty != second.duty
    # Within one community the name and the day are still taken.
    with in_community(second.cid):
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as session:
                await session.volunteering.rota.add_unit(UNIT, None, NOW)
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as session:
                await session.volunteering.rota.add_duty(FRIDAY, second.unit, NOW)


async def test_no_change_reaches_the_other_community(
    db: Database, two: tuple[Community, Community]
) -> None:
    first, second = two
    with in_community(second.cid):
        async with db.transaction() as session:
            v = session.volunteering
            await v.activities.set_card_push(first.activity, 1)
            assert not await v.checkins.check_out(first.checkin, NOW, "self", 999, "ok")
            await v.records.set_review(first.checkin, "rejected", 0)
            await v.signups.set_signup_state(first.activity, first.person, "cancelled", NOW)
            await v.rota.set_unit_contact(first.unit, None)
            await v.rota.set_skip(first.unit, True)
            await v.rota.set_last_duty(first.unit, "2000-01-07")
            await v.rota.set_duty_unit(first.duty, second.unit)
            await v.rota.set_duty_activity(first.duty, second.activity)
            await v.rota.move_activity_to_unit(first.activity, second.unit, None, "改名")
            assert not await v.rota.decide_swap(first.swap, "accepted", NOW)
            await v.rota.set_member(first.person, second.unit, NOW)
            await v.signups.put_signup(first.activity, first.person, "waiting", NOW)
    with in_community(first.cid):
        async with db.read() as session:
            v = session.volunteering
            activity = await v.activities.activity(first.activity)
            assert activity is not None
            assert (activity.card_push_id, activity.title, activity.unit_id) == (
                None,
                "清扫楼道1",
                first.unit,
            )
            checkin = await v.checkins.checkin(first.checkin)
            assert checkin is not None and (checkin.minutes, checkin.review) == (60, "ok")
            signup = await v.signups.signup(first.activity, first.person)
            assert signup is not None and signup.state == "signed"
            unit = await v.rota.unit(first.unit)
            assert unit is not None
            assert (unit.contact_id, unit.skip_next, unit.last_duty_on) == (
                first.person,
                False,
                None,
            )
            duty = await v.rota.duty(first.duty)
            assert duty is not None and (duty.unit_id, duty.activity_id) == (
                first.unit,
                first.activity,
            )
            assert await v.rota.swap(first.swap) == (first.duty, first.unit, "asked")
            assert await v.rota.unit_of(first.person) == first.unit


async def test_the_check_in_desk_works_for_the_community_it_is_given(
    db: Database, two: tuple[Community, Community]
) -> None:
    first, second = two

    def other_side(conn: sqlite3.Connection) -> tuple[object, ...]:
        desk = CheckinDesk(conn, second.cid)
        return (
            desk.open_for(first.person, NOW, NOW + timedelta(minutes=30)),
            desk.next_for(first.person, NOW - timedelta(days=1)),
            desk.open_checkins(first.person),
            desk.last_checkout(first.person, NOW - timedelta(days=1)),
            desk.has_any_checkin(first.person),
            desk.check_out(first.checkin, NOW, "self", 1, "ok"),
        )

    assert await db.run_unit(other_side) == ([], None, [], None, False, False)

    def own_side(conn: sqlite3.Connection) -> tuple[object, ...]:
        desk = CheckinDesk(conn, first.cid)
        opened = desk.open_for(first.person, NOW, NOW + timedelta(minutes=30))
        last = desk.last_checkout(first.person, NOW - timedelta(days=1))
        return [o.activity.id for o in opened], last is not None, desk.has_any_checkin(first.person)

    assert await db.run_unit(own_side) == ([first.activity], True, True)

    # A check-in the desk writes is its community's.
    def check_in(conn: sqlite3.Connection) -> int:
        return CheckinDesk(conn, second.cid).check_in(
            second.activity, first.person, NOW, "kiosk", recorded_by=second.person
        )

    made = await db.run_unit(check_in)
    with in_community(first.cid):
        async with db.read() as session:
            assert await session.volunteering.checkins.checkin(made) is None
    with in_community(second.cid):
        async with db.read() as session:
            assert await session.volunteering.checkins.checkin(made) is not None


async def test_participation_counts_and_awaits_only_the_own_community(
    db: Database, two: tuple[Community, Community]
) -> None:
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    for mine, other in (two, two[::-1]):
        with in_community(mine.cid):
            async with db.read() as session:
                p = session.participation
                found = await p.records.measures(*period, now=NOW, lesson_days=7)
                assert set(found) == {mine.person}
                assert found[mine.person]["minutes"] == 60
                assert found[mine.person]["votes"] == 1
                assert found[mine.person]["activities"] == 1
                assert (
                    await p.records.measures(
                        *period, now=NOW, lesson_days=7, person_id=other.person
                    )
                    == {}
                )
                assert await p.records.active_years(other.person) == []
                assert await p.records.active_years(mine.person) == ["2026"]
                assert await p.awaiting.open_votes(NOW) == [mine.vote]
                assert await p.awaiting.activities_signed(other.person, NOW) == []
                assert [
                    a.activity_id for a in await p.awaiting.activities_signed(mine.person, NOW)
                ] == []  # checked out already: nothing left to do
                assert await p.poll_book.voted(mine.vote, mine.person)
                assert not await p.poll_book.voted(other.vote, other.person)


async def test_the_poll_book_row_is_its_votes_community(
    db: Database, two: tuple[Community, Community]
) -> None:
    first, second = two
    async with (
        db.read() as session,
        session.conn.execute("SELECT vote_id, community_id FROM poll_book ORDER BY vote_id") as cur,
    ):
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [(first.vote, first.cid), (second.vote, second.cid)]
    # From the other community, a proxy's mark of this vote writes nothing.
    with in_community(second.cid):
        async with db.transaction() as session:
            await session.participation.poll_book.mark(first.vote, second.person)
    with in_community(first.cid):
        async with db.read() as session:
            assert not await session.participation.poll_book.voted(first.vote, second.person)
