"""Migration 20. The minutes to a committee's standard: chair and recorder, chosen opinions."""

from __future__ import annotations

from storage.migrations.step import Migration

# Issue 13: minutes (会议记录) name who chaired and who recorded the sitting, and quote a
# few main opinions per matter: those the secretary chose, or else the comments most
# residents agreed with (👍 under a comment on the thread's page).
MIGRATION = Migration(
    20,
    "minutes: a sitting's chair and recorder, the opinions quoted, residents' 👍 on comments",
    """
        -- Who chaired (主持人) and who recorded (记录人) a sitting: a person of the
        -- register, or a name the secretary typed (someone not registered). A person
        -- who leaves the register leaves the role nameless (ON DELETE SET NULL), the
        -- typed name is not a registered person's data.
        CREATE TABLE sitting_officers (
            sitting_id    INTEGER NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,
            role          TEXT    NOT NULL CHECK (role IN ('chair', 'recorder')),
            person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            name          TEXT    CHECK (length(name) <= 64),
            set_by        INTEGER REFERENCES people(id) ON DELETE SET NULL,
            set_at        TEXT    NOT NULL,
            PRIMARY KEY (sitting_id, role)
        );

        -- The comments a secretary chose to quote in a sitting's minutes (主要意见).
        CREATE TABLE minutes_excerpts (
            sitting_id INTEGER NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            chosen_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            chosen_at  TEXT    NOT NULL,
            PRIMARY KEY (sitting_id, comment_id)
        );

        -- A resident agrees with a comment (👍 on the thread's page), once each; without
        -- a choice the minutes quote the comments most agreed with.
        CREATE TABLE comment_supports (
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            at         TEXT    NOT NULL,
            PRIMARY KEY (comment_id, person_id)
        );
        CREATE INDEX comment_supports_by_person ON comment_supports(person_id);
        """,
)
