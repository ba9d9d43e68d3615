"""Both catalogs hold the same keys with the same placeholders, feature file by file."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.config import Language
from bot.i18n import (
    catalog,
    from_telegram_code,
    merge_catalogs,
    placeholders,
    translate,
    translate_lenient,
)


def test_catalogs_have_the_same_keys() -> None:
    assert set(catalog(Language.ZH_HANS)) == set(catalog(Language.EN))


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
        assert keys[0] == keys[1], name


def test_a_key_in_two_files_is_refused() -> None:
    with pytest.raises(ValueError, match=r"vote\.closed.*a\.toml.*b\.toml"):
        merge_catalogs({"a.toml": '[vote]\nclosed = "x"\n', "b.toml": '[vote]\nclosed = "y"\n'})
    merged = merge_catalogs({"a.toml": '[vote]\nopen = "x"\n', "b.toml": '[vote]\nclosed = "y"\n'})
    assert merged == {"vote.open": "x", "vote.closed": "y"}


def test_catalogs_have_the_same_placeholders() -> None:
    zh, en = catalog(Language.ZH_HANS), catalog(Language.EN)
    mismatched = [key for key in zh if placeholders(zh[key]) != placeholders(en[key])]
    assert mismatched == []


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
