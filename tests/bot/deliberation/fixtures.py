"""Shared set-up for the deliberation service tests: services, people, matters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.community.register import Actor
from bot.config import Language
from bot.services import Services
from tests.conftest import FakeClock, make_settings


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    settings = make_settings(tmp_path, deliberation={"support_threshold": 2})
    built = Services.create(settings, clock)
    await built.db.open()
    try:
        yield built
    finally:
        await built.db.close()


async def person(services: Services, tg_user_id: int, name: str, *roles: str) -> Actor:
    """Register someone with ``roles`` and return them as an Actor."""
    now = services.clock()
    async with services.db.transaction() as session:
        person_id = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=now,
            now=now,
        )
        await session.people.grant_all(person_id, roles, None, now)
        row = await session.people.by_id(person_id)
    assert row is not None
    return Actor(tg_user_id, Language.ZH_HANS, row, configured_secretary=False)


async def matter(services: Services, title: str, raiser: Actor) -> int:
    """A raised matter, created directly (the raise form has its own tests)."""
    now = services.clock()
    async with services.db.transaction() as session:
        matter_id = await session.matters.create(
            title=title,
            details="详情",
            raised_by=raiser.person_id,
            support_until=now + timedelta(days=14),
            now=now,
        )
        await session.matters.add_event(matter_id, "raised", actor_id=raiser.person_id, now=now)
    return matter_id
