"""Keep the translations in step with the Chinese source catalogs (gettext, via Babel).

    python tools/catalogs.py update   # after changing bot/locales/<feature>.pot
    python tools/catalogs.py check    # what tests/bot/test_i18n.py enforces, as a list

``update`` is msgmerge done with Babel: for each ``bot/locales/<feature>.pot`` it
refreshes ``bot/locales/<language>/<feature>.po`` — a new key gets an empty entry, an
entry whose Chinese changed keeps its old translation marked fuzzy (so the bot shows
the Chinese until someone checks it), a key gone from the source is dropped. A new
feature's .pot gets its translation files created. Translators then fill in msgstr
with any gettext tool (Poedit, Weblate, Lokalize) or by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
TRANSLATIONS = ("en",)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale, abort_invalid=True)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as out:
        write_po(out, catalog, sort_output=False, width=78, ignore_obsolete=True)


def update() -> list[str]:
    """Merge every source into its translations; the files changed."""
    changed = []
    for source_path in sorted(LOCALES.glob("*.pot")):
        source = _read(source_path)
        for language in TRANSLATIONS:
            path = LOCALES / language / f"{source_path.stem}.po"
            if path.exists():
                translation = _read(path, language)
            else:
                translation = Catalog(locale=language, domain=source_path.stem, fuzzy=False)
            before = path.read_bytes() if path.exists() else b""
            # Keys are msgctxt: a changed Chinese msgid is a "fuzzy match" on its key.
            translation.update(source, no_fuzzy_matching=False, update_creation_date=False)
            _write(path, translation)
            if path.read_bytes() != before:
                changed.append(str(path.relative_to(ROOT)))
    return changed


def problems() -> list[str]:
    """Entries a reader of a translation would see in Chinese (or broken)."""
    found = []
    for source_path in sorted(LOCALES.glob("*.pot")):
        source = {m.context: m for m in _read(source_path) if m.id}
        for language in TRANSLATIONS:
            path = LOCALES / language / f"{source_path.stem}.po"
            if not path.exists():
                found.append(f"{path.relative_to(ROOT)}: missing")
                continue
            translated = {m.context: m for m in _read(path, language) if m.id}
            for key, message in source.items():
                other = translated.get(key)
                where = f"{path.relative_to(ROOT)}: {key}"
                if other is None:
                    found.append(f"{where}: not in the translation")
                elif other.id != message.id:
                    found.append(f"{where}: translated from an older Chinese text")
                elif other.fuzzy:
                    found.append(f"{where}: fuzzy")
                elif not all(other.string if isinstance(other.string, tuple) else [other.string]):
                    found.append(f"{where}: untranslated")
            found.extend(
                f"{path.relative_to(ROOT)}: {key}: not in the source"
                for key in translated.keys() - source.keys()
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", choices=("update", "check"))
    args = parser.parse_args()
    if args.action == "update":
        for name in update():
            print("updated", name)
        return 0
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
