"""Migration 1.

The community register: people, roles, chats; the inbox of updates; dialogs; the audit log.
"""

from __future__ import annotations

from storage.migrations.step import ROLES_SQL, Migration

MIGRATION = Migration(
    1,
    "community register: people, roles, chats; inbox of updates; dialogs; audit log",
    f"""
        CREATE TABLE people (
            id            INTEGER PRIMARY KEY,
            tg_user_id    INTEGER NOT NULL UNIQUE,
            display_name  TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
            tg_username   TEXT,
            language      TEXT    NOT NULL CHECK (language IN ('zh_Hans', 'en')),
            building      TEXT    CHECK (length(building) <= 32),
            grid_id       TEXT,
            consent_at    TEXT    NOT NULL,
            registered_at TEXT    NOT NULL,
            reachable     INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
            last_seen_at  TEXT    NOT NULL
        );

        CREATE TABLE person_roles (
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            role       TEXT    NOT NULL CHECK (role IN ({ROLES_SQL})),
            granted_at TEXT    NOT NULL,
            granted_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            PRIMARY KEY (person_id, role)
        );
        CREATE INDEX person_roles_by_role ON person_roles(role);

        CREATE TABLE chats (
            chat_id    INTEGER PRIMARY KEY,
            title      TEXT    NOT NULL,
            type       TEXT    NOT NULL,
            kind       TEXT    CHECK (kind IN ('residents', 'members', 'volunteers')),
            bound_at   TEXT,
            bound_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            is_member  INTEGER NOT NULL DEFAULT 1 CHECK (is_member IN (0, 1)),
            updated_at TEXT    NOT NULL
        );

        -- Every update is stored here before Telegram is told it was received.
        -- payload is cleared when the update is done: only the id stays, to
        -- recognise a redelivery, until it is pruned.
        CREATE TABLE inbox (
            update_id   INTEGER PRIMARY KEY,
            received_at TEXT    NOT NULL,
            payload     TEXT,
            done_at     TEXT,
            failed      INTEGER NOT NULL DEFAULT 0 CHECK (failed IN (0, 1))
        );
        CREATE INDEX inbox_done_at ON inbox(done_at);

        -- The step a person has reached in a guided conversation, per chat.
        CREATE TABLE dialogs (
            chat_id    INTEGER NOT NULL,
            user_id    INTEGER NOT NULL,
            flow       TEXT    NOT NULL,
            step       TEXT    NOT NULL,
            data       TEXT    NOT NULL DEFAULT '{{}}',
            updated_at TEXT    NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        );
        CREATE INDEX dialogs_by_user ON dialogs(user_id);

        -- Who did what, for the committee's records. Names are never copied
        -- here: a forgotten person's entries stay, without the person.
        CREATE TABLE audit_log (
            id         INTEGER PRIMARY KEY,
            at         TEXT    NOT NULL,
            actor_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            subject_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            action     TEXT    NOT NULL,
            detail     TEXT    NOT NULL DEFAULT '',
            update_id  INTEGER
        );
        CREATE INDEX audit_log_actor ON audit_log(actor_id);
        CREATE INDEX audit_log_subject ON audit_log(subject_id);
        """,
)
