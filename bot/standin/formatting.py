"""Text as Telegram stores it: UTF-16 lengths, ``parse_mode`` parsing and detected entities.

HTML, MarkdownV2 and Markdown become plain text plus entities (offsets in UTF-16 code units);
malformed markup is refused with ``can't parse entities: ...`` as Telegram words it.
:func:`_detect_entities` finds what Telegram marks in users' text: bot commands, @mentions and
links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.standin.errors import _ApiError, _bad

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{4,32}(?![A-Za-z0-9_])")


_URL_RE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+(?<![.,;:!?)'])")


def _u16(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _entity_error(detail: str) -> _ApiError:
    return _bad(f"can't parse entities: {detail}")


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


class _TextBuilder:
    """Collects plain text and entities while a formatted text is being parsed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += _u16(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        self.span(kind, start, self.pos, **extra)

    def span(self, kind: str, start: int, end: int, **extra: Any) -> None:
        if end > start:
            entity: dict[str, Any] = {"type": kind, "offset": start, "length": end - start}
            entity.update({key: value for key, value in extra.items() if value is not None})
            self.entities.append(entity)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        return "".join(self.parts), self.entities


_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


_HTML_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")


_HTML_ATTR_RE = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?"
)


_HTML_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")


_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        return _html_entity(match) or match.group(0)

    return _HTML_ENTITY_RE.sub(repl, text)


def _html_entity(match: re.Match[str]) -> str | None:
    body = match.group(1)
    if body.startswith(("#x", "#X")):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    else:
        return _HTML_NAMED.get(body)
    return chr(code) if 0 < code <= 0x10FFFF else None


@dataclass
class _OpenTag:
    name: str
    kind: str | None
    start: int
    extra: dict[str, Any]


def _parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: supported tags only, ``<`` must be escaped."""
    out = _TextBuilder()
    stack: list[_OpenTag] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "&":
            match = _HTML_ENTITY_RE.match(src, i)
            decoded = _html_entity(match) if match else None
            if match and decoded is not None:
                out.add(decoded)
                i = match.end()
            else:
                out.add("&")
                i += 1
            continue
        if ch != "<":
            out.add(ch)
            i += 1
            continue
        offset = _byte_offset(src, i)
        if src.startswith("</", i):
            end = src.find(">", i)
            if end < 0:
                raise _entity_error(f"Unclosed end tag at byte offset {offset}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise _entity_error(f'Unexpected end tag "{name}" at byte offset {offset}')
            top = stack.pop()
            if name != top.name:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            if top.kind:
                out.entity(top.kind, top.start, **top.extra)
            i = end + 1
            continue
        tag = _HTML_TAG_RE.match(src, i)
        if not tag:
            word = re.match(r"[^\s>]*", src[i + 1 :])
            shown = word.group(0) if word else ""
            raise _entity_error(f'Unsupported start tag "{shown}" at byte offset {offset}')
        name = tag.group(1).lower()
        if name not in _HTML_TAGS:
            raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        attrs: dict[str, str] = {}
        j = tag.end()
        while True:
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise _entity_error(f"Unclosed start tag at byte offset {offset}")
            if src[j] == ">":
                j += 1
                break
            if src.startswith("/>", j):
                raise _entity_error(f'Unsupported start tag "{name}/" at byte offset {offset}')
            attr = _HTML_ATTR_RE.match(src, j)
            if not attr or attr.end() == j:
                raise _entity_error(f"Unclosed start tag at byte offset {offset}")
            value = next((g for g in attr.group(2, 3, 4) if g is not None), "")
            attrs[attr.group(1).lower()] = _html_unescape(value)
            j = attr.end()
        kind: str | None = _HTML_TAGS[name]
        extra: dict[str, Any] = {}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if name == "a":
            if attrs.get("href"):
                extra["url"] = attrs["href"]
            else:
                kind = None
        elif name == "tg-emoji":
            if "emoji-id" not in attrs:
                raise _entity_error(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
                )
            extra["custom_emoji_id"] = attrs["emoji-id"]
        elif name == "blockquote" and "expandable" in attrs:
            kind = "expandable_blockquote"
        elif name == "code" and stack and stack[-1].name == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                stack[-1].extra["language"] = language.removeprefix("language-")
                kind = None
        stack.append(_OpenTag(name, kind, out.pos, extra))
        i = j
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's MarkdownV2: reserved characters must be escaped with a backslash."""
    out = _TextBuilder()
    open_: dict[str, tuple[int, int]] = {}  # kind -> (start, byte offset of the marker)
    order: list[str] = []
    links: list[tuple[str, int, int]] = []  # (kind, start, byte offset)
    quote_start: int | None = None
    quote_end = 0
    line_start = True
    pre_language = ""
    i, n = 0, len(src)

    def toggle(kind: str) -> None:
        if kind in open_:
            start, _ = open_.pop(kind)
            order.remove(kind)
            out.entity(kind, start)
        else:
            open_[kind] = (out.pos, _byte_offset(src, i))
            order.append(kind)

    while i < n:
        ch = src[i]
        in_code = "code" in open_ or "pre" in open_
        if line_start and not in_code:
            line_start = False
            if ch == ">":
                if quote_start is None:
                    quote_start = out.pos
                i += 1
                continue
            if quote_start is not None:
                out.span("blockquote", quote_start, quote_end)
                quote_start = None
        if ch == "\\" and i + 1 < n and 0 < ord(src[i + 1]) < 127:
            out.add(src[i + 1])
            i += 2
            continue
        if in_code:
            if ch == "`" and "pre" in open_:
                if not src.startswith("```", i):
                    raise _entity_error(
                        "Character '`' is reserved and must be escaped with the preceding '\\'"
                    )
                start, _ = open_.pop("pre")
                order.remove("pre")
                out.entity("pre", start, language=pre_language or None)
                i += 3
            elif ch == "`":
                toggle("code")
                i += 1
            else:
                out.add(ch)
                i += 1
            continue
        if ch == "\n":
            if quote_start is not None:
                quote_end = out.pos
            out.add(ch)
            line_start = True
            i += 1
            continue
        if ch == "*":
            toggle("bold")
            i += 1
        elif ch == "_" and src.startswith("__", i):
            toggle("underline")
            i += 2
        elif ch == "_":
            toggle("italic")
            i += 1
        elif ch == "~":
            toggle("strikethrough")
            i += 1
        elif ch == "|" and src.startswith("||", i):
            toggle("spoiler")
            i += 2
        elif ch == "`" and src.startswith("```", i):
            newline = src.find("\n", i + 3)
            header = src[i + 3 : newline] if newline >= 0 else ""
            if newline >= 0 and re.fullmatch(r"[A-Za-z0-9_+#-]*", header):
                pre_language = header
                open_["pre"] = (out.pos, _byte_offset(src, i))
                i = newline + 1
            else:
                pre_language = ""
                open_["pre"] = (out.pos, _byte_offset(src, i))
                i += 3
            order.append("pre")
        elif ch == "`":
            toggle("code")
            i += 1
        elif ch == "[":
            links.append(("text_link", out.pos, _byte_offset(src, i)))
            i += 1
        elif ch == "!" and src.startswith("![", i):
            links.append(("custom_emoji", out.pos, _byte_offset(src, i)))
            i += 2
        elif ch == "]" and links:
            kind, start, offset = links.pop()
            if not src.startswith("(", i + 1):
                raise _entity_error(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {offset}"
                )
            j = i + 2
            url: list[str] = []
            while j < n and src[j] != ")":
                if src[j] == "\\" and j + 1 < n:
                    j += 1
                url.append(src[j])
                j += 1
            if j >= n:
                raise _entity_error(f"Can't find end of a URL at byte offset {offset}")
            target = "".join(url)
            if kind == "custom_emoji":
                emoji_id = target.partition("id=")[2]
                out.entity(kind, start, custom_emoji_id=emoji_id)
            else:
                out.entity(kind, start, url=target)
            i = j + 1
        elif ch in _MDV2_RESERVED:
            raise _entity_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            out.add(ch)
            i += 1
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if order:
        kind = order[0]
        raise _entity_error(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {open_[kind][1]}"
        )
    if links:
        kind, _, offset = links[0]
        raise _entity_error(f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {offset}")
    return out.result()


def _parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's legacy Markdown: ``*bold*``, ``_italic_``, code, pre and ``[text](url)``."""
    out = _TextBuilder()
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        offset = _byte_offset(src, i)
        if src.startswith("```", i):
            end = src.find("```", i + 3)
            if end < 0:
                raise _entity_error(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            body = src[i + 3 : end]
            language = None
            head, sep, rest = body.partition("\n")
            if sep and re.fullmatch(r"[A-Za-z0-9_+#-]+", head):
                language, body = head, rest
            start = out.pos
            out.add(body)
            out.entity("pre", start, language=language)
            i = end + 3
        elif ch in kinds:
            end = src.find(ch, i + 1)
            if end < 0:
                raise _entity_error(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            start = out.pos
            out.add(src[i + 1 : end])
            out.entity(kinds[ch], start)
            i = end + 1
        elif ch == "[":
            close = src.find("](", i)
            end = src.find(")", close) if close >= 0 else -1
            if close < 0 or end < 0:
                raise _entity_error(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            start = out.pos
            out.add(src[i + 1 : close])
            out.entity("text_link", start, url=src[close + 2 : end])
            i = end + 1
        else:
            out.add(ch)
            i += 1
    return out.result()


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping the entities."""
    stripped = text.strip()
    lead = _u16(text[: len(text) - len(text.lstrip())])
    size = _u16(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - lead)
        end = min(size, int(entity["offset"]) + int(entity["length"]) - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


def _format(
    text: str, parse_mode: Any, entities: Any, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a text the bot sends, as Telegram would store it."""
    if entities is not None:
        if not isinstance(entities, list):
            raise _bad(f"can't parse {'caption_' if caption else ''}entities JSON object")
        return _trim(text, [dict(e) for e in entities if isinstance(e, dict)])
    mode = str(parse_mode or "").strip()
    if not mode:
        return _trim(text, [])
    lowered = mode.lower()
    if lowered == "html":
        return _trim(*_parse_html(text))
    if lowered == "markdownv2":
        return _trim(*_parse_markdown_v2(text))
    if lowered == "markdown":
        return _trim(*_parse_markdown(text))
    raise _bad(f"unsupported parse_mode {mode!r}")


def _detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram finds in what a user typed: bot commands, @mentions and links."""
    found: list[tuple[int, int, str]] = []
    command = _COMMAND_RE.match(text)
    if command:
        found.append((0, command.end(), "bot_command"))
    for pattern, kind in ((_MENTION_RE, "mention"), (_URL_RE, "url")):
        found.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    entities = [
        {"type": kind, "offset": _u16(text[:start]), "length": _u16(text[start:end])}
        for start, end, kind in sorted(found)
    ]
    return entities
