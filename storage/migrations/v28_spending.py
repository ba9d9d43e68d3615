"""Migration 28. Spending per project on the public board (经费使用情况公开), and follows of
a project."""

from __future__ import annotations

from storage.migrations.step import Migration

# The public board (issue 14, §6): "经费使用情况等信息定期向社区居民公开". A secretary
# opens a project with its budget (linked to a matter where there is one) and records
# what was spent, with photos of the receipts; a correction or a removal is kept in the
# project's history (公开: no silent edits). Amounts are integer fen (分), never floats.
MIGRATION = Migration(
    28,
    "spending per project (经费公开): budget, items with receipts, history; project follows",
    """
        CREATE TABLE spending_projects (
            id         INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
            -- The budget in fen (分): up to 1 亿元.
            budget_fen INTEGER NOT NULL CHECK (budget_fen BETWEEN 1 AND 10000000000),
            -- Where the money comes from (经费来源), if said.
            source     TEXT    CHECK (source IS NULL OR length(source) BETWEEN 1 AND 60),
            matter_id  INTEGER REFERENCES matters(id) ON DELETE SET NULL,
            created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL,
            closed_at  TEXT,
            closed_by  INTEGER REFERENCES people(id) ON DELETE SET NULL
        );
        CREATE INDEX spending_projects_by_matter ON spending_projects(matter_id);

        -- One spending item: what, how much (fen), on which local day. A removed item
        -- stays (removed_at) so its history can be read; it no longer counts.
        CREATE TABLE spending_items (
            id          INTEGER PRIMARY KEY,
            project_id  INTEGER NOT NULL REFERENCES spending_projects(id) ON DELETE CASCADE,
            what        TEXT    NOT NULL CHECK (length(what) BETWEEN 1 AND 60),
            amount_fen  INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
            spent_on    TEXT    NOT NULL CHECK (spent_on GLOB
                            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            recorded_at TEXT    NOT NULL,
            removed_at  TEXT
        );
        CREATE INDEX spending_items_by_project ON spending_items(project_id, id);

        -- The receipts' photos of an item (Telegram file ids), in the order sent.
        CREATE TABLE spending_receipts (
            id      INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES spending_items(id) ON DELETE CASCADE,
            file_id TEXT    NOT NULL CHECK (length(file_id) BETWEEN 1 AND 200)
        );
        CREATE INDEX spending_receipts_by_item ON spending_receipts(item_id, id);

        -- Every change of a project, for all to read: opened, an item added, corrected
        -- (detail: the values before and after), removed, the project closed.
        CREATE TABLE spending_history (
            id         INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES spending_projects(id) ON DELETE CASCADE,
            item_id    INTEGER REFERENCES spending_items(id) ON DELETE CASCADE,
            kind       TEXT    NOT NULL CHECK (kind IN
                           ('created', 'item_added', 'item_corrected', 'item_removed', 'closed')),
            actor_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            at         TEXT    NOT NULL,
            detail     TEXT    NOT NULL DEFAULT '{}'
        );
        CREATE INDEX spending_history_by_project ON spending_history(project_id, id);
        CREATE INDEX spending_history_by_time ON spending_history(at);

        -- A resident follows a project (关注): told privately of each change. Goes with
        -- the person (and with the project).
        CREATE TABLE project_follows (
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            project_id INTEGER NOT NULL REFERENCES spending_projects(id) ON DELETE CASCADE,
            since      TEXT    NOT NULL,
            PRIMARY KEY (person_id, project_id)
        ) WITHOUT ROWID;
        CREATE INDEX project_follows_by_project ON project_follows(project_id, person_id);
        """,
)
