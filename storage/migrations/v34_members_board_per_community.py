"""Migration 34. The Party members' and the public board's uniqueness, per community.

One deployment serves a street's communities (issue 12, migration 29). Each community
opens its own yearly democratic appraisal (民主评议), so ``appraisals.year`` is unique
per community: ``UNIQUE (community_id, year)``. SQLite cannot drop a column's UNIQUE,
so the table is rebuilt (foreign keys off, as the documented procedure asks: the
self-assessments, peer ratings and branch grades referring to it stay as they are, and
refer to the new table by name once it is renamed).

Left as they are, being about globally unique ids, not about the community:
``party_birthday_cards (person_id, year)``, the appraisal's and the pledge ratings'
keys, ``matter_follows`` and ``project_follows`` (a person and a matter or project),
``inservice_members.person_id``. ``inservice_members.token`` stays unique street-wide
on purpose: it is random, and a contact card passed on to a resident of another
community must still reach the member, so the link's token is looked up street-wide for
its community (``InserviceRepository.street_wide_community_of_token``). The board's
how-to pages (``board_pages``) and the spending projects have no unique column.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    34,
    "the yearly appraisal (民主评议) unique per community and year",
    """
        CREATE TABLE appraisals_new (
            id           INTEGER PRIMARY KEY,
            year         INTEGER NOT NULL,
            opened_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            opened_at    TEXT    NOT NULL,
            closed_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            closed_at    TEXT,
            -- The community's day it closed: commitments still open and due before it
            -- count as overdue in the table.
            closed_on    TEXT,
            community_id INTEGER NOT NULL DEFAULT 1,
            UNIQUE (community_id, year)
        );
        INSERT INTO appraisals_new
            (id, year, opened_by, opened_at, closed_by, closed_at, closed_on, community_id)
            SELECT id, year, opened_by, opened_at, closed_by, closed_at, closed_on, community_id
            FROM appraisals;
        DROP TABLE appraisals;
        ALTER TABLE appraisals_new RENAME TO appraisals;
        """,
    rebuilds_tables=True,
)
