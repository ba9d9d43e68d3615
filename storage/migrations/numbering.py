"""The SQL that numbers a table's rows per community (议题 #N, 公约 #N, 请假 #N …).

A numbered table has a column (``number``) unique within its scope (``community_id``):
what people see and type, while the row's id stays unique in the street. The
repositories write the next number at insert; a trigger numbers a row that comes
without one (by hand, an old fixture). Matters (migration 30), conventions and lessons
(42), leave requests, activities and move requests (43), needs, surveys, check-ins and
Party commitments (44) and services offered (47) are numbered alike, on both engines, so
the SQL is written once here.
"""

from __future__ import annotations


def postgres_next_number_trigger(
    table: str, column: str = "number", scope: str = "community_id"
) -> str:
    """PostgreSQL's ``<table>_next_<column>``: a BEFORE INSERT plpgsql trigger that gives a
    row without ``column`` the next one within its ``scope`` (SQLite's trigger body does
    not translate). tools/pg_baseline.py writes matters' with it."""
    name = f"{table}_next_{column}"
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.{column} IS NULL THEN
        NEW.{column} := (SELECT coalesce(max({column}), 0) + 1 FROM {table}
                       WHERE {scope} = NEW.{scope});
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER {name} BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();"""


def postgres_numbering(table: str) -> str:
    """PostgreSQL: ``table`` gains ``number`` (its existing rows keep their id as number,
    so nothing shown before changes meaning), unique per community, and its trigger."""
    return f"""ALTER TABLE {table} ADD COLUMN number BIGINT CHECK (number >= 1);
UPDATE {table} SET number = id;
CREATE UNIQUE INDEX {table}_by_number ON {table}(community_id, number);
{postgres_next_number_trigger(table)}"""


def sqlite_numbering(table: str) -> str:
    """SQLite's form of :func:`postgres_numbering`: the column, the index, and an AFTER
    INSERT trigger (SQLite's cannot set NEW) numbering a row written without one."""
    return f"""ALTER TABLE {table} ADD COLUMN number INTEGER CHECK (number >= 1);
UPDATE {table} SET number = id;
CREATE UNIQUE INDEX {table}_by_number ON {table}(community_id, number);
CREATE TRIGGER {table}_next_number AFTER INSERT ON {table} WHEN NEW.number IS NULL
BEGIN
    UPDATE {table} SET number = (SELECT coalesce(max(number), 0) + 1
        FROM {table} WHERE community_id = NEW.community_id) WHERE id = NEW.id;
END;"""


def next_number(table: str) -> str:
    """The SQL expression a repository's INSERT writes as ``number``: the community's
    next (its one parameter is the community's id). Read in the same statement, inside
    the caller's transaction; a community's writes are serialized (one writer per
    community on both engines)."""
    return f"(SELECT coalesce(max(number), 0) + 1 FROM {table} WHERE community_id = ?)"
