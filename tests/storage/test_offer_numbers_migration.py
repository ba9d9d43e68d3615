"""Migration 47 on a database made before it: each service offered keeps the number it
was shown with (its id), the next one of a community is numbered after that community's
highest, another community's first is #1, and the services list's sheet shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Language
from bot.needs.report import offers_sheet
from storage import Storage, in_community
from storage.migrations import MIGRATIONS
from tests.backends import on_postgres
from tests.storage.older import STAMP, TWO_COMMUNITIES, on_postgresql_before, on_sqlite_before

NOW = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
#: Every offer of these tests was made in it.
SPAN = (datetime(2025, 1, 1, tzinfo=UTC), NOW + timedelta(days=1))

#: Offers #4 and #9 in the first community (person 1); person 2 lives in a second one.
OLD_ROWS: tuple[tuple[str, tuple[object, ...]], ...] = (
    *TWO_COMMUNITIES,
    *(
        (
            "INSERT INTO need_offers (id, person_id, what, capacity, created_at)"
            " VALUES (?, 1, '理发', 2, ?)",
            (offer_id, STAMP),
        )
        for offer_id in (4, 9)
    ),
)
#: Where PostgreSQL's identities must go on from after the rows written with their id.
IDENTITIES = ("communities", "people", "need_offers")


async def test_offer_numbers_are_kept_and_counted_on(tmp_path: Path) -> None:
    await on_sqlite_before(tmp_path / "old.sqlite3", 47, OLD_ROWS, _kept_and_counted_on)


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's migration 47")
async def test_offer_numbers_are_kept_and_counted_on_postgresql() -> None:
    await on_postgresql_before(47, OLD_ROWS, IDENTITIES, _kept_and_counted_on)


async def _kept_and_counted_on(db: Storage) -> None:
    """The checks, on either engine, of a database migrated from before 47."""
    assert await db.schema_version() == MIGRATIONS[-1].version
    with in_community(1):
        async with db.transaction() as s:
            new = await s.needs.add_offer(1, "修自行车", None, 1, NOW)
            offers = await s.needs.offers_between(*SPAN)
    assert [(o.id, o.number) for o in offers] == [(4, 4), (9, 9), (new, 10)]
    sheet = offers_sheet(Language.ZH_HANS, offers, ZoneInfo("Asia/Shanghai"))
    assert [row[0] for row in sheet.rows] == [4, 9, 10]
    with in_community(2):
        async with db.transaction() as s:
            theirs = await s.needs.add_offer(2, "代买菜", None, 1, NOW)
            offer = await s.needs.offer(theirs)
            assert offer is not None and offer.number == 1 and theirs != new
            # An offer written without a number (by hand) is numbered by the trigger.
            await s.conn.execute(
                "INSERT INTO need_offers (person_id, what, capacity, created_at, community_id)"
                " VALUES (2, '手写', 1, ?, 2)",
                (STAMP,),
            )
            by_hand = [o for o in await s.needs.offers_between(*SPAN) if o.what == "手写"]
            assert [o.number for o in by_hand] == [2]
