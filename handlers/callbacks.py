"""Callback data of every inline button, encoded and decoded in this one place.

A button's data is a short prefix naming its kind, then its typed fields,
joined by ":" (Telegram allows 64 bytes). Each kind is a frozen dataclass;
``decode`` checks the prefix and converts each field to its declared type,
so a handler receives a typed value or a :class:`StaleButton` it can explain.

Each feature declares its kinds beside its handlers
(handlers/<feature>/callbacks.py); subclassing :class:`Callback` adds a kind
to :data:`KINDS`, the one registry, which refuses a prefix already taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, ClassVar, Self, get_type_hints

from bot import parsing

MAX_CALLBACK_BYTES = 64


#: Every button kind, by its prefix. Filled by subclassing :class:`Callback`.
KINDS: dict[str, type[Callback]] = {}


class StaleButton(Exception):
    """The button's data cannot be read (an old or tampered button)."""


@dataclass(frozen=True)
class Callback:
    """Base of every button kind; subclasses set PREFIX and declare fields."""

    PREFIX: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register the new kind; two kinds with one prefix would answer each other's presses."""
        super().__init_subclass__(**kwargs)
        prefix = cls.__dict__.get("PREFIX")
        if not isinstance(prefix, str) or not prefix or ":" in prefix:
            raise TypeError(f"{cls.__qualname__} needs a PREFIX without ':'")
        taken = KINDS.get(prefix)
        if taken is not None and taken.__qualname__ != cls.__qualname__:
            raise TypeError(f"prefix {prefix!r} of {cls.__qualname__} is taken by {taken}")
        KINDS[prefix] = cls

    def encode(self) -> str:
        """The callback data string for this button."""
        parts = [self.PREFIX]
        for field in fields(self):
            value = getattr(self, field.name)
            parts.append(value.value if isinstance(value, Enum) else str(value))
        data = ":".join(parts)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data too long: {data!r}")
        return data

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """A regex matching this kind's data, for CallbackQueryHandler."""
        return re.compile(rf"^{re.escape(cls.PREFIX)}(:|$)")

    @classmethod
    def decode(cls, data: str | None) -> Self:
        """Read this kind's data; StaleButton if it does not fit."""
        if data is None:
            raise StaleButton("no data")
        prefix, *values = data.split(":")
        own = fields(cls)
        if prefix != cls.PREFIX or len(values) != len(own):
            raise StaleButton(data)
        hints = _hints(cls)
        try:
            kwargs = {f.name: _convert(hints[f.name], v) for f, v in zip(own, values, strict=True)}
        except (ValueError, TypeError):
            raise StaleButton(data) from None
        return cls(**kwargs)


def _hints(kind: type) -> dict[str, Any]:
    """The field types of a callback data class, read once: ``get_type_hints`` evaluates
    every annotation again at each call (the module's annotations are strings), and each
    press decodes one (6% of the bot's time in bench/city.py's burst)."""
    found = _HINTS.get(kind)
    if found is None:
        found = _HINTS[kind] = get_type_hints(kind)
    return found


_HINTS: dict[type, dict[str, Any]] = {}


def _convert(kind: Any, raw: str) -> Any:
    if kind is int:
        value = parsing.integer(raw)
        if value is None:
            raise ValueError(raw)
        return value
    if kind is bool:
        if raw not in ("True", "False"):
            raise ValueError(raw)
        return raw == "True"
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(raw)
    if kind is str:
        return raw
    raise TypeError(f"unsupported callback field type {kind!r}")
