"""Migration 2. Scheduling and delivery: schedules with their firings; pushes and the outbox."""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    2,
    "scheduling and delivery: schedules with their firings; pushes and the outbox",
    """
        -- The source of truth for everything the bot does on its own at a time.
        CREATE TABLE schedules (
            id          INTEGER PRIMARY KEY,
            key         TEXT    UNIQUE,           -- for built-in schedules, one per key
            kind        TEXT    NOT NULL,         -- what to do when due
            title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            rule        TEXT    NOT NULL,         -- JSON: when (see bot/runtime/scheduler/)
            payload     TEXT    NOT NULL DEFAULT '{}',
            owner_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            next_due_at TEXT,                     -- NULL: nothing more to do
            enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            created_at  TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL
        );
        CREATE INDEX schedules_due ON schedules(next_due_at) WHERE enabled = 1;

        -- One row per (schedule, due time): written in the same transaction as
        -- the firing's effect, so a firing is never done twice.
        CREATE TABLE firings (
            schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            due_at      TEXT    NOT NULL,
            fired_at    TEXT    NOT NULL,
            outcome     TEXT    NOT NULL CHECK (outcome IN ('done', 'late', 'missed')),
            PRIMARY KEY (schedule_id, due_at)
        );

        -- A push: messages the bot sends on its own, with who started it and
        -- where its progress is shown.
        CREATE TABLE pushes (
            id                INTEGER PRIMARY KEY,
            kind              TEXT    NOT NULL,
            title             TEXT    NOT NULL,
            started_by        INTEGER REFERENCES people(id) ON DELETE SET NULL,
            report_chat_id    INTEGER,
            report_message_id INTEGER,
            report_language   TEXT    NOT NULL DEFAULT 'zh_Hans',
            reported_at       TEXT,
            created_at        TEXT    NOT NULL,
            finished_at       TEXT
        );
        CREATE INDEX pushes_open ON pushes(id) WHERE finished_at IS NULL;

        -- Every pushed message: sent at Telegram's limits by one sender.
        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY,
            push_id         INTEGER REFERENCES pushes(id) ON DELETE CASCADE,
            chat_id         INTEGER NOT NULL,
            person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
            content         TEXT    NOT NULL,     -- JSON: text and buttons
            dedupe_key      TEXT    NOT NULL UNIQUE,
            state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
                            ('pending', 'sending', 'sent', 'failed', 'unreachable', 'uncertain')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT    NOT NULL,
            last_error      TEXT,
            message_id      INTEGER,
            created_at      TEXT    NOT NULL,
            done_at         TEXT
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
        CREATE INDEX outbox_by_push ON outbox(push_id, state);
        """,
)
