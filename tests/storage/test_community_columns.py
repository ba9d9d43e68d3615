"""Every table of a community's data carries its community: a new table cannot forget it."""

from __future__ import annotations

from storage import Database
from tests.backends import column_names, table_names

#: Tables that are not a community's data, and why.
STREET_WIDE = {
    "schema_migrations": "the database's own",
    "inbox": "Telegram's updates, stored before anyone knows whose community they concern",
    "communities": "the street's list itself",
    "street_invites": "the street's links appointing a community's first secretary",
    "command_menus": "the menu set for a person's private chat with the bot, which is"
    " the street's one bot whichever community appointed them",
}


async def test_every_community_table_has_a_community_id(db: Database) -> None:
    async with db.read() as session:
        tables = await table_names(session.conn)
        missing = []
        for table in tables:
            columns = set(await column_names(session.conn, table))
            if "community_id" not in columns and table not in STREET_WIDE:
                missing.append(table)
    assert len(tables) > 80  # the walk sees the schema
    assert missing == [], f"scope these tables to a community (storage/scope.py): {missing}"
