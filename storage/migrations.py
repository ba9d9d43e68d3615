"""Numbered, described schema migrations, applied in order at start.

Each migration runs once, inside the transaction that records it in
``schema_migrations``; a database newer than this code is refused. Add a new
migration at the end; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, what it is for, and its SQL."""

    version: int
    description: str
    sql: str


ROLES_SQL = "'resident','volunteer','party_member','grid_worker','supervisor','secretary'"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
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
    ),
    Migration(
        2,
        "scheduling and delivery: schedules with their firings; pushes and the outbox",
        """
        -- The source of truth for everything the bot does on its own at a time.
        CREATE TABLE schedules (
            id          INTEGER PRIMARY KEY,
            key         TEXT    UNIQUE,           -- for built-in schedules, one per key
            kind        TEXT    NOT NULL,         -- what to do when due
            title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            rule        TEXT    NOT NULL,         -- JSON: when (see bot/scheduling.py)
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
    ),
    Migration(
        3,
        "deliberation: matters raised by residents and their supports",
        """
        CREATE TABLE matters (
            id               INTEGER PRIMARY KEY,
            title            TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 40),
            details          TEXT    NOT NULL CHECK (length(details) BETWEEN 1 AND 500),
            raised_by        INTEGER REFERENCES people(id) ON DELETE SET NULL,
            stage            TEXT    NOT NULL DEFAULT 'raised'
                             CHECK (stage IN ('raised', 'agenda', 'withdrawn')),
            support_until    TEXT    NOT NULL,
            agenda_forum     TEXT    CHECK (agenda_forum IN ('session', 'talk_day')),
            agenda_at        TEXT,
            withdrawn_reason TEXT,
            card_push_id     INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            created_at       TEXT    NOT NULL,
            updated_at       TEXT    NOT NULL
        );
        CREATE INDEX matters_by_stage ON matters(stage, id);

        -- One support per person per matter; a forgotten person's support
        -- still counts, without them.
        CREATE TABLE matter_supports (
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            at        TEXT    NOT NULL,
            UNIQUE (matter_id, person_id)
        );
        """,
    ),
)
