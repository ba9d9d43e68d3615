"""Migration 38. A schedule's key and an outbox row's dedupe key are unique per community.

Built-in schedules are kept by key ("birthdays.daily", "lessons.monthly_summary"): each
community has its own, so the key is unique within a community, not across the
street. An outbox row's dedupe key says "this message, once" (a day's birthday list,
a month's digest): two communities' lists of the same day are two messages. SQLite
cannot drop a column's UNIQUE, so both tables are rebuilt (SQLite's documented
procedure: new table, copy, drop, rename, indexes again), keeping every row and id.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    38,
    "schedule keys and outbox dedupe keys unique per community",
    """
        CREATE TABLE schedules_new (
            id           INTEGER PRIMARY KEY,
            community_id INTEGER NOT NULL DEFAULT 1,
            key          TEXT,                    -- for built-in schedules, one per key
            kind         TEXT    NOT NULL,        -- what to do when due
            title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            rule         TEXT    NOT NULL,        -- JSON: when (see bot/runtime/scheduler/)
            payload      TEXT    NOT NULL DEFAULT '{}',
            owner_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            next_due_at  TEXT,                    -- NULL: nothing more to do
            enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            created_at   TEXT    NOT NULL,
            updated_at   TEXT    NOT NULL,
            UNIQUE (community_id, key)
        );
        INSERT INTO schedules_new (id, community_id, key, kind, title, rule, payload, owner_id,
                                   next_due_at, enabled, created_at, updated_at)
            SELECT id, community_id, key, kind, title, rule, payload, owner_id,
                   next_due_at, enabled, created_at, updated_at FROM schedules;
        DROP TABLE schedules;
        ALTER TABLE schedules_new RENAME TO schedules;
        CREATE INDEX schedules_due ON schedules(next_due_at) WHERE enabled = 1;
        CREATE INDEX schedules_by_community ON schedules(community_id);

        CREATE TABLE outbox_new (
            id              INTEGER PRIMARY KEY,
            community_id    INTEGER NOT NULL DEFAULT 1,
            push_id         INTEGER REFERENCES pushes(id) ON DELETE CASCADE,
            chat_id         INTEGER NOT NULL,
            person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
            content         TEXT    NOT NULL,     -- JSON: text and buttons
            dedupe_key      TEXT    NOT NULL,
            state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
                            ('pending', 'sending', 'sent', 'failed', 'unreachable', 'uncertain')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT    NOT NULL,
            last_error      TEXT,
            message_id      INTEGER,
            created_at      TEXT    NOT NULL,
            done_at         TEXT,
            first_due_at    TEXT,
            UNIQUE (community_id, dedupe_key)
        );
        INSERT INTO outbox_new (id, community_id, push_id, chat_id, person_id, content,
                                dedupe_key, state, attempts, next_attempt_at, last_error,
                                message_id, created_at, done_at, first_due_at)
            SELECT id, community_id, push_id, chat_id, person_id, content,
                   dedupe_key, state, attempts, next_attempt_at, last_error,
                   message_id, created_at, done_at, first_due_at FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
        CREATE INDEX outbox_by_push ON outbox(push_id, state);
        CREATE INDEX outbox_by_message ON outbox(chat_id, message_id)
            WHERE message_id IS NOT NULL;
        CREATE INDEX outbox_by_community ON outbox(community_id);
    """,
    rebuilds_tables=True,
)
