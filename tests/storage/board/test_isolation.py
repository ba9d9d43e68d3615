"""The public board's repositories keep each community's rows to itself (issue 12).

The same things are done in community 1 and in a second community: how-to pages,
follows of a matter and of a project, spending (projects, items, receipts, history),
the monthly digest's queries. No list, count, lookup by id or export of one holds
anything of the other, and a lookup of one's id from the other finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from storage import Database
from storage.scope import in_community
from storage.session import Session
from storage.times import to_db_time

NOW = datetime(2027, 7, 1, 2, 0, tzinfo=UTC)
SINCE, UNTIL = NOW - timedelta(days=1), NOW + timedelta(days=1)
DAY = date(2027, 7, 1)


@dataclass(frozen=True)
class Made:
    """What one community's half of the test wrote."""

    person: int
    page: int
    matter: int
    project: int
    item: int


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
    # The register and the matters are other repositories': make sure the rows are
    # this community's.
    await session.conn.execute(
        "UPDATE people SET community_id = ? WHERE id = ?", (community, person)
    )
    return person


async def _matter(session: Session, community: int, title: str, by: int) -> int:
    matter = await session.matters.create(
        title=title, details=title, raised_by=by, support_until=NOW, now=NOW
    )
    await session.conn.execute(
        "UPDATE matters SET community_id = ?, resolved_at = ?, done_at = ? WHERE id = ?",
        (community, to_db_time(NOW), to_db_time(NOW), matter),
    )
    return matter


async def _fill(session: Session, community: int, tag: str) -> Made:
    person = await _person(session, community, 1000 * community + 1, f"{tag}书记")
    board = session.board
    page = await board.pages.add(f"{tag}办事", f"{tag}流程", person, NOW)
    matter = await _matter(session, community, f"{tag}议题", person)
    assert await board.follows.follow(person, matter, NOW)
    project = await board.spending.create(f"{tag}项目", 10000, None, matter, person, NOW)
    assert await board.project_follows.follow(person, project, NOW)
    item = await board.spending.add_item(project, f"{tag}支出", 500, DAY, person, NOW)
    await board.spending.add_receipt(item, f"{tag}-receipt")
    await board.spending.record(project, "created", item_id=None, actor_id=person, now=NOW)
    await board.spending.record(
        project, "item_added", item_id=item, actor_id=person, now=NOW, what=f"{tag}支出"
    )
    return Made(person, page, matter, project, item)


async def _sees_only_its_own(session: Session, mine: Made, theirs: Made, tag: str) -> None:
    """Inside one community: its rows, and nothing of the other's."""
    board = session.board
    other = "乙" if tag == "甲" else "甲"
    # How-to pages.
    pages = board.pages
    assert [p.id for p in await pages.all()] == [mine.page]
    assert await pages.get(theirs.page) is None
    assert not await pages.update(theirs.page, "伪造", "伪造", NOW)
    assert not await pages.delete(theirs.page)
    assert await pages.written_by(theirs.person) == []
    # Follows of a matter and of a project: another's cannot be followed from here.
    for follows, subject, theirs_subject in (
        (board.follows, mine.matter, theirs.matter),
        (board.project_follows, mine.project, theirs.project),
    ):
        assert await follows.followers(subject) == [mine.person]
        assert await follows.followers(theirs_subject) == []
        assert not await follows.follows(theirs.person, theirs_subject)
        assert not await follows.follow(mine.person, theirs_subject, NOW)
        assert not await follows.unfollow(theirs.person, theirs_subject)
        assert await follows.person_record(theirs.person) == []
    # The digest.
    digest = board.digest
    assert await digest.pages_added(SINCE, UNTIL) == [f"{tag}办事"]
    assert [m["id"] for m in await digest.resolved(SINCE, UNTIL)] == [mine.matter]
    assert [m["id"] for m in await digest.done(SINCE, UNTIL)] == [mine.matter]
    # Spending.
    spending = board.spending
    assert [p.id for p in await spending.projects()] == [mine.project]
    project = await spending.project(mine.project)
    assert project is not None and project.spent_fen == 500 and project.items == 1
    assert project.matter_title == f"{tag}议题"
    assert await spending.project(theirs.project) is None
    assert await spending.of_matter(theirs.matter) == []
    assert [m for m, _ in await spending.recent_matters(10)] == [mine.matter]
    assert not await spending.close(theirs.project, None, NOW)
    assert await spending.item(theirs.item) is None
    assert await spending.items(theirs.project) == []
    assert await spending.receipts(theirs.item) == []
    assert await spending.receipts(mine.item) == [f"{tag}-receipt"]
    assert not await spending.correct(theirs.item, "伪造", 1, DAY)
    assert not await spending.remove(theirs.item, NOW)
    assert await spending.history(theirs.project) == []
    assert [c["project_id"] for c in await spending.changes(SINCE, UNTIL)] == [mine.project] * 2
    ledger = await spending.ledger_items(DAY, DAY)
    assert [row["project_id"] for row in ledger] == [mine.project]
    # /export.
    mine_record = await board.person_record(mine.person)
    assert mine_record["pages_written"] and mine_record["follows"]
    assert other not in repr(mine_record)
    theirs_record = await board.person_record(theirs.person)
    assert all(not rows for rows in theirs_record.values())


async def test_each_community_sees_only_its_own_board(db: Database) -> None:
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
            page = await session.board.pages.get(second_made.page)
            assert page is not None and page.title == "乙办事"
            item = await session.board.spending.item(second_made.item)
            assert item is not None and item.what == "乙支出" and item.removed_at is None
            project = await session.board.spending.project(second_made.project)
            assert project is not None and project.closed_at is None
            assert await session.board.follows.followers(second_made.matter) == [second_made.person]
