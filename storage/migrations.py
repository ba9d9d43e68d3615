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
    #: Rebuilds a table (SQLite cannot change a CHECK in place): run with
    #: foreign-key enforcement off, as SQLite's documented procedure asks, so
    #: dropping the old table does not cascade; keys are checked before commit.
    rebuilds_tables: bool = False
    #: After it commits, the whole file is rewritten (VACUUM, then the WAL truncated).
    vacuums: bool = False


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
    Migration(
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
    ),
    # --- micro Party lessons (微党课) ---------------------------------------
    Migration(
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
    ),
    # --- Volunteer service (志愿者打卡): activities, sign-ups, check-ins, hours, duty rota.
    Migration(
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
    ),
    # --- Proxy ballots only for people who cannot vote themselves (issue 10 §5).
    Migration(
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
    ),
    # --- Delivery: retries follow a deadline from when a message was first due.
    Migration(
        8,
        "delivery: when each outbox message was first due, for its retry deadline",
        """
        -- The moment a message was first due (its not_before); the sender keeps
        -- retrying it for [delivery] retry_for_hours from then, however many
        -- attempts that takes. next_attempt_at moves with each retry, this does not.
        ALTER TABLE outbox ADD COLUMN first_due_at TEXT;
        UPDATE outbox SET first_due_at = CASE WHEN attempts = 0 THEN next_attempt_at
                                              ELSE created_at END;
        """,
    ),
    # --- Privacy: deleted means gone from the file (issue 10).
    Migration(
        10,
        "rewrite the file once: bytes deleted before secure_delete was on are gone",
        """
        -- Nothing changes in the schema. Every connection now runs with
        -- PRAGMA secure_delete = ON; what was deleted before (by a build of SQLite
        -- without it on by default) may still sit in free space, so the runner
        -- rewrites the file once after this step (VACUUM).
        SELECT 1;
        """,
        vacuums=True,
    ),
)
