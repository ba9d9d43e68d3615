"""Migration 25. In-service Party members reporting to the community (在职党员报到)."""

from __future__ import annotations

from storage.migrations.step import Migration

# The Party members' own systems (issue 14, §2): a member working elsewhere registers
# here (their employer and its Party organisation's contact), takes a post and maybe a
# building (包楼栋, a commitment of §1); residents reach them through the contact card's
# link (a random token, never a phone number), their messages and the replies relayed.
MIGRATION = Migration(
    25,
    "in-service members (在职党员报到): employer, post, building, contact card; relayed messages",
    """
        CREATE TABLE inservice_members (
            -- One record per member: registering again replaces it (the token stays).
            person_id        INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            employer         TEXT    NOT NULL,
            party_org        TEXT    NOT NULL,
            -- Who to write to at the employer's Party organisation: a name, and a phone
            -- number or an e-mail address.
            org_contact_name TEXT    NOT NULL,
            org_contact      TEXT    NOT NULL,
            post             TEXT    NOT NULL,
            building         TEXT,
            -- The 包楼栋 pledge made on registering (a commitment of party_commitments).
            commitment_id    INTEGER REFERENCES party_commitments(id) ON DELETE SET NULL,
            -- The contact card's deep link (start=contact-<token>): random, unguessable.
            token            TEXT    NOT NULL UNIQUE,
            registered_at    TEXT    NOT NULL
        );

        CREATE TABLE inservice_messages (
            id          INTEGER PRIMARY KEY,
            -- The member written to, and the resident who wrote (both go on /forget).
            member_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            resident_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            text        TEXT    NOT NULL,
            sent_at     TEXT    NOT NULL,
            reply       TEXT,
            replied_at  TEXT
        );
        CREATE INDEX inservice_messages_member ON inservice_messages (member_id);
        CREATE INDEX inservice_messages_resident ON inservice_messages (resident_id);
        """,
)
