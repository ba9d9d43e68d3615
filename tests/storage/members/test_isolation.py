"""The Party members' repositories keep each community's rows to itself (issue 12).

The same things are done in community 1 and in a second community; no list, count,
lookup by id or export of one holds anything of the other, a lookup of one's id from
the other finds nothing, and the year's appraisal exists in both (unique per community).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from storage import Database
from storage.scope import in_community
from storage.session import Session

NOW = datetime(2027, 7, 1, 2, 0, tzinfo=UTC)
YEAR = 2027


@dataclass(frozen=True)
class Made:
    """What one community's half of the test wrote."""

    member: int
    rater: int
    resident: int
    commitment: int
    appraisal: int
    token: str
    message: int


async def _person(session: Session, community: int, tg_user_id: int, name: str) -> int:
    person = await session.people.insert(
        tg_user_id=tg_user_id,
        display_name=name,
        tg_username=None,
        language="zh_Hans",
        building=None,
        grid_id=None,
        consent_at=NOW,
        now=NOW,
    )
    # The register is another repository's: make sure the row is this community's.
    await session.conn.execute(
        "UPDATE people SET community_id = ? WHERE id = ?", (community, person)
    )
    return person


async def _fill(session: Session, community: int, tag: str) -> Made:
    base = 1000 * community
    member = await _person(session, community, base + 1, f"{tag}党员")
    rater = await _person(session, community, base + 2, f"{tag}评议人")
    resident = await _person(session, community, base + 3, f"{tag}居民")
    members = session.members
    assert await members.birthdays.set_joined(member, date(2001, 7, 1))
    assert await members.birthdays.record_card(member, YEAR, 26, NOW)
    commitment = await members.commitments.submit(
        None, member, f"{tag}承诺", f"{tag}居民", date(YEAR, 12, 31), "13800000000", NOW
    )
    assert commitment is not None
    assert await members.commitments.approve(commitment, None, date(YEAR, 7, 1), NOW)
    await members.commitments.add_progress(commitment, member, f"{tag}进展", None, NOW)
    appraisal = await members.appraisal.open(YEAR, rater, NOW)
    assert appraisal is not None, "the year's appraisal is unique per community"
    await members.appraisal.set_self_grade(appraisal, member, "excellent", NOW)
    await members.appraisal.set_self_text(appraisal, member, f"{tag}自评", NOW)
    await members.appraisal.rate_peer(appraisal, rater, member, "competent", NOW)
    await members.appraisal.set_branch_grade(appraisal, member, "excellent", rater, NOW)
    await members.appraisal.set_branch_note(appraisal, member, f"{tag}评语", rater, NOW)
    await members.appraisal.rate_pledge(commitment, resident, "good", NOW)
    token = f"{tag}-token-0123456789abcdef"
    await members.inservice.put(
        member,
        employer=f"{tag}单位",
        party_org=f"{tag}党委",
        org_contact_name="李",
        org_contact=f"{tag}@example.org",
        post="楼栋长",
        building=None,
        commitment_id=commitment,
        token=token,
        now=NOW,
    )
    message = await members.inservice.add_message(member, resident, f"{tag}留言", NOW)
    await members.inservice.set_reply(message, f"{tag}回复", NOW)
    assert await members.appraisal.close(appraisal, rater, date(YEAR, 12, 20), NOW)
    return Made(member, rater, resident, commitment, appraisal, token, message)


def _text(value: object) -> str:
    return repr(value)


async def _sees_only_its_own(session: Session, mine: Made, theirs: Made, tag: str) -> None:
    """Inside one community: its rows, and nothing of the other's."""
    members = session.members
    other = "乙" if tag == "甲" else "甲"
    # Party birthdays.
    assert await members.birthdays.cards_of_year(YEAR) == {mine.member}
    assert not await members.birthdays.set_joined(theirs.member, date(1999, 1, 1))
    assert not await members.birthdays.record_card(theirs.member, YEAR + 1, 27, NOW)
    assert await members.birthdays.cards_of_year(YEAR + 1) == set()
    assert (await members.birthdays.person_record(theirs.member))["birthday_cards"] == []
    # Commitments.
    commitments = members.commitments
    assert [c.id for c in await commitments.every()] == [mine.commitment]
    assert [c.id for c in await commitments.in_state("approved")] == [mine.commitment]
    assert await commitments.by_id(theirs.commitment) is None
    assert await commitments.of_person(theirs.member) == []
    assert not await commitments.give_back(theirs.commitment, None, "x", NOW)
    assert not await commitments.approve(theirs.commitment, None, date(YEAR, 7, 2), NOW)
    assert not await commitments.finish(theirs.commitment, theirs.member, NOW)
    assert not await commitments.mark_reminded(theirs.commitment, NOW)
    assert (
        await commitments.submit(
            theirs.commitment, theirs.member, "x", "y", date(YEAR, 12, 1), None, NOW
        )
        is None
    )
    assert await commitments.progress(theirs.commitment) == []
    assert [p.text for p in await commitments.progress(mine.commitment)] == [f"{tag}进展"]
    assert await commitments.phones_given(theirs.member) == []
    assert await commitments.person_record(theirs.member) == {
        "commitments": [],
        "commitments_decided": [],
    }
    # The appraisal.
    appraisal = members.appraisal
    row = await appraisal.of_year(YEAR)
    assert row is not None and row.id == mine.appraisal
    assert await appraisal.by_id(theirs.appraisal) is None
    assert await appraisal.open(YEAR, None, NOW) is None  # one a year in each community
    assert not await appraisal.close(theirs.appraisal, None, date(YEAR, 12, 21), NOW)
    assert await appraisal.selves(theirs.appraisal) == {}
    assert await appraisal.given_by(theirs.appraisal, theirs.rater) == {}
    assert await appraisal.peer_counts(theirs.appraisal) == {}
    assert await appraisal.peer_total(theirs.appraisal) == 0
    assert await appraisal.branch(theirs.appraisal) == {}
    assert await appraisal.peer_total(mine.appraisal) == 1
    both = [mine.member, theirs.member]
    assert set(await appraisal.pledge_counts(both, YEAR)) == {mine.member}
    assert await appraisal.pledge_total(YEAR) == 1
    counts = await appraisal.commitment_counts(both, YEAR, date(YEAR, 12, 20))
    assert set(counts) == {mine.member}
    exported = await appraisal.person_record(mine.member)
    assert [r["year"] for r in exported["appraisal_rows"]] == [YEAR]
    assert other not in _text(exported)
    assert all(not rows for rows in (await appraisal.person_record(theirs.member)).values())
    assert all(not rows for rows in (await appraisal.person_record(theirs.rater)).values())
    # In-service members and their messages.
    inservice = members.inservice
    assert [r.person_id for r in await inservice.every()] == [mine.member]
    assert await inservice.of_person(theirs.member) is None
    assert await inservice.by_token(theirs.token) is None
    found = await inservice.by_token(mine.token)
    assert found is not None and found.person_id == mine.member
    assert await inservice.contacts_given(theirs.member) == []
    assert not await inservice.remove(theirs.member)
    assert await inservice.message(theirs.message) is None
    relayed = await inservice.message(mine.message)
    assert relayed is not None and relayed.reply == f"{tag}回复"
    await inservice.set_reply(theirs.message, "伪造", NOW)
    since, until = datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    assert await inservice.message_counts(theirs.member, since, until) == (0, 0)
    assert await inservice.message_counts(mine.member, since, until) == (1, 1)
    record = await inservice.person_record(mine.member)
    assert record["inservice"] is not None
    assert other not in _text(record)
    record = await inservice.person_record(theirs.member)
    assert record["inservice"] is None and record["inservice_messages_received"] == []
    # Registering "again" from the wrong community changes nothing of the other's.
    await inservice.put(
        theirs.member,
        employer="伪造",
        party_org="伪造",
        org_contact_name="伪造",
        org_contact="伪造",
        post="伪造",
        building=None,
        commitment_id=None,
        token="forged-token-0123456789",
        now=NOW,
    )


async def test_each_community_sees_only_its_own_members_rows(db: Database) -> None:
    async with db.transaction() as session:
        second = await session.communities.create("和平社区", None, None, NOW)
    async with db.transaction() as session:
        with in_community(1):
            first_made = await _fill(session, 1, "甲")
        with in_community(second):
            second_made = await _fill(session, second, "乙")
    async with db.transaction() as session:
        with in_community(1):
            await _sees_only_its_own(session, first_made, second_made, "甲")
        with in_community(second):
            await _sees_only_its_own(session, second_made, first_made, "乙")
    # What one community tried on the other's rows left them as they were.
    async with db.read() as session:
        with in_community(second):
            relayed = await session.members.inservice.message(second_made.message)
            assert relayed is not None and relayed.reply == "乙回复"
            record = await session.members.inservice.of_person(second_made.member)
            assert record is not None and record.employer == "乙单位"
            commitment = await session.members.commitments.by_id(second_made.commitment)
            assert commitment is not None and commitment.state == "approved"
            assert commitment.reminded_at is None


async def test_a_card_is_found_street_wide_only_for_its_community(db: Database) -> None:
    """The contact card's token is unique street-wide: the one unscoped lookup finds the
    card's community (so a passed-on card still reaches its member), nothing else."""
    async with db.transaction() as session:
        second = await session.communities.create("和平社区", None, None, NOW)
    async with db.transaction() as session:
        with in_community(second):
            made = await _fill(session, second, "乙")
    async with db.transaction() as session:
        inservice = session.members.inservice
        assert await inservice.street_wide_community_of_token(made.token) == second
        assert await inservice.street_wide_community_of_token("no-such-token-000000") is None
        assert await inservice.by_token(made.token) is None  # community 1 is current
        resident = await _person(session, 1, 77, "外社区居民")
        with in_community(second):
            message = await inservice.add_message(made.member, resident, "你好", NOW)
            relayed = await inservice.message(message)
        assert await inservice.message(message) is None
    assert relayed is not None
    assert relayed.resident_community == 1 and relayed.resident_name == "外社区居民"
