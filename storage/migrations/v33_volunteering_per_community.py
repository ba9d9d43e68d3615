"""Migration 33. Volunteer units' names and the duty rota's days, unique per community.

One deployment serves a street's communities (issue 12, migration 29). Each has its own
local organisations (units) and its own weekly duty rota (周五我值日): two communities
may each have a unit called 物业服务中心, and each has a unit on duty every Friday. So
``vol_units.name UNIQUE`` becomes ``UNIQUE (community_id, name)`` and ``duties.day
UNIQUE`` becomes ``UNIQUE (community_id, day)``. SQLite cannot drop a column's UNIQUE:
both tables are rebuilt, every column copied (``community_id`` too, kept last, as
migration 29 added it); neither had another index or a trigger. ``vol_unit_members``,
``activities``, ``duties`` and ``duty_swaps`` refer to them by name, so their keys
find the new tables.

Left as they are, being about globally unique ids: a check-in per (activity, person),
a sign-up per (activity, person), one unit per member and one location consent per
person (a person is one community's). The on-site check-in code is not stored: it is
derived from each activity's secret and the time (bot/codes.py), so it has no
uniqueness to scope.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    33,
    "volunteer units' names and duty days unique within their community",
    """
        CREATE TABLE vol_units_new (
            id           INTEGER PRIMARY KEY,
            name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
            contact_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            skip_next    INTEGER NOT NULL DEFAULT 0 CHECK (skip_next IN (0, 1)),
            last_duty_on TEXT,
            created_at   TEXT    NOT NULL,
            community_id INTEGER NOT NULL DEFAULT 1,
            UNIQUE (community_id, name)
        );
        INSERT INTO vol_units_new (id, name, contact_id, skip_next, last_duty_on, created_at,
                                   community_id)
            SELECT id, name, contact_id, skip_next, last_duty_on, created_at, community_id
            FROM vol_units;
        DROP TABLE vol_units;
        ALTER TABLE vol_units_new RENAME TO vol_units;

        CREATE TABLE duties_new (
            id           INTEGER PRIMARY KEY,
            day          TEXT    NOT NULL,
            unit_id      INTEGER NOT NULL REFERENCES vol_units(id) ON DELETE CASCADE,
            activity_id  INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            created_at   TEXT    NOT NULL,
            community_id INTEGER NOT NULL DEFAULT 1,
            UNIQUE (community_id, day)
        );
        INSERT INTO duties_new (id, day, unit_id, activity_id, created_at, community_id)
            SELECT id, day, unit_id, activity_id, created_at, community_id FROM duties;
        DROP TABLE duties;
        ALTER TABLE duties_new RENAME TO duties;
        """,
    rebuilds_tables=True,
)
