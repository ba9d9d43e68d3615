"""Party birthdays' storage: the joining date on the person, one card per person a year."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from storage import Database

NOW = datetime(2027, 7, 1, 0, 30, tzinfo=UTC)


async def test_the_date_is_on_the_person_and_a_card_is_recorded_once_a_year(
    db: Database,
) -> None:
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=9001,
            display_name="张阿姨",
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        birthdays = session.members.birthdays
        assert await birthdays.set_joined(person, date(2001, 7, 1))
        row = await session.people.by_id(person)
        assert row is not None and row.party_joined_on == date(2001, 7, 1)
        assert await birthdays.record_card(person, 2027, 26, NOW)
        assert not await birthdays.record_card(person, 2027, 26, NOW)
        assert await birthdays.record_card(person, 2028, 27, NOW)
        record = await birthdays.person_record(person)
        assert [(c["year"], c["years"]) for c in record["birthday_cards"]] == [
            (2027, 26),
            (2028, 27),
        ]
        assert await birthdays.set_joined(person, None)
        row = await session.people.by_id(person)
        assert row is not None and row.party_joined_on is None
        assert not await birthdays.set_joined(person + 1, date(2001, 7, 1))
        # The schema keeps the day as YYYY-MM-DD.
        with pytest.raises(sqlite3.IntegrityError):
            await session.conn.execute(
                "UPDATE people SET party_joined_on = '2001年7月1日' WHERE id = ?", (person,)
            )
