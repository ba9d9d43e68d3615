"""The street's own storage: the carried-out count is one community's only; an invite
names its community, is used once and not after it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Database, in_community
from storage.street.figures import StreetFiguresRepository
from storage.street.invites import InvitesRepository
from storage.times import to_db_time

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


async def _done_matter(db: Database, community: int, title: str, done_at: datetime) -> None:
    async with db.transaction() as session:
        await session.conn.execute(
            "INSERT INTO matters (title, details, support_until, created_at, updated_at, stage,"
            " done_at, community_id) VALUES (?, '细节', ?, ?, ?, 'done', ?, ?)",
            (
                title,
                to_db_time(NOW),
                to_db_time(NOW),
                to_db_time(NOW),
                to_db_time(done_at),
                community,
            ),
        )


async def test_carried_out_counts_one_community(db: Database) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, NOW)
    await _done_matter(db, 1, "路灯", NOW - timedelta(days=3))
    await _done_matter(db, other, "路灯", NOW - timedelta(days=2))
    await _done_matter(db, other, "垃圾分类", NOW - timedelta(days=1))
    # Outside the period: not counted.
    await _done_matter(db, other, "旧事", NOW - timedelta(days=60))
    start, end = NOW - timedelta(days=30), NOW
    counts = {}
    for community in (1, other):
        with in_community(community):
            async with db.read() as session:
                counts[community] = await StreetFiguresRepository(session.conn).carried_out(
                    start, end
                )
    assert counts == {1: 1, other: 2}


async def test_invite_names_its_community_and_is_used_once(db: Database) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, NOW)
        invites = InvitesRepository(session.conn)
        first = await invites.create("a" * 24, other, 9001, NOW, NOW + timedelta(days=7))
        late = await invites.create("b" * 24, other, 9001, NOW, NOW + timedelta(days=1))
    async with db.transaction() as session:
        invites = InvitesRepository(session.conn)
        row = await invites.by_token("a" * 24)
        assert row is not None and (row.id, row.community_id, row.used_at) == (first, other, None)
        assert await invites.by_token("c" * 24) is None
        assert await invites.use(first, NOW + timedelta(hours=1))
        assert not await invites.use(first, NOW + timedelta(hours=2))
        # Past its expiry: refused, and left unused.
        assert not await invites.use(late, NOW + timedelta(days=2))
        used = await invites.get(first)
        assert used is not None and used.used_at == NOW + timedelta(hours=1)
        expired = await invites.get(late)
        assert expired is not None and expired.used_at is None
