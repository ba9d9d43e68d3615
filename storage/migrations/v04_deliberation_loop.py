"""Migration 4.

Deliberation, the whole loop: history, discussion, votes, sittings, carrying out, conventions.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    4,
    "deliberation: the whole loop - history, discussion, votes and ballots, sittings,"
    " carrying out, referrals, ratings, supervision group, conventions register",
    """
        -- matters, rebuilt: more stages, a kind, merging, the resolution and
        -- carrying out. Same ids, so supports and cards keep pointing right.
        CREATE TABLE matters_new (
            id               INTEGER PRIMARY KEY,
            kind             TEXT    NOT NULL DEFAULT 'matter'
                             CHECK (kind IN ('matter', 'convention')),
            title            TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 40),
            details          TEXT    NOT NULL CHECK (length(details) BETWEEN 1 AND 500),
            photo_file_id    TEXT,
            raised_by        INTEGER REFERENCES people(id) ON DELETE SET NULL,
            stage            TEXT    NOT NULL DEFAULT 'raised' CHECK (stage IN (
                                 'raised', 'agenda', 'voting', 'passed', 'rejected',
                                 'no_quorum', 'in_progress', 'acceptance', 'done',
                                 'withdrawn', 'merged')),
            support_until    TEXT    NOT NULL,
            agenda_forum     TEXT    CHECK (agenda_forum IN ('session', 'talk_day')),
            agenda_at        TEXT,
            withdrawn_reason TEXT    CHECK (length(withdrawn_reason) <= 200),
            merged_into      INTEGER REFERENCES matters(id),
            resolution       TEXT    CHECK (length(resolution) <= 1000),
            resolved_at      TEXT,
            major            INTEGER NOT NULL DEFAULT 0 CHECK (major IN (0, 1)),
            owner_kind       TEXT    CHECK (owner_kind IN
                             ('resident', 'team', 'committee', 'unit')),
            owner_person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            owner_name       TEXT    CHECK (length(owner_name) <= 64),
            due_at           TEXT,
            progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
            overdue_reminded_at TEXT,
            done_at          TEXT,
            card_push_id     INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            created_at       TEXT    NOT NULL,
            updated_at       TEXT    NOT NULL
        );
        INSERT INTO matters_new (id, title, details, raised_by, stage, support_until,
            agenda_forum, agenda_at, withdrawn_reason, card_push_id, created_at, updated_at)
        SELECT id, title, details, raised_by, stage, support_until, agenda_forum, agenda_at,
            withdrawn_reason, card_push_id, created_at, updated_at FROM matters;
        DROP TABLE matters;
        ALTER TABLE matters_new RENAME TO matters;
        CREATE INDEX matters_by_stage ON matters(stage, id);
        CREATE INDEX matters_by_agenda ON matters(agenda_at) WHERE agenda_at IS NOT NULL;

        -- A matter's history, step by step (shown by /matter N; kept after it ends).
        CREATE TABLE matter_events (
            id        INTEGER PRIMARY KEY,
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            at        TEXT    NOT NULL,
            kind      TEXT    NOT NULL,
            actor_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            detail    TEXT    NOT NULL DEFAULT '{}'      -- JSON parameters of the step
        );
        CREATE INDEX matter_events_by_matter ON matter_events(matter_id, id);

        -- Where a pushed message landed, to find the matter a reply is about.
        CREATE INDEX outbox_by_message ON outbox(chat_id, message_id)
            WHERE message_id IS NOT NULL;

        -- Discussion (民议): a hidden comment is kept for audit and shown as hidden.
        CREATE TABLE comments (
            id            INTEGER PRIMARY KEY,
            matter_id     INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            text          TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
            created_at    TEXT    NOT NULL,
            hidden_at     TEXT,
            hidden_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            hidden_reason TEXT    CHECK (length(hidden_reason) <= 200)
        );
        CREATE INDEX comments_by_matter ON comments(matter_id, id);

        -- Votes (民决). At most one open vote per matter. Anonymous votes key
        -- their ballots by a hash of a per-vote salt and the person; the salt
        -- is erased at the close, after which nobody can tell who voted what.
        CREATE TABLE votes (
            id           INTEGER PRIMARY KEY,
            matter_id    INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            kind         TEXT    NOT NULL CHECK (kind IN ('yes_no', 'single', 'multiple')),
            options      TEXT    NOT NULL,      -- JSON list of option labels
            anonymous    INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
            salt         TEXT,
            quorum       INTEGER NOT NULL CHECK (quorum >= 0),
            threshold    TEXT    NOT NULL CHECK (threshold IN ('majority', 'two_thirds')),
            opened_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            opened_at    TEXT    NOT NULL,
            closes_at    TEXT    NOT NULL,
            closed_at    TEXT,
            closed_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            result       TEXT    CHECK (result IN ('passed', 'rejected', 'no_quorum')),
            tally        TEXT,                  -- JSON, counted from the ballots at the close
            voters       INTEGER,
            card_push_id INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            schedule_id  INTEGER REFERENCES schedules(id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX votes_one_open ON votes(matter_id) WHERE closed_at IS NULL;

        -- One ballot per voter per vote, by the primary key. ``choice`` holds
        -- the chosen option indexes, comma-separated.
        CREATE TABLE ballots (
            vote_id      INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
            voter_key    TEXT    NOT NULL,
            person_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            choice       TEXT    NOT NULL,
            cast_at      TEXT    NOT NULL,
            recorded_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            proxy_reason TEXT    CHECK (length(proxy_reason) <= 200),
            PRIMARY KEY (vote_id, voter_key)
        ) WITHOUT ROWID;

        -- Held sessions and talk days: when the agenda went out, when they
        -- opened and closed, and the minutes posted at the end.
        CREATE TABLE sittings (
            id                INTEGER PRIMARY KEY,
            forum             TEXT    NOT NULL CHECK (forum IN ('session', 'talk_day')),
            starts_at         TEXT    NOT NULL,
            agenda_posted_at  TEXT,
            opened_at         TEXT,
            closed_at         TEXT,
            notes             TEXT    CHECK (length(notes) <= 2000),
            minutes_posted_at TEXT,
            UNIQUE (forum, starts_at)
        );

        -- Carrying out (民办): progress reports by the owner.
        CREATE TABLE progress_reports (
            id            INTEGER PRIMARY KEY,
            matter_id     INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            percent       INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
            text          TEXT    CHECK (length(text) <= 500),
            photo_file_id TEXT,
            at            TEXT    NOT NULL
        );
        CREATE INDEX progress_by_matter ON progress_reports(matter_id, id);

        -- Referrals to outside departments (社区吹哨、部门报到), open until answered.
        CREATE TABLE referrals (
            id          INTEGER PRIMARY KEY,
            matter_id   INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            department  TEXT    NOT NULL CHECK (length(department) BETWEEN 1 AND 64),
            request     TEXT    NOT NULL CHECK (length(request) BETWEEN 1 AND 500),
            referred_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            referred_at TEXT    NOT NULL,
            due_at      TEXT,
            answer      TEXT    CHECK (length(answer) <= 1000),
            answered_at TEXT,
            recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            reminded_at TEXT
        );
        CREATE INDEX referrals_open ON referrals(matter_id) WHERE answered_at IS NULL;

        -- Residents' rating of a finished matter (民意测评), one each.
        CREATE TABLE ratings (
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            rating    TEXT    NOT NULL CHECK (rating IN ('satisfied', 'basically', 'unsatisfied')),
            at        TEXT    NOT NULL,
            UNIQUE (matter_id, person_id)
        );

        -- The resident supervision group, one row per term, and its members.
        CREATE TABLE supervision_terms (
            id         INTEGER PRIMARY KEY,
            starts_at  TEXT    NOT NULL,
            ends_at    TEXT    NOT NULL,
            method     TEXT    NOT NULL CHECK (method IN ('lot', 'appointed')),
            created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL
        );
        CREATE TABLE supervisors (
            term_id   INTEGER NOT NULL REFERENCES supervision_terms(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (term_id, person_id)
        ) WITHOUT ROWID;
        -- A supervisor's sign-off of a major project's acceptance.
        CREATE TABLE acceptances (
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            verdict   TEXT    NOT NULL CHECK (verdict IN ('accepted', 'rework')),
            note      TEXT    CHECK (length(note) <= 500),
            at        TEXT    NOT NULL,
            UNIQUE (matter_id, person_id)
        );

        -- The community conventions register (社区公约): what a passed vote
        -- adopted, and which later convention amended it.
        CREATE TABLE conventions (
            id            INTEGER PRIMARY KEY,
            title         TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 40),
            text          TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
            matter_id     INTEGER NOT NULL UNIQUE REFERENCES matters(id),
            vote_id       INTEGER NOT NULL REFERENCES votes(id),
            adopted_at    TEXT    NOT NULL,
            amends        INTEGER REFERENCES conventions(id),
            superseded_by INTEGER REFERENCES conventions(id)
        );
        """,
    rebuilds_tables=True,
)
