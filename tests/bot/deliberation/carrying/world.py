"""Shared set-up for the carrying-out tests: a world of people, matters and the services."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.community.register import Actor, ChatInfo, ChatKind, CommunityService, Role
from bot.config import Language, Settings
from bot.deliberation.carrying.service import Carrying
from bot.runtime.scheduler import SchedulerService
from storage import Database
from tests.conftest import FakeClock, make_settings

SECRETARY = 1001
RESIDENTS_GROUP = -100


@dataclass
class World:
    """A database with people, a bound residents' group, and the services under test."""

    db: Database
    clock: FakeClock
    settings: Settings
    scheduler: SchedulerService
    carrying: Carrying
    people: dict[str, Actor]

    async def matter(self, title: str = "修路灯", *, raiser: str = "zhang") -> int:
        """A matter raised by ``raiser`` and put straight into stage 'passed'."""
        now = self.clock()
        async with self.db.transaction() as session:
            matter_id = await session.matters.create(
                title=title,
                details="晚上太黑",
                raised_by=self.people[raiser].person_id,
                support_until=now + timedelta(days=14),
                now=now,
            )
            await session.matters.set_stage(matter_id, "passed", now)
        return matter_id

    async def support(self, matter_id: int, who: str) -> None:
        person_id = self.people[who].person_id
        assert person_id is not None
        async with self.db.transaction() as session:
            await session.matters.support(matter_id, person_id, self.clock())

    async def assign_to(self, matter_id: int, who: str | None = None, days: int = 7) -> None:
        """Walk the /assign form: a resident owner (or the committee) and a due date."""
        secretary = self.people["secretary"]
        await self.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
        if who is None:
            await self.carrying.owners.choose_owner_kind(secretary, SECRETARY, "committee")
        else:
            await self.carrying.owners.choose_owner_kind(secretary, SECRETARY, "resident")
            person_id = self.people[who].person_id
            assert person_id is not None
            await self.carrying.owners.choose_owner_person(secretary, SECRETARY, person_id)
        await self.carrying.owners.assign(secretary, SECRETARY, self.carrying.due_from_days(days))

    async def report(self, matter_id: int, who: str, percent: int, text: str = "在做") -> Any:
        actor = self.people[who]
        await self.carrying.progress.start_progress(actor, actor.tg_user_id, matter_id)
        await self.carrying.progress.choose_percent(actor, actor.tg_user_id, percent)
        return await self.carrying.progress.report(actor, actor.tg_user_id, text)

    async def stage(self, matter_id: int) -> str:
        async with self.db.read() as session:
            matter = await session.matters.get(matter_id)
        assert matter is not None
        return matter.stage

    async def events(self, matter_id: int) -> list[str]:
        async with self.db.read() as session:
            return [event.kind for event in await session.matters.events(matter_id)]

    async def outbox(self) -> list[tuple[int, dict[str, Any]]]:
        async with (
            self.db.read() as session,
            session.conn.execute("SELECT chat_id, content FROM outbox ORDER BY id") as cur,
        ):
            return [(int(row[0]), json.loads(row[1])) for row in await cur.fetchall()]

    async def keys_to(self, chat_id: int) -> list[str]:
        return [content["key"] for chat, content in await self.outbox() if chat == chat_id]

    async def refresh(self, name: str) -> Actor:
        """The actor again, with the roles the register holds now."""
        actor = self.people[name]
        async with self.db.read() as session:
            person = await session.people.by_telegram_id(actor.tg_user_id)
        self.people[name] = Actor(
            actor.tg_user_id, actor.language, person, actor.configured_secretary
        )
        return self.people[name]


PEOPLE = {
    "secretary": (SECRETARY, "王书记", [Role.RESIDENT, Role.SECRETARY]),
    "zhang": (2001, "张阿姨", [Role.RESIDENT]),
    "li": (2002, "李大爷", [Role.RESIDENT, Role.VOLUNTEER]),
    "tom": (2003, "Tom", [Role.RESIDENT, Role.VOLUNTEER]),
    "chen": (2004, "陈师傅", [Role.RESIDENT, Role.VOLUNTEER]),
    "stranger": (2005, "路人", [Role.RESIDENT]),
}


@pytest.fixture
async def world(db: Database, tmp_path: Path, clock: FakeClock) -> World:
    settings = make_settings(tmp_path, deliberation={"supervision_size": 3})
    scheduler = SchedulerService(db, settings, clock)
    carrying = Carrying(db, settings, scheduler, clock)
    people: dict[str, Actor] = {}
    now = clock()
    async with db.transaction() as session:
        for name, (tg_user_id, display, roles) in PEOPLE.items():
            person_id = await session.people.insert(
                tg_user_id=tg_user_id,
                display_name=display,
                tg_username=None,
                language="en" if name == "tom" else "zh_Hans",
                building=None,
                grid_id=None,
                consent_at=now,
                now=now,
            )
            await session.people.grant_all(person_id, [r.value for r in roles], None, now)
    for name, (tg_user_id, _, _) in PEOPLE.items():
        async with db.read() as session:
            person = await session.people.by_telegram_id(tg_user_id)
        people[name] = Actor(tg_user_id, Language.ZH_HANS, person, tg_user_id == SECRETARY)
    community = CommunityService(db, settings.community, clock)
    await community.bind_chat(
        people["secretary"],
        ChatInfo(RESIDENTS_GROUP, "居民群", "supergroup"),
        ChatKind.RESIDENTS,
    )
    return World(db, clock, settings, scheduler, carrying, people)
