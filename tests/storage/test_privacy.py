"""Scrubbing a forgotten person from the JSON the bot keeps for its own work."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from storage import Database
from storage.privacy import GONE, JSON_COLUMNS, Traces

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)
TG = 7654321987


async def test_traces_go_others_updates_and_messages_stay(db: Database) -> None:
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=TG,
            display_name="甄小妹",
            tg_username="zhenya_q77",
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        user = {"id": TG, "is_bot": False, "first_name": "Zhenya", "username": "zhenya_q77"}
        theirs = {"update_id": 1, "message": {"from": user, "chat": {"id": TG}, "text": "hi"}}
        reply = {
            "update_id": 2,
            "message": {
                "from": {"id": 5, "is_bot": False, "first_name": "Li"},
                "text": "同意甄小妹的意见",
                "reply_to_message": {"from": user, "text": "x"},
            },
        }
        await session.inbox.accept(
            [(1, json.dumps(theirs)), (2, json.dumps(reply, ensure_ascii=False))], NOW
        )
        await session.dialogs.put(5, 5, "assign", "due", {"owner_name": "甄小妹"}, NOW)
        await session.conn.execute(
            "INSERT INTO matters (title, details, raised_by, support_until, owner_kind,"
            " owner_person_id, owner_name, created_at, updated_at)"
            " VALUES ('路灯', '装路灯', NULL, ?, 'resident', ?, '甄小妹', ?, ?)",
            (NOW.isoformat(), person, NOW.isoformat(), NOW.isoformat()),
        )
        await session.matters.add_event(1, "assigned", actor_id=None, now=NOW, owner="甄小妹")
        traces = Traces.of(TG, "甄小妹", "zhenya_q77")
        changed = await session.privacy.scrub(person, traces, "2026-11-19T03:00:00", JSON_COLUMNS)
    assert changed == 5
    async with db.read() as session:
        pending = {row.update_id: json.loads(row.payload) for row in await session.inbox.pending()}
        dialog = await session.dialogs.get(5, 5)
        matter = await session.matters.get(1)
        events = await session.matters.events(1)
    # Their own update is closed; the reply to them is kept, with them replaced.
    assert set(pending) == {2}
    assert pending[2]["message"]["text"] == f"同意{GONE}的意见"
    assert pending[2]["message"]["reply_to_message"]["from"] == {
        "id": 0,
        "is_bot": False,
        "first_name": GONE,
    }
    assert pending[2]["message"]["from"]["first_name"] == "Li"
    assert dialog is not None and dialog.data == {"owner_name": GONE}
    assert matter is not None and matter.owner_name is None
    assert "甄小妹" not in json.dumps([e.__dict__ for e in events], ensure_ascii=False, default=str)


async def test_upgrading_rewrites_what_was_deleted_before_secure_delete(tmp_path: Path) -> None:
    import sqlite3

    from storage.db import split_statements
    from storage.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("PRAGMA secure_delete = OFF")  # as some builds of SQLite have it
    old.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS:
        if migration.vacuums:
            break
        for statement in split_statements(migration.sql):
            old.execute(statement)
        old.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
            (migration.version, migration.description),
        )
    for update_id in range(1, 6):
        name = "Zhenyafirst" if update_id == 3 else f"someone{update_id}"
        payload = json.dumps({"update_id": update_id, "message": {"from": {"first_name": name}}})
        old.execute(
            "INSERT INTO inbox (update_id, received_at, payload, done_at) VALUES (?, 'x', ?, 'x')",
            (update_id, payload + " " * 200),
        )
    old.execute("DELETE FROM inbox WHERE update_id = 3")  # pruned, long ago
    old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old.close()
    assert b"Zhenyafirst" in path.read_bytes()  # the old bytes are still in the file

    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        for suffix in ("", "-wal"):
            file = path.with_name(path.name + suffix)
            assert not file.exists() or b"Zhenyafirst" not in file.read_bytes()
        async with db.read() as session:
            assert await session.inbox.counts() == (0, 4)
    finally:
        await db.close()
