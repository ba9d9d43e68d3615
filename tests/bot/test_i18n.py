"""Both catalogs hold the same keys with the same placeholders."""

from __future__ import annotations

from bot.config import Language
from bot.i18n import catalog, from_telegram_code, placeholders, translate


def test_catalogs_have_the_same_keys() -> None:
    assert set(catalog(Language.ZH_HANS)) == set(catalog(Language.EN))


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
