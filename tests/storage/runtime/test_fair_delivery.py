"""The street's delivery queue takes communities in turns, and says when a push is done."""

from __future__ import annotations

from datetime import timedelta

from storage import Database, in_community
from tests.conftest import FakeClock


async def _push(db: Database, community: int, count: int, clock: FakeClock, tag: str) -> int:
    with in_community(community):
        async with db.transaction() as session:
            push_id = await session.outbox.create_push(
                kind="test",
                title=tag,
                started_by=None,
                report_chat_id=None,
                report_language="zh_Hans",
                now=clock(),
            )
            for n in range(count):
                await session.outbox.enqueue(
                    push_id=push_id,
                    chat_id=10_000 + n,
                    person_id=None,
                    content={"text": f"{tag} {n}"},
                    dedupe_key=f"{tag}:{n}",
                    not_before=clock(),
                    now=clock(),
                )
    return push_id


async def test_a_big_push_does_not_hold_another_communitys_reminders(
    db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, clock())
    lesson = await _push(db, 1, 2000, clock, "lesson")
    clock.advance(seconds=5)
    reminders = await _push(db, other, 20, clock, "reminder")
    clock.advance(seconds=1)
    async with db.read() as session:
        first = await session.delivery.due(clock(), 40)
        # Alone in the queue, the reminders would go at once; behind the lesson push
        # in plain order, after all 2,000. In turns: every other message.
        assert [row.community_id for row in first] == [1, other] * 20
        assert await session.delivery.sends_before_done(reminders) == 40
        assert await session.delivery.sends_before_done(lesson) == 2020


async def test_the_same_dedupe_key_is_two_messages_in_two_communities(
    db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, clock())
    await _push(db, 1, 1, clock, "birthdays")
    await _push(db, other, 1, clock, "birthdays")
    await _push(db, other, 1, clock, "birthdays")  # the same message again: kept once
    async with db.read() as session:
        due = await session.delivery.due(clock() + timedelta(seconds=1), 10)
    assert sorted(row.community_id for row in due) == [1, other]
    with in_community(other):
        async with db.read() as session:
            assert await session.outbox.by_dedupe_key("birthdays:0") == ("pending", None)
