"""Translations: zh_Hans (the default) and English, from gettext catalogs in locales/.

The catalogs are gettext files that translators' tools (Poedit, Weblate, Babel) read,
one per feature: ``locales/<feature>.pot`` holds the source texts in Chinese, the
default language, and ``locales/en/<feature>.po`` their English translation. Each
entry's ``msgctxt`` is the dotted key the code asks for, its ``msgid`` the Chinese
text, its ``msgstr`` the translation; a text that depends on a number is a gettext
plural entry (``msgid_plural`` / ``msgstr[N]``, chosen by the file's Plural-Forms).
Catalogs are read with Babel once, on first use (never at import), and merged into
one flat table per language; a key defined in two files is an error. A translation
that is missing, empty or marked fuzzy (its Chinese changed since it was written)
falls back to the Chinese text; tests/bot/test_i18n.py keeps English complete.
:func:`translate` formats plainly; :func:`translate_html` escapes the parameters for
Telegram's HTML; :func:`translate_count` picks the plural form for a number.
"""

from __future__ import annotations

import gettext
import html
import io
import logging
import string
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

from bot.config import Language

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = Language.ZH_HANS

#: The CLDR locale of each language (dates, plurals, lists: see bot/spoken.py). British
#: English: "Thu 3 Dec", "7 pm", no comma before "and".
LOCALES = {Language.ZH_HANS: "zh_Hans_CN", Language.EN: "en_GB"}
SOURCE_SUFFIX = ".pot"
TRANSLATION_SUFFIX = ".po"


@dataclass(frozen=True, slots=True)
class Texts:
    """One language's texts: each key's forms (one for a plain text, one per plural
    form for a plural entry) and the rule that picks a plural form for a number."""

    forms: dict[str, tuple[str, ...]]
    plural: Callable[[int], int]


def catalog_files(language: Language) -> dict[str, bytes]:
    """The catalog files of one language, by file name (sorted): the .pot sources for
    the default language, ``<language>/*.po`` for a translation."""
    root = resources.files("bot.locales")
    if language is DEFAULT_LANGUAGE:
        folder, suffix = root, SOURCE_SUFFIX
    else:
        folder, suffix = root.joinpath(language.value), TRANSLATION_SUFFIX
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(suffix)),
        key=lambda entry: entry.name,
    )
    return {entry.name: entry.read_bytes() for entry in entries}


@cache
def texts(language: Language) -> Texts:
    """Every text of one language (read and merged on first use)."""
    return merge_catalogs(catalog_files(language), source=language is DEFAULT_LANGUAGE)


def catalog(language: Language) -> dict[str, str]:
    """Every text of one language, keyed by dotted name (a plural entry by its last,
    "other", form)."""
    return _flat(language)


@cache
def _flat(language: Language) -> dict[str, str]:
    return {key: forms[-1] for key, forms in texts(language).forms.items()}


def merge_catalogs(files: dict[str, bytes], *, source: bool) -> Texts:
    """The merged table of several gettext files (name -> file bytes). ``source`` reads
    the msgids (the Chinese source texts of a .pot), otherwise the msgstrs, skipping
    fuzzy and untranslated entries. ValueError on an entry without a key (msgctxt) or
    on a key that two files define, since one of the two texts would silently win."""
    forms: dict[str, tuple[str, ...]] = {}
    where: dict[str, str] = {}
    plural: Callable[[int], int] = _no_plural
    for name, data in files.items():
        parsed = read_po(io.BytesIO(data), abort_invalid=True)
        if not source:
            plural = gettext.c2py(parsed.plural_expr)
        for message in parsed:
            if not message.id:
                continue  # the header
            key = message.context
            if not key:
                raise ValueError(f"an entry of {name} has no msgctxt (its key)")
            if key in where:
                raise ValueError(f"catalog key {key!r} is in both {where[key]} and {name}")
            where[key] = name
            value = message.id if source else message.string
            found = tuple(value) if isinstance(value, (tuple, list)) else (value,)
            if source:
                found = found[:1]  # Chinese has one plural form
            if not source and (message.fuzzy or not all(found)):
                continue
            forms[key] = tuple(str(text) for text in found)
    return Texts(forms=forms, plural=plural)


def _no_plural(count: int) -> int:
    return 0


def translate(language: Language | str, key: str, /, **params: object) -> str:
    """The text ``key`` in ``language``, formatted with ``params``.

    A key missing from a language falls back to the default language, and
    then to the key itself, so a gap shows up as a visible key, not a crash.
    """
    template = _template(parse_language(language), key)
    if template is None:
        return key
    return template.format(**params) if params else template


def _template(language: Language, key: str) -> str | None:
    return catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)


def translate_count(
    language: Language | str, key: str, count: int | float | Decimal, /, **params: object
) -> str:
    """The text ``key`` in the plural form ``count`` takes in ``language`` ("1 comment",
    "2 comments"), by the catalog's Plural-Forms; formatted with ``count`` and ``params``
    (a ``count`` among them is shown instead: the number as formatted, "1,250"). A
    count with a fraction takes the last form ("1.5 hours"); a plain text is used as is."""
    lang = parse_language(language)
    chosen = texts(lang)
    forms = chosen.forms.get(key)
    if forms is None:
        chosen = texts(DEFAULT_LANGUAGE)
        forms = chosen.forms.get(key)
    if forms is None:
        return key
    whole = int(count) if count == int(count) else None
    index = chosen.plural(abs(whole)) if whole is not None else len(forms) - 1
    template = forms[min(index, len(forms) - 1)]
    return template.format(**({"count": count} | params))


def translate_count_html(
    language: Language | str, key: str, count: int | float | Decimal, /, **params: object
) -> str:
    """:func:`translate_count` with every string parameter escaped for Telegram HTML."""
    return translate_count(language, key, count, **_escaped(params))


def translate_lenient(language: Language | str, key: str, /, **params: object) -> str:
    """Like :func:`translate_html`, for a message queued before an upgrade gave its text a
    new placeholder: the missing part is left empty (and logged) rather than the message
    failing. Only the outbox's sender uses it; elsewhere a missing parameter is a bug that
    :func:`translate` raises (and some callers catch, to fall back to a plainer text)."""
    try:
        return translate_html(language, key, **params)
    except KeyError as missing:
        log.warning("text %s lacks the parameter %s; sent without it", key, missing)
        template = _template(parse_language(language), key) or key
        return template.format_map(_Blank(_escaped(params)))


class _Blank(dict[str, object]):
    """Parameters where a missing name reads as empty text."""

    def __missing__(self, name: str) -> str:
        return ""


def translate_html(language: Language | str, key: str, /, **params: object) -> str:
    """Like :func:`translate` for Telegram HTML texts: every string parameter is escaped,
    so nothing a person typed can change the formatting."""
    return translate(language, key, **_escaped(params))


def _escaped(params: dict[str, object]) -> dict[str, object]:
    return {
        name: html.escape(value) if isinstance(value, str) else value
        for name, value in params.items()
    }


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
