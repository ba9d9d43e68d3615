"""Migration 37. Street invites (街道邀请链接): a street administrator appoints a community's
first secretary by a link the person opens.

A street-level table, like ``communities``: each row names the community it invites
into (``community_id``, written by the repository, never a default). The token is
random, used once, and expires seven days after it was made. Who opened it is not kept
here: the role it granted is in ``person_roles`` and the audit log, where the person's
export and deletion already reach.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    37,
    "street invites: a link appointing a community's first secretary, used once",
    """
        CREATE TABLE street_invites (
            id           INTEGER PRIMARY KEY,
            token        TEXT    NOT NULL UNIQUE CHECK (length(token) BETWEEN 16 AND 48),
            community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
            -- The street administrator (staff, named in the configuration) who made it.
            created_by   INTEGER NOT NULL,
            created_at   TEXT    NOT NULL,
            expires_at   TEXT    NOT NULL,
            used_at      TEXT
        );
        CREATE INDEX street_invites_by_community ON street_invites(community_id, id);
    """,
)
