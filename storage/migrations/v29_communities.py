"""Migration 29. Communities as first-class rows, and every community row scoped to one.

Until now one deployment served one community, named in the configuration. A
street office runs one bot for all of its communities (issue 12): each has its own
register, groups, matters, lessons, activities and records. This step adds the
``communities`` table and a ``community_id`` column to every table that holds a
community's data. A database of the single-community shape migrates in place:
everything it holds becomes community 1's, the community the configuration's
``[community]`` section describes.

``ALTER TABLE ... ADD COLUMN`` needs a default for a NOT NULL column, and SQLite
forbids a REFERENCES clause with a non-NULL default while foreign keys are on, so
the column is ``NOT NULL DEFAULT 1`` without a foreign key: the repositories write
it on every insert (storage/scope.py), and the isolation tests
(tests/handlers/community/test_isolation.py) catch an insert that forgets it, since
a row that lands in community 1 is missing from community 2's screens. Where a
uniqueness rule is per community (a schedule's key, a sitting's time, a unit's
name, a matter's number), later steps rebuild the index to include the community.
"""

from __future__ import annotations

from storage.migrations.step import Migration

#: Every table that holds a community's data. Left out: ``schema_migrations`` (the
#: database's own) and ``inbox`` (Telegram's updates, before anyone knows whose
#: community they concern).
COMMUNITY_TABLES = [
    "acceptances",
    "activities",
    "appraisal_branch",
    "appraisal_peer",
    "appraisal_self",
    "appraisals",
    "audit_log",
    "ballots",
    "board_pages",
    "chats",
    "checkin_changes",
    "checkins",
    "comment_supports",
    "comments",
    "commitment_progress",
    "conventions",
    "dialogs",
    "duties",
    "duty_swaps",
    "firings",
    "home_deliveries",
    "household_leads",
    "household_visits",
    "households",
    "inservice_members",
    "inservice_messages",
    "lead_members",
    "leave_requests",
    "lesson_answers",
    "lesson_recipients",
    "lesson_studies",
    "lessons",
    "location_consents",
    "makeup_bookings",
    "makeup_slots",
    "matter_events",
    "matter_follows",
    "matter_supports",
    "matters",
    "minutes_excerpts",
    "need_offers",
    "needs",
    "offer_claims",
    "outbox",
    "paper_counts",
    "paper_residents",
    "paper_voters",
    "party_birthday_cards",
    "party_commitments",
    "people",
    "person_roles",
    "pledge_ratings",
    "poll_book",
    "progress_reports",
    "project_follows",
    "proxy_requests",
    "pushes",
    "ratings",
    "referrals",
    "reminder_opt_outs",
    "schedules",
    "signups",
    "sitting_attendance",
    "sitting_codes",
    "sitting_guests",
    "sitting_officers",
    "sittings",
    "spending_history",
    "spending_items",
    "spending_projects",
    "spending_receipts",
    "supervision_terms",
    "supervisors",
    "survey_answers",
    "survey_recipients",
    "surveys",
    "vol_unit_members",
    "vol_units",
    "votes",
]

#: Tables listed by community often enough (or large enough) to want the index now.
_INDEXED = ("people", "chats", "matters", "lessons", "activities", "schedules", "outbox")

_SQL = "\n".join(
    [
        """
        CREATE TABLE communities (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
            name_en     TEXT    CHECK (name_en IS NULL OR length(name_en) BETWEEN 1 AND 64),
            -- The community's grids (网格), as JSON [{"id": .., "name": .., "name_en": ..}];
            -- community 1's come from the configuration.
            grids       TEXT    NOT NULL DEFAULT '[]',
            created_by  INTEGER,
            created_at  TEXT    NOT NULL,
            renamed_at  TEXT
        );
        -- The community every existing row belongs to. Its name is the configuration's,
        -- written at each start (bot/community/communities.py); this one is a placeholder.
        INSERT INTO communities (id, name, created_at)
            VALUES (1, '社区', strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now'));
        """
    ]
    + [
        f"ALTER TABLE {table} ADD COLUMN community_id INTEGER NOT NULL DEFAULT 1;"
        for table in COMMUNITY_TABLES
    ]
    + [f"CREATE INDEX {table}_by_community ON {table}(community_id);" for table in _INDEXED]
)

MIGRATION = Migration(
    29,
    "communities; every community's row scoped to one (a single-community database"
    " becomes community 1's)",
    _SQL,
)
