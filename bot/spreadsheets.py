"""Tables as files: CSV and Excel, for every record a secretary downloads.

The ledger (台账), the lessons' study records, the volunteer hours, the participation
table and the surveys all build :class:`Sheet` tables; :func:`csv_bytes` and
:func:`xlsx_bytes` write them. The writers are pure functions, testable without Telegram,
and they do the house standard once, for every sheet:

- cells keep their type: a ``datetime`` is a date-and-time cell (yyyy-mm-dd hh:mm), a
  ``date`` a date cell (yyyy-mm-dd), ``int``/``float``/``Decimal`` are numbers, so a
  secretary can sort and sum them; text is stored as text, never run as a formula;
- a title row above the headers (community, period, 制表人, 制表时间: :class:`Masthead`),
  the header row bold, both frozen and repeated on every printed page;
- print setup: A4 landscape, fit to one page wide;
- columns sized to their contents (a CJK character counts two).

In CSV (UTF-8 with a BOM so Excel reads Chinese, CRLF lines) a text that Excel or
LibreOffice would turn into something else — a date ("1/1", "3-4", "3月4日"), a time
("0:45"), a number ("0123", a 13-digit phone number or id, "1e5"), a formula
("=1+1", "+1", "-1", "@x") — gets a zero-width space in front (:data:`TEXT_GUARD`).
Both programs then show the text as it was, without a visible mark and without running
it (an apostrophe, the workbook's own escape, shows in a CSV as an apostrophe). Datetimes
are written as "2026-11-19 19:00" and dates as "2026-11-19", which both read as dates.

Times must come in the community's zone, naive (Excel has no zones): :func:`local_cell`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Language
from bot.i18n import translate

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | Decimal | datetime | date | None

#: Characters that make a spreadsheet read a cell as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
#: Put before a CSV text cell that a spreadsheet would otherwise read as something else:
#: invisible, not whitespace (so it is not trimmed), and not a digit or a formula start.
TEXT_GUARD = "\u200b"
#: Widest a column gets, in characters.
MAX_COLUMN_WIDTH = 60
#: Number formats of the typed cells.
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
DECIMAL_FORMAT = "0.00"

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
#: Texts a spreadsheet reads as a number, a date, a time or a truth value.
_CONVERTIBLE = re.compile(
    r"""^\s*(?:
        [+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?\s*%?          # 12, 0123, 1,234, 1.5e3, 50%
      | [(]\s*[\d.,]+\s*[)]                                   # (12): a negative number
      | [$¥€£]\s*[\d.,]+                                      # ¥12
      | \d{1,4}\s*[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{1,4})?    # 1/1, 3-4, 12-03, 2026.11.1
        (?:\s+\d{1,2}:\d{1,2}(?::\d{1,2})?)?
      | \d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:[ap]\.?m?\.?)?  # 0:45, 7:30 pm
      | \d{1,2}\s*[ap]\.?m\.?                                 # 7pm
      | (?:\d{1,4}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?   # 3月4日, 2026年11月
      | \d{1,2}\s*日                                          # 4日
      | \d{1,2}\s*[-/ ]?\s*(?:"""
    + _MONTHS
    + r""")[a-z]*\.?(?:\s*[-/ ,]?\s*\d{1,4})?           # 3 Dec, 3-Dec-26
      | (?:"""
    + _MONTHS
    + r""")[a-z]*\.?\s*[-/ ]?\s*\d{1,4}(?:\s*,?\s*\d{2,4})?  # Dec 3, Dec-26
      | true | false
      | \d+\s+\d+/\d+                                         # 1 1/2
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Sheet:
    """One table: ``key`` names it in file names, ``title`` in the workbook."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: The line above the headers in the workbook (see :class:`Masthead`), if any.
    title_row: tuple[str, ...] = ()


@dataclass(frozen=True)
class Masthead:
    """What the title row of every sheet says: whose, which period, who made it, when."""

    community: str
    period: str
    made_by: str
    made_at: datetime
    tz: ZoneInfo
    language: Language

    def title_row(self) -> tuple[str, ...]:
        """社区 · 统计期间 · 制表人 · 制表时间, in the masthead's language."""
        at = self.made_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        return (
            self.community,
            translate(self.language, "sheet.period", period=self.period),
            translate(self.language, "sheet.made_by", name=self.made_by),
            translate(self.language, "sheet.made_at", at=at),
        )


def period_text(language: Language, first: date, last: date) -> str:
    """A period as people say it: a whole year, a whole month, or from one day to another."""
    if first.day == 1 and (last + timedelta(days=1)).day == 1:
        if (first.month, last.month) == (1, 12) and first.year == last.year:
            return translate(language, "sheet.year", year=first.year)
        if (first.year, first.month) == (last.year, last.month):
            return translate(language, "sheet.month", year=first.year, month=first.month)
    return translate(language, "sheet.span", first=first.isoformat(), last=last.isoformat())


def stamped(sheets: Sequence[Sheet], masthead: Masthead) -> list[Sheet]:
    """The sheets with the masthead's title row."""
    row = masthead.title_row()
    return [replace(sheet, title_row=row) for sheet in sheets]


def local_cell(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored (aware) moment as a cell: the wall time in the community's zone, to the
    minute, without a zone (Excel has none)."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def hours_cell(minutes: int) -> Decimal:
    """Minutes as hours to two decimals (90 → 1.50): a number that sums right."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


# --- CSV ------------------------------------------------------------------------------------


def csv_text(value: str) -> str:
    """A CSV text cell that stays what it is in Excel and LibreOffice (see the module)."""
    if value.startswith(FORMULA_STARTS) or _CONVERTIBLE.match(value):
        return TEXT_GUARD + value
    return value


def csv_cell(value: Cell) -> str | int | float:
    """One cell as written in CSV."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, datetime):
        return _naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV (headers and rows; the title row is the workbook's)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# --- Excel ----------------------------------------------------------------------------------


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise ValueError("a spreadsheet time must be local and naive: use local_cell()")
    return value


def _visual_width(value: Cell) -> int:
    """How many character cells a value takes: wide (CJK) characters count two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2026-11-19 19:00")
    if isinstance(value, date):
        return len("2026-11-19")
    return max(
        (
            sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in line)
            for line in str(value).splitlines()
        ),
        default=0,
    )


def _print_setup(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the title and header rows on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _write(ws: Worksheet, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if sheet.title_row:
        ws.append(list(sheet.title_row))
        for cell in ws[1]:
            cell.data_type = "s"
            cell.font = Font(bold=True)
    ws.append(list(sheet.headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.rows:
        ws.append([_naive(value) if isinstance(value, datetime) else value for value in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, str):
                # Text stays text: never a formula, whatever it starts with.
                cell.data_type = "s"
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = DECIMAL_FORMAT
    ws.freeze_panes = f"A{header_row + 1}"
    _print_setup(ws, header_row)
    for index, header in enumerate(sheet.headers, start=1):
        widest = max(
            [_visual_width(header)]
            + [_visual_width(row[index - 1]) for row in sheet.rows if index <= len(row)]
        )
        ws.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_COLUMN_WIDTH)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one Excel workbook, typed, titled and ready to print.

    openpyxl is imported here, at the first workbook: at start it would cost every
    start of the bot a tenth of a second for a file made now and then (bench/memory.py)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet in sheets:
        _write(workbook.create_sheet(title=sheet.title[:31]), sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
