"""Both catalogs hold the same keys with the same placeholders, feature file by file."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pytest

from bot.config import Language
from bot.i18n import (
    catalog,
    catalog_files,
    from_telegram_code,
    merge_catalogs,
    placeholders,
    texts,
    translate,
    translate_count,
    translate_count_html,
    translate_lenient,
)

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def test_catalogs_have_the_same_keys() -> None:
    assert set(catalog(Language.ZH_HANS)) == set(catalog(Language.EN))


def test_every_source_text_is_translated_from_its_current_chinese() -> None:
    """English is complete: every entry of each .pot is in en/<feature>.po, translated
    from the Chinese as it is now (not fuzzy, not from an older text), and nothing else."""
    spec = importlib.util.spec_from_file_location("catalogs", TOOLS / "catalogs.py")
    assert spec is not None and spec.loader is not None
    catalogs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    assert catalogs.problems() == []


def test_each_feature_has_its_file_in_both_languages() -> None:
    root = resources.files("bot.locales")
    sources = sorted(e.name[: -len(".pot")] for e in root.iterdir() if e.name.endswith(".pot"))
    english = sorted(
        e.name[: -len(".po")] for e in root.joinpath("en").iterdir() if e.name.endswith(".po")
    )
    assert sources == english
    assert {"core", "deliberation", "lessons", "volunteering"} <= set(sources)
    for name in sources:
        keys = [
            set(merge_catalogs({name: data}, source=language is Language.ZH_HANS).forms)
            for language in Language
            for file, data in catalog_files(language).items()
            if file.rsplit(".", 1)[0] == name
        ]
        assert len(keys) == 2 and keys[0] == keys[1], name


def _po(*entries: tuple[str, str, str]) -> bytes:
    body = "".join(
        f'msgctxt "{key}"\nmsgid "{source}"\nmsgstr "{text}"\n\n' for key, source, text in entries
    )
    return ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n' + body).encode()


def test_a_key_in_two_files_is_refused() -> None:
    with pytest.raises(ValueError, match=r"vote\.closed.*a\.po.*b\.po"):
        merge_catalogs(
            {"a.po": _po(("vote.closed", "甲", "x")), "b.po": _po(("vote.closed", "乙", "y"))},
            source=False,
        )
    merged = merge_catalogs(
        {"a.po": _po(("vote.open", "甲", "x")), "b.po": _po(("vote.closed", "乙", "y"))},
        source=False,
    )
    assert merged.forms == {"vote.open": ("x",), "vote.closed": ("y",)}
    source = merge_catalogs({"a.pot": _po(("vote.open", "甲", ""))}, source=True)
    assert source.forms == {"vote.open": ("甲",)}


def test_a_fuzzy_or_empty_translation_falls_back_to_the_chinese() -> None:
    data = _po(("a.empty", "空", ""), ("a.done", "好", "good")).replace(
        b'msgctxt "a.done"', b'#, fuzzy\nmsgctxt "a.done"'
    )
    assert merge_catalogs({"x.po": data}, source=False).forms == {}


def test_plural_entries_follow_each_language_s_rule() -> None:
    english = merge_catalogs(
        {
            "x.po": b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            b'msgctxt "c.n"\nmsgid "{count} \xe6\x9d\xa1"\nmsgid_plural "{count} \xe6\x9d\xa1"\n'
            b'msgstr[0] "{count} comment"\nmsgstr[1] "{count} comments"\n'
        },
        source=False,
    )
    assert english.forms["c.n"] == ("{count} comment", "{count} comments")
    assert [english.plural(n) for n in (0, 1, 2)] == [1, 0, 1]


def test_catalogs_have_the_same_placeholders() -> None:
    """Every form of every text: a plural entry's English singular too."""
    zh, en = texts(Language.ZH_HANS).forms, texts(Language.EN).forms
    mismatched = [
        key
        for key, (source,) in zh.items()
        if any(placeholders(form) != placeholders(source) for form in en[key])
    ]
    assert mismatched == []
    plural = [key for key, forms in en.items() if len(forms) > 1]
    assert plural  # there are plural entries, and each has English's two forms
    assert all(len(en[key]) == 2 for key in plural)


def test_translate_count_picks_the_plural_form_of_the_catalog() -> None:
    assert translate_count(Language.EN, "spoken.minutes", 1) == "1 minute"
    assert translate_count(Language.EN, "spoken.minutes", 2) == "2 minutes"
    assert translate_count(Language.EN, "spoken.minutes", 0) == "0 minutes"
    assert translate_count(Language.ZH_HANS, "spoken.minutes", 1) == "1 分钟"
    assert translate_count(Language.ZH_HANS, "spoken.hours", 2) == "2 小时"
    assert translate_count(Language.EN, "spoken.hours", 1.5).startswith("1.5 ")
    assert translate_count(Language.EN, "spoken.hours", 1.5) == translate_count(
        Language.EN, "spoken.hours", 2, count="1.5"
    )


def test_translate_count_html_escapes_its_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    english = merge_catalogs(
        {
            "x.po": b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            b'msgctxt "c"\nmsgid "{count} \xe6\x9d\xa1"\nmsgid_plural "{count} \xe6\x9d\xa1"\n'
            b'msgstr[0] "{count} comment on <b>{title}</b>"\nmsgstr[1] "{count} comments"\n'
        },
        source=False,
    )
    monkeypatch.setattr("bot.i18n.texts", lambda language: english)
    assert translate_count_html(Language.EN, "c", 1, title="<i>") == (
        "1 comment on <b>&lt;i&gt;</b>"
    )
    assert translate_count_html(Language.EN, "c", 3, title="<i>") == "3 comments"


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
        text = translate_lenient(
            Language.ZH_HANS, "sittings.talk_day_open", date="10-08", talk_day="逢四说事日"
        )
    assert text.startswith("☀️ 今天（10-08）是逢四说事日") and "{why}" not in text
    assert "lacks the parameter 'why'" in caplog.text
    with pytest.raises(KeyError):  # elsewhere a missing parameter is still an error
        translate(Language.ZH_HANS, "sittings.talk_day_open", date="10-08")
