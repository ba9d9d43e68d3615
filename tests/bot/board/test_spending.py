"""Amounts as secretaries type them (bot/board/spending.py parse_yuan), kept in fen."""

from __future__ import annotations

import pytest

from bot.board.spending import MAX_FEN, parse_yuan
from bot.errors import UserFacingError


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12000", 1_200_000),
        ("12,000.50", 1_200_050),
        ("12，000", 1_200_000),
        ("1.2万", 1_200_000),
        ("1.23456万", 1_234_560),
        ("1.234567万", 1_234_567),
        ("0012", 1200),
        ("3千", 300_000),
        ("300元", 30_000),
        ("¥300.5", 30_050),
        ("１２００", 120_000),  # full-width digits
        (" 0.01 ", 1),
        ("1亿", None),
        ("10000万", MAX_FEN),
    ],
)
def test_amounts_people_type(typed: str, fen: int | None) -> None:
    if fen is None:
        with pytest.raises(UserFacingError) as refused:
            parse_yuan(typed)
        assert refused.value.key == "spending.amount_unreadable"
        return
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("abc", "spending.amount_unreadable"),
        ("", "spending.amount_unreadable"),
        ("1.2.3", "spending.amount_unreadable"),
        ("-5", "spending.amount_not_positive"),
        ("0", "spending.amount_not_positive"),
        ("0.00", "spending.amount_not_positive"),
        ("100000000.01", "spending.amount_too_big"),
        ("9" * 200, "spending.amount_too_big"),
        ("12.345", "spending.amount_decimals"),
        ("1.2345678万", "spending.amount_decimals"),
        ("1." + "0" * 40 + "1", "spending.amount_decimals"),
        ("0.001", "spending.amount_decimals"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(typed: str, key: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_yuan(typed)
    assert refused.value.key == key
