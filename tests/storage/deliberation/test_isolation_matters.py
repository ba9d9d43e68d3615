"""Two communities in one database: matters, supports and history, votes, ballots and
conventions, the paper voters' homes and sittings each see their own community's rows
only; a forged id of the other community finds (and changes) nothing; and each
community numbers its matters and its conventions from #1 and may sit at the same hour
as the other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import Database, in_community
from storage.deliberation.electorate import paper_homes, paper_homes_of
from storage.deliberation.votes import BallotBox
from storage.session import Session

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
SITS_AT = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)


async def _person(session: Session, cid: int, n: int) -> int:
    """A registered resident of community ``cid`` (the register is another slice's: its
    row is given the community by hand, which changes nothing once it writes it)."""
    person = await session.people.insert(
        tg_user_id=7000 + n,
        display_name=f"居民{n}",
        tg_username=None,
        language="zh_Hans",
        building=f"{n}号楼",
        grid_id=None,
        consent_at=NOW,
        now=NOW,
    )
    await session.conn.execute("UPDATE people SET community_id = ? WHERE id = ?", (cid, person))
    return person


@dataclass(frozen=True)
class World:
    """What one community did, by id."""

    cid: int
    raiser: int
    supporter: int
    matter: int
    second: int
    vote: int
    convention: int
    sitting: int


async def _build(db: Database, cid: int, n: int) -> World:
    """The same deliberation in community ``cid``: two matters raised, one supported,
    put on the agenda, voted on (one ballot), adopted as a convention; a sitting."""
    with in_community(cid):
        async with db.transaction() as s:
            raiser = await _person(s, cid, n)
            supporter = await _person(s, cid, n + 1)
            matter = await s.matters.create(
                title="楼道灯坏了",
                details="三楼的灯不亮",
                raised_by=raiser,
                support_until=NOW + timedelta(days=7),
                now=NOW,
            )
            second = await s.matters.create(
                title="垃圾分类",
                details="定时定点",
                raised_by=raiser,
                support_until=NOW + timedelta(days=7),
                now=NOW,
            )
            assert await s.matters.support(matter, supporter, NOW)
            await s.matters.add_event(matter, "raised", actor_id=raiser, now=NOW)
            await s.matters.put_on_agenda(matter, "session", SITS_AT, NOW)
            await s.matters.set_resolution(matter, "修灯", NOW)
            sitting = await s.sittings.ensure("session", SITS_AT)
            vote = await s.votes.create(
                matter_id=matter,
                kind="yes_no",
                options=("yes", "no"),
                anonymous=False,
                salt=None,
                quorum=0,
                threshold="majority",
                opened_by=None,
                closes_at=NOW + timedelta(days=1),
                now=NOW,
            )
            await s.votes.put_ballot(
                vote_id=vote, voter_key=f"p{supporter}", person_id=supporter, choice=(0,), now=NOW
            )
            await s.votes.close(
                vote, result="passed", tally={"counts": [1, 0]}, voters=1, closed_by=None, now=NOW
            )
            convention = await s.votes.add_convention(
                title="楼道公约",
                text="不堆杂物",
                matter_id=matter,
                vote_id=vote,
                amends=None,
                now=NOW,
            )
            await s.conn.execute(
                "INSERT INTO paper_voters (community_id, vote_id, sitting_id, person_id,"
                " marked_at) VALUES (?, ?, ?, ?, ?)",
                (cid, vote, sitting.id, raiser, NOW.isoformat()),
            )
    return World(cid, raiser, supporter, matter, second, vote, convention, sitting.id)


async def _two(db: Database) -> tuple[World, World]:
    async with db.transaction() as s:
        other = await s.communities.create("和平社区", None, None, NOW)
    return await _build(db, 1, 1), await _build(db, other, 11)


async def test_each_community_numbers_its_matters_from_one(db: Database) -> None:
    first, second = await _two(db)
    for world in (first, second):
        with in_community(world.cid):
            async with db.read() as s:
                one = await s.matters.by_number(1)
                two = await s.matters.by_number(2)
                assert one is not None and one.id == world.matter and one.number == 1
                assert two is not None and two.id == world.second and two.number == 2
                assert await s.matters.by_number(3) is None
                assert await s.matters.numbers([first.matter, second.matter]) == {world.matter: 1}
    # Two matters #1, by two communities' ids: the ids differ, the numbers do not.
    assert first.matter != second.matter


async def test_each_community_numbers_its_conventions_from_one(db: Database) -> None:
    first, second = await _two(db)
    # Two conventions #1, by two communities' ids: the ids differ, the numbers do not.
    assert first.convention != second.convention
    with in_community(second.cid):
        async with db.transaction() as s:
            (own,) = await s.votes.conventions()
            assert (own.id, own.number) == (second.convention, 1)
            # An amendment is the community's #2 and names #1, whatever the ids are.
            amendment = await s.votes.add_convention(
                title="楼道公约（修订）",
                text="不堆杂物，不停电动车",
                matter_id=second.second,
                vote_id=second.vote,
                amends=second.convention,
                now=NOW,
            )
            added = await s.votes.convention(amendment)
            assert added is not None
            assert (added.number, added.amends, added.amends_number) == (
                2,
                second.convention,
                1,
            )
            superseded = await s.votes.convention(second.convention)
            assert superseded is not None
            assert (superseded.superseded_by, superseded.superseded_by_number) == (amendment, 2)
            assert [(c.number, c.amends_number) for c in await s.votes.conventions()] == [
                (2, 1),
                (1, None),
            ]
            ledger = await s.ledger.conventions(NOW - timedelta(days=1), NOW + timedelta(days=1))
            assert [(c.number, c.amends_number, c.superseded_by_number) for c in ledger] == [
                (1, None, 2),
                (2, 1, None),
            ]
    with in_community(first.cid):
        async with db.read() as s:
            (own,) = await s.votes.conventions()
            assert (own.id, own.number, own.superseded_by) == (first.convention, 1, None)


async def test_matters_lists_and_lookups_see_their_own_community(db: Database) -> None:
    first, second = await _two(db)
    for mine, theirs in ((first, second), (second, first)):
        with in_community(mine.cid):
            async with db.read() as s:
                assert [m.id for m in await s.matters.open()] == [mine.matter, mine.second]
                assert [m.id for m in await s.matters.unfinished()] == [mine.matter, mine.second]
                assert [m.id for m in await s.matters.resolved(0, 10)] == [mine.matter]
                assert await s.matters.count_resolved() == 1
                own = await s.matters.get(mine.matter)
                assert own is not None and own.supports == 1 and own.number == 1
                assert await s.matters.get(theirs.matter) is None
                assert await s.matters.events(theirs.matter) == []
                assert [e.kind for e in await s.matters.events(mine.matter)] == ["raised"]
                assert not await s.matters.has_supported(theirs.matter, theirs.supporter)
                assert await s.matters.has_supported(mine.matter, mine.supporter)
                assert await s.matters.merged_from(theirs.matter) == []
                record = await s.matters.person_record(theirs.raiser)
                assert all(rows == [] for rows in record.values())
                record = await s.matters.person_record(mine.raiser)
                assert [m["id"] for m in record["matters_raised"]] == [mine.matter, mine.second]


async def test_a_forged_matter_id_changes_nothing_of_the_other_community(db: Database) -> None:
    first, second = await _two(db)
    with in_community(second.cid):
        async with db.transaction() as s:
            await s.matters.set_stage(first.matter, "withdrawn", NOW)
            await s.matters.withdraw(first.second, "伪造", NOW)
            await s.matters.set_kind(first.matter, "convention", NOW)
            await s.matters.set_resolution(first.matter, "伪造", NOW)
            await s.matters.put_on_agenda(first.second, "talk_day", NOW, NOW)
            await s.matters.set_card_push(first.matter, 1)
            assert not await s.matters.support(first.second, second.supporter, NOW)
            await s.matters.add_event(first.matter, "forged", actor_id=None, now=NOW)
            # Merging one's own matter into the other community's: nothing moves.
            assert await s.matters.merge_into(second.second, first.matter, NOW) == 0
            still = await s.matters.get(second.second)
            assert still is not None and still.stage == "raised" and still.merged_into is None
    with in_community(first.cid):
        async with db.read() as s:
            matter = await s.matters.get(first.matter)
            other = await s.matters.get(first.second)
            assert matter is not None and other is not None
            assert (matter.stage, matter.kind, matter.resolution) == ("agenda", "matter", "修灯")
            assert matter.card_push_id is None and matter.supports == 1
            assert (other.stage, other.withdrawn_reason, other.supports) == ("raised", None, 0)
            assert [e.kind for e in await s.matters.events(first.matter)] == ["raised"]


async def test_merging_within_a_community_moves_supports_and_numbers(db: Database) -> None:
    _, second = await _two(db)
    with in_community(second.cid):
        async with db.transaction() as s:
            assert await s.matters.merge_into(second.matter, second.second, NOW) == 1
            assert await s.matters.merged_from(second.second) == [1]
            merged = await s.matters.get(second.matter)
            assert merged is not None and merged.merged_into == second.second
            assert merged.merged_into_number == 2


async def test_votes_ballots_and_conventions_see_their_own_community(db: Database) -> None:
    first, second = await _two(db)
    for mine, theirs in ((first, second), (second, first)):
        with in_community(mine.cid):
            async with db.transaction() as s:
                assert await s.votes.get(theirs.vote) is None
                assert await s.votes.for_matter(theirs.matter) == []
                assert [v.id for v in await s.votes.for_matter(mine.matter)] == [mine.vote]
                assert await s.votes.ballot(theirs.vote, f"p{theirs.supporter}") is None
                assert await s.votes.voter_keys(theirs.vote) == set()
                assert await s.votes.choice_counts(theirs.vote) == []
                assert await s.votes.voter_keys(mine.vote) == {f"p{mine.supporter}"}
                assert [c.id for c in await s.votes.conventions()] == [mine.convention]
                assert await s.votes.convention(theirs.convention) is None
                # A forged ballot or close into the other's vote records nothing.
                await s.votes.put_ballot(
                    vote_id=theirs.vote, voter_key="forged", person_id=None, choice=(1,), now=NOW
                )
                await s.votes.delete_ballot(theirs.vote, f"p{theirs.supporter}")
                assert not await s.votes.close(
                    theirs.vote, result="rejected", tally={}, voters=0, closed_by=None, now=NOW
                )
                assert await s.votes.open_votes() == []
        with in_community(theirs.cid):
            async with db.read() as s:
                assert await s.votes.voter_keys(theirs.vote) == {f"p{theirs.supporter}"}
                vote = await s.votes.get(theirs.vote)
                assert vote is not None and vote.result == "passed"


Seen = tuple[bool, bool, list[tuple[str | None, str | None]]]


def _box_unit(cid: int, vote: int) -> Callable[[sqlite3.Connection], Seen]:
    """A one-hop unit casting a ballot through community ``cid``'s box: whether it found
    the vote and the ballot after, and the paper voters' homes it sees."""

    def unit(conn: sqlite3.Connection) -> Seen:
        box = BallotBox(conn, cid)
        box.put_ballot(vote, "box", None, (0,), NOW)
        return (
            box.vote(vote) is not None,
            box.ballot(vote, "box") is not None,
            paper_homes(conn, vote, cid),
        )

    return unit


async def test_the_ballot_box_and_paper_homes_take_the_community_they_are_given(
    db: Database,
) -> None:
    first, second = await _two(db)
    # Community 2's box, asked for community 1's vote: no vote, no ballot, no homes.
    assert await db.run_unit(_box_unit(second.cid, first.vote)) == (False, False, [])
    assert await db.run_unit(_box_unit(second.cid, second.vote)) == (True, True, [("11号楼", None)])
    with in_community(first.cid):
        async with db.read() as s:
            assert await s.votes.ballot(first.vote, "box") is None
            assert await paper_homes_of(s.conn, first.vote) == [("1号楼", None)]
            assert await paper_homes_of(s.conn, second.vote) == []


async def test_sittings_see_their_own_community_and_share_an_hour(db: Database) -> None:
    first, second = await _two(db)
    # The same forum at the same hour: one sitting in each community.
    assert first.sitting != second.sitting
    for mine, theirs in ((first, second), (second, first)):
        with in_community(mine.cid):
            async with db.transaction() as s:
                assert await s.sittings.get(theirs.sitting) is None
                own = await s.sittings.get(mine.sitting)
                assert own is not None
                assert (await s.sittings.ensure("session", SITS_AT)).id == mine.sitting
                window = (SITS_AT - timedelta(days=1), SITS_AT + timedelta(days=1))
                assert [x.id for x in await s.sittings.starting_between(*window)] == [mine.sitting]
                latest = await s.sittings.latest_started(SITS_AT)
                assert latest is not None and latest.id == mine.sitting
                later = await s.sittings.ensure("session", SITS_AT + timedelta(days=7))
                previous = await s.sittings.previous(later)
                assert previous is not None and previous.id == mine.sitting
                assert [m.id for m in await s.sittings.agenda("session", SITS_AT)] == [mine.matter]
                raised = await s.sittings.raised_between(NOW - timedelta(days=1), SITS_AT)
                assert [m.id for m in raised] == [mine.matter, mine.second]
                assert await s.sittings.last_closed_vote(theirs.matter) is None
                closed = await s.sittings.last_closed_vote(mine.matter)
                assert closed is not None and closed.id == mine.vote
                # A forged sitting id of the other community changes nothing.
                await s.sittings.set_notes(theirs.sitting, "伪造")
                await s.sittings.mark_opened(theirs.sitting, NOW)
                await s.sittings.mark_agenda_posted(theirs.sitting, NOW)
                await s.sittings.mark_closed(theirs.sitting, NOW)
        with in_community(theirs.cid):
            async with db.read() as s:
                sitting = await s.sittings.get(theirs.sitting)
                assert sitting is not None
                assert (sitting.notes, sitting.opened_at, sitting.closed_at) == (None, None, None)
                assert sitting.agenda_posted_at is None
