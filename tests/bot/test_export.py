"""/export carries every column that refers to a person: checked against the schema
itself, so a table added later cannot be missed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.community.register import CommunityService
from storage import Database
from storage.person_data import EXPORTED, NOT_ABOUT_A_PERSON
from tests.bot.community.test_register import RESIDENT, SECRETARY, community

__all__ = ["community"]  # the fixture, shared with the register's tests

#: Column names that, by the schema's conventions, hold a person (or their Telegram id).
PERSON_NAMES = {
    "person_id",
    "user_id",
    "tg_user_id",
    "contact_id",
    "actor_id",
    "subject_id",
    "organiser_id",
    "owner_id",
    "by_id",
}


def refers_to_a_person(column: str, references: str | None) -> bool:
    return (
        references == "people"
        or column in PERSON_NAMES
        or column.endswith(("_person_id", "_by", "chat_id"))
        or column.startswith("owner_")
    )


def person_columns(path: Path) -> set[str]:
    """Every ``table.column`` of the schema that refers to a person."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
            )
        ]
        found = set()
        for table in tables:
            keys = {row[3]: row[2] for row in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
            for row in conn.execute(f"PRAGMA table_info('{table}')"):
                column = row[1]
                if refers_to_a_person(column, keys.get(column)):
                    found.add(f"{table}.{column}")
        return found
    finally:
        conn.close()


def all_columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            f"{table}.{row[1]}"
            for table in tables
            for row in conn.execute(f"PRAGMA table_info('{table}')")
        }
    finally:
        conn.close()


def at_path(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"export has no {path}"
        value = value[part]
    return value


# The schema is read off the SQLite file; PostgreSQL's is the same (tests/storage/test_backends.py).
@pytest.mark.sqlite_only
async def test_every_person_column_of_the_schema_is_exported(
    community: CommunityService, db: Database
) -> None:
    found = person_columns(db.path)
    assert len(found) > 50  # the walk sees the schema
    missing = found - set(EXPORTED) - set(NOT_ABOUT_A_PERSON)
    assert missing == set(), f"add these to storage/person_data.py EXPORTED: {sorted(missing)}"
    # The mapping names no column that does not exist (a renamed one would hide a gap).
    assert set(EXPORTED) | set(NOT_ABOUT_A_PERSON) <= all_columns(db.path)
    # Each place the mapping names is in the export.
    data = await community.export(await community.identify(RESIDENT))
    for path in set(EXPORTED.values()):
        at_path(data, path)


async def test_the_ten_tables_the_export_missed(community: CommunityService, db: Database) -> None:
    resident = await community.identify(RESIDENT)
    secretary = await community.identify(SECRETARY)
    me, other = resident.person_id, secretary.person_id
    t = "2026-11-19T03:00:00+00:00"
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO matters (id, title, details, support_until, owner_kind, owner_person_id,"
            " created_at, updated_at) VALUES (1, '路灯', '装路灯', ?, 'resident', ?, ?, ?)",
            (t, me, t, t),
        ),
        (
            "INSERT INTO matter_events (matter_id, at, kind, actor_id) VALUES (1, ?, 'note', ?)",
            (t, me),
        ),
        (
            "INSERT INTO acceptances (matter_id, person_id, verdict, at)"
            " VALUES (1, ?, 'accepted', ?)",
            (me, t),
        ),
        (
            "INSERT INTO supervision_terms (id, starts_at, ends_at, method, created_at)"
            " VALUES (1, ?, ?, 'lot', ?)",
            (t, t, t),
        ),
        ("INSERT INTO supervisors (term_id, person_id) VALUES (1, ?)", (me,)),
        (
            "INSERT INTO votes (id, matter_id, kind, options, anonymous, quorum, threshold,"
            " opened_at, closes_at) VALUES (1, 1, 'yes_no', '[]', 0, 0, 'majority', ?, ?)",
            (t, t),
        ),
        (
            "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at, recorded_by,"
            " proxy_reason) VALUES (1, 'p9', ?, 'yes', ?, ?, '不会用手机')",
            (other, t, me),
        ),
        (
            "INSERT INTO vol_units (id, name, contact_id, created_at) VALUES (1, '物业', ?, ?)",
            (me, t),
        ),
        (
            "INSERT INTO activities (id, title, place, starts_at, ends_at, capacity, code_secret,"
            " created_at) VALUES (1, '清洁', '湖边', ?, '2026-11-19T05:00:00+00:00', 5, 's', ?)",
            (t, t),
        ),
        (
            "INSERT INTO checkins (id, activity_id, person_id, checked_in_at, method)"
            " VALUES (1, 1, ?, ?, 'window')",
            (me, t),
        ),
        (
            "INSERT INTO checkin_changes (checkin_id, at, by_id, action, new_minutes)"
            " VALUES (1, ?, ?, 'adjust', 90)",
            (t, other),
        ),
        ("INSERT INTO duties (id, day, unit_id, created_at) VALUES (1, '2026-11-20', 1, ?)", (t,)),
        (
            "INSERT INTO duty_swaps (duty_id, unit_id, asked_by, state, asked_at)"
            " VALUES (1, 1, ?, 'asked', ?)",
            (me, t),
        ),
        (
            "INSERT INTO lessons (id, title, body, status, created_at, updated_at)"
            " VALUES (1, '党课', '内容', 'sent', ?, ?)",
            (t, t),
        ),
        (
            "INSERT INTO lesson_answers (lesson_id, person_id, question, choice, correct, at)"
            " VALUES (1, ?, 0, 2, 1, ?)",
            (me, t),
        ),
        (
            "INSERT INTO outbox (chat_id, person_id, content, dedupe_key, next_attempt_at,"
            " created_at) VALUES (?, ?, '{\"key\": \"notice\"}', 'n:1', ?, ?)",
            (RESIDENT.tg_user_id, me, t, t),
        ),
    ]
    async with db.transaction() as session:
        for sql, args in statements:
            await session.conn.execute(sql, args)
    data = await community.export(resident)
    deliberation, volunteering = data["deliberation"], data["volunteering"]
    assert deliberation["matters_owned"][0]["title"] == "路灯"
    assert deliberation["matter_events"][0]["kind"] == "note"
    assert deliberation["acceptances"][0]["verdict"] == "accepted"
    assert deliberation["supervision"][0]["method"] == "lot"
    # The ballot they recorded for someone: when and why, not for whom nor what.
    assert deliberation["proxy_ballots_recorded"] == [
        {"vote_id": 1, "matter_id": 1, "cast_at": t, "proxy_reason": "不会用手机"}
    ]
    assert volunteering["units_contact"] == [{"id": 1, "name": "物业"}]
    assert volunteering["checkin_changes"][0]["new_minutes"] == 90
    assert volunteering["duty_swaps_asked"][0]["day"] == "2026-11-20"
    assert data["lessons"]["quiz_answers"][0]["choice"] == 2
    assert data["messages"][0]["content"] == {"key": "notice"}
