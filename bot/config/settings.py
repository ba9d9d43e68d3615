"""The whole configuration (:class:`Settings`) and its loading from TOML and the
environment (:func:`load_settings`, :func:`settings_from_mapping`)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config.base import ConfigError
from bot.config.community import (
    CalendarSettings,
    CommunitySettings,
    ScheduleSettings,
    StreetSettings,
    current_calendar,
    current_profile,
)
from bot.config.features import (
    BoardSettings,
    ChartsSettings,
    DeliberationSettings,
    HouseholdsSettings,
    LessonSettings,
    MembersSettings,
    NeedsSettings,
    SurveySettings,
    VolunteerSettings,
)
from bot.config.runtime import (
    TOKEN_ENV,
    DeliverySettings,
    LoggingSettings,
    StorageSettings,
    TelegramSettings,
    UpdateSettings,
)


class Settings(BaseSettings):
    """The whole configuration. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="PAVILION_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    telegram: TelegramSettings = TelegramSettings()
    street: StreetSettings = StreetSettings()
    community: CommunitySettings = CommunitySettings()
    calendar: CalendarSettings = CalendarSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    deliberation: DeliberationSettings = DeliberationSettings()
    surveys: SurveySettings = SurveySettings()
    charts: ChartsSettings = ChartsSettings()
    lessons: LessonSettings = LessonSettings()
    volunteer: VolunteerSettings = VolunteerSettings()
    members: MembersSettings = MembersSettings()
    board: BoardSettings = BoardSettings()
    households: HouseholdsSettings = HouseholdsSettings()
    needs: NeedsSettings = NeedsSettings()
    storage: StorageSettings = StorageSettings()
    updates: UpdateSettings = UpdateSettings()
    delivery: DeliverySettings = DeliverySettings()
    logging: LoggingSettings = LoggingSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment overrides the file's values, which arrive as init arguments."""
        return (env_settings, init_settings)

    def __getattribute__(self, name: str) -> Any:
        # ``community`` is the profile of the community being worked for (see
        # current_profile): 190 places read settings.community, and each must see the
        # community of the unit of work it runs in, not the file's first one.
        if name == "community":
            profile = current_profile.get()
            if profile is not None:
                return profile
        elif name == "calendar":
            # Likewise the calendar (45 places): the community's own rhythm.
            calendar = current_calendar.get()
            if calendar is not None:
                return calendar
        return super().__getattribute__(name)

    @property
    def first_community(self) -> CommunitySettings:
        """The ``[community]`` section as written: community 1, and the street's defaults."""
        profile: CommunitySettings = super().__getattribute__("community")
        return profile

    @property
    def street_calendar(self) -> CalendarSettings:
        """The ``[calendar]`` section as written: the street's defaults, community 1's."""
        calendar: CalendarSettings = super().__getattribute__("calendar")
        return calendar

    def bot_token(self) -> str:
        """The bot token from the environment or the token file; ConfigError if neither."""
        telegram = self.telegram
        if telegram.token is not None and telegram.token.get_secret_value().strip():
            return telegram.token.get_secret_value().strip()
        if telegram.token_file is not None:
            return _read_secret_file(telegram.token_file, "telegram.token_file")
        raise ConfigError([f"telegram.token: no bot token; set {TOKEN_ENV} or telegram.token_file"])

    def webhook_secret(self) -> str:
        """The webhook secret token; ConfigError if it is missing."""
        hook = self.telegram.webhook
        if hook.secret_token is not None and hook.secret_token.get_secret_value():
            return hook.secret_token.get_secret_value()
        if hook.secret_token_file is not None:
            return _read_secret_file(hook.secret_token_file, "telegram.webhook.secret_token_file")
        raise ConfigError(
            [
                "telegram.webhook.secret_token: no webhook secret; set "
                "PAVILION_TELEGRAM__WEBHOOK__SECRET_TOKEN or telegram.webhook.secret_token_file"
            ]
        )


def _read_secret_file(path: Path, key: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError([f"{key}: cannot read {str(path)!r}: {exc.strerror}"]) from None
    if not value:
        raise ConfigError([f"{key}: {str(path)!r} is empty"])
    return value


_SECRET_KEYS = (("telegram", "token"), ("telegram", "webhook", "secret_token"))


def load_settings(path: Path) -> Settings:
    """Read ``path`` (TOML), apply the environment, validate; ConfigError on any problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read config file: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    problems = [
        f"{'.'.join(keys)}: secrets must not be in the config file; use the environment "
        f"or a *_file key"
        for keys in _SECRET_KEYS
        if _dig(data, keys) is not None
    ]
    if problems:
        raise ConfigError(problems)
    return settings_from_mapping(data)


def settings_from_mapping(data: dict[str, Any]) -> Settings:
    """Validate already-parsed config data (with the environment applied) into Settings."""
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None


def _dig(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{location}: unknown key"
    if error["type"] == "missing":
        return f"{location}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, str | int | float | bool) and error["type"] != "value_error":
        return f"{location}: {message} (got {given!r})"
    return f"{location}: {message}"
