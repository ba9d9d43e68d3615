"""Rotating check-in codes (签到码) and their QR links, shared by volunteer activities
(bot/volunteering/checkin.py) and sittings (bot/deliberation/sitting_checkin.py).

A code belongs to a *window* of ``minutes`` minutes (``[volunteer] code_valid_minutes``):
the screen shows the current window's code, and the previous window's code is still
accepted. So a code read off the screen at any moment is good for at least ``minutes``
more minutes, and a code that changes while someone is typing it still works.
Each subject (an activity, a sitting) has its own secret; the code and the QR token of a
window are HMACs of it, so nothing per window is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

#: How far back a typed code is recognised as "expired" rather than "wrong".
STALE_CODE_MINUTES = 24 * 60


def minute_index(moment: datetime) -> int:
    """The number of whole minutes since the epoch."""
    return int(moment.timestamp() // 60)


def rotating_code(secret: str, window: int) -> str:
    """The subject's 6-digit code for one window."""
    digest = hmac.new(secret.encode(), f"code:{window}".encode(), hashlib.sha256).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def qr_token(secret: str, window: int) -> str:
    """The token of the QR link for one window (rotates with the code)."""
    return hmac.new(secret.encode(), f"qr:{window}".encode(), hashlib.sha256).hexdigest()[:10]


def qr_payload(prefix: str, subject_id: int, secret: str, window: int) -> str:
    """The /start payload a QR code carries (letters, digits and "_" only, ≤ 64)."""
    return f"{prefix}_{subject_id}_{window}_{qr_token(secret, window)}"


def parse_qr_payload(prefix: str, payload: str) -> tuple[int, int, str] | None:
    """(subject id, window, token) of a QR payload with ``prefix``, or None if it is not one."""
    match = re.fullmatch(
        rf"{re.escape(prefix)}_([0-9]{{1,9}})_([0-9]{{1,12}})_([0-9a-f]{{10}})", payload
    )
    if match is None:
        return None
    return int(match[1]), int(match[2]), match[3]


def spaced(code: str) -> str:
    """The code as it is shown and read out: "4 8 2 7 1 3"."""
    return " ".join(code)


Verdict = Literal["ok", "stale", "wrong"]


@dataclass(frozen=True)
class CodeWindows:
    """The rotation of codes in windows of ``minutes`` minutes."""

    minutes: int

    def window(self, now: datetime) -> int:
        """The window ``now`` is in."""
        return minute_index(now) // self.minutes

    def accepted(self, now: datetime) -> tuple[int, int]:
        """The windows whose code is accepted now: this one and the one before."""
        current = self.window(now)
        return (current, current - 1)

    def ends(self, window: int) -> datetime:
        """When ``window`` ends (its code is still accepted one more window)."""
        return datetime.fromtimestamp((window + 1) * self.minutes * 60, UTC)

    def check(self, secret: str, code: str, now: datetime) -> Verdict:
        """Whether ``code`` is the subject's code now, an expired one of the last day, or wrong."""
        current, previous = self.accepted(now)
        if any(hmac.compare_digest(rotating_code(secret, w), code) for w in (current, previous)):
            return "ok"
        back = max(STALE_CODE_MINUTES // self.minutes, 1)
        for window in range(previous - 1, previous - 1 - back, -1):
            if rotating_code(secret, window) == code:
                return "stale"
        return "wrong"

    def check_token(self, secret: str, window: int, token: str, now: datetime) -> Verdict:
        """Whether a QR link's (window, token) is good now, expired, or not the subject's."""
        if not hmac.compare_digest(token, qr_token(secret, window)):
            return "wrong"
        return "ok" if window in self.accepted(now) else "stale"
