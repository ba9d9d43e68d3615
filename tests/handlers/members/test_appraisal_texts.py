"""The yearly table as a message: paged, eight members a page."""

from __future__ import annotations

from collections import Counter

from bot.config import Language
from bot.members.appraisal_table import Table, TableRow
from handlers.members.keyboards import appraisal_pages
from handlers.members.texts import appraisal_table


def _row(number: int) -> TableRow:
    return TableRow(
        person_id=number,
        name=f"党员{number}",
        extra=(),
        self_grade="competent",
        self_text=None,
        peer=Counter(excellent=5, competent=2),
        residents=Counter(),
        branch_grade=None,
        branch_note=None,
    )


def test_a_long_table_is_paged() -> None:
    table = Table(2026, (), tuple(_row(n) for n in range(1, 10)))
    first, pages = appraisal_table(Language.ZH_HANS, table, 0)
    assert pages == 2
    assert first.startswith("📊 2026 年度党员民主评议汇总（共 9 名党员） 第 1/2 页")
    assert "8. 党员8" in first and "9. 党员9" not in first
    assert "　互评：优秀 5 · 合格 2\n　群众评价：暂无评价\n　支部测评：未评" in first
    second, _ = appraisal_table(Language.ZH_HANS, table, 1)
    assert "9. 党员9" in second and "1. 党员1" not in second
    markup = appraisal_pages(2026, 1, pages, Language.ZH_HANS)
    assert markup is not None
    assert [b.text for row in markup.inline_keyboard for b in row] == ["◀ 上一页"]
    assert appraisal_pages(2026, 0, 1, Language.ZH_HANS) is None
