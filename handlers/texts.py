"""What every feature's texts share: catalog lookup, names of roles and chats, times.

Each feature renders its own texts beside its handlers (handlers/<feature>/texts.py),
in the person's language.

Catalog texts are Telegram HTML; values put into them (names, titles, typed
answers) are escaped here, so nothing a person types can change formatting.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.forums import forum_names
from bot.community.register import ChatKind, Role
from bot.config import Grid, Language
from bot.errors import UserFacingError
from bot.i18n import DEFAULT_LANGUAGE, translate, translate_html
from storage.community.people import PersonRow

LANGUAGE_NAMES = {Language.ZH_HANS: "中文", Language.EN: "English"}


def t(lang: Language, key: str, /, **params: object) -> str:
    """The catalog text ``key``, with every parameter HTML-escaped."""
    return translate_html(lang, key, **params)


def plain(lang: Language, key: str, /, **params: object) -> str:
    """A catalog text for places that show no HTML (button labels, alerts)."""
    return translate(lang, key, **params)


def error_text(lang: Language, error: UserFacingError) -> str:
    """A refusal as the person reads it. A refusal may name the community's forums
    ("…周三议事亭或说事日开始后才能登记"): their names, by its calendar, are there for it
    (bot/community/forums.py); the error's own parameters come first."""
    return t(lang, error.key, **(forum_names(lang) | error.params))


def role_name(language: Language, role: Role | str) -> str:
    """The role as people call it."""
    return translate(language, f"role.{Role(role).value}")


def kind_name(language: Language, kind: ChatKind | str) -> str:
    """The kind of group chat as people call it."""
    return translate(language, f"chat_kind.{ChatKind(kind).value}")


def local_time(
    moment: datetime,
    tz: ZoneInfo,
    language: Language = DEFAULT_LANGUAGE,
    today: date | None = None,
    *,
    relative: bool = True,
) -> str:
    """A moment as people say it (bot/spoken.py): 11月22日（周日）下午3点03分 /
    Sun 22 Nov, 3:03 pm; with ``today`` (the clock's local date) 今天（周日）… and the
    year only for another year's moment. Pass the reader's ``language``."""
    return spoken.moment(language, moment, tz, today, relative=relative)


def roles_text(language: Language, roles: frozenset[str]) -> str:
    """The roles a person holds, in the canonical order, or "none"."""
    held = [role_name(language, role) for role in Role if role.value in roles]
    return translate(language, "list_separator").join(held) if held else t(language, "me.no_roles")


def grid_name(grids: list[Grid], grid_id: str | None, language: Language) -> str:
    """The configured name of a grid id, in English where it has one."""
    for grid in grids:
        if grid.id == grid_id:
            return grid.name_in(language)
    return translate(language, "me.unknown") if grid_id is None else grid_id


def person_label(person: PersonRow) -> str:
    """A short button label for a person: name, and building if known."""
    return f"{person.display_name} · {person.building}" if person.building else person.display_name


#: Telegram's limit on one message's text.
MESSAGE_LIMIT = 4096


def split_message(
    lines: list[str], limit: int = MESSAGE_LIMIT, *, escaped: bool = True
) -> list[str]:
    """Join ``lines`` into messages of at most ``limit`` characters, cut at line boundaries.

    With ``escaped``, a line is measured as it will be sent (HTML-escaped). A
    single line longer than the limit is cut hard.
    """

    def size(text: str) -> int:
        return len(html.escape(text)) if escaped else len(text)

    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        while size(line) > limit:
            cut = limit
            while size(line[:cut]) > limit:
                cut -= 1
            if current:
                chunks.append("\n".join(current))
                current, used = [], 0
            chunks.append(line[:cut])
            line = line[cut:]
        extra = size(line) + (1 if current else 0)
        if current and used + extra > limit:
            chunks.append("\n".join(current))
            current, used = [], 0
            extra = size(line)
        current.append(line)
        used += extra
    if current:
        chunks.append("\n".join(current))
    return chunks
