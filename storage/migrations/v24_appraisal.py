"""Migration 24. The yearly democratic appraisal (民主评诺 / 民主评议) and residents'
ratings of public pledges (群众参评)."""

from __future__ import annotations

from storage.migrations.step import Migration

# The Party members' own systems (issue 14, §1, step 5): a secretary opens the year's
# appraisal; each member assesses themselves and rates the others; residents rate the
# public pledges; the branch sets a grade per member; the secretary closes it.
MIGRATION = Migration(
    24,
    "democratic appraisal (民主评议): self, peer, residents' pledge ratings, the branch's grade",
    """
        CREATE TABLE appraisals (
            id         INTEGER PRIMARY KEY,
            year       INTEGER NOT NULL UNIQUE,
            opened_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            opened_at  TEXT    NOT NULL,
            closed_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            closed_at  TEXT,
            -- The community's day it closed: commitments still open and due before it
            -- count as overdue in the table.
            closed_on  TEXT
        );

        -- A member's self-assessment (自评): theirs, gone with them on /forget.
        CREATE TABLE appraisal_self (
            appraisal_id INTEGER NOT NULL REFERENCES appraisals(id) ON DELETE CASCADE,
            person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            grade        TEXT CHECK (grade IN ('excellent', 'competent', 'basic', 'incompetent')),
            text         TEXT,
            at           TEXT    NOT NULL,
            PRIMARY KEY (appraisal_id, person_id)
        );

        -- Peer rating (互评): one grade per rater per member, changeable until closed.
        CREATE TABLE appraisal_peer (
            appraisal_id INTEGER NOT NULL REFERENCES appraisals(id) ON DELETE CASCADE,
            rater_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            member_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            grade        TEXT    NOT NULL
                CHECK (grade IN ('excellent', 'competent', 'basic', 'incompetent')),
            at           TEXT    NOT NULL,
            PRIMARY KEY (appraisal_id, rater_id, member_id),
            CHECK (rater_id <> member_id)
        );
        CREATE INDEX appraisal_peer_member ON appraisal_peer (appraisal_id, member_id);

        -- The branch's assessment (支部测评), set by a secretary.
        CREATE TABLE appraisal_branch (
            appraisal_id INTEGER NOT NULL REFERENCES appraisals(id) ON DELETE CASCADE,
            member_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            grade        TEXT
                CHECK (grade IN ('excellent', 'competent', 'basic', 'incompetent')),
            note         TEXT,
            set_by       INTEGER REFERENCES people(id) ON DELETE SET NULL,
            at           TEXT    NOT NULL,
            PRIMARY KEY (appraisal_id, member_id)
        );

        -- Residents' rating of a public pledge (群众参评): one per resident, changeable;
        -- the member is never told who rated.
        CREATE TABLE pledge_ratings (
            commitment_id INTEGER NOT NULL REFERENCES party_commitments(id) ON DELETE CASCADE,
            person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            rating        TEXT    NOT NULL CHECK (rating IN ('good', 'fair', 'poor')),
            at            TEXT    NOT NULL,
            PRIMARY KEY (commitment_id, person_id)
        );
        """,
)
