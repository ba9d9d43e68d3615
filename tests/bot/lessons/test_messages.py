"""Micro Party lessons: a lesson pushed as messages: its text cut into parts."""

from __future__ import annotations

from bot.lessons.messages import split_body


def test_split_body_cuts_at_paragraphs_then_lines_then_hard() -> None:
    assert split_body("一\n\n\n二\n\n三", limit=10) == ["一\n\n二\n\n三"]
    assert split_body("甲" * 6 + "\n\n" + "乙" * 6, limit=10) == ["甲" * 6, "乙" * 6]
    assert split_body("甲" * 4 + "\n" + "乙" * 4 + "\n" + "丙" * 4, limit=10) == [
        "甲" * 4 + "\n" + "乙" * 4,
        "丙" * 4,
    ]
    assert split_body("丁" * 25, limit=10) == ["丁" * 10, "丁" * 10, "丁" * 5]
