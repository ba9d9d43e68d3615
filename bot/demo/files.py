"""``pavilion demo --out DIR``: every picture and file the demo's bot sent, written to DIR.

Each file is named so that a newcomer finds it in the transcript: its number in
the order sent, the chat, and the file's own name (a document's file name; a
picture's caption, as Telegram shows no name for it), e.g.
``01-幸福里居民群-表决结果 #1 3号楼前加装路灯：通过.png``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.standin import FakeBotApi

#: Characters no file name may hold on Windows, macOS or Linux.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_MARKUP = re.compile(r"</?(b|i|u|s|code|pre|a)\b[^>]*>")
STEM_LENGTH = 40
#: Left off the end of a caption made a file name ("现场签到码：").
_TRAILING = " .-:：,，、;；"


@dataclass(frozen=True)
class SentFile:
    """One picture or document as the bot sent it."""

    chat: str
    name: str
    data: bytes


def sent_files(api: FakeBotApi, names: Mapping[int, str]) -> list[SentFile]:
    """The bot's pictures and documents, in the order it sent them.

    ``names`` names private chats (by the person's id); groups go by their title.
    """
    found: list[SentFile] = []
    stored: dict[int, dict[int, dict[str, Any]]] = {}
    for event in api.timeline():
        message = event.get("message") or {}
        if event["kind"] != "message" or not event.get("by_bot"):
            continue
        if not (message.get("photo") or message.get("document")):
            continue
        chat = event["chat"]
        if chat["id"] not in stored:
            stored[chat["id"]] = {m["message_id"]: m for m in api.messages(chat["id"])}
        record = stored[chat["id"]].get(message["message_id"], {})
        data = _bytes_of(api, message, record)
        if data is None:
            continue
        title = chat.get("title") or names.get(chat["id"]) or str(chat["id"])
        found.append(SentFile(str(title), _name_of(message, data), data))
    return found


def write_sent_files(files: list[SentFile], folder: Path) -> list[Path]:
    """Write ``files`` into ``folder`` (made if missing); the paths written, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(len(files))))
    written = []
    for number, sent in enumerate(files, start=1):
        path = folder / f"{number:0{width}d}-{_safe(sent.chat)}-{sent.name}"
        path.write_bytes(sent.data)
        written.append(path)
    return written


def _bytes_of(api: FakeBotApi, message: dict[str, Any], record: dict[str, Any]) -> bytes | None:
    """The file's bytes: as uploaded with this message, or the stored file it reused."""
    uploads = list((record.get("_files") or {}).values())
    if uploads:
        return bytes(uploads[0])
    if message.get("document"):
        return api.file_by_id(str(message["document"]["file_id"]))
    largest = max(message["photo"], key=lambda size: size.get("width", 0) * size.get("height", 0))
    return api.file_by_id(str(largest["file_id"]))


def _name_of(message: dict[str, Any], data: bytes) -> str:
    """A document's own file name; for a picture, its caption's first line and its type."""
    document = message.get("document") or {}
    if document.get("file_name"):
        stem, dot, suffix = str(document["file_name"]).rpartition(".")
        if not dot:
            stem, suffix = suffix, "bin"
        return f"{_safe(stem) or '文件'}.{_safe(suffix) or 'bin'}"
    caption = (message.get("caption") or "").split("\n", 1)[0]
    stem = _safe(_MARKUP.sub("", caption))[:STEM_LENGTH].rstrip(_TRAILING) or "图片"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return f"{stem}.png"
    if data.startswith(b"\xff\xd8\xff"):
        return f"{stem}.jpg"
    return f"{stem}.bin"


def _safe(text: str) -> str:
    """``text`` fit for a file name: no emoji or path characters, single spaces."""
    kept = "".join(
        char
        for char in text
        if unicodedata.category(char) not in ("So", "Sk", "Cf", "Mn", "Cs", "Co", "Cn")
    )
    return " ".join(_UNSAFE.sub("-", kept).split()).strip(" .-")
