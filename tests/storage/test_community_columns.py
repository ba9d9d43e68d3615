"""Every table of a community's data carries its community: a new table cannot forget it."""

from __future__ import annotations

from storage import Database

#: Tables that are not a community's data, and why.
STREET_WIDE = {
    "schema_migrations": "the database's own",
    "inbox": "Telegram's updates, stored before anyone knows whose community they concern",
    "communities": "the street's list itself",
    "street_invites": "the street's links appointing a community's first secretary",
}


async def test_every_community_table_has_a_community_id(db: Database) -> None:
    async with db.read() as session:
        async with session.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            tables = [str(row[0]) for row in await cur.fetchall()]
        missing = []
        for table in tables:
            async with session.conn.execute(f"PRAGMA table_info('{table}')") as cur:
                columns = {str(row[1]) for row in await cur.fetchall()}
            if "community_id" not in columns and table not in STREET_WIDE:
                missing.append(table)
    assert len(tables) > 80  # the walk sees the schema
    assert missing == [], f"scope these tables to a community (storage/scope.py): {missing}"
