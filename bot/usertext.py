"""Text a person typed, made safe to keep and to show to others: the one sanitiser.

Every service that stores a person's words (names, matter titles and
details, comments, reasons, notes, lesson texts, activity titles and places,
unit names, notices, ...) passes them through :func:`line` (one line) or
:func:`block` (keeps its line breaks) before checking their length.

Dropped: control characters (Unicode Cc, but the line break), format
characters (Cf: the bidirectional overrides and isolates U+202A..U+202E and
U+2066..U+2069, the marks U+200E/U+200F, zero-width spaces, the BOM, ...)
and unassigned/private/surrogate code points. A right-to-left override in a
matter title would otherwise turn the rest of the card, in the residents'
group, backwards. Kept: the zero-width joiner inside an emoji sequence
(👨‍👩‍👧 stays one family). Other separators (U+2028, U+2029) become line
breaks; odd spaces (ideographic, no-break) become plain spaces.
"""

from __future__ import annotations

import re
import unicodedata

ZWJ = "\u200d"
#: Categories dropped outright.
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}
#: Categories an emoji ZWJ sequence is made of (pictographs, modifiers, VS16).
_EMOJI_PARTS = {"So", "Sk", "Mn"}


def _visible(text: str) -> str:
    """The text without invisible controls; line breaks normalised to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for index, char in enumerate(text):
        if char == "\n":
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if char == ZWJ:
            following = text[index + 1 : index + 2]
            if (
                kept
                and unicodedata.category(kept[-1]) in _EMOJI_PARTS
                and following
                and unicodedata.category(following) == "So"
            ):
                kept.append(char)
            continue
        if category in {"Zl", "Zp"}:
            kept.append("\n")
        elif category == "Zs" or char == "\t":
            kept.append(" ")
        elif category not in _DROPPED:
            kept.append(char)
    return "".join(kept)


def line(text: str) -> str:
    """One line: invisible controls dropped, every run of whitespace one space, trimmed."""
    return " ".join(_visible(text).split())


def block(text: str) -> str:
    """Several lines: invisible controls dropped, each line trimmed at its end, at
    most one blank line in a row, the whole trimmed."""
    lines = [part.rstrip() for part in _visible(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
