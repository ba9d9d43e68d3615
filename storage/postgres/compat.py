"""SQLite's functions the repositories use, defined in PostgreSQL.

The repositories' SQL is written once, in the subset of SQL both engines run;
where SQLite has a function PostgreSQL lacks, the PostgreSQL schema defines it
with SQLite's meaning (for the argument types the repositories pass), so the
query text stays the same on both (storage/postgres/dialect.py translates only
syntax). Each is IMMUTABLE where SQLite's is, so CHECK constraints and indexes
may use it.
"""

from __future__ import annotations

COMPAT_SQL = r"""
-- total(x): the sum as a float, 0.0 over no rows (sum() would give NULL).
CREATE FUNCTION _pavilion_total_step(acc double precision, value double precision)
    RETURNS double precision LANGUAGE sql IMMUTABLE
    AS $$ SELECT acc + coalesce(value, 0) $$;
CREATE AGGREGATE total(double precision) (
    SFUNC = _pavilion_total_step, STYPE = double precision, INITCOND = '0');

-- sum(a = b): SQLite's comparisons are 0 or 1, so it counts; NULL over no rows.
CREATE FUNCTION _pavilion_sum_bool(acc bigint, value boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT coalesce(acc, 0) + CASE WHEN value THEN 1 ELSE 0 END $$;
CREATE AGGREGATE sum(boolean) (SFUNC = _pavilion_sum_bool, STYPE = bigint);

-- group_concat(x [, separator]): the values joined, ',' by default; NULLs skipped.
CREATE FUNCTION _pavilion_concat_step(acc text, value text, separator text)
    RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value
                 ELSE acc || separator || value END $$;
CREATE FUNCTION _pavilion_concat_step(acc text, value text)
    RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT _pavilion_concat_step(acc, value, ',') $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = _pavilion_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(text) (SFUNC = _pavilion_concat_step, STYPE = text);

-- instr(haystack, needle): the 1-based position of needle, 0 if absent.
CREATE FUNCTION instr(haystack text, needle text) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(haystack, needle)::bigint $$;

-- julianday(t): days since noon UTC, 24 November 4714 BC, as a float.
CREATE FUNCTION julianday(moment text) RETURNS double precision
    LANGUAGE sql STABLE
    AS $$ SELECT extract(epoch FROM moment::timestamptz)::double precision / 86400.0
                 + 2440587.5 $$;

-- json_valid(text): whether the text is well-formed JSON.
CREATE FUNCTION json_valid(document text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM document::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END $$;

-- json_extract(document, '$.a.b'): the value at a simple path, as text (SQLite's
-- gives the JSON type; the repositories compare it as text: CAST(... AS TEXT)).
CREATE FUNCTION json_extract(document text, path text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT document::jsonb #>> string_to_array(substr(path, 3), '.') $$;

-- json_array(x): a one-element JSON array.
CREATE FUNCTION json_array(value text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT json_build_array(value)::text $$;

-- json_insert(array, '$[#]', value): the array with the value appended (the one path
-- the repositories use).
CREATE FUNCTION json_insert(document text, path text, value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF path <> '$[#]' THEN
        RAISE EXCEPTION 'json_insert: only the path $[#] is defined here, not %', path;
    END IF;
    RETURN (document::jsonb || jsonb_build_array(value))::text;
END $$;

-- json_each(array): its elements as rows of (key, value); values as text.
CREATE FUNCTION json_each(document text) RETURNS TABLE (key bigint, value text)
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT ordinality - 1, element FROM
          json_array_elements_text(document::json) WITH ORDINALITY AS e(element, ordinality) $$;
"""
