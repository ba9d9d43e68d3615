"""Both catalogs hold the same keys with the same placeholders, feature file by file."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.config import Language
from bot.i18n import (
    PLURAL_FORMS,
    catalog,
    from_telegram_code,
    merge_catalogs,
    placeholders,
    translate,
    translate_count,
    translate_count_html,
    translate_lenient,
)


def _plural_tables(keys: set[str]) -> dict[str, set[str]]:
    """The plural tables among ``keys`` (key -> its forms): those with a form besides
    "other", which every plural table must have."""
    forms: dict[str, set[str]] = {}
    for key in keys:
        stem, _, form = key.rpartition(".")
        if form in PLURAL_FORMS:
            forms.setdefault(stem, set()).add(form)
    return {stem: found for stem, found in forms.items() if found - {"other"}}


def _comparable(keys: set[str], tables: set[str]) -> set[str]:
    """``keys`` with each plural table reduced to its "other" form."""
    return {
        key for key in keys if not (key.rpartition(".")[0] in tables and not key.endswith(".other"))
    }


def _same_keys(zh: set[str], en: set[str]) -> bool:
    """The same keys in both languages, where a plural table has exactly "one" and
    "other" in English and only "other" in Chinese (CLDR's categories for each)."""
    tables = set(_plural_tables(en)) | set(_plural_tables(zh))
    for stem in tables:
        assert {k.rpartition(".")[2] for k in en if k.rpartition(".")[0] == stem} == {
            "one",
            "other",
        }, stem
        assert {k.rpartition(".")[2] for k in zh if k.rpartition(".")[0] == stem} == {"other"}, stem
    return _comparable(zh, tables) == _comparable(en, tables)


def test_catalogs_have_the_same_keys() -> None:
    assert _same_keys(set(catalog(Language.ZH_HANS)), set(catalog(Language.EN)))


def test_the_key_check_accepts_plural_tables_only_as_cldr_has_them() -> None:
    zh = {"a", "n.other"}
    assert _same_keys(zh, {"a", "n.one", "n.other"})
    assert not _same_keys(zh, {"a", "n.one", "n.other", "b"})
    with pytest.raises(AssertionError):  # Chinese lacks the table
        _same_keys({"a"}, {"a", "n.one", "n.other"})
    with pytest.raises(AssertionError):  # English lacks its "other"
        _same_keys(zh, {"a", "n.one"})
    with pytest.raises(AssertionError):  # Chinese has no "one"
        _same_keys({"a", "n.one", "n.other"}, {"a", "n.one", "n.other"})


def test_translate_count_picks_the_cldr_plural_form() -> None:
    assert translate_count(Language.EN, "spoken.minutes", 1) == "1 minute"
    assert translate_count(Language.EN, "spoken.minutes", 2) == "2 minutes"
    assert translate_count(Language.EN, "spoken.minutes", 0) == "0 minutes"
    assert translate_count(Language.ZH_HANS, "spoken.minutes", 1) == "1 分钟"
    assert translate_count(Language.ZH_HANS, "spoken.hours", 2) == "2 小时"


def test_translate_count_html_escapes_its_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"c.one": "{count} comment on <b>{title}</b>", "c.other": "{count} comments"}
    monkeypatch.setattr("bot.i18n.catalog", lambda language: table)
    assert translate_count_html(Language.EN, "c", 1, title="<i>") == (
        "1 comment on <b>&lt;i&gt;</b>"
    )
    assert translate_count_html(Language.EN, "c", 3, title="<i>") == "3 comments"


def test_each_feature_has_its_file_in_both_languages() -> None:
    folders = {
        language: resources.files("bot.locales").joinpath(language.value) for language in Language
    }
    names = {
        language: sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".toml"))
        for language, folder in folders.items()
    }
    assert names[Language.ZH_HANS] == names[Language.EN]
    assert {"core.toml", "deliberation.toml", "lessons.toml", "volunteering.toml"} <= set(
        names[Language.EN]
    )
    for name in names[Language.EN]:
        keys = [
            set(merge_catalogs({name: folders[language].joinpath(name).read_text("utf-8")}))
            for language in Language
        ]
        assert _same_keys(keys[0], keys[1]), name


def test_a_key_in_two_files_is_refused() -> None:
    with pytest.raises(ValueError, match=r"vote\.closed.*a\.toml.*b\.toml"):
        merge_catalogs({"a.toml": '[vote]\nclosed = "x"\n', "b.toml": '[vote]\nclosed = "y"\n'})
    merged = merge_catalogs({"a.toml": '[vote]\nopen = "x"\n', "b.toml": '[vote]\nclosed = "y"\n'})
    assert merged == {"vote.open": "x", "vote.closed": "y"}


def test_catalogs_have_the_same_placeholders() -> None:
    zh, en = catalog(Language.ZH_HANS), catalog(Language.EN)
    mismatched = [key for key in zh if placeholders(zh[key]) != placeholders(en[key])]
    assert mismatched == []
    tables = _plural_tables(set(en))
    assert tables  # the plural tables' English "one" forms are checked too
    for stem in tables:
        assert placeholders(en[f"{stem}.one"]) == placeholders(zh[f"{stem}.other"]), stem


def test_every_role_and_command_has_a_name() -> None:
    from bot.community.register import ChatKind, Role
    from handlers import COMMANDS

    for language in Language:
        texts = catalog(language)
        assert all(f"role.{role.value}" in texts for role in Role)
        assert all(f"chat_kind.{kind.value}" in texts for kind in ChatKind)
        assert all(f"command.{command.name}" in texts for command in COMMANDS)


def test_language_from_telegram_code() -> None:
    assert from_telegram_code("en-GB") is Language.EN
    assert from_telegram_code("zh-hans") is Language.ZH_HANS
    assert from_telegram_code("de") is Language.ZH_HANS
    assert from_telegram_code(None, Language.EN) is Language.EN


def test_translate_formats_and_falls_back_to_key() -> None:
    assert translate(Language.EN, "register.name_too_long", limit=32).endswith(
        "32 characters, please."
    )
    assert translate(Language.EN, "no.such.key") == "no.such.key"


def test_a_missing_parameter_leaves_that_part_empty(caplog: pytest.LogCaptureFixture) -> None:
    """A message queued before an upgrade gave its text a new placeholder still goes out."""
    with caplog.at_level("WARNING", logger="bot.i18n"):
        text = translate_lenient(Language.ZH_HANS, "sittings.talk_day_open", date="10-08")
    assert text.startswith("☀️ 今天（10-08）是逢四说事日") and "{why}" not in text
    assert "lacks the parameter 'why'" in caplog.text
    with pytest.raises(KeyError):  # elsewhere a missing parameter is still an error
        translate(Language.ZH_HANS, "sittings.talk_day_open", date="10-08")
