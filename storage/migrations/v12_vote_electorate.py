"""Migration 12. A vote's electorate (who may vote), and doors (门牌) for households."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): a vote of some buildings, a grid, or one vote per household.
MIGRATION = Migration(
    12,
    "vote electorate: whole community, some buildings, a grid or one vote per household;"
    " doors of people and paper residents; who cast a household's ballot",
    """
        -- Who may vote. Existing votes were open to every resident: 'all'.
        ALTER TABLE votes ADD COLUMN electorate TEXT NOT NULL DEFAULT 'all'
            CHECK (electorate IN ('all', 'buildings', 'grid', 'households'));
        -- 'buildings': a JSON list of the buildings whose residents may vote.
        ALTER TABLE votes ADD COLUMN electorate_buildings TEXT
            CHECK (electorate_buildings IS NULL OR json_valid(electorate_buildings));
        -- 'grid': the grid (its id in the configuration) whose residents may vote.
        ALTER TABLE votes ADD COLUMN electorate_grid TEXT;

        -- A household is (building, door): the door (门牌, e.g. "201") is optional.
        ALTER TABLE people ADD COLUMN door TEXT CHECK (length(door) BETWEEN 1 AND 16);
        ALTER TABLE paper_residents ADD COLUMN door TEXT
            CHECK (length(door) BETWEEN 1 AND 16);

        -- A household vote's ballot is keyed by the household (one per household);
        -- caster_key is the voter identity of the member who cast it (in an anonymous
        -- vote a keyed hash like voter_key, so the file alone links it to nobody).
        ALTER TABLE ballots ADD COLUMN caster_key TEXT;
        """,
)
