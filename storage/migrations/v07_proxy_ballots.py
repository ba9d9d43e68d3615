"""Migration 7.

Proxy ballots: residents entered on paper, requests for a proxy, one ballot per person.
"""

from __future__ import annotations

from storage.migrations.step import Migration

# Proxy ballots only for people who cannot vote themselves (issue 10 §5).
MIGRATION = Migration(
    7,
    "proxy ballots: residents without Telegram entered on paper, residents' requests"
    " for a proxy, one ballot per person per vote",
    """
        -- Residents without Telegram, entered into the register by their grid worker
        -- or a secretary; their consent is given on paper and kept by the committee.
        CREATE TABLE paper_residents (
            id             INTEGER PRIMARY KEY,
            display_name   TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
            building       TEXT    NOT NULL CHECK (length(building) BETWEEN 1 AND 32),
            grid_id        TEXT,
            consent_method TEXT    NOT NULL DEFAULT 'paper' CHECK (consent_method = 'paper'),
            consent_at     TEXT    NOT NULL,
            entered_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            entered_at     TEXT    NOT NULL
        );
        CREATE INDEX paper_residents_by_grid ON paper_residents(grid_id, display_name);

        -- A registered resident's standing request that their grid worker record
        -- their ballots (they are told each time and may replace it themselves).
        CREATE TABLE proxy_requests (
            person_id    INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            requested_at TEXT    NOT NULL
        );

        -- A public vote's ballot names its voter: a registered person or a paper
        -- resident, each at most once per vote (an anonymous ballot names nobody; its
        -- key, derived from the person, is the primary key).
        ALTER TABLE ballots ADD COLUMN paper_resident_id INTEGER
            REFERENCES paper_residents(id) ON DELETE SET NULL;
        CREATE UNIQUE INDEX ballots_one_per_person ON ballots(vote_id, person_id)
            WHERE person_id IS NOT NULL;
        CREATE UNIQUE INDEX ballots_one_per_paper_resident ON ballots(vote_id, paper_resident_id)
            WHERE paper_resident_id IS NOT NULL;
        """,
)
