"""The repositories' SQL, written for SQLite, as PostgreSQL runs it.

The repositories hold one SQL text per query, in the dialect SQLite speaks, with
``?`` (or ``?N``, ``:name``) placeholders. On PostgreSQL each text is translated
once (and cached) into fragments around its placeholders; each execution then
renders the parameters into the text as SQL literals (client-side binding, as
psycopg2 does), so PostgreSQL types them from their context the way SQLite's
column affinity does: ``'12'`` into an INTEGER column, ``5`` compared with
``count(*)``. Server-side parameters would need a type for every placeholder, and
SQLite's lax typing is in too many of the repositories' queries to annotate them.

What the translation changes (and nothing else):

- ``INSERT OR IGNORE`` becomes ``INSERT … ON CONFLICT DO NOTHING``;
- an ``INSERT`` into a table whose key is an identity ``id`` gets ``RETURNING id``,
  which is the cursor's ``lastrowid``;
- ``max(a, b)`` / ``min(a, b)`` (SQLite's scalar forms) become ``greatest`` /
  ``least``; ``char(n)`` becomes ``chr(n)``;
- ``a IS b`` / ``a IS NOT b`` become ``IS NOT DISTINCT FROM`` / ``IS DISTINCT FROM``;
- a subquery in FROM without a name gets one;
- ``ORDER BY`` puts NULLs where SQLite does (first when ascending, last when
  descending) unless the column is NOT NULL everywhere;
- SQLite's functions that PostgreSQL lacks (``total``, ``group_concat``,
  ``instr``, ``julianday``, ``json_extract``, ``json_array``, ``json_each``,
  ``json_valid``) are not translated: the schema defines them
  (storage/postgres/compat.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

_TOKENS = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>--[^\n]*|/\*.*?\*/)
    | (?P<string>'(?:[^']|'')*')
    | (?P<ident>"(?:[^"]|"")*")
    | (?P<cast>::)
    | (?P<param>\?\d*|:[A-Za-z_]\w*)
    | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    | (?P<op>\|\||<=|>=|<>|!=|==|<<|>>|.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: What may follow IS in SQL both engines share.
_IS_KEYWORDS = {"NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN", "JSON"}
#: Words after a subquery in FROM that are not its alias.
_NOT_ALIASES = {
    "WHERE",
    "GROUP",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "JOIN",
    "LEFT",
    "INNER",
    "CROSS",
    "ON",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "HAVING",
    "WINDOW",
    "USING",
    "NATURAL",
    "FULL",
    "RIGHT",
    "RETURNING",
}
#: Words that end an ORDER BY list at its own depth.
_ORDER_END = {"LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "RETURNING", "ON", "FOR"}


@dataclass
class _Token:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


def tokenize(sql: str) -> list[_Token]:
    """The SQL text as tokens; comments are dropped (they become a space)."""
    tokens: list[_Token] = []
    for match in _TOKENS.finditer(sql):
        kind = match.lastgroup or "op"
        if kind == "comment":
            tokens.append(_Token("ws", " "))
        else:
            tokens.append(_Token(kind, match.group()))
    return tokens


@dataclass(frozen=True)
class Translated:
    """One query in PostgreSQL's dialect: text fragments around the parameters."""

    #: len(slots) + 1 fragments; parameter i goes between fragments i and i + 1.
    fragments: tuple[str, ...]
    #: Per placeholder: the index into a sequence of parameters, or a name.
    slots: tuple[int | str, ...]
    #: Whether the statement returns rows (SELECT, WITH, VALUES, or RETURNING).
    returns_rows: bool
    #: Whether ``RETURNING id`` was added (its value is the cursor's lastrowid).
    returns_id: bool

    def render(self, params: Sequence[Any] | Mapping[str, Any] | None) -> str:
        """The statement with ``params`` written in as literals."""
        if not self.slots:
            return self.fragments[0]
        if params is None:
            raise ValueError("the statement has placeholders but no parameters were given")
        parts = [self.fragments[0]]
        for slot, fragment in zip(self.slots, self.fragments[1:], strict=True):
            if isinstance(slot, str):
                if not isinstance(params, Mapping):
                    raise ValueError(f"named parameter :{slot} needs a mapping")
                value = params[slot]
            else:
                if isinstance(params, Mapping):
                    raise ValueError("positional placeholders need a sequence")
                value = params[slot]
            parts.append(literal(value))
            parts.append(fragment)
        return "".join(parts)


@dataclass(frozen=True)
class Schema:
    """What the translation needs to know of the database's tables."""

    #: Tables whose key is an identity column ``id`` (an INSERT returns it).
    identity_tables: frozenset[str] = frozenset()
    #: Column names that are NOT NULL in every table that has them.
    never_null: frozenset[str] = frozenset()


def translate(sql: str, schema: Schema) -> Translated:
    """Translate one statement (see the module's docstring)."""
    tokens = tokenize(sql)
    ignore = _drop_or_ignore(tokens)
    _rewrite_calls(tokens)
    _rewrite_is_param(tokens)
    _alias_subqueries(tokens)
    _order_nulls_as_sqlite(tokens, schema)
    words = [t.upper for t in tokens if t.kind == "word"]
    first = words[0] if words else ""
    has_returning = _at_depth0(tokens, "RETURNING") is not None
    returns_id = False
    if first == "INSERT" and not has_returning:
        table = _insert_table(tokens)
        if table is not None and table in schema.identity_tables:
            returns_id = True
    if ignore:
        _insert_before_returning(tokens, " ON CONFLICT DO NOTHING")
    if returns_id:
        _strip_trailing_semicolon(tokens)
        tokens.append(_Token("op", " RETURNING id"))
        has_returning = True
    fragments: list[str] = []
    slots: list[int | str] = []
    buffer: list[str] = []
    next_index = 0
    for token in tokens:
        if token.kind != "param":
            buffer.append(token.text)
            continue
        fragments.append("".join(buffer))
        buffer = []
        text = token.text
        if text.startswith(":"):
            slots.append(text[1:])
        elif len(text) > 1:
            index = int(text[1:]) - 1
            slots.append(index)
            next_index = max(next_index, index + 1)
        else:
            slots.append(next_index)
            next_index += 1
    fragments.append("".join(buffer))
    returns_rows = first in {"SELECT", "WITH", "VALUES"} or has_returning
    return Translated(tuple(fragments), tuple(slots), returns_rows, returns_id)


def literal(value: Any) -> str:
    """``value`` as a PostgreSQL literal, typed from its context as SQLite would store it."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value) if value >= 0 else f"({value})"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"'{value!r}'::float8".replace("inf", "Infinity").replace("nan", "NaN")
        return repr(value) if value >= 0 else f"({value!r})"
    if isinstance(value, Decimal):
        return f"'{value}'::numeric"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"'\\x{bytes(value).hex()}'::bytea"
    if isinstance(value, datetime):
        return quote(value.isoformat(" "))
    if isinstance(value, (date, time)):
        return quote(value.isoformat())
    raise TypeError(f"cannot store a {type(value).__name__} in the database")


def quote(text: str) -> str:
    """A string literal (standard_conforming_strings is on: only quotes are doubled).

    PostgreSQL's text cannot hold NUL; it is stored as U+FFFD, the replacement
    character, rather than refusing the whole statement."""
    return "'" + text.replace("\x00", "\ufffd").replace("'", "''") + "'"


# --- the rewrites -------------------------------------------------------------


def _significant(tokens: list[_Token], start: int, step: int = 1) -> int | None:
    """The index of the next token that is not whitespace, from ``start``."""
    i = start
    while 0 <= i < len(tokens):
        if tokens[i].kind != "ws":
            return i
        i += step
    return None


def _drop_or_ignore(tokens: list[_Token]) -> bool:
    """``INSERT OR IGNORE`` → ``INSERT``; whether it was there."""
    i = _significant(tokens, 0)
    if i is None or tokens[i].upper != "INSERT":
        return False
    j = _significant(tokens, i + 1)
    if j is None or tokens[j].upper != "OR":
        return False
    k = _significant(tokens, j + 1)
    if k is None or tokens[k].upper != "IGNORE":
        return False
    for index in range(j, k + 1):
        tokens[index] = _Token("ws", "")
    return True


def _matching_paren(tokens: list[_Token], open_index: int) -> int:
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses in SQL")


def _rewrite_calls(tokens: list[_Token]) -> None:
    for i, token in enumerate(tokens):
        if token.kind != "word":
            continue
        name = token.upper
        if name not in {"MAX", "MIN", "CHAR"}:
            continue
        j = _significant(tokens, i + 1)
        if j is None or tokens[j].text != "(":
            continue
        if name == "CHAR":
            tokens[i] = _Token("word", "chr")
            continue
        close = _matching_paren(tokens, j)
        depth, commas = 0, 0
        for inner in tokens[j + 1 : close]:
            if inner.text == "(":
                depth += 1
            elif inner.text == ")":
                depth -= 1
            elif inner.text == "," and depth == 0:
                commas += 1
        if commas:
            tokens[i] = _Token("word", "greatest" if name == "MAX" else "least")


def _rewrite_is_param(tokens: list[_Token]) -> None:
    """SQLite's ``a IS b`` / ``a IS NOT b`` compare NULLs as equal, for any ``b``."""
    for i, token in enumerate(tokens):
        if token.upper != "IS":
            continue
        j = _significant(tokens, i + 1)
        if j is None:
            continue
        negated = tokens[j].upper == "NOT"
        k = _significant(tokens, j + 1) if negated else j
        if k is None or tokens[k].upper in _IS_KEYWORDS:
            continue
        if negated:
            tokens[i] = _Token("word", "IS DISTINCT FROM")
            tokens[j] = _Token("ws", "")
        else:
            tokens[i] = _Token("word", "IS NOT DISTINCT FROM")


def _alias_subqueries(tokens: list[_Token]) -> None:
    """PostgreSQL 15 wants a name for each subquery in FROM (SQLite does not)."""
    count = 0
    i = 0
    while i < len(tokens):
        if tokens[i].upper in {"FROM", "JOIN"}:
            j = _significant(tokens, i + 1)
            if j is not None and tokens[j].text == "(":
                first = _significant(tokens, j + 1)
                if first is not None and tokens[first].upper in {"SELECT", "WITH", "VALUES"}:
                    close = _matching_paren(tokens, j)
                    after = _significant(tokens, close + 1)
                    if after is None or (
                        (tokens[after].kind != "word" or tokens[after].upper in _NOT_ALIASES)
                        and tokens[after].kind != "ident"
                    ):
                        count += 1
                        tokens.insert(close + 1, _Token("word", f" AS _subquery{count}"))
        i += 1


def _order_nulls_as_sqlite(tokens: list[_Token], schema: Schema) -> None:
    """SQLite sorts NULLs first ascending and last descending; PostgreSQL the other way."""
    i = 0
    while i < len(tokens):
        if tokens[i].upper != "ORDER":
            i += 1
            continue
        j = _significant(tokens, i + 1)
        if j is None or tokens[j].upper != "BY":
            i += 1
            continue
        items: list[tuple[int, int]] = []  # [start, end) of each item
        depth, start, k = 0, j + 1, j + 1
        while k < len(tokens):
            text = tokens[k].upper
            if text == "(":
                depth += 1
            elif text == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (text in {",", ";"} or text in _ORDER_END):
                if text != ",":
                    break
                items.append((start, k))
                start = k + 1
            k += 1
        items.append((start, k))
        insertions: list[tuple[int, str]] = []
        for begin, end in items:
            clause = _nulls_clause(tokens[begin:end], schema)
            if clause:
                # Right after the item's last token (before the space that may follow it).
                last = end
                while last > begin and tokens[last - 1].kind == "ws":
                    last -= 1
                insertions.append((last, clause))
        for position, clause in reversed(insertions):
            tokens.insert(position, _Token("word", clause))
        i = k + len(insertions)


def _nulls_clause(item: list[_Token], schema: Schema) -> str:
    words = [t for t in item if t.kind != "ws"]
    if not words or any(t.upper == "NULLS" for t in words):
        return ""
    descending = words[-1].upper == "DESC"
    if words[-1].upper in {"ASC", "DESC"}:
        words = words[:-1]
    # A plain column (``x`` or ``t.x``) that is never NULL needs no clause.
    names = [t for t in words if t.text != "."]
    if all(t.kind in {"word", "ident"} for t in names) and len(names) <= 2:
        column = names[-1].text.strip('"') if names else ""
        if column in schema.never_null:
            return ""
    if len(words) == 1 and words[0].kind == "number":
        return ""  # ORDER BY 1: a select-list position; rare, and its column is unknown
    return " NULLS LAST" if descending else " NULLS FIRST"


def _at_depth0(tokens: list[_Token], word: str) -> int | None:
    depth = 0
    for i, token in enumerate(tokens):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.upper == word:
            return i
    return None


def _insert_table(tokens: list[_Token]) -> str | None:
    into = _at_depth0(tokens, "INTO")
    if into is None:
        return None
    name = _significant(tokens, into + 1)
    if name is None:
        return None
    return tokens[name].text.strip('"').lower()


def _strip_trailing_semicolon(tokens: list[_Token]) -> None:
    last = _significant(tokens, len(tokens) - 1, step=-1)
    if last is not None and tokens[last].text == ";":
        tokens[last] = _Token("ws", "")


def _insert_before_returning(tokens: list[_Token], text: str) -> None:
    returning = _at_depth0(tokens, "RETURNING")
    if returning is None:
        _strip_trailing_semicolon(tokens)
        tokens.append(_Token("op", text))
    else:
        tokens.insert(returning, _Token("op", text + " "))
