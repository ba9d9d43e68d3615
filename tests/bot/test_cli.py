"""The pavilion command in-process: config problems, migrate, backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage.migrations import MIGRATIONS


@pytest.fixture(autouse=True)
def no_pavilion_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("PAVILION_"):
            monkeypatch.delenv(key)


def config(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\npath = "{tmp_path / "db.sqlite3"}"\n{body}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "token", "expected"),
    [
        ("[community]\nsecretarys = [1]\n", "1:x", "pavilion: community.secretarys: unknown key"),
        (
            '[updates]\nmax_concurrent = "many"\n',
            "1:x",
            "pavilion: updates.max_concurrent: Input should be a valid integer,"
            " unable to parse string as an integer (got 'many')",
        ),
        (
            "",
            None,
            "pavilion: telegram.token: no bot token;"
            " set PAVILION_TELEGRAM__TOKEN or telegram.token_file",
        ),
    ],
    ids=["typo", "wrong-type", "no-token"],
)
def test_check_config_problems_are_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: str,
    token: str | None,
    expected: str,
) -> None:
    if token:
        monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", token)
    assert main(["check-config", "--config", str(config(tmp_path, body))]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected]
    assert captured.out == ""


def test_check_config_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    assert main(["check-config", "--config", str(config(tmp_path))]) == 0
    assert "OK" in capsys.readouterr().out


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.toml"
    assert main(["run", "--config", str(missing)]) == 2
    assert capsys.readouterr().err == f"pavilion: {missing}: config file not found\n"


def test_webhook_needs_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAVILION_TELEGRAM__TOKEN", "1:x")
    body = '[telegram.webhook]\nurl = "https://example.org/telegram"\n'
    assert main(["run", "--webhook", "--config", str(config(tmp_path, body))]) == 2
    assert "telegram.webhook.secret_token: no webhook secret" in capsys.readouterr().err


def test_migrate_then_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(tmp_path)
    assert main(["migrate", "--config", str(path)]) == 0
    latest = MIGRATIONS[-1].version
    assert f"schema version {latest}" in capsys.readouterr().out
    target = tmp_path / "copy.sqlite3"
    assert main(["backup", str(target), "--config", str(path)]) == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT max(version) FROM schema_migrations").fetchone() == (latest,)
    assert main(["backup", str(target), "--config", str(path)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
