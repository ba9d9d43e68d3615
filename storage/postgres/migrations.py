"""PostgreSQL's schema steps, numbered as SQLite's are.

Migrations are numbered per engine, on one scale: a PostgreSQL database starts
at the schema SQLite reached at :data:`storage.postgres.baseline.VERSION` (written
from it by tools/pg_baseline.py; nothing older exists on PostgreSQL to migrate),
and each later step is written for both engines under the same number (SQLite's
in storage/migrations/, PostgreSQL's here). So ``schema_version`` means the same
schema on both, which ``pavilion migrate --to`` relies on, and
tests/storage/test_backends.py checks that both have the same tables and columns.
"""

from __future__ import annotations

from storage.migrations import (
    v41_role_index_per_community,
    v42_convention_and_lesson_numbers,
    v43_leave_activity_move_numbers,
    v44_need_survey_checkin_commitment_numbers,
    v45_card_refreshes,
    v46_command_menus,
    v47_offer_numbers,
)
from storage.migrations.step import Migration
from storage.postgres import baseline
from storage.postgres.compat import COMPAT_SQL

POSTGRES_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        baseline.VERSION,
        "the whole schema as SQLite has it at this version, and SQLite's functions",
        COMPAT_SQL + baseline.SQL,
    ),
    # 39: who is handling an update, until when, and whose turn it keeps (several
    # workers, bot/runtime/claims.py). The lease is the server's time, so workers
    # whose clocks disagree still agree on when a lease has run out.
    Migration(
        39,
        "inbox: order key, claiming worker and lease (several workers on PostgreSQL)",
        """
        ALTER TABLE inbox ADD COLUMN order_key TEXT;
        ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE inbox ADD COLUMN lease_until TIMESTAMPTZ;
        CREATE INDEX inbox_undone ON inbox(update_id) WHERE done_at IS NULL;
        CREATE INDEX inbox_in_turn ON inbox(order_key, update_id)
            WHERE done_at IS NULL OR claimed_by IS NOT NULL;
        """,
    ),
    # storage/migrations/v40_community_calendar.py: a community's own calendar choices.
    Migration(
        40,
        "a community's own calendar choices",
        "ALTER TABLE communities ADD COLUMN calendar TEXT NOT NULL DEFAULT '{}'",
    ),
    # Written once for both: its SQL is portable.
    v41_role_index_per_community.MIGRATION,
    # storage/migrations/v42_convention_and_lesson_numbers.py: conventions and lessons
    # numbered per community; PostgreSQL's trigger is plpgsql, as matters' is.
    Migration(
        42,
        v42_convention_and_lesson_numbers.MIGRATION.description,
        v42_convention_and_lesson_numbers.POSTGRES_SQL,
    ),
    # storage/migrations/v43_leave_activity_move_numbers.py: leave requests, activities
    # and move requests numbered per community, the same way.
    Migration(
        43,
        v43_leave_activity_move_numbers.MIGRATION.description,
        v43_leave_activity_move_numbers.POSTGRES_SQL,
    ),
    # storage/migrations/v44_need_survey_checkin_commitment_numbers.py: needs, surveys,
    # check-ins and Party commitments numbered per community, the same way.
    Migration(
        44,
        v44_need_survey_checkin_commitment_numbers.MIGRATION.description,
        v44_need_survey_checkin_commitment_numbers.POSTGRES_SQL,
    ),
    # Written once for both: its SQL is portable.
    v45_card_refreshes.MIGRATION,
    v46_command_menus.MIGRATION,
    # storage/migrations/v47_offer_numbers.py: services offered numbered per community.
    Migration(47, v47_offer_numbers.MIGRATION.description, v47_offer_numbers.POSTGRES_SQL),
)
