"""The minutes (会议记录) as a Word document for the 台账: the same sections as the text.

The title is the community's name; then the kind of sitting, the header table (时间 ·
地点 · 主持人 · 记录人 · 出席), and per matter its heading, main opinions and a table
(表决情况 · 决议 · 承办人 · 办结期限). bot/documents.py writes the file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Language
from bot.deliberation.sittings import Minutes
from bot.documents import Block, Bullets, Fields, Heading, Paragraph, TextDocument, docx_bytes
from bot.runtime.outbox import OutgoingMessage
from bot.services import Services
from handlers.deliberation.minutes_texts import file_day, minutes_day, minutes_view
from handlers.texts import plain


def minutes_document(language: Language, minutes: Minutes, tz: ZoneInfo) -> TextDocument:
    """The minutes of one sitting as a document (the community's name its title)."""
    view = minutes_view(language, minutes, tz)
    header = list(view.header)
    if view.attendees:
        header.append((plain(language, "minutes.doc_attendees"), view.attendees))
    blocks: list[Block] = [Fields(tuple(header))]
    if not view.agenda:
        blocks.append(Paragraph(plain(language, "sittings.minutes_agenda_empty")))
    for matter in view.agenda:
        blocks.append(Heading(matter.heading.strip("【】").replace("】", " ", 1), 1))
        blocks.append(Paragraph(matter.facts))
        if matter.opinions:
            blocks.append(Heading(plain(language, "sittings.minutes_label.opinions"), 2))
            blocks.append(Bullets(matter.opinions))
        blocks.append(Fields(tuple((label, value.strip()) for label, value in matter.rows)))
    if view.raised:
        blocks.append(Heading(plain(language, "sittings.minutes_raised").strip("【】[]"), 1))
        blocks.append(Bullets(view.raised))
    if view.notes:
        blocks.append(Heading(plain(language, "minutes.doc_notes"), 1))
        blocks.append(Paragraph(view.notes))
    # Room for the chair's and the recorder's signatures, as a filed record has.
    blocks.append(Paragraph(""))
    blocks.append(Paragraph(plain(language, "minutes.doc_signatures")))
    return TextDocument(
        title=view.community,
        subtitle=f"{view.kind} · {minutes_day(language, minutes.starts_at, tz)}",
        blocks=tuple(blocks),
    )


def minutes_file(
    language: Language, minutes: Minutes, tz: ZoneInfo, made_at: datetime | None = None
) -> tuple[str, bytes]:
    """(file name, .docx bytes) of the minutes, e.g. 幸福社区-会议记录-2026-11-19.docx."""
    document = minutes_document(language, minutes, tz)
    name = plain(
        language,
        "minutes.file_name",
        community=minutes.community,
        date=file_day(minutes.starts_at, tz),
    )
    stamped = TextDocument(document.title, document.subtitle, document.blocks, made_at)
    return f"{name}.docx", docx_bytes(stamped)


def document_renderer(
    services: Services,
) -> Callable[[OutgoingMessage], Awaitable[tuple[str, bytes] | None]]:
    """Makes the documents queued in the outbox (the sender's ``document_renderer``):
    ``{"minutes": sitting id}`` is that sitting's minutes as they stand at send time."""

    async def render(message: OutgoingMessage) -> tuple[str, bytes] | None:
        sitting_id = (message.document or {}).get("minutes")
        if not isinstance(sitting_id, int):
            return None
        minutes = await services.sittings.minutes_of(sitting_id)
        if minutes is None:
            return None
        tz = services.settings.community.tz
        return minutes_file(message.language, minutes, tz, services.clock())

    return render
