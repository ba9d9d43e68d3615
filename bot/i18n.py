"""Translations: zh_Hans (the default) and English, from TOML catalogs in locales/.

Each language is a folder of catalogs, one per feature (locales/zh_Hans/lessons.toml
beside locales/en/lessons.toml), so a feature's texts change in its own files.
Catalogs are tables of ``key = "text with {placeholders}"``, loaded once on
first use (never at import) and merged into one flat table; a key defined in two
files is an error. Both languages must hold the same keys with the same
placeholders, file by file; a test checks it. :func:`translate` formats plainly;
:func:`translate_html` escapes the parameters for Telegram's HTML.

A text that counts something is a plural table, ``key.one`` and ``key.other``
(CLDR's plural categories; Chinese needs only ``other``): :func:`translate_count`
picks the form of the count with Babel (``Locale.plural_form``).
"""

from __future__ import annotations

import html
import logging
import string
import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources

from babel import Locale

from bot.config import Language

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = Language.ZH_HANS

#: The CLDR locale of each language (dates, plurals, lists: see bot/spoken.py). British
#: English: "Thu 3 Dec", "7 pm", no comma before "and".
LOCALES = {Language.ZH_HANS: "zh_Hans_CN", Language.EN: "en_GB"}

#: The plural categories a catalog's plural table may hold (CLDR's).
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


@cache
def catalog(language: Language) -> dict[str, str]:
    """Every text of one language, keyed by dotted name."""
    folder = resources.files("bot.locales").joinpath(language.value)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    return merge_catalogs({entry.name: entry.read_bytes().decode("utf-8") for entry in files})


def merge_catalogs(sources: dict[str, str]) -> dict[str, str]:
    """The flat table of several catalog files (name -> TOML text); ValueError on a key
    that two files define, since one of the two texts would silently win."""
    merged: dict[str, str] = {}
    where: dict[str, str] = {}
    for name, text in sources.items():
        flat: dict[str, str] = {}
        _flatten(tomllib.loads(text), "", flat)
        for key, value in flat.items():
            if key in merged:
                raise ValueError(f"catalog key {key!r} is in both {where[key]} and {name}")
            merged[key] = value
            where[key] = name
    return merged


def _flatten(table: dict[str, object], prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}.", out)
        else:
            out[name] = str(value)


def translate(language: Language | str, key: str, /, **params: object) -> str:
    """The text ``key`` in ``language``, formatted with ``params``.

    A key missing from a language falls back to the default language, and
    then to the key itself, so a gap shows up as a visible key, not a crash.
    """
    lang = parse_language(language)
    template = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if template is None:
        return key
    return template.format(**params) if params else template


def translate_lenient(language: Language | str, key: str, /, **params: object) -> str:
    """Like :func:`translate_html`, for a message queued before an upgrade gave its text a
    new placeholder: the missing part is left empty (and logged) rather than the message
    failing. Only the outbox's sender uses it; elsewhere a missing parameter is a bug that
    :func:`translate` raises (and some callers catch, to fall back to a plainer text)."""
    try:
        return translate_html(language, key, **params)
    except KeyError as missing:
        log.warning("text %s lacks the parameter %s; sent without it", key, missing)
        lang = parse_language(language)
        template = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
        escaped = {
            name: html.escape(value) if isinstance(value, str) else value
            for name, value in params.items()
        }
        return template.format_map(_Blank(escaped))


class _Blank(dict[str, object]):
    """Parameters where a missing name reads as empty text."""

    def __missing__(self, name: str) -> str:
        return ""


def translate_html(language: Language | str, key: str, /, **params: object) -> str:
    """Like :func:`translate` for Telegram HTML texts: every string parameter is escaped,
    so nothing a person typed can change the formatting."""
    escaped = {
        name: html.escape(value) if isinstance(value, str) else value
        for name, value in params.items()
    }
    return translate(language, key, **escaped)


def plural_form(language: Language | str, count: int | float | Decimal) -> str:
    """CLDR's plural category of ``count`` in ``language``: "one" or "other" in English,
    always "other" in Chinese."""
    return str(Locale.parse(LOCALES[parse_language(language)]).plural_form(count))


def translate_count(
    language: Language | str, key: str, count: int | float | Decimal, /, **params: object
) -> str:
    """The form of the plural table ``key`` that suits ``count``: ``key.one`` for 1 comment
    in English, ``key.other`` otherwise (and always in Chinese), formatted with ``count``
    and ``params`` (a ``count`` among them is shown instead: the number as formatted,
    "1,250"). A missing form falls back to ``key.other``."""
    lang = parse_language(language)
    form = plural_form(lang, count)
    texts = catalog(lang)
    chosen = f"{key}.{form}" if f"{key}.{form}" in texts else f"{key}.other"
    return translate(lang, chosen, **({"count": count} | params))


def translate_count_html(
    language: Language | str, key: str, count: int | float | Decimal, /, **params: object
) -> str:
    """Like :func:`translate_count` with every string parameter HTML-escaped."""
    escaped = {
        name: html.escape(value) if isinstance(value, str) else value
        for name, value in params.items()
    }
    return translate_count(language, key, count, **escaped)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a catalog text expects."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def parse_language(value: Language | str | None) -> Language:
    """A stored or configured language name; the default for anything unknown."""
    if isinstance(value, Language):
        return value
    if value is None:
        return DEFAULT_LANGUAGE
    try:
        return Language(value)
    except ValueError:
        return DEFAULT_LANGUAGE


def from_telegram_code(code: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """Pick a language from Telegram's ``language_code`` (an IETF tag such as "en-GB")."""
    if not code:
        return default
    primary = code.lower().split("-")[0]
    if primary == "zh":
        return Language.ZH_HANS
    if primary == "en":
        return Language.EN
    return default
