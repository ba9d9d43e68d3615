"""The on-site code of volunteer service (志愿者打卡) and its QR link, both rotating each minute."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

#: How far back a typed code is recognised as "expired" rather than "wrong".
STALE_CODE_MINUTES = 24 * 60


def minute_index(moment: datetime) -> int:
    """The number of whole minutes since the epoch: the code's rotation counter."""
    return int(moment.timestamp() // 60)


def rotating_code(secret: str, minute: int) -> str:
    """The activity's 6-digit on-site code for one minute."""
    digest = hmac.new(secret.encode(), f"code:{minute}".encode(), hashlib.sha256).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def qr_token(secret: str, minute: int) -> str:
    """The token of the QR link for one minute (rotates with the code)."""
    return hmac.new(secret.encode(), f"qr:{minute}".encode(), hashlib.sha256).hexdigest()[:10]


def qr_payload(activity_id: int, secret: str, minute: int) -> str:
    """The /start payload a QR code carries (letters, digits and "_" only, ≤ 64)."""
    return f"wq_{activity_id}_{minute}_{qr_token(secret, minute)}"


def parse_qr_payload(payload: str) -> tuple[int, int, str] | None:
    """(activity id, minute, token) of a QR payload, or None if it is not one."""
    match = re.fullmatch(r"wq_([0-9]{1,9})_([0-9]{1,12})_([0-9a-f]{10})", payload)
    if match is None:
        return None
    return int(match[1]), int(match[2]), match[3]


def valid_minutes(now: datetime, grace_seconds: int) -> tuple[int, ...]:
    """The rotation minutes accepted now: this one, and the last one for a short grace."""
    current = minute_index(now)
    if now.timestamp() - current * 60 < grace_seconds:
        return (current, current - 1)
    return (current,)
