"""The street service directly: who may use it, the name form's refusals, the street
view's figures and the monthly summary (only on the 1st, for every administrator)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Language
from bot.errors import UserFacingError
from bot.services import Services
from bot.street.figures import CommunityFigures
from bot.street.overview import (
    CommunityBlock,
    StreetOverview,
    street_monthly_summary,
    summary_message,
    summary_messages,
)
from bot.street.period import Period, Span
from bot.street.service import CREATE_STEP
from storage import in_community
from tests.conftest import FakeClock, make_settings

ADMINS = [9001, 9002]


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    settings = make_settings(tmp_path, street={"admins": ADMINS})
    built = Services.create(settings, clock)
    await built.db.open()
    await built.communities.load()
    try:
        yield built
    finally:
        await built.db.close()


async def test_only_admins_and_the_name_form(services: Services) -> None:
    street = services.street
    with pytest.raises(UserFacingError) as refused:
        await street.listing(1001)
    assert refused.value.key == "street.admins_only"
    with pytest.raises(UserFacingError) as first:
        await street.ask_name(9001, 9001, 1)
    assert first.value.key == "street.first_in_config"
    with pytest.raises(UserFacingError) as missing:
        await street.ask_name(9001, 9001, 7)
    assert missing.value.key == "street.no_such_community"
    # An answer with no form open is refused; one with the form creates the community.
    with pytest.raises(UserFacingError) as expired:
        await street.answer_name(9001, 9001, CREATE_STEP, "和平社区")
    assert expired.value.key == "street.form_expired"
    await street.ask_name(9001, 9001, None)
    named = await street.answer_name(9001, 9001, CREATE_STEP, " 和平社区 ")
    assert (named.community.name, named.created) == ("和平社区", True)
    assert [line.id for line in await street.listing(9001)] == [1, named.community.id]


async def test_figures_and_the_monthly_summary(services: Services, clock: FakeClock) -> None:
    await services.communities.create("和平社区", created_by=9001)
    now = clock()
    with in_community(1):
        async with services.db.transaction() as session:
            for title in ("路灯", "停车"):
                await session.matters.create(
                    title=title,
                    details="细节",
                    raised_by=None,
                    support_until=now + timedelta(days=7),
                    now=now,
                )
    overviews = services.street.overviews
    november = Period.containing(Span.MONTH, now.date())
    overview = await overviews.build(november, Language.ZH_HANS)
    assert [block.name for block in overview.blocks] == ["幸福社区", "和平社区"]
    assert overview.blocks[0].figures.raised == 2
    assert overview.blocks[0].figures.turnout is None
    message = summary_message(overview, Language.EN)
    assert message.params["period"] == "November 2026"
    assert message.chart is not None and [bar[0] for bar in message.chart["bars"][:4]] == [
        "幸福社区 raised",
        "幸福社区 decided",
        "幸福社区 carried out",
        "幸福社区 overdue",
    ]

    # Only on the 1st (in the street's zone), and then for every administrator.
    async with services.db.transaction() as session:
        assert await street_monthly_summary(overviews, session, now, now) is None
    first = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    async with services.db.transaction() as session:
        assert await street_monthly_summary(overviews, session, first, first) is not None
        async with session.conn.execute("SELECT chat_id FROM outbox ORDER BY chat_id") as cur:
            chats = [row[0] for row in await cur.fetchall()]
    assert chats == ADMINS


def test_a_long_summary_is_paged_with_the_chart_first() -> None:
    period = Period.containing(Span.MONTH, datetime(2026, 11, 1, tzinfo=UTC).date())
    blocks = tuple(
        CommunityBlock(n, f"第{n}社区", CommunityFigures(raised=n)) for n in range(1, 41)
    )
    overview = StreetOverview(period, blocks, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    messages = summary_messages(overview, Language.ZH_HANS)
    assert messages[0].chart is not None and messages[0].params["blocks"] == ""
    pages = [m.params["blocks"] for m in messages[1:]]
    assert len(pages) > 1 and all(len(page) <= 3500 for page in pages)
    assert "\n\n".join(pages).count("🏘 ") == 40
    # A short one stays one message with its chart.
    short = StreetOverview(period, blocks[:2], overview.made_at)
    assert len(summary_messages(short, Language.ZH_HANS)) == 1
