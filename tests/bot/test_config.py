"""Settings: TOML + environment, secrets only from the environment or a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Language, load_settings
from tests.conftest import make_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path).bot_token()
    return caught.value.problems


def test_defaults_and_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[community]\nname = "幸福里"\nsecretaries = [1, 2]\n')
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("PAVILION_COMMUNITY__TIMEZONE", "Europe/Berlin")
    settings = load_settings(path)
    assert settings.community.name == "幸福里"
    assert settings.community.secretaries == [1, 2]
    assert settings.community.timezone == "Europe/Berlin"
    assert settings.community.default_language is Language.ZH_HANS
    assert settings.bot_token() == "123:abc"
    assert settings.storage.synchronous == "FULL"


def test_token_from_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAVILION_TELEGRAM__TOKEN", raising=False)
    secret = tmp_path / "token"
    secret.write_text("42:from-file\n", encoding="utf-8")
    path = write(tmp_path, f'[telegram]\ntoken_file = "{secret}"\n')
    assert load_settings(path).bot_token() == "42:from-file"


def test_missing_token_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAVILION_TELEGRAM__TOKEN", raising=False)
    assert problems(write(tmp_path, "")) == [
        "telegram.token: no bot token; set PAVILION_TELEGRAM__TOKEN or telegram.token_file"
    ]


def test_token_in_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "123:abc"\n')
    assert problems(path) == [
        "telegram.token: secrets must not be in the config file;"
        " use the environment or a *_file key"
    ]


def test_unknown_key_names_its_dotted_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    path = write(tmp_path, '[community]\nnmae = "typo"\n')
    assert problems(path) == ["community.nmae: unknown key"]


def test_wrong_type_names_key_and_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    path = write(tmp_path, '[telegram]\npoll_timeout = "soon"\n')
    (problem,) = problems(path)
    assert problem.startswith("telegram.poll_timeout: ")
    assert "'soon'" in problem


def test_unknown_timezone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    path = write(tmp_path, '[community]\ntimezone = "Asia/Shangai"\n')
    assert problems(path) == ["community.timezone: unknown time zone 'Asia/Shangai'"]


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert problems(missing) == [f"{missing}: config file not found"]


def test_invalid_toml(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "[community\n"))
    assert problem.startswith(f"{tmp_path / 'config.toml'}: not valid TOML")


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    settings = load_settings(example)
    assert settings.bot_token() == "1:x"


def test_sittings_must_end_the_same_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "123:abc")
    late = write(tmp_path, "[calendar]\nsession_time = 22:30:00\nsession_length_minutes = 120\n")
    assert problems(late) == [
        "calendar: session_time + session_length_minutes must end the same day"
    ]
    ok = write(tmp_path, "[calendar]\nsession_time = 19:30:00\nsession_length_minutes = 90\n")
    assert f"{load_settings(ok).calendar.session_end_time:%H:%M}" == "21:00"
    early = write(tmp_path, "[calendar]\ntalk_day_end_time = 08:00:00\n")
    assert problems(early) == ["calendar: talk_day_end_time must be after talk_day_time"]


def test_a_configuration_with_the_retired_max_attempts_still_loads(tmp_path: Path) -> None:
    """[delivery] max_attempts gave way to retry_for_hours; an older config still starts."""
    settings = make_settings(tmp_path, delivery={"max_attempts": 5})
    assert settings.delivery.max_attempts == 5
    assert settings.delivery.retry_for_hours == 6.0


def test_vote_reminder_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    settings = load_settings(write(tmp_path, "[deliberation]\nvote_reminder_hours = [2, 24, 2]\n"))
    assert settings.deliberation.vote_reminder_hours == (24, 2)  # latest first, once each
    off = load_settings(write(tmp_path, "[deliberation]\nvote_reminder_hours = []\n"))
    assert off.deliberation.vote_reminder_hours == ()
    for bad in ("[0]", "[721]", "[1, 2, 3, 4, 5]", '["soon"]'):
        path = write(tmp_path, f"[deliberation]\nvote_reminder_hours = {bad}\n")
        (problem,) = problems(path)
        assert problem.startswith("deliberation.vote_reminder_hours"), problem


def test_check_in_codes_last_three_minutes_at_least(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An elderly person must have time to type the code: 5 minutes by default, 3 at least;
    the retired code_grace_seconds still loads."""
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    assert make_settings(tmp_path).volunteer.code_valid_minutes == 5
    assert load_settings(write(tmp_path, "[volunteer]\ncode_valid_minutes = 3\n")).volunteer
    (problem,) = problems(write(tmp_path, "[volunteer]\ncode_valid_minutes = 2\n"))
    assert problem.startswith("volunteer.code_valid_minutes"), problem
    assert make_settings(tmp_path, volunteer={"code_grace_seconds": 20}).volunteer


def test_the_community_and_its_grids_may_carry_english_names(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        community={
            "name": "幸福社区",
            "name_en": "Happiness Community",
            "grids": [
                {"id": "g1", "name": "第一网格", "name_en": "Grid 1"},
                {"id": "g2", "name": "第二网格"},
            ],
        },
    )
    community = settings.community
    assert community.name_in(Language.EN) == "Happiness Community"
    assert community.name_in(Language.ZH_HANS) == "幸福社区"
    first, second = community.grids
    assert first.name_in(Language.EN) == "Grid 1"
    assert first.name_in(Language.ZH_HANS) == "第一网格"
    assert second.name_in(Language.EN) == "第二网格"  # without one: the Chinese name
    assert make_settings(tmp_path).community.name_in(Language.EN) == "幸福社区"
