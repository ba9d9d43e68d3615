"""Two communities in one database: discussion, minutes, attendance and paper counts,
carrying out (progress, referrals, ratings), the supervision group, conventions and the
ledger's queries each see their own community's rows only, and a forged id of the
other community finds (and changes) nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import Database, in_community
from storage.deliberation.attendance import PAPER_RESIDENT, PERSON, is_paper_voter
from storage.session import Session

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
PERIOD = (NOW - timedelta(days=30), NOW + timedelta(days=30))

#: Rows written by repositories this test does not cover (the register, matters, votes,
#: sittings, conventions): they get the community they were made in, by hand. Once those
#: repositories write ``community_id`` themselves this changes nothing.
_CLAIMS = {
    "people": "id",
    "person_roles": "person_id",
    "paper_residents": "id",
    "matters": "id",
    "matter_supports": "matter_id",
    "sittings": "id",
    "votes": "id",
    "ballots": "vote_id",
    "conventions": "id",
}


async def _claim(session: Session, table: str, row_id: int, cid: int) -> None:
    column = _CLAIMS[table]
    await session.conn.execute(
        f"UPDATE {table} SET community_id = ? WHERE {column} = ?",
        (cid, row_id),
    )


@dataclass(frozen=True)
class World:
    """What one community did, by id."""

    cid: int
    resident: int
    paper_resident: int
    matter: int
    major: int
    comment: int
    sitting: int
    vote: int
    convention: int
    progress: int
    referral: int
    term: int


async def _build(db: Database, cid: int, n: int) -> World:
    """The same deliberation loop in community ``cid`` (``n`` keeps Telegram ids and
    sitting times apart: those belong to other slices' repositories)."""
    with in_community(cid):
        async with db.transaction() as s:
            resident = await s.people.insert(
                tg_user_id=9000 + n,
                display_name=f"居民{n}",
                tg_username=None,
                language="zh_Hans",
                building=f"{n}号楼",
                grid_id=None,
                consent_at=NOW,
                now=NOW,
            )
            await _claim(s, "people", resident, cid)
            await s.people.grant(resident, "resident", None, NOW)
            await _claim(s, "person_roles", resident, cid)
            paper = await s.people.add_paper_resident(
                display_name=f"纸面{n}",
                building=f"{n}号楼",
                grid_id=None,
                entered_by=resident,
                now=NOW,
            )
            await _claim(s, "paper_residents", paper, cid)
            matter = await s.matters.create(
                title=f"加装电梯{n}",
                details="说明",
                raised_by=resident,
                support_until=NOW + timedelta(days=7),
                now=NOW,
            )
            await _claim(s, "matters", matter, cid)
            await s.matters.support(matter, resident, NOW)
            await _claim(s, "matter_supports", matter, cid)
            major = await s.matters.create(
                title=f"改造广场{n}",
                details="说明",
                raised_by=resident,
                support_until=NOW + timedelta(days=7),
                now=NOW,
            )
            await _claim(s, "matters", major, cid)
            await s.matters.set_stage(major, "acceptance", NOW)

            # Discussion.
            comment = await s.comments.add(matter, resident, f"同意{n}", NOW)
            await s.comments.add(matter, resident, f"再议{n}", NOW)
            assert await s.comments.toggle_support(comment, resident, NOW)

            # A sitting: minutes, attendance, check-in code, paper ballots.
            sitting_row = await s.sittings.ensure("session", NOW - timedelta(hours=n))
            sitting = sitting_row.id
            await _claim(s, "sittings", sitting, cid)
            await s.sittings.mark_opened(sitting, NOW - timedelta(hours=n))
            await s.minutes.set_officer(sitting, "chair", resident, None, resident, NOW)
            await s.minutes.set_officer(sitting, "recorder", None, f"记录员{n}", resident, NOW)
            assert await s.minutes.toggle_excerpt(sitting, comment, resident, NOW)
            await s.attendance.set_present(sitting, PAPER_RESIDENT, paper, True, resident, NOW)
            assert await s.attendance.check_in_self(sitting, resident, NOW)
            await s.attendance.set_guests(sitting, n, resident, NOW)
            assert await s.attendance.keep_code_secret(sitting, f"secret{n}") == f"secret{n}"
            vote = await s.votes.create(
                matter_id=matter,
                kind="yes_no",
                options=("赞成", "反对"),
                anonymous=False,
                salt=None,
                quorum=0,
                threshold="majority",
                opened_by=resident,
                closes_at=NOW + timedelta(days=1),
                now=NOW,
            )
            await _claim(s, "votes", vote, cid)
            await s.votes.put_ballot(
                vote_id=vote,
                voter_key=f"w{paper}",
                person_id=None,
                choice=(0,),
                now=NOW,
                recorded_by=resident,
                proxy_reason="行动不便",
                paper_resident_id=paper,
            )
            await _claim(s, "ballots", vote, cid)
            await s.attendance.set_paper_voter(vote, sitting, PERSON, resident, True, resident, NOW)
            await s.attendance.put_paper_count(
                vote_id=vote,
                sitting_id=sitting,
                counts=(n, 0),
                ballots=n,
                counter_id=resident,
                counter_name=None,
                witness_id=None,
                witness_name=f"见证{n}",
                entered_by=resident,
                now=NOW,
            )
            convention = await s.votes.add_convention(
                title=f"公约{n}", text="文", matter_id=matter, vote_id=vote, amends=None, now=NOW
            )
            await _claim(s, "conventions", convention, cid)

            # Carrying out.
            await s.carrying.assign(
                matter,
                owner_kind="resident",
                owner_person_id=resident,
                owner_name=None,
                due_at=NOW - timedelta(days=1),
                now=NOW,
            )
            progress = await s.carrying.add_progress(
                matter,
                person_id=resident,
                percent=40,
                text=f"进展{n}",
                photo_file_id=None,
                now=NOW,
            )
            referral = await s.carrying.refer(
                matter,
                department=f"街道{n}",
                request="请协调",
                referred_by=resident,
                due_at=NOW - timedelta(hours=1),
                now=NOW,
            )
            assert await s.carrying.rate(matter, resident, "satisfied", NOW)
            await s.carrying.set_major(major, True, NOW)
            term = await s.carrying.create_term(
                starts_at=NOW - timedelta(days=1),
                ends_at=NOW + timedelta(days=365),
                method="appointed",
                created_by=resident,
                now=NOW,
            )
            await s.carrying.add_supervisor(term, resident)
            assert await s.carrying.sign_off(major, resident, "accepted", NOW)
            assert await s.carrying.set_acceptance_note(major, resident, f"验收{n}")
    return World(
        cid,
        resident,
        paper,
        matter,
        major,
        comment,
        sitting,
        vote,
        convention,
        progress,
        referral,
        term,
    )


async def _worlds(db: Database) -> tuple[World, World]:
    async with db.transaction() as s:
        other = await s.communities.create("和平社区", None, None, NOW)
    return await _build(db, 1, 1), await _build(db, other, 2)


async def _check_discussion_and_minutes(s: Session, own: World, other: World) -> None:
    comments = await s.comments.of_matter(own.matter)
    assert [c.text for c in comments] == [f"同意{_n(own)}", f"再议{_n(own)}"]
    assert await s.comments.of_matter(other.matter) == []
    assert await s.comments.get(other.comment) is None
    assert await s.comments.position(other.comment) == 0
    assert await s.comments.position(own.comment) == 1
    assert await s.comments.support_counts(own.matter) == {own.comment: 1}
    assert await s.comments.support_counts(other.matter) == {}
    assert not await s.comments.toggle_support(other.comment, own.resident, NOW)
    assert not await s.comments.hide(other.comment, own.resident, "越界", NOW)

    officers = await s.minutes.officers(own.sitting)
    assert officers["recorder"].name == f"记录员{_n(own)}"
    assert officers["chair"].person_id == own.resident
    assert await s.minutes.officers(other.sitting) == {}
    assert await s.minutes.excerpts(own.sitting) == {own.comment}
    assert await s.minutes.excerpts(other.sitting) == set()
    # Another community's comment cannot be quoted, nor its sitting's officers replaced.
    assert not await s.minutes.toggle_excerpt(own.sitting, other.comment, own.resident, NOW)
    assert await s.minutes.excerpts(own.sitting) == {own.comment}
    await s.minutes.set_officer(other.sitting, "chair", None, "冒名", own.resident, NOW)


async def _check_attendance(s: Session, own: World, other: World) -> None:
    a = s.attendance
    members = {(m.kind, m.id) for m in await a.members()}
    assert members == {(PERSON, own.resident), (PAPER_RESIDENT, own.paper_resident)}
    assert await a.member(PERSON, other.resident) is None
    assert await a.member(PAPER_RESIDENT, other.paper_resident) is None
    present = {(m.kind, m.id) for m in await a.present(own.sitting)}
    assert present == {(PERSON, own.resident), (PAPER_RESIDENT, own.paper_resident)}
    assert await a.present(other.sitting) == []
    guests = await a.guests(own.sitting)
    assert guests is not None and guests.count == _n(own)
    assert await a.guests(other.sitting) is None
    assert await a.code_secret(own.sitting) == f"secret{_n(own)}"
    assert await a.code_secret(other.sitting) is None
    assert [m.id for m in await a.paper_voters(own.vote)] == [own.resident]
    assert await a.paper_voters(other.vote) == []
    assert await a.is_paper_voter(own.vote, PERSON, own.resident)
    assert not await a.is_paper_voter(other.vote, PERSON, other.resident)
    assert await a.paper_votes_of(own.sitting, PERSON, own.resident) == 1
    assert await a.paper_votes_of(other.sitting, PERSON, other.resident) == 0
    count = await a.paper_count(own.vote)
    assert count is not None and count.counts == (_n(own), 0)
    assert await a.paper_count(other.vote) is None
    assert set(await a.paper_counts_of([own.vote, other.vote])) == {own.vote}
    assert await a.counted_at(own.sitting) == [own.vote]
    assert await a.counted_at(other.sitting) == []
    assert await a.open_sitting_id(NOW) == own.sitting
    assert [v.id for v in await a.open_votes()] == [own.vote]
    # Forged ids of the other community change nothing of theirs.
    await a.set_guests(other.sitting, 99, own.resident, NOW)
    await a.set_present(other.sitting, PERSON, other.resident, False, own.resident, NOW)
    await a.set_paper_voter(other.vote, other.sitting, PERSON, other.resident, False, None, NOW)
    await a.put_paper_count(
        vote_id=other.vote,
        sitting_id=own.sitting,
        counts=(99, 99),
        ballots=198,
        counter_id=None,
        counter_name="冒名",
        witness_id=None,
        witness_name=None,
        entered_by=own.resident,
        now=NOW,
    )


async def _check_carrying(s: Session, own: World, other: World) -> None:
    c = s.carrying
    assert [p.id for p in await c.progress_reports(own.matter)] == [own.progress]
    assert await c.progress_reports(other.matter) == []
    assert [m.id for m in await c.overdue_matters(NOW)] == [own.matter]
    assert await c.awaiting_acceptance() == [own.major]
    assert await c.supporter_ids(own.matter) == [own.resident]
    assert await c.supporter_ids(other.matter) == []
    referral = await c.referral(own.referral)
    assert referral is not None and referral.department == f"街道{_n(own)}"
    assert await c.referral(other.referral) is None
    assert [r.id for r in await c.open_referrals()] == [own.referral]
    assert [r.id for r in await c.overdue_referrals(NOW)] == [own.referral]
    assert [r.id for r in await c.referrals_of(own.matter)] == [own.referral]
    assert await c.referrals_of(other.matter) == []
    assert await c.rating_counts(own.matter) == {"satisfied": 1}
    assert await c.rating_counts(other.matter) == {}
    # Both communities have a supervision group running at the same time.
    current = await c.current_term(NOW)
    assert current is not None and current.id == own.term
    latest = await c.latest_term()
    assert latest is not None and latest.id == own.term
    assert await c.term_members(own.term) == [own.resident]
    assert await c.term_members(other.term) == []
    assert [(a.person_id, a.note) for a in await c.acceptances(own.major)] == [
        (own.resident, f"验收{_n(own)}")
    ]
    assert await c.acceptances(other.major) == []
    # Forged ids of the other community change nothing of theirs.
    assert not await c.answer_referral(other.referral, answer="冒名", recorded_by=None, now=NOW)
    assert not await c.set_acceptance_note(other.major, other.resident, "冒名")
    await c.mark_referral_reminded(other.referral, NOW)
    await c.add_supervisor(other.term, own.resident)
    await c.end_term(other.term, NOW)
    await c.mark_done(other.matter, NOW)
    await c.set_major(other.major, False, NOW)
    await c.mark_overdue_reminded(other.matter, NOW)
    await c.clear_acceptances(other.major)
    await c.assign(
        other.matter,
        owner_kind="team",
        owner_person_id=None,
        owner_name="冒名",
        due_at=NOW,
        now=NOW,
    )


async def _check_ledger(s: Session, own: World, other: World) -> None:
    ledger = s.ledger
    matters = await ledger.matters(*PERIOD)
    assert [m.id for m in matters] == [own.matter, own.major]
    assert matters[0].supports == 1 and matters[0].comments == 2
    assert matters[1].accepted_by == (f"居民{_n(own)}",)
    assert [v.id for v in await ledger.votes(*PERIOD)] == [own.vote]
    assert [b.vote_id for b in await ledger.public_ballots(*PERIOD)] == [own.vote]
    assert [b.vote_id for b in await ledger.proxy_ballots(*PERIOD)] == [own.vote]
    assert [c.id for c in await ledger.conventions(*PERIOD)] == [own.convention]
    assert [p.text for p in await ledger.progress(*PERIOD)] == [f"进展{_n(own)}"]
    assert [r.id for r in await ledger.referrals(*PERIOD)] == [own.referral]


def _n(world: World) -> int:
    return 1 if world.cid == 1 else 2


async def _check(db: Database, own: World, other: World) -> None:
    with in_community(own.cid):
        async with db.transaction() as s:
            await _check_discussion_and_minutes(s, own, other)
            await _check_attendance(s, own, other)
            await _check_carrying(s, own, other)
            await _check_ledger(s, own, other)


async def test_each_community_sees_only_its_own_deliberation_records(db: Database) -> None:
    first, second = await _worlds(db)
    await _check(db, first, second)
    # The forged writes from community 1 changed nothing of community 2's: its checks
    # (which read every one of those rows) still pass, and then the other way round.
    await _check(db, second, first)
    await _check(db, first, second)


async def test_the_ballot_threads_paper_voter_check_is_of_the_community_passed(
    db: Database,
) -> None:
    first, second = await _worlds(db)

    def check(conn: sqlite3.Connection) -> tuple[bool, bool, bool]:
        return (
            is_paper_voter(conn, first.cid, first.vote, PERSON, first.resident),
            is_paper_voter(conn, second.cid, first.vote, PERSON, first.resident),
            is_paper_voter(conn, first.cid, second.vote, PERSON, second.resident),
        )

    assert await db.run_read(check) == (True, False, False)


async def test_a_hidden_comment_of_one_community_stays_shown_in_the_other(db: Database) -> None:
    first, second = await _worlds(db)
    with in_community(first.cid):
        async with db.transaction() as s:
            assert await s.comments.hide(first.comment, first.resident, "不文明", NOW)
    with in_community(second.cid):
        async with db.read() as s:
            shown = await s.comments.get(second.comment)
    assert shown is not None and not shown.hidden
