"""The values ``pavilion migrate --to`` brings to PostgreSQL's column types, and those it
refuses, naming the row (storage/postgres/copy.py; no server needed)."""

from __future__ import annotations

import pytest

from storage.postgres.copy import CopyError, _Normaliser, _Table

TABLE = _Table(
    name="things",
    columns=("id", "label", "weight", "count"),
    types=("bigint", "text", "double precision", "bigint"),
    key=("id",),
)


def test_values_of_their_columns_type_pass_as_they_are() -> None:
    normaliser = _Normaliser(TABLE)
    assert normaliser.record((1, "灯", 1.5, None)) == (1, "灯", 1.5, None)
    assert normaliser.converted == 0


def test_values_that_lose_nothing_are_converted_and_counted() -> None:
    normaliser = _Normaliser(TABLE)
    assert normaliser.record((1, 42, 3, 7.0)) == (1, "42", 3.0, 7)
    assert normaliser.record((2, "名".encode(), 0.5, "12")) == (2, "名", 0.5, 12)
    assert normaliser.converted == 5


@pytest.mark.parametrize(
    ("row", "column", "shown"),
    [
        ((3, "x", 1.0, "ten"), "count", "'ten'"),
        ((3, "x", 1.0, 2.5), "count", "2.5"),
        ((3, "x", "heavy", 1), "weight", "'heavy'"),
        ((3, b"\xff", 1.0, 1), "label", "b'\\xff'"),
    ],
)
def test_a_value_that_would_change_is_refused_with_its_table_column_and_row(
    row: tuple[object, ...], column: str, shown: str
) -> None:
    with pytest.raises(CopyError) as refused:
        _Normaliser(TABLE).record(row)
    assert str(refused.value).startswith(f"things.{column}: the row with id=3 holds {shown}")
