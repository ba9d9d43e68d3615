"""Migration 15. Surveys (民意测评): questions sent privately, answers, the committee's response."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): surveys with reminders to those who have not answered.
MIGRATION = Migration(
    15,
    "surveys: questions, recipients, answers (anonymous ones keyed), reminders to answer",
    """
        -- A survey a secretary sent: its questions (JSON), audience, closing time and,
        -- once published, the committee's response. ``salt`` is an anonymous survey's
        -- key secret while it is open (bot/surveys/answering.py), erased at the close.
        CREATE TABLE surveys (
            id          INTEGER PRIMARY KEY,
            title       TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            questions   TEXT    NOT NULL,
            audience    TEXT    NOT NULL,
            anonymous   INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
            salt        TEXT,
            created_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            sent_at     TEXT    NOT NULL,
            closes_at   TEXT    NOT NULL,
            closed_at   TEXT,
            schedule_id INTEGER,
            response    TEXT,
            response_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            response_at TEXT
        );

        -- Who a survey was sent to (for reminders and the sent count); not what they answered.
        CREATE TABLE survey_recipients (
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (survey_id, person_id)
        ) WITHOUT ROWID;

        -- One answer per respondent per question. ``respondent`` is "p<person id>" in a
        -- named survey (with person_id), a keyed hash in an anonymous one (person_id
        -- NULL). No time is kept and rows are ordered by their key, so neither the
        -- order nor the moment of an answer links it to the person.
        CREATE TABLE survey_answers (
            survey_id  INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            question   INTEGER NOT NULL CHECK (question >= 0),
            respondent TEXT    NOT NULL,
            person_id  INTEGER REFERENCES people(id) ON DELETE CASCADE,
            choice     TEXT,
            text       TEXT,
            PRIMARY KEY (survey_id, question, respondent),
            CHECK (person_id IS NULL OR respondent = 'p' || person_id)
        ) WITHOUT ROWID;

        -- Reminders can now be turned off for surveys too.
        CREATE TABLE reminder_opt_outs_new (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind      TEXT    NOT NULL CHECK (kind IN ('vote', 'survey')),
            at        TEXT    NOT NULL,
            PRIMARY KEY (person_id, kind)
        ) WITHOUT ROWID;
        INSERT INTO reminder_opt_outs_new (person_id, kind, at)
            SELECT person_id, kind, at FROM reminder_opt_outs;
        DROP TABLE reminder_opt_outs;
        ALTER TABLE reminder_opt_outs_new RENAME TO reminder_opt_outs;
        """,
    rebuilds_tables=True,
)
