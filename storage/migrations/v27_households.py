"""Migration 27. Households and the members who look after them (党员联户)."""

from __future__ import annotations

from storage.migrations.step import Migration

# Issue 14, §4: "每个党员中心户联系10名左右党员，每名党员联系10户左右群众". A household
# is (building, door) of the register (people.door, paper_residents.door, as one vote
# per household counts them); this table holds what belongs to the household itself.
MIGRATION = Migration(
    27,
    "households (党员联户): flags, contact member, lead households and their members, visits",
    """
        CREATE TABLE households (
            id         INTEGER PRIMARY KEY,
            -- The household as compared (bot/deliberation/voting/electorate.household_of):
            -- "h<building>/<door>" without case, width or spaces.
            key        TEXT    NOT NULL UNIQUE,
            building   TEXT    NOT NULL CHECK (length(building) BETWEEN 1 AND 32),
            door       TEXT    NOT NULL CHECK (length(door) BETWEEN 1 AND 16),
            -- Added by hand (not, or not yet, in the register): its grid and who lives
            -- there as a note. A household of the register takes its residents' grid.
            added      INTEGER NOT NULL DEFAULT 0 CHECK (added IN (0, 1)),
            grid_id    TEXT,
            note       TEXT    CHECK (note IS NULL OR length(note) <= 200),
            -- The flag ids ([households] flags) as a JSON list: sensitive, shown only to
            -- secretaries, the grid's worker and the contact member.
            flags      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
            -- The Party member who looks after it (联系党员).
            contact_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL
        );
        CREATE INDEX households_contact ON households (contact_id);

        -- Lead households (党员中心户): a Party member marked by a secretary ...
        CREATE TABLE household_leads (
            person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            marked_at TEXT    NOT NULL
        );
        -- ... who looks after about ten members (each member under one lead).
        CREATE TABLE lead_members (
            member_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            lead_id   INTEGER NOT NULL REFERENCES household_leads(person_id) ON DELETE CASCADE,
            linked_at TEXT    NOT NULL,
            CHECK (member_id != lead_id)
        );
        CREATE INDEX lead_members_lead ON lead_members (lead_id);

        -- Visits (入户走访): a member's visit to one of their households, with a note.
        CREATE TABLE household_visits (
            id           INTEGER PRIMARY KEY,
            household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
            -- The member who visited; /forget clears the note and then the link.
            person_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            visited_on   TEXT    NOT NULL CHECK (visited_on GLOB
                '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            note         TEXT    NOT NULL CHECK (length(note) <= 500),
            logged_at    TEXT    NOT NULL
        );
        CREATE INDEX household_visits_household ON household_visits (household_id, visited_on);
        CREATE INDEX household_visits_person ON household_visits (person_id, visited_on);
        """,
)
