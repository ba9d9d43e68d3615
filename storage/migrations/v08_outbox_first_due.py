"""Migration 8. Delivery: when each outbox message was first due, for its retry deadline."""

from __future__ import annotations

from storage.migrations.step import Migration

# Delivery: retries follow a deadline from when a message was first due.
MIGRATION = Migration(
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
)
