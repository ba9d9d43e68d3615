"""Migration 16. The poll book: THAT a person voted in a vote, never what."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): one record per person counts the votes they cast. A public
# ballot names its voter, but an anonymous one does not, and once the vote closes its
# secret is erased, so from the ballots alone nobody can tell any more who voted.
MIGRATION = Migration(
    16,
    "poll book: that a person voted in a vote (never what), for their participation record",
    """
        -- The poll book (投票簿), like the list a polling station ticks: one row when a
        -- person's ballot is cast (by them, or a proxy ballot recorded for them), gone
        -- if they withdraw it. It says THAT they voted, never WHAT: it has no choice,
        -- no voter key and no timestamp, so it cannot be joined to a ballot. WITHOUT
        -- ROWID keeps the rows in (vote_id, person_id) order, not in the order ballots
        -- were cast, so the storage order cannot be matched against the ballots' order
        -- either. Written in the same unit of work as the ballot (one call to
        -- storage/participation/poll_book.py in each cast path), so the WAL checkpoint
        -- that follows a burst of anonymous ballots clears both together. A forgotten
        -- person's rows go with them (ON DELETE CASCADE); the vote's count stays.
        CREATE TABLE poll_book (
            vote_id   INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (vote_id, person_id)
        ) WITHOUT ROWID;
        CREATE INDEX poll_book_by_person ON poll_book(person_id);

        -- Public ballots already name their voter: they fill the book. Anonymous
        -- ballots cast before this step cannot (that is their point); those votes
        -- count from now on only.
        INSERT OR IGNORE INTO poll_book (vote_id, person_id)
            SELECT b.vote_id, b.person_id FROM ballots b JOIN votes v ON v.id = b.vote_id
            WHERE v.anonymous = 0 AND b.person_id IS NOT NULL;
        """,
)
