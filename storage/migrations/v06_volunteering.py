"""Migration 6.

Volunteer service: activities, sign-ups, check-ins, hour reviews, units, the duty rota.
"""

from __future__ import annotations

from storage.migrations.step import Migration

# Volunteer service (志愿者打卡): activities, sign-ups, check-ins, hours, duty rota.
MIGRATION = Migration(
    6,
    "volunteer service: activities, sign-ups, check-ins, hour reviews, units, duty rota",
    """
        -- Local organisations (units) that take turns on the weekly duty (周五我值日).
        CREATE TABLE vol_units (
            id           INTEGER PRIMARY KEY,
            name         TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 40),
            contact_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            skip_next    INTEGER NOT NULL DEFAULT 0 CHECK (skip_next IN (0, 1)),
            last_duty_on TEXT,
            created_at   TEXT    NOT NULL
        );

        -- Which unit (team) a volunteer belongs to, if any: one each.
        CREATE TABLE vol_unit_members (
            person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            unit_id   INTEGER NOT NULL REFERENCES vol_units(id) ON DELETE CASCADE,
            joined_at TEXT    NOT NULL
        );

        -- One occurrence of a volunteer activity. The venue's own coordinates
        -- are kept (a place, not a person); a volunteer's never are.
        CREATE TABLE activities (
            id           INTEGER PRIMARY KEY,
            series_id    INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            title        TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 60),
            description  TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 500),
            place        TEXT    NOT NULL CHECK (length(place) BETWEEN 1 AND 60),
            latitude     REAL,
            longitude    REAL,
            radius_m     INTEGER NOT NULL DEFAULT 200 CHECK (radius_m BETWEEN 10 AND 100000),
            starts_at    TEXT    NOT NULL,
            ends_at      TEXT    NOT NULL,
            capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
            by_location  INTEGER NOT NULL DEFAULT 0 CHECK (by_location IN (0, 1)),
            by_code      INTEGER NOT NULL DEFAULT 0 CHECK (by_code IN (0, 1)),
            audience     TEXT    NOT NULL DEFAULT 'volunteers'
                                 CHECK (audience IN ('volunteers', 'party_members', 'unit')),
            unit_id      INTEGER REFERENCES vol_units(id) ON DELETE SET NULL,
            code_secret  TEXT    NOT NULL,
            organiser_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            card_push_id INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            created_at   TEXT    NOT NULL,
            cancelled_at TEXT,
            CHECK (ends_at > starts_at)
        );
        CREATE INDEX activities_by_start ON activities(starts_at);

        -- Sign-ups: 'signed' holds a place, 'waiting' is the waitlist in
        -- signed_at order, 'cancelled' keeps the history of who withdrew.
        CREATE TABLE signups (
            activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
            person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            state       TEXT    NOT NULL CHECK (state IN ('signed', 'waiting', 'cancelled')),
            signed_at   TEXT    NOT NULL,
            changed_at  TEXT    NOT NULL,
            PRIMARY KEY (activity_id, person_id)
        ) WITHOUT ROWID;
        CREATE INDEX signups_by_person ON signups(person_id, state);

        -- One check-in per person per activity (the schema says so); how it
        -- was verified; for a location, only the distance, never coordinates.
        CREATE TABLE checkins (
            id             INTEGER PRIMARY KEY,
            activity_id    INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
            person_id      INTEGER REFERENCES people(id) ON DELETE SET NULL,
            checked_in_at  TEXT    NOT NULL,
            method         TEXT    NOT NULL
                                   CHECK (method IN ('window', 'location', 'code', 'qr', 'kiosk')),
            distance_m     INTEGER,
            recorded_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            checked_out_at TEXT,
            out_method     TEXT    CHECK (out_method IN ('self', 'kiosk', 'auto')),
            minutes        INTEGER CHECK (minutes >= 0),
            review         TEXT    NOT NULL DEFAULT 'ok'
                                   CHECK (review IN ('ok', 'flagged', 'approved',
                                                     'adjusted', 'rejected')),
            UNIQUE (activity_id, person_id)
        );
        CREATE INDEX checkins_open ON checkins(person_id) WHERE checked_out_at IS NULL;
        CREATE INDEX checkins_flagged ON checkins(activity_id) WHERE review = 'flagged';

        -- Every change to a check-in's hours after the fact, kept for the record.
        CREATE TABLE checkin_changes (
            id          INTEGER PRIMARY KEY,
            checkin_id  INTEGER NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
            at          TEXT    NOT NULL,
            by_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
            action      TEXT    NOT NULL
                                CHECK (action IN ('auto_close', 'approve', 'adjust', 'reject')),
            old_minutes INTEGER,
            new_minutes INTEGER,
            reason      TEXT    CHECK (length(reason) <= 200)
        );

        -- A volunteer's separate consent to check in by location.
        CREATE TABLE location_consents (
            person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            given_at  TEXT    NOT NULL
        );

        -- The weekly duty rota: one unit per duty day; a swap hands a planned duty to
        -- another unit that agrees (the two exchange places in the rotation).
        CREATE TABLE duties (
            id          INTEGER PRIMARY KEY,
            day         TEXT    NOT NULL UNIQUE,
            unit_id     INTEGER NOT NULL REFERENCES vol_units(id) ON DELETE CASCADE,
            activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            created_at  TEXT    NOT NULL
        );
        CREATE TABLE duty_swaps (
            id         INTEGER PRIMARY KEY,
            duty_id    INTEGER NOT NULL REFERENCES duties(id) ON DELETE CASCADE,
            unit_id    INTEGER NOT NULL REFERENCES vol_units(id) ON DELETE CASCADE,
            asked_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            state      TEXT    NOT NULL CHECK (state IN ('asked', 'accepted', 'declined')),
            asked_at   TEXT    NOT NULL,
            decided_at TEXT
        );
        """,
)
