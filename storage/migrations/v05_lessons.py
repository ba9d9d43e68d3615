"""Migration 5.

Micro Party lessons: lessons, recipients, study records, quizzes, make-ups, home deliveries.
"""

from __future__ import annotations

from storage.migrations.step import Migration

# micro Party lessons (微党课) ---------------------------------------
MIGRATION = Migration(
    5,
    "micro Party lessons: lessons, who got them, study records and quiz answers,"
    " make-up slots and bookings, home deliveries",
    """
        -- A lesson a secretary wrote: draft, then scheduled, then sent.
        -- attachments: JSON [{"kind": "photo|document|audio|video", "file_id": ...}];
        -- quiz: JSON [{"question", "options": [...], "correct": i, "explanation"}];
        -- audience: NULL for every party member, or a JSON list of person ids.
        CREATE TABLE lessons (
            id          INTEGER PRIMARY KEY,
            title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
            body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
            link        TEXT    CHECK (length(link) <= 500),
            attachments TEXT    NOT NULL DEFAULT '[]',
            quiz        TEXT    NOT NULL DEFAULT '[]',
            audience    TEXT,
            status      TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'sent')),
            send_at     TEXT,
            party_day   INTEGER NOT NULL DEFAULT 0 CHECK (party_day IN (0, 1)),
            schedule_id INTEGER REFERENCES schedules(id) ON DELETE SET NULL,
            sent_at     TEXT,
            push_id     INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            corrections TEXT    NOT NULL DEFAULT '[]',
            created_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at  TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL
        );

        -- Who a sent lesson went to (its audience then), and the one reminder.
        CREATE TABLE lesson_recipients (
            lesson_id   INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            sent_at     TEXT    NOT NULL,
            reminded_at TEXT,
            PRIMARY KEY (lesson_id, person_id)
        ) WITHOUT ROWID;

        -- 已学习: one study record per member per lesson, with the quiz score.
        CREATE TABLE lesson_studies (
            lesson_id  INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            studied_at TEXT    NOT NULL,
            correct    INTEGER,
            questions  INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (lesson_id, person_id)
        ) WITHOUT ROWID;

        -- One answer per member per quiz question.
        CREATE TABLE lesson_answers (
            lesson_id INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            question  INTEGER NOT NULL CHECK (question >= 0),
            choice    INTEGER NOT NULL CHECK (choice >= 0),
            correct   INTEGER NOT NULL CHECK (correct IN (0, 1)),
            at        TEXT    NOT NULL,
            PRIMARY KEY (lesson_id, person_id, question)
        ) WITHOUT ROWID;

        -- Make-up slots (预约补课) a secretary offers for a lesson; code: check-in code.
        CREATE TABLE makeup_slots (
            id         INTEGER PRIMARY KEY,
            lesson_id  INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            starts_at  TEXT    NOT NULL,
            place      TEXT    NOT NULL CHECK (length(place) BETWEEN 1 AND 60),
            capacity   INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
            code       TEXT    NOT NULL UNIQUE,
            created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL
        );
        -- One booking per member per lesson; attended_at when they came.
        CREATE TABLE makeup_bookings (
            slot_id     INTEGER NOT NULL REFERENCES makeup_slots(id) ON DELETE CASCADE,
            lesson_id   INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            booked_at   TEXT    NOT NULL,
            attended_at TEXT,
            recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            PRIMARY KEY (lesson_id, person_id)
        ) WITHOUT ROWID;
        CREATE INDEX makeup_bookings_by_slot ON makeup_bookings(slot_id);

        -- 送学: a lesson taken to a member's home by their grid worker.
        CREATE TABLE home_deliveries (
            lesson_id     INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            requested_at  TEXT    NOT NULL,
            confirmed_at  TEXT,
            confirmed_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            photo_file_id TEXT,
            PRIMARY KEY (lesson_id, person_id)
        ) WITHOUT ROWID;
        """,
)
