"""Migration 26. The two lists (需求/服务两张清单): residents' needs, services offered, claims."""

from __future__ import annotations

from storage.migrations.step import Migration

# Issue 14, §3: a resident posts a need (category, building, urgency; text, photo or
# voice); a member, volunteer or secretary claims it (a task with an owner and a
# deadline, or a volunteer activity); the resident confirms and rates it. People offer
# services; a resident claims one, the offerer agrees, and it becomes a task for them.
MIGRATION = Migration(
    26,
    "needs and services (需求/服务): needs, their clocks and ratings; offers; claims of offers",
    """
        CREATE TABLE need_offers (
            id           INTEGER PRIMARY KEY,
            -- The offerer's own words: they go with the offerer on /forget.
            person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            what         TEXT    NOT NULL,
            -- The day it is offered on; NULL: long-term (长期).
            available_on TEXT,
            -- How many people (or times) it serves.
            capacity     INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),
            state        TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
            created_at   TEXT    NOT NULL
        );

        CREATE TABLE needs (
            id            INTEGER PRIMARY KEY,
            -- The resident: on /forget the link goes (the counts stay) and so do their
            -- words, photo and voice (the trigger below).
            resident_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            -- Who recorded it on the resident's behalf (a member visiting, a secretary).
            recorded_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            category      TEXT    NOT NULL,
            building      TEXT,
            urgent        INTEGER NOT NULL DEFAULT 0,
            text          TEXT    NOT NULL DEFAULT '',
            photo         TEXT,
            voice         TEXT,
            -- open (待认领), claimed (办理中), done (待确认), solved (已解决),
            -- matter (已转为议题).
            state         TEXT    NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'claimed', 'done', 'solved', 'matter')),
            posted_at     TEXT    NOT NULL,
            -- The response clocks (接诉即办).
            answer_due_at TEXT    NOT NULL,
            done_due_at   TEXT    NOT NULL,
            -- The first answer (a claim or a reply) stops the answer clock.
            answered_at   TEXT,
            answered_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            owner_id      INTEGER REFERENCES people(id) ON DELETE SET NULL,
            claimed_at    TEXT,
            due_on        TEXT,
            activity_id   INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            offer_id      INTEGER REFERENCES need_offers(id) ON DELETE SET NULL,
            matter_id     INTEGER REFERENCES matters(id) ON DELETE SET NULL,
            reply         TEXT,
            done_at       TEXT,
            solved_at     TEXT,
            rating        INTEGER CHECK (rating BETWEEN 1 AND 5),
            rated_at      TEXT,
            -- How many times the resident said it was not solved (back to open).
            reopened      INTEGER NOT NULL DEFAULT 0,
            unanswered_pushed_at TEXT,
            overdue_pushed_at    TEXT
        );
        CREATE INDEX needs_state ON needs (state);
        CREATE INDEX needs_resident ON needs (resident_id);
        CREATE INDEX needs_owner ON needs (owner_id);
        CREATE INDEX needs_matter ON needs (matter_id);

        CREATE TABLE offer_claims (
            id          INTEGER PRIMARY KEY,
            offer_id    INTEGER NOT NULL REFERENCES need_offers(id) ON DELETE CASCADE,
            -- Who pressed 认领, and for whom (a secretary may claim for a resident).
            claimed_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            for_person  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            state       TEXT    NOT NULL DEFAULT 'asked'
                CHECK (state IN ('asked', 'agreed', 'declined')),
            asked_at    TEXT    NOT NULL,
            decided_at  TEXT,
            -- The task it became (a need owned by the offerer).
            need_id     INTEGER REFERENCES needs(id) ON DELETE SET NULL
        );
        CREATE INDEX offer_claims_offer ON offer_claims (offer_id);

        -- /forget: a resident's words, photo and voice go with them; the need stays
        -- counted in the reports, nameless.
        CREATE TRIGGER needs_forget_resident BEFORE DELETE ON people
        BEGIN
            UPDATE needs SET text = '', photo = NULL, voice = NULL, reply = NULL
                WHERE resident_id = OLD.id;
        END;
        """,
)
