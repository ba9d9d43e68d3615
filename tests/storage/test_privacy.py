"""Scrubbing a forgotten person from the JSON the bot keeps for its own work."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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
