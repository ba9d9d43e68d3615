"""Households' storage: one row per household, lead members, visits counted per member,
and /forget keeping a household someone else still lives in."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from bot.households import records
from storage import Database

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


async def _person(db: Database, tg_user_id: int, name: str, door: str | None) -> int:
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building="3号楼",
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        await session.people.set_home(person, "3号楼", door)
    return person


async def test_a_household_stays_while_someone_lives_there(db: Database) -> None:
    zhang = await _person(db, 9001, "张阿姨", "201")
    li = await _person(db, 9002, "李大爷", "201")
    liu = await _person(db, 9003, "刘党员", None)
    async with db.transaction() as session:
        repo = session.households
        key = records.household_key("3号楼", "201")
        assert key is not None
        await repo.ensure(key, "3号楼", "201", NOW)
        await repo.ensure(key, "3号楼", "201", NOW)  # once only
        (household,) = await repo.every()
        assert await repo.add(key, "3号楼", "201", None, None, NOW) is None  # exists
        await repo.set_contact(household.id, liu)
        await repo.set_flags(household.id, ["alone"])
        await repo.add_visit(household.id, liu, date(2026, 11, 17), "好", NOW)
        await repo.add_visit(household.id, liu, date(2025, 12, 31), "旧年", NOW)
        assert await records.visits_per_member(session, [liu, zhang], 2026) == {liu: 1, zhang: 0}
        assert await records.contact_member_for(session, zhang) == liu
        assert await records.contact_member_for(session, liu) is None  # no door
        # A lead household's member: one lead each; a lead is nobody's member.
        await repo.mark_lead(zhang, NOW)
        await repo.link_member(zhang, li, NOW)
        assert await repo.lead_of_members() == {li: zhang}
        await repo.mark_lead(li, NOW)
        assert await repo.lead_of_members() == {}
        with pytest.raises(sqlite3.IntegrityError):
            async with session.savepoint():  # the unit of work goes on after it
                await repo.add_visit(household.id, liu, date(2026, 11, 1), "访" * 501, NOW)

        # 张阿姨 forgets: 李大爷 still lives there, so its record stays.
        person = await session.people.by_id(zhang)
        assert person is not None
        await records.forget_person(session, person)
        await session.people.delete(zhang)
        assert [h.flags for h in await repo.every()] == [("alone",)]
        # 李大爷 too: nobody of the register is left, and the record goes.
        person = await session.people.by_id(li)
        assert person is not None
        await records.forget_person(session, person)
        await session.people.delete(li)
        assert await repo.every() == []
