"""The draft of a new volunteer activity (志愿者打卡), as its guided conversation keeps it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from storage.times import to_db_time
from storage.volunteering.rows import UnitRow


@dataclass(frozen=True)
class ActivityDraft:
    """An activity being created in the guided conversation."""

    step: str = "title"
    title: str = ""
    description: str = ""
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int = 200
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int = 0
    by_location: bool = False
    by_code: bool = False
    audience: str = "volunteers"
    unit_id: int | None = None
    recurrence: str = "once"
    dates: tuple[date, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """What the dialog row keeps."""
        return {
            "title": self.title,
            "description": self.description,
            "place": self.place,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "radius_m": self.radius_m,
            "starts_at": to_db_time(self.starts_at) if self.starts_at else None,
            "ends_at": to_db_time(self.ends_at) if self.ends_at else None,
            "capacity": self.capacity,
            "by_location": self.by_location,
            "by_code": self.by_code,
            "audience": self.audience,
            "unit_id": self.unit_id,
            "recurrence": self.recurrence,
            "dates": [day.isoformat() for day in self.dates],
        }

    @classmethod
    def from_data(cls, step: str, data: dict[str, Any]) -> ActivityDraft:
        """Read a draft back from its dialog row."""
        return cls(
            step=step,
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            place=str(data.get("place", "")),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_m=int(data.get("radius_m", 200)),
            starts_at=datetime.fromisoformat(data["starts_at"]) if data.get("starts_at") else None,
            ends_at=datetime.fromisoformat(data["ends_at"]) if data.get("ends_at") else None,
            capacity=int(data.get("capacity", 0)),
            by_location=bool(data.get("by_location")),
            by_code=bool(data.get("by_code")),
            audience=str(data.get("audience", "volunteers")),
            unit_id=data.get("unit_id"),
            recurrence=str(data.get("recurrence", "once")),
            dates=tuple(date.fromisoformat(day) for day in data.get("dates", [])),
        )


def next_audience(draft: ActivityDraft, units: list[UnitRow]) -> ActivityDraft:
    """volunteers → party members → each unit in turn → volunteers."""
    if draft.audience == "volunteers":
        return replace(draft, audience="party_members", unit_id=None)
    ids = [u.id for u in units]
    if draft.audience == "party_members":
        if ids:
            return replace(draft, audience="unit", unit_id=ids[0])
        return replace(draft, audience="volunteers", unit_id=None)
    following = [i for i in ids if draft.unit_id is not None and i > draft.unit_id]
    if following:
        return replace(draft, unit_id=following[0])
    return replace(draft, audience="volunteers", unit_id=None)
