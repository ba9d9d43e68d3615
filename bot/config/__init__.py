"""Settings: a TOML file, overridden by ``PAVILION_...`` environment variables.

The file is the place for everything but secrets. Secrets (the bot token, the
webhook secret) come only from the environment or from a secret file named in
the config, so a config file can be shared and committed without leaking them.

Loading is explicit (:func:`load_settings`) and does no I/O at import time. Every
problem is reported as :class:`ConfigError` with one line per problem, naming the
key by its dotted path, so ``pavilion`` can print it and exit with status 2.

The sections live by what they configure: base.py (the languages, the error, the
strict base of every section), community.py (the street, a community, its calendar
and schedule), features.py (each feature's section), runtime.py (Telegram, storage,
updates, delivery, logging) and settings.py (the whole, and its loading). Import
them from here.
"""

from __future__ import annotations

from bot.config.base import (
    ConfigError,
    Language,
)
from bot.config.community import (
    CalendarSettings,
    CommunitySettings,
    Grid,
    ScheduleSettings,
    StreetSettings,
    community_now,
    current_calendar,
    current_profile,
)
from bot.config.features import (
    BoardSettings,
    ChartsSettings,
    DeliberationSettings,
    HouseholdFlag,
    HouseholdsSettings,
    InservicePost,
    LessonSettings,
    MembersSettings,
    NeedCategory,
    NeedsSettings,
    SurveySettings,
    VolunteerSettings,
)
from bot.config.runtime import (
    DEFAULT_API_BASE_URL,
    DEFAULT_API_FILE_URL,
    TOKEN_ENV,
    DeliverySettings,
    LoggingSettings,
    StorageSettings,
    TelegramSettings,
    UpdateSettings,
    WebhookSettings,
)
from bot.config.settings import (
    Settings,
    load_settings,
    settings_from_mapping,
)

__all__ = [
    "DEFAULT_API_BASE_URL",
    "DEFAULT_API_FILE_URL",
    "TOKEN_ENV",
    "BoardSettings",
    "CalendarSettings",
    "ChartsSettings",
    "CommunitySettings",
    "ConfigError",
    "DeliberationSettings",
    "DeliverySettings",
    "Grid",
    "HouseholdFlag",
    "HouseholdsSettings",
    "InservicePost",
    "Language",
    "LessonSettings",
    "LoggingSettings",
    "MembersSettings",
    "NeedCategory",
    "NeedsSettings",
    "ScheduleSettings",
    "Settings",
    "StorageSettings",
    "StreetSettings",
    "SurveySettings",
    "TelegramSettings",
    "UpdateSettings",
    "VolunteerSettings",
    "WebhookSettings",
    "community_now",
    "current_calendar",
    "current_profile",
    "load_settings",
    "settings_from_mapping",
]
