"""The built-in schedules: the reminders the configuration asks for, and the
fingerprint of the calendar their due times derive from."""

from __future__ import annotations

import hashlib
import json

from bot.community.calendar import (
    CommunityCalendar,
)


def calendar_fingerprint(calendar: CommunityCalendar) -> str:
    """A short digest of everything an event rule's due times derive from."""
    party = calendar.party
    facts = {
        "tz": calendar.tz.key,
        "session": [calendar.session_weekday, calendar.session_at.isoformat()],
        "talk": [sorted(calendar.talk_days), calendar.talk_at.isoformat()],
        "party": [
            party.day,
            party.at.isoformat(),
            party.max_shift,
            sorted(d.isoformat() for d in party.holidays),
            sorted(d.isoformat() for d in party.workdays),
            party.prefer,
        ],
    }
    text = json.dumps(facts, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
