"""The period a street view covers: a month or a year, and the ones before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.volunteering.rules import add_months


class Span(StrEnum):
    """How long a street view's period is."""

    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """The days [first, last] of a month or a year."""

    span: Span
    first: date

    @classmethod
    def containing(cls, span: Span, day: date) -> Period:
        """The month or year ``day`` falls in."""
        first = day.replace(day=1) if span is Span.MONTH else date(day.year, 1, 1)
        return cls(span, first)

    @property
    def last(self) -> date:
        """The period's last day."""
        return self.following().first - timedelta(days=1)

    def following(self) -> Period:
        """The next month or year."""
        if self.span is Span.MONTH:
            return Period(self.span, add_months(self.first, 1))
        return Period(self.span, date(self.first.year + 1, 1, 1))

    def previous(self) -> Period:
        """The month or year before."""
        if self.span is Span.MONTH:
            return Period(self.span, add_months(self.first, -1))
        return Period(self.span, date(self.first.year - 1, 1, 1))

    @property
    def label(self) -> str:
        """2026-11 or 2026: in file names and dedupe keys."""
        return f"{self.first:%Y-%m}" if self.span is Span.MONTH else f"{self.first:%Y}"
