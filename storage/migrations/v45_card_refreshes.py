"""Migration 45. Card refreshes asked for by one worker, made by the one that sends.

With several workers (PostgreSQL), a card in a group (a vote's live tally, a
matter's, an activity's sign-ups, a roll-call) changes on whichever worker
handled the press, but Telegram's 20 messages a minute in a group and 30 a
second in all are one budget for the bot. So only the worker that sends the
outbox edits cards, under its one rate limiter; the others leave here what
changed (handlers/cards.py). One row per card: asking again before the sender
took it changes nothing. The table is written and read on PostgreSQL only; SQLite
has it too so that both engines keep the same schema.
"""

from __future__ import annotations

from storage.migrations.step import Migration

#: The same statements on both engines (storage/postgres/migrations.py).
SQL = """
    CREATE TABLE card_refreshes (
        community_id INTEGER NOT NULL,           -- 0: asked outside any community
        name         TEXT    NOT NULL,           -- the card's edit name, e.g. vote-card:12
        data         TEXT    NOT NULL,           -- JSON: what its refresh reads
        seconds      DOUBLE PRECISION NOT NULL,  -- how soon after a change it is edited
        PRIMARY KEY (community_id, name)
    );
"""

MIGRATION = Migration(45, "card refreshes asked for by one worker, made by the sending one", SQL)
