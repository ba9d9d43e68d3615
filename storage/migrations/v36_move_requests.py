"""Migration 36. Requests to move to another community (搬到其他社区).

A registered person is in one community at a time. Moving is asked, not done: the
person asks from /me, the secretaries of the community they would join accept or
refuse. The request lives in the community asked to take them (``community_id``: its
secretaries list and decide it there); ``from_community`` is the one they leave, whose
records of them stay where they are. At most one open request per person.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    36,
    "requests to move to another community (the target community's secretaries decide)",
    """
        CREATE TABLE move_requests (
            id             INTEGER PRIMARY KEY,
            -- The community asked to take the person in (where the request is decided).
            community_id   INTEGER NOT NULL REFERENCES communities(id),
            person_id      INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            from_community INTEGER NOT NULL REFERENCES communities(id),
            state          TEXT    NOT NULL DEFAULT 'requested'
                                   CHECK (state IN ('requested', 'accepted', 'refused',
                                                    'withdrawn')),
            asked_at       TEXT    NOT NULL,
            decided_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            decided_at     TEXT
        );
        CREATE UNIQUE INDEX move_requests_one_open
            ON move_requests(person_id) WHERE state = 'requested';
        CREATE INDEX move_requests_by_community ON move_requests(community_id, state);
    """,
)
