"""The rules of carrying out: button data and month arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.deliberation.carrying.rules import (
    add_months,
    progress_callback,
    rating_callback,
    verdict_callback,
)
from handlers.deliberation import callbacks as cb


def test_callbacks_built_by_the_service_decode_in_the_handlers() -> None:
    assert cb.RateMatter.decode(rating_callback(7, "basically")) == cb.RateMatter(7, "basically")
    assert cb.AcceptanceVerdict.decode(verdict_callback(7, "rework")) == cb.AcceptanceVerdict(
        7, "rework"
    )
    assert cb.ReportProgress.decode(progress_callback(7)) == cb.ReportProgress(7)


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 22, tzinfo=UTC), 12) == datetime(2027, 11, 22, tzinfo=UTC)
