"""How moments are stored: timezone-aware datetimes as UTC ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db_time(moment: datetime) -> str:
    """A timezone-aware datetime as the UTC text stored in the database."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    """Stored UTC text back as an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_now_text() -> str:
    """Now, as stored in the database."""
    return to_db_time(datetime.now(UTC))
