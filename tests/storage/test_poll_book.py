"""The poll book: THAT a person voted, never what, in an order that is not the ballots'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Database
from storage.participation import poll_book
from tests.backends import column_names, on_postgres

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)


async def test_the_poll_book_keeps_who_voted_not_how_nor_in_what_order(db: Database) -> None:
    async with db.transaction() as session:
        people = [
            await session.people.insert(
                tg_user_id=9000 + n,
                display_name=f"居民{n}",
                tg_username=None,
                language="zh_Hans",
                building=None,
                grid_id=None,
                consent_at=NOW,
                now=NOW,
            )
            for n in range(3)
        ]
        matter = await session.matters.create(
            title="加装路灯", details="晚上太黑", raised_by=None, support_until=NOW, now=NOW
        )
        vote = await session.votes.create(
            matter_id=matter,
            kind="yes_no",
            options=("yes", "no", "abstain"),
            anonymous=True,
            salt="k1:nonce:check",
            quorum=0,
            threshold="majority",
            opened_by=None,
            closes_at=NOW + timedelta(days=1),
            now=NOW,
        )
    ids = people
    # Ballots come in the order last, first, middle; one is withdrawn and cast again.
    for person_id, voted in ((ids[2], True), (ids[0], True), (ids[1], True), (ids[1], False)):
        await db.run_unit(lambda conn, p=person_id, v=voted: poll_book.mark(conn, vote, p, voted=v))
    await db.run_unit(lambda conn: poll_book.mark(conn, vote, ids[1], voted=True))

    async with db.read() as session:
        columns = await column_names(session.conn, "poll_book")
        async with session.conn.execute("SELECT person_id FROM poll_book") as cur:
            stored = [row[0] for row in await cur.fetchall()]
        assert await session.participation.poll_book.voted(vote, ids[0])
    assert columns == ["vote_id", "person_id", "community_id"]  # no choice, no key, no time
    if not on_postgres():
        # SQLite keeps the table in key order (WITHOUT ROWID); PostgreSQL's heap keeps
        # insertion order until the vote closes (README: "Anonymous votes on PostgreSQL").
        assert stored == sorted(ids)  # the storage order, not the order of the ballots
    else:
        # At the close, the rows are written again, in key order, in one transaction.
        async with db.transaction() as session:
            await session.votes.forget_ballot_order(vote)
        sql = "SELECT person_id, xmin::text FROM poll_book"
        async with db.read() as session, session.conn.execute(sql) as cur:
            rewritten = [tuple(row) for row in await cur.fetchall()]
        assert [row[0] for row in rewritten] == sorted(ids)
        assert len({row[1] for row in rewritten}) == 1  # one transaction wrote them all

    # A forgotten person's row goes with them.
    async with db.transaction() as session:
        await session.people.delete(ids[0])
    async with db.read() as session:
        assert not await session.participation.poll_book.voted(vote, ids[0])
