"""Documents as Word files (.docx): the minutes (会议记录) a committee files in its 台账.

A feature builds a :class:`TextDocument` (a title, then headings, paragraphs, label/value
tables and bullet lists, all plain text) and :func:`docx_bytes` writes it with
python-docx, doing the house standard once:

- A4 portrait, 2.5 cm margins; the title is the document's core title as well;
- Chinese text in 宋体 (SimSun) and headings in 黑体 (SimHei), set as the East Asian font
  (``w:eastAsia``, with ``w:hint="eastAsia"``) of every style used, beside Times New Roman
  for Latin text; Word and WPS have both fonts, and LibreOffice substitutes its own
  CJK font for them (so the text shows on any machine, with the best font it has);
- label/value tables with the labels bold, in the "Table Grid" style, so the page
  prints as a form.

The writer is a pure function, testable without Telegram.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle

#: The East Asian fonts of body text and of headings (the names Word and WPS know).
BODY_FONT = "SimSun"
HEADING_FONT = "SimHei"
#: The font of Latin letters and digits.
LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class Heading:
    """A heading (level 1 or 2)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text."""

    text: str


@dataclass(frozen=True)
class Fields:
    """A two-column table: label, value (e.g. 时间 · 地点 · 主持人)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    """A bullet list."""

    items: tuple[str, ...]


Block = Heading | Paragraph | Fields | Bullets


@dataclass(frozen=True)
class TextDocument:
    """What a document says: its title (e.g. the community's name), a subtitle, blocks."""

    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    #: When it was made (the document's core properties).
    made_at: datetime | None = None
    author: str = ""


def _east_asian(style: BaseStyle, east_asian: str) -> None:
    """Set the style's fonts: ``east_asian`` for CJK text, LATIN_FONT for the rest."""
    from docx.oxml.ns import qn

    font = getattr(style, "font", None)
    if font is None:
        return
    font.name = LATIN_FONT
    properties = style.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _setup(document: DocxDocument) -> None:
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25))
    styles = document.styles
    _east_asian(styles["Normal"], BODY_FONT)
    normal_font = getattr(styles["Normal"], "font", None)
    if normal_font is not None:
        normal_font.size = Pt(12)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        _east_asian(styles[name], HEADING_FONT)
    for name in ("Table Grid", "List Bullet"):
        _east_asian(styles[name], BODY_FONT)


def docx_bytes(text: TextDocument) -> bytes:
    """The document as a .docx file (python-docx imported here, at the first document,
    not at every start of the bot)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = Document()
    _setup(document)
    properties = document.core_properties
    properties.title = text.title
    properties.subject = text.subtitle
    properties.author = text.author
    if text.made_at is not None:
        properties.created = text.made_at
        properties.modified = text.made_at
    title = document.add_paragraph(text.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(text.subtitle, style="Subtitle")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in text.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(max(block.level, 1), 2))
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif block.rows:
            table = document.add_table(rows=0, cols=2, style="Table Grid")
            for label, value in block.rows:
                cells = table.add_row().cells
                cells[0].width = Mm(35)
                cells[1].width = Mm(125)
                cells[0].paragraphs[0].add_run(label).bold = True
                cells[1].paragraphs[0].add_run(value)
            document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
