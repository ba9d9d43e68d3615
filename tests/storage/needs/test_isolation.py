"""Needs, offers and claims of two communities in one database: no list, count, lookup
by number or export of one shows anything of the other, and no write by a number of
one changes the other's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from storage import Database
from storage.scope import in_community
from storage.session import Session

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)


@dataclass(frozen=True)
class Side:
    """What one community holds."""

    community: int
    resident: int
    helper: int
    open_need: int
    claimed_need: int
    done_need: int
    offer: int
    claim: int
    agreed_claim: int


async def _person(session: Session, community: int, tg_user_id: int) -> int:
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
    # The register is another area's repository: place the person in their community
    # whether or not its insert writes the current one yet.
    await session.conn.execute(
        "UPDATE people SET community_id = ? WHERE id = ?", (community, person)
    )
    return person


async def _need(session: Session, resident: int, text: str, urgent: bool = False) -> int:
    return await session.needs.create(
        resident_id=resident,
        recorded_by=None,
        category="repair",
        building="3号楼",
        urgent=urgent,
        text=text,
        photo=None,
        voice=None,
        answer_due_at=NOW + timedelta(days=1),
        done_due_at=NOW + timedelta(days=7),
        now=NOW,
    )


async def _fill(db: Database, community: int, base: int) -> Side:
    """Three needs (open, claimed, done), an offer with a waiting and an agreed claim."""
    with in_community(community):
        async with db.transaction() as session:
            needs = session.needs
            resident = await _person(session, community, base + 1)
            helper = await _person(session, community, base + 2)
            open_need = await _need(session, resident, f"灯坏了{community}", urgent=True)
            claimed_need = await _need(session, resident, f"水管{community}")
            done_need = await _need(session, resident, f"门锁{community}")
            end = NOW + timedelta(days=6)
            assert await needs.claim(claimed_need, helper, DAY, end, NOW)
            assert await needs.claim(done_need, helper, DAY, end, NOW)
            assert await needs.finish(done_need, helper, NOW)
            offer = await needs.add_offer(helper, f"理发{community}", None, 3, NOW)
            claim = await needs.add_claim(offer, resident, resident, NOW)
            assert claim is not None
            agreed = await needs.add_claim(offer, helper, helper, NOW)
            assert agreed is not None
            assert await needs.decide_claim(agreed, True, None, NOW)
    return Side(
        community, resident, helper, open_need, claimed_need, done_need, offer, claim, agreed
    )


async def test_needs_offers_and_claims_stay_in_their_community(db: Database) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, NOW)
    first = await _fill(db, 1, 9000)
    second = await _fill(db, other, 9100)
    mine_ids = {first.open_need, first.claimed_need, first.done_need}

    for mine, theirs in ((first, second), (second, first)):
        with in_community(mine.community):
            async with db.read() as session:
                needs = session.needs
                rows, total = await needs.open_page(0, 10)
                assert [n.id for n in rows] == [mine.open_need]
                assert total == 1
                for need_id in (theirs.open_need, theirs.claimed_need, theirs.done_need):
                    assert await needs.by_id(need_id) is None
                need = await needs.by_id(mine.open_need)
                assert need is not None and need.text == f"灯坏了{mine.community}"
                assert await needs.of_resident(theirs.resident) == []
                assert len(await needs.of_resident(mine.resident)) == 3
                assert await needs.owned_by(theirs.helper) == []
                assert {n.id for n in await needs.owned_by(mine.helper)} == {
                    mine.claimed_need,
                    mine.done_need,
                }
                week = (NOW - timedelta(days=1), NOW + timedelta(days=1))
                posted = {n.id for n in await needs.posted_between(*week)}
                assert posted == {mine.open_need, mine.claimed_need, mine.done_need}
                assert await needs.offer(theirs.offer) is None
                offer = await needs.offer(mine.offer)
                assert offer is not None and offer.taken == 1
                assert [f.id for f in await needs.open_offers(NOW.date(), 0, 10)] == [mine.offer]
                assert [f.id for f in await needs.offers_between(*week)] == [mine.offer]
                assert await needs.claim_of_offer(theirs.claim) is None
                claim = await needs.claim_of_offer(mine.claim)
                assert claim is not None and claim.for_person == mine.resident
                # The export of the other's people from here holds nothing of theirs.
                for person in (theirs.resident, theirs.helper):
                    record = await needs.person_record(person)
                    assert all(rows == [] for rows in record.values()), record
                own = await needs.person_record(mine.resident)
                assert len(own["needs"]) == 3 and len(own["offer_claims"]) == 1
    assert mine_ids.isdisjoint({second.open_need, second.claimed_need, second.done_need})

    # Community 1 acting on community 2's numbers changes nothing of 2's.
    with in_community(first.community):
        async with db.transaction() as session:
            needs = session.needs
            end = NOW + timedelta(days=9)
            assert not await needs.claim(second.open_need, first.helper, DAY, end, NOW)
            assert not await needs.answer(second.open_need, first.helper, "冒名", NOW)
            assert not await needs.set_due(second.claimed_need, DAY, end)
            assert not await needs.finish(second.claimed_need, second.helper, NOW)
            assert not await needs.confirm(second.done_need, NOW)
            assert not await needs.reopen(second.done_need)
            assert not await needs.rate(second.done_need, 1, NOW)
            assert not await needs.back_from_matter(second.open_need)
            assert not await needs.mark_pushed(second.open_need, "unanswered", NOW)
            await needs.set_offer(second.open_need, first.offer)
            await needs.close_offer(second.offer)
            assert not await needs.decide_claim(second.claim, False, None, NOW)
    with in_community(second.community):
        async with db.read() as session:
            needs = session.needs
            need = await needs.by_id(second.open_need)
            assert need is not None
            assert (need.state, need.owner_id, need.reply, need.offer_id) == (
                "open",
                None,
                None,
                None,
            )
            claimed = await needs.by_id(second.claimed_need)
            assert claimed is not None and claimed.due_on == DAY and claimed.state == "claimed"
            done = await needs.by_id(second.done_need)
            assert done is not None and done.state == "done" and done.rating is None
            offer = await needs.offer(second.offer)
            assert offer is not None and offer.state == "open"
            claim = await needs.claim_of_offer(second.claim)
            assert claim is not None and claim.state == "asked"
            assert [n.id for n in (await needs.open_page(0, 10))[0]] == [second.open_need]
