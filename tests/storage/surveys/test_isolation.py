"""The surveys' repository works on the current community's rows only: the same surveys,
recipients and answers in two communities, and nothing of one is seen, changed or
exported from the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import Database, in_community

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
QUESTIONS = [{"kind": "choice", "text": "满意吗？", "options": ["满意", "不满意"]}]


@dataclass(frozen=True)
class Filled:
    """What one community's round of operations made."""

    resident: int
    secretary: int
    survey: int
    anonymous: int


async def _person(db: Database, cid: int, tg_user_id: int, building: str) -> int:
    """A resident of community ``cid`` (the people repository is scoped on its own)."""
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name="张阿姨",
            tg_username=None,
            language="zh_Hans",
            building=building,
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        await session.conn.execute("UPDATE people SET community_id = ? WHERE id = ?", (cid, person))
        await session.people.grant(person, "resident", None, NOW)
        await session.conn.execute(
            "UPDATE person_roles SET community_id = ? WHERE person_id = ?", (cid, person)
        )
    return person


async def _fill(db: Database, cid: int, tg_base: int, building: str) -> Filled:
    """Inside community ``cid``: a named survey and an anonymous one, sent and answered."""
    resident = await _person(db, cid, tg_base + 1, building)
    secretary = await _person(db, cid, tg_base + 2, building)
    async with db.transaction() as session:
        surveys = session.surveys
        survey = await surveys.create(
            title="楼道照明",
            subject="物业",
            questions=QUESTIONS,
            audience={"kind": "residents"},
            anonymous=False,
            salt=None,
            created_by=secretary,
            closes_at=NOW + timedelta(days=7),
            now=NOW,
        )
        anonymous = await surveys.create(
            title="匿名测评",
            subject="居委会",
            questions=QUESTIONS,
            audience={"kind": "residents"},
            anonymous=True,
            salt="secret",
            created_by=secretary,
            closes_at=NOW + timedelta(days=7),
            now=NOW,
        )
        for sid in (survey, anonymous):
            await surveys.add_recipients(sid, [resident])
        await surveys.set_schedule(survey, 7)
        await surveys.set_response(survey, "下周修好", secretary, NOW)
        assert not await surveys.put_answer(survey, 0, f"p{resident}", resident, choice=(0,))
        assert await surveys.put_answer(survey, 0, f"p{resident}", resident, choice=(1,))
        assert not await surveys.put_answer(anonymous, 0, "hash-key", None, text="好")
    return Filled(resident, secretary, survey, anonymous)


async def _sees_only(db: Database, own: Filled, other: Filled, building: str) -> None:
    """From the current community: its own surveys, and none of ``other``'s."""
    async with db.read() as session:
        surveys = session.surveys
        assert [s.id for s in await surveys.latest(10)] == [own.anonymous, own.survey]
        between = await surveys.sent_between(NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert [s.id for s in between] == [own.survey, own.anonymous]
        assert [s.id for s in await surveys.open_for(own.resident)] == [own.survey, own.anonymous]
        assert await surveys.open_for(other.resident) == []
        assert await surveys.resident_buildings() == [building]
        for sid in (other.survey, other.anonymous):
            assert await surveys.get(sid) is None
            assert await surveys.recipients(sid) == []
            assert not await surveys.is_recipient(sid, other.resident)
            assert await surveys.answers(sid) == []
            assert await surveys.answered_counts(sid) == {}
        assert await surveys.answer_of(other.survey, 0, f"p{other.resident}") is None
        assert await surveys.answer_of(other.anonymous, 0, "hash-key") is None
        mine = await surveys.get(own.survey)
        assert mine is not None and mine.response == "下周修好" and mine.schedule_id == 7
        assert await surveys.recipients(own.survey) == [own.resident]
        answer = await surveys.answer_of(own.survey, 0, f"p{own.resident}")
        assert answer is not None and answer.choice == (1,)
        assert await surveys.answered_counts(own.anonymous) == {"hash-key": 1}
        # The other community's people's export holds nothing from here.
        for person in (other.resident, other.secretary):
            assert all(rows == [] for rows in (await surveys.person_record(person)).values())
        record = await surveys.person_record(own.resident)
        assert [r["survey_id"] for r in record["received"]] == [own.survey, own.anonymous]
        assert [a["survey_id"] for a in record["answers"]] == [own.survey]
        written = await surveys.person_record(own.secretary)
        assert len(written["created"]) == 2 and len(written["responses_written"]) == 1


async def _changes_nothing_of(db: Database, other: Filled) -> None:
    """Writes aimed at ``other``'s ids from the current community change nothing."""
    async with db.transaction() as session:
        surveys = session.surveys
        await surveys.set_schedule(other.survey, 99)
        await surveys.set_response(other.survey, "伪造", None, NOW)
        assert not await surveys.close(other.anonymous, NOW)
        # An answer on the other's key replaces nothing of theirs.
        await surveys.put_answer(other.survey, 0, f"p{other.resident}", other.resident, choice=(0,))


async def test_two_communities_see_only_their_own_surveys(db: Database) -> None:
    async with db.transaction() as session:
        cid = await session.communities.create("和平社区", None, None, NOW)
    with in_community(1):
        first = await _fill(db, 1, 100, "3号楼")
    with in_community(cid):
        second = await _fill(db, cid, 200, "8号楼")

    with in_community(1):
        await _sees_only(db, first, second, "3号楼")
        await _changes_nothing_of(db, second)
    with in_community(cid):
        await _sees_only(db, second, first, "8号楼")
        await _changes_nothing_of(db, first)
        async with db.read() as session:
            survey = await session.surveys.get(second.survey)
            assert survey is not None and survey.schedule_id == 7
            assert survey.response == "下周修好"
            anonymous = await session.surveys.get(second.anonymous)
            assert anonymous is not None and anonymous.is_open and anonymous.salt == "secret"
            answer = await session.surveys.answer_of(second.survey, 0, f"p{second.resident}")
            assert answer is not None and answer.choice == (1,)
        async with db.transaction() as session:
            assert await session.surveys.close(second.anonymous, NOW)
    with in_community(1):
        async with db.read() as session:
            anonymous = await session.surveys.get(first.anonymous)
            assert anonymous is not None and anonymous.is_open

    # Every row names its community: none of the second's fell back to the default 1.
    async with db.read() as session:
        for table in ("surveys", "survey_recipients", "survey_answers"):
            async with session.conn.execute(
                f"SELECT community_id, count(*) FROM {table} GROUP BY community_id"
            ) as cur:
                counts = {int(row[0]): int(row[1]) for row in await cur.fetchall()}
            assert set(counts) == {1, cid}, table
            assert counts[1] == counts[cid], table
