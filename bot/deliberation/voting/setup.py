"""Setting a vote up: the settings screen a secretary steps through before opening it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import ConventionRow


@dataclass(frozen=True)
class VoteSetup:
    """The settings screen of a vote being prepared."""

    matter: MatterRow
    kind: str = "yes_no"
    options: tuple[str, ...] = ()
    anonymous: bool = False
    close_hours: int = 2
    quorum: int = 10
    threshold: str = "majority"
    convention: bool = False
    amends: ConventionRow | None = None
    step: str = "settings"

    def to_data(self) -> dict[str, Any]:
        """What the dialog row keeps."""
        return {
            "matter_id": self.matter.id,
            "kind": self.kind,
            "options": list(self.options),
            "anonymous": self.anonymous,
            "close_hours": self.close_hours,
            "quorum": self.quorum,
            "threshold": self.threshold,
            "convention": self.convention,
            "amends": self.amends.id if self.amends else None,
        }


def _next(presets: Sequence[int], current: int) -> int:
    later = [value for value in presets if value > current]
    return later[0] if later else presets[0]


def _next_convention(
    in_force: list[ConventionRow], current: ConventionRow | None
) -> ConventionRow | None:
    if not in_force:
        return None
    if current is None:
        return in_force[0]
    ids = [row.id for row in in_force]
    if current.id not in ids or ids.index(current.id) == len(ids) - 1:
        return None
    return in_force[ids.index(current.id) + 1]
