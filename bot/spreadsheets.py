"""Tables as files: CSV and Excel, for every record a secretary downloads.

The ledger (台账), the lessons' study records and the volunteer hours all build
:class:`Sheet` tables; :func:`csv_bytes` and :func:`xlsx_bytes` write them. The
writers are pure functions, testable without Telegram. Text cells that a
spreadsheet would run as a formula (starting with = + - @) are escaped in CSV
and stored as plain text in the workbook.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | None

#: Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Widest a column gets, in characters.
MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class Sheet:
    """One table: ``key`` names it in file names, ``title`` in the workbook."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: A line above the headers in the workbook (who made it, when, for what), if any.
    title_row: tuple[str, ...] = ()


def csv_safe(value: Cell) -> Cell:
    """A cell that no spreadsheet runs as a formula: text starting with = + - @ gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV: UTF-8 with a BOM (so Excel reads Chinese right), CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(header) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if cell is None else csv_safe(cell) for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _visual_width(value: Cell) -> int:
    """How many character cells a value takes: wide (CJK) characters count two."""
    if value is None:
        return 0
    return max(
        (
            sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in line)
            for line in str(value).splitlines()
        ),
        default=0,
    )


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one Excel workbook: bold frozen header row, columns sized to fit."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        if sheet.title_row:
            ws.append(list(sheet.title_row))
            for cell in ws[1]:
                cell.data_type = "s"
        ws.append(list(sheet.headers))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    # Text stays text: never a formula, whatever it starts with.
                    cell.data_type = "s"
        ws.freeze_panes = "A3" if sheet.title_row else "A2"
        for index, header in enumerate(sheet.headers, start=1):
            widest = max(
                [_visual_width(header)] + [_visual_width(row[index - 1]) for row in sheet.rows]
            )
            ws.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_COLUMN_WIDTH)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
