"""Households of two communities in one database: the same building and door in both,
and nothing of one — a household, a lead, a member link, a visit, a count, an export —
seen or changed from the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.households import records
from storage import Database
from storage.scope import in_community
from storage.session import Session

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
DAY = date(2026, 11, 17)


@dataclass(frozen=True)
class Side:
    """What one community holds: its people, households, and a visit."""

    community: int
    resident: int
    member: int
    lead: int
    household: int
    added: int
    visit: int


async def _person(session: Session, community: int, tg_user_id: int, door: str | None) -> int:
    person = await session.people.insert(
        tg_user_id=tg_user_id,
        display_name=f"居民{tg_user_id}",
        tg_username=None,
        language="zh_Hans",
        building="3号楼",
        grid_id=None,
        consent_at=NOW,
        now=NOW,
    )
    await session.people.set_home(person, "3号楼", door)
    # The register is another area's repository: place the person in their community
    # whether or not its insert writes the current one yet.
    await session.conn.execute(
        "UPDATE people SET community_id = ? WHERE id = ?", (community, person)
    )
    return person


async def _fill(db: Database, community: int, base: int) -> Side:
    """The same households in a community: 3号楼 201 of the register, 5号楼 101 by hand."""
    with in_community(community):
        async with db.transaction() as session:
            repo = session.households
            resident = await _person(session, community, base + 1, "201")
            member = await _person(session, community, base + 2, None)
            lead = await _person(session, community, base + 3, None)
            key = records.household_key("3号楼", "201")
            assert key is not None
            await repo.ensure(key, "3号楼", "201", NOW)
            household = await repo.by_key(key)
            assert household is not None
            added_key = records.household_key("5号楼", "101")
            assert added_key is not None
            added = await repo.add(added_key, "5号楼", "101", None, "王奶奶", NOW)
            assert added is not None  # the other community's 5号楼 101 is no obstacle
            await repo.set_flags(household.id, [f"flag{community}"])
            await repo.set_contact(household.id, member)
            assert await repo.mark_lead(lead, NOW)
            await repo.link_member(lead, member, NOW)
            visit = await repo.add_visit(household.id, member, DAY, f"走访{community}", NOW)
    return Side(community, resident, member, lead, household.id, added, visit)


async def test_the_same_door_in_two_communities_stays_apart(db: Database) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, NOW)
    first = await _fill(db, 1, 9000)
    second = await _fill(db, other, 9100)

    for mine, theirs in ((first, second), (second, first)):
        with in_community(mine.community):
            async with db.read() as session:
                repo = session.households
                assert {h.id for h in await repo.every()} == {mine.household, mine.added}
                (home,) = [h for h in await repo.every() if h.id == mine.household]
                assert home.flags == (f"flag{mine.community}",)
                assert home.contact_id == mine.member
                assert home.last_visit == DAY
                assert await repo.by_id(theirs.household) is None
                assert await repo.by_id(theirs.added) is None
                key = records.household_key("3号楼", "201")
                assert key is not None
                found = await repo.by_key(key)
                assert found is not None and found.id == mine.household
                assert await repo.of_contact(theirs.member) == []
                assert await repo.contact_counts() == {mine.member: 1}
                assert await repo.leads() == [mine.lead]
                assert await repo.lead_of_members() == {mine.member: mine.lead}
                assert [v.id for v in await repo.visits_of(mine.household)] == [mine.visit]
                assert await repo.visits_of(theirs.household) == []
                assert [v.id for v in await repo.visits_between(DAY, DAY)] == [mine.visit]
                assert await repo.visit_counts([mine.member, theirs.member], DAY, DAY) == {
                    mine.member: 1,
                    theirs.member: 0,
                }
                residents = await repo.residents()
                assert {r.person_id for r in residents} == {mine.resident}
                assert await records.contact_member_for(session, mine.resident) == mine.member
                # The export of the other's member from here holds nothing of theirs.
                record = await repo.person_record(theirs.member, None)
                assert record["looked_after"] == []
                assert record["lead_household"] is None
                assert record["visits"] == []
                assert (await repo.person_record(theirs.lead, None))["lead_household_since"] is None
                own = await repo.person_record(mine.member, None)
                assert [v["note"] for v in own["visits"]] == [f"走访{mine.community}"]

    # Writes by the other community's ids change nothing there.
    with in_community(first.community):
        async with db.transaction() as session:
            repo = session.households
            await repo.set_flags(second.household, ["forged"])
            await repo.set_contact(second.household, None)
            await repo.delete(second.added)
            assert not await repo.unmark_lead(second.lead)
            assert not await repo.unlink_member(second.lead, second.member)
            await repo.forget_visit_notes(second.member)
    with in_community(second.community):
        async with db.read() as session:
            repo = session.households
            household = await repo.by_id(second.household)
            assert household is not None
            assert household.flags == (f"flag{second.community}",)
            assert household.contact_id == second.member
            assert await repo.by_id(second.added) is not None
            assert await repo.leads() == [second.lead]
            assert await repo.lead_of_members() == {second.member: second.lead}
            (visit,) = await repo.visits_of(second.household)
            assert visit.note == f"走访{second.community}"


async def test_a_household_key_is_unique_within_its_community(db: Database) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, NOW)
    key = records.household_key("5号楼", "101")
    assert key is not None
    for community in (1, other):
        with in_community(community):
            async with db.transaction() as session:
                assert await session.households.add(key, "5号楼", "101", None, None, NOW)
                assert await session.households.add(key, "5号楼", "101", None, None, NOW) is None
                await session.households.ensure(key, "5号楼", "101", NOW)
                assert len(await session.households.every()) == 1
