"""How the bot runs: the Bot API and its webhook, the database, the updates' inbox,
the outbox sender and the log ([telegram], [storage], [updates], [delivery], [logging])."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    SecretStr,
    field_validator,
)

from bot.config.base import Section
from storage.backend import is_postgres_url

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_ENV = "PAVILION_TELEGRAM__TOKEN"  # noqa: S105 - a variable name, not a secret


class WebhookSettings(Section):
    """How to receive updates behind a reverse proxy (``pavilion run --webhook``)."""

    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    url: str = ""
    path: str = "/telegram"
    secret_token: SecretStr | None = None
    secret_token_file: Path | None = None

    @field_validator("path")
    @classmethod
    def _path_starts_with_slash(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value


class TelegramSettings(Section):
    """The Bot API: token, server address and polling."""

    token: SecretStr | None = None
    token_file: Path | None = None
    base_url: str = DEFAULT_API_BASE_URL
    base_file_url: str = DEFAULT_API_FILE_URL
    poll_timeout: int = Field(default=30, ge=0, le=50)
    webhook: WebhookSettings = WebhookSettings()


class StorageSettings(Section):
    """The database: a SQLite file (the default), or a PostgreSQL server."""

    #: A SQLite file's path, or ``postgresql://user:password@host:port/database``
    #: (several ``pavilion run`` processes may then share it). Empty: ``path``.
    url: str | None = None
    path: Path = Path("pavilion.sqlite3")
    synchronous: Literal["FULL", "NORMAL"] = "FULL"
    busy_timeout_ms: int = Field(default=5000, ge=0)
    #: PostgreSQL: connections per process for units of work (and as many for reads).
    pool_size: int = Field(default=8, ge=1, le=100)
    #: The master key of anonymous ballots (bot/deliberation/ballot_keys.py), kept outside the
    #: database; empty: beside it, as ``<path>.ballot-key``.
    ballot_key_file: Path | None = None

    @property
    def is_postgres(self) -> bool:
        """Whether the database is a PostgreSQL server."""
        return is_postgres_url(self.url)

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file (``url`` when it is a path, else ``path``)."""
        return Path(self.url) if self.url and not self.is_postgres else self.path

    @property
    def ballot_key_path(self) -> Path:
        """Where the anonymous ballots' master key file is (created on first use)."""
        if self.ballot_key_file is not None:
            return self.ballot_key_file
        if self.is_postgres:
            # No file beside the database: beside the configuration's working directory.
            return Path("pavilion.ballot-key")
        sqlite = self.sqlite_path
        return sqlite.with_name(sqlite.name + ".ballot-key")


class UpdateSettings(Section):
    """How incoming updates are stored and handled."""

    max_concurrent: int = Field(default=256, ge=1, le=1024)
    inbox_retention_hours: int = Field(default=48, ge=1)
    #: Several workers on PostgreSQL: how long a worker's claim on an update lasts
    #: without its heartbeat; a dead worker's updates go to another after this.
    lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)


class DeliverySettings(Section):
    """How the outbox sender pushes messages."""

    concurrency: int = Field(default=32, ge=1, le=256)
    #: A message that keeps failing for a passing reason (Telegram down, the
    #: network) is retried for this long after it was first due, then given up.
    retry_for_hours: float = Field(default=6.0, gt=0.0, le=168.0)
    #: No longer used (retries follow ``retry_for_hours``); still accepted so that a
    #: configuration written for an older Pavilion starts, with a warning in the log.
    max_attempts: int | None = Field(default=None, ge=1)
    progress_interval_seconds: float = Field(default=3.0, ge=1.0, le=60.0)


class LoggingSettings(Section):
    """Log output."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
