"""The shared writer: typed cells, the title row, print setup, CSV text that stays text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.config import Language
from bot.spreadsheets import (
    TEXT_GUARD,
    Masthead,
    Sheet,
    csv_bytes,
    csv_text,
    hours_cell,
    local_cell,
    period_text,
    stamped,
    xlsx_bytes,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MADE_AT = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai


def wall(text: str) -> datetime:
    """A wall-clock time as a workbook holds it (local, without a zone)."""
    return datetime.fromisoformat(text)


def sample() -> Sheet:
    return Sheet(
        "sample",
        "样表",
        ("姓名", "时间", "日期", "分钟", "小时", "备注"),
        (
            (
                "张阿姨",
                local_cell(datetime(2026, 11, 19, 11, 0, tzinfo=UTC), SHANGHAI),
                date(2026, 11, 19),
                90,
                hours_cell(90),
                "1/1",
            ),
            ("李大爷", None, None, 45, hours_cell(45), "0:45"),
            ("=1+1", None, None, 0, hours_cell(0), "13800138000"),
        ),
    )


def masthead(language: Language = Language.ZH_HANS) -> Masthead:
    return Masthead(
        community="幸福社区",
        period=period_text(language, date(2026, 11, 1), date(2026, 11, 30)),
        made_by="王书记",
        made_at=MADE_AT,
        tz=SHANGHAI,
        language=language,
    )


def test_the_workbook_is_typed_titled_and_ready_to_print() -> None:
    (sheet,) = stamped([sample()], masthead())
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    ws = book["样表"]
    title = next(ws.iter_rows(max_row=1, values_only=True))
    assert title[:4] == (
        "幸福社区",
        "统计期间：2026年11月",
        "制表人：王书记",
        "制表时间：2026-11-20 10:30",
    )
    assert ws["A1"].font.bold and ws["A2"].font.bold and ws["A2"].value == "姓名"
    assert ws.freeze_panes == "A3"
    # A time in the community's zone, naive (Excel has no zones), as a date cell.
    when, day = ws["B3"], ws["C3"]
    assert when.value == wall("2026-11-19 19:00") and when.is_date
    assert when.number_format == "yyyy-mm-dd hh:mm"
    assert day.value == wall("2026-11-19 00:00") and day.number_format == "yyyy-mm-dd"
    # Counts and hours are numbers, so a secretary can sum them.
    assert [ws[f"D{row}"].value for row in (3, 4, 5)] == [90, 45, 0]
    assert [ws[f"E{row}"].value for row in (3, 4, 5)] == [1.5, 0.75, 0]
    assert {ws[f"{col}{row}"].data_type for col in "DE" for row in (3, 4, 5)} == {"n"}
    # Text stays text: "1/1" is no date, "=1+1" no formula.
    assert ws["F3"].value == "1/1" and ws["F3"].data_type == "s"
    assert ws["A5"].value == "=1+1" and ws["A5"].data_type == "s"
    # Print: A4 landscape, one page wide, title and header rows on every page.
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$2"
    # Widths: a CJK character counts two ("制表时间" header width from its rows).
    assert ws.column_dimensions["B"].width == len("2026-11-19 19:00") + 2
    assert ws.column_dimensions["A"].width == 2 * 3 + 2


def test_an_aware_time_is_refused() -> None:
    bad = Sheet("x", "x", ("时间",), ((datetime(2026, 11, 19, tzinfo=UTC),),))
    with pytest.raises(ValueError):
        xlsx_bytes([bad])


def test_csv_cells_stay_what_they_are() -> None:
    data = csv_bytes(sample())
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["姓名", "时间", "日期", "分钟", "小时", "备注"]
    assert table[1] == ["张阿姨", "2026-11-19 19:00", "2026-11-19", "90", "1.50", "\u200b1/1"]
    assert table[2][5] == "\u200b0:45" and table[3][5] == "\u200b13800138000"
    assert table[3][0] == "\u200b=1+1"
    # Read back without the invisible guard, the texts are exactly what was written.
    assert [row[5].removeprefix(TEXT_GUARD) for row in table[1:]] == ["1/1", "0:45", "13800138000"]
    assert table[2][3] == "45"  # a real number stays a number


@pytest.mark.parametrize(
    "text",
    ["1/1", "3-4", "12-03", "0:45", "7:30 pm", "0123", "1e5", "50%", "3月4日", "2026年11月",
     "Dec 3", "3-Dec", "TRUE", "=1+1", "+86 138", "-1", "@SUM(A1)", "\t=1"],
)  # fmt: skip
def test_texts_a_spreadsheet_would_change_are_guarded(text: str) -> None:
    assert csv_text(text) == TEXT_GUARD + text


@pytest.mark.parametrize("text", ["张阿姨", "3号楼", "1号楼2单元", "过半数", "A12", "路灯 2 盏"])
def test_ordinary_texts_are_left_alone(text: str) -> None:
    assert csv_text(text) == text


def test_periods_as_people_say_them() -> None:
    zh, en = Language.ZH_HANS, Language.EN
    assert period_text(zh, date(2026, 1, 1), date(2026, 12, 31)) == "2026年"
    assert period_text(zh, date(2026, 2, 1), date(2026, 2, 28)) == "2026年2月"
    assert period_text(zh, date(2026, 11, 3), date(2026, 11, 30)) == "2026-11-03 至 2026-11-30"
    assert period_text(en, date(2026, 2, 1), date(2026, 2, 28)) == "2026-02"
    assert masthead(en).title_row()[1:] == (
        "Period: 2026-11",
        "Made by: 王书记",
        "Made at: 2026-11-20 10:30",
    )
