"""Migration 46. The command menu last set for each person who has one of their own.

At every start the bot gave each secretary and street administrator their own menu
(Telegram's setMyCommands for their private chat): for a street of 1,000 communities,
a thousand calls before the bot listened, again at every start of every worker.
Telegram keeps a menu once set, so the digest of what was set is kept here and only a
menu that changed is set again (bot/app.py). Street-wide, as the inbox is.
"""

from __future__ import annotations

from storage.migrations.step import Migration

#: The same statements on both engines (storage/postgres/migrations.py).
SQL = """
    CREATE TABLE command_menus (
        chat_id BIGINT NOT NULL PRIMARY KEY,     -- the person's private chat (= user id)
        digest  TEXT   NOT NULL,                 -- of the commands and language set
        set_at  TEXT   NOT NULL
    );
"""

MIGRATION = Migration(46, "the command menu last set for each person with their own", SQL)
