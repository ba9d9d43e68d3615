"""The built-in schedules: the reminders the configuration asks for, and the
fingerprint of the calendar their due times derive from."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, time, timedelta
from typing import Any

from bot.clock import Clock
from bot.community.calendar import CommunityCalendar, local_moment, parse_offset, to_utc
from bot.config import Settings
from bot.runtime.scheduler.rules import EVENT_RULES, ScheduleRules
from storage import Storage, current_community
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time

log = logging.getLogger(__name__)

#: The community a street's own schedule is kept in (bot/community/communities.py).
FIRST_COMMUNITY = 1


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
    if calendar.holidays is not None:
        # The library's version too: a new release's holidays move due times.
        facts["holidays"] = calendar.holidays.fingerprint()
    text = json.dumps(facts, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class BuiltinSchedules:
    """The built-in schedules: kept in step with the configuration at every start."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock, rules: ScheduleRules) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._rules = rules
        #: Built-in schedules other services add (key -> kind and rule; None removes it).
        self._extra: dict[str, tuple[str, dict[str, Any] | None]] = {}
        #: Keys of the street's own schedules: kept once, in the first community.
        self._street: set[str] = set()

    @property
    def calendar_fingerprint(self) -> str:
        """The fingerprint of the current community's calendar (each has its own)."""
        return calendar_fingerprint(self._rules.calendar)

    def add(
        self, key: str, kind: str, rule: dict[str, Any] | None, *, street: bool = False
    ) -> None:
        """Have :meth:`ensure` keep a schedule ``key`` with ``rule`` (None: none at all);
        ``street``: one for the whole street (kept in the first community), not one each."""
        self._extra[key] = (kind, rule)
        if street:
            self._street.add(key)

    async def ensure(self) -> None:
        """Create, update or disable the built-in reminders to match the configuration
        and the current community's calendar (a changed one re-derives their due times)."""
        wanted: list[tuple[str, str, str, str]] = [
            (
                "builtin:session",
                "session.reminder",
                "session",
                self._settings.schedule.session_reminder,
            ),
            (
                "builtin:talk_day",
                "talk_day.opening",
                "talk_day",
                self._settings.schedule.talk_day_opening,
            ),
            (
                "builtin:party_day",
                "party_day.reminder",
                "party_day",
                self._settings.schedule.party_day_reminder,
            ),
            # Sittings (bot/deliberation/sittings.py): the pavilion opens, closes with its
            # minutes; a talk day closes in the evening with its minutes.
            ("builtin:session_open", "sitting.session_open", "session", "at start"),
            (
                "builtin:session_close",
                "sitting.session_close",
                "session",
                f"the same day at {self._settings.calendar.session_end_time:%H:%M}",
            ),
            (
                "builtin:talk_day_close",
                "sitting.talk_day_close",
                "talk_day",
                f"the same day at {self._settings.calendar.talk_day_end_time:%H:%M}",
            ),
        ]
        now = self._clock()
        fingerprint = self.calendar_fingerprint
        async with self._db.transaction(completes_update=False) as session:
            stored = await session.schedules.by_keys(
                [key for key, *_ in wanted] + list(self._extra)
            )
            for key, kind, event, offset_text in wanted:
                rule = (
                    {"type": event, "offset": str(parse_offset(offset_text))}
                    if offset_text
                    else None
                )
                await self._keep(session, stored.get(key), key, kind, rule, now, fingerprint)
            first = current_community.get() in (None, FIRST_COMMUNITY)
            for key, (kind, extra_rule) in self._extra.items():
                street_only = key in self._street
                await self._keep(
                    session,
                    stored.get(key),
                    key,
                    kind,
                    None if street_only and not first else extra_rule,
                    now,
                    fingerprint,
                )

    def _fingerprinted(self, rule: dict[str, Any], fingerprint: str) -> dict[str, Any]:
        """An event rule with the fingerprint of the calendar it follows."""
        if rule.get("type") in EVENT_RULES:
            return {**rule, "calendar": fingerprint}
        return rule

    async def _keep(
        self,
        session: Session,
        existing: ScheduleRow | None,
        key: str,
        kind: str,
        rule: dict[str, Any] | None,
        now: datetime,
        fingerprint: str,
    ) -> None:
        """Create, re-derive or remove one built-in schedule (``existing``: its stored row)."""
        if rule is None:
            if existing is not None:
                await session.schedules.delete(existing.id)
            return
        rule = self._fingerprinted(rule, fingerprint)
        if existing is None:
            await session.schedules.create(
                key=key,
                kind=kind,
                title=kind,
                rule=rule,
                payload={},
                owner_id=None,
                next_due_at=self._rules.next_due(rule, now),
                now=now,
            )
            return
        if existing.rule == rule:
            return
        due = None
        if existing.enabled:
            last = await session.schedules.last_firing(existing.id)
            anchor = self.rederive_anchor(rule, existing, last, now)
            due = self._rules.next_due(rule, anchor)
        log.info(
            "schedule %s (%s): the configuration or calendar changed; next due %s (was %s)",
            existing.id,
            key,
            to_db_time(due) if due else None,
            to_db_time(existing.next_due_at) if existing.next_due_at else None,
        )
        await session.schedules.update_rule(existing.id, rule, due, now)

    def rederive_anchor(
        self,
        rule: dict[str, Any],
        stored: ScheduleRow,
        last_firing: datetime | None,
        now: datetime,
    ) -> datetime:
        """Where a changed rule's next due time is counted from.

        From the moment the stored due time was set (created, fired, caught
        up or resumed): a due time moved earlier whose new moment has already
        passed is then caught up (late, or reported missed) instead of
        silently skipped to next week. For daily or rarer rules, not before
        the end of the last firing's local day, so that one moved later is not
        done a second time for the event already served.
        """
        anchor = min(stored.updated_at or now, now)
        if last_firing is None:
            return anchor
        daily = rule.get("type") in EVENT_RULES or (
            rule.get("type") == "every" and float(rule.get("seconds", 0)) >= 86400
        )
        if not daily:
            return max(anchor, last_firing)
        day = last_firing.astimezone(self._rules.calendar.tz).date() + timedelta(days=1)
        end_of_day = to_utc(local_moment(day, time(0), self._rules.calendar.tz))
        return max(anchor, end_of_day - timedelta(microseconds=1))
