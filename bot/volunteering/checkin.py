"""Check-in (签到) and check-out (签退) of volunteer service (志愿者打卡).

The window opens ``checkin_opens_minutes`` before the start and closes at
the end. Each activity may ask for a location within its radius (only the
distance is kept, with the person's separate consent) and/or a rotating
6-digit code (or the QR link on the organiser's screen, whose token rotates
with it; both last ``code_valid_minutes``, bot/codes.py); with neither, the
window is the verification. A failed verification records nothing. One
check-in per person per activity is the schema's. Checking in is the hot
write of an activity: each runs in one hop to the database thread
(``Storage.run_unit``), whose thread the current community does not reach:
each caller captures it first and hands it to the desk.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.codes import CodeWindows, parse_qr_payload
from bot.community.register import Actor
from bot.errors import UserFacingError
from bot.volunteering.context import VolunteerContext
from bot.volunteering.rules import RECENT_CHECKOUT, counted_minutes, distance_m
from storage.scope import community_id
from storage.volunteering.desk import CheckinDesk, OpenActivity
from storage.volunteering.rows import ActivityRow

#: The /start payload of an activity's QR link begins so.
QR_PREFIX = "wq"
#: The check-in prompt (📍 location button, or the code typed): a code typed next checks in.
CHECKIN_FLOW = "checkin_code"


@dataclass(frozen=True)
class CheckinResult:
    """A check-in done (``activity`` and ``method``), or a choice to make first, or (when
    asked for) what the one open ``activity`` ``needs``: "location", "code" or "either"."""

    activity: ActivityRow | None
    method: str | None
    distance_m: int | None = None
    choices: tuple[ActivityRow, ...] = ()
    needs: str | None = None


@dataclass(frozen=True)
class CheckoutResult:
    """A check-out done: the activity and the minutes counted."""

    title: str
    minutes: int
    activity_id: int


class CheckinService:
    """签到 by words, code, location or QR link; 签退; consent to check in by location."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx

    async def check_in(
        self,
        actor: Actor,
        *,
        activity_id: int | None = None,
        code: str | None = None,
        ask: bool = False,
    ) -> CheckinResult:
        """签到 (by words, a chosen activity, or a typed on-site code).

        With ``ask`` (a private chat, where the bot can offer the location button), an
        activity that needs a location or the code is told in ``needs`` instead of being
        refused.

        The hot write of an activity: the whole unit of work runs in one hop
        to the database thread (``Storage.run_unit``).
        """
        person = actor.registered_person()
        now = self._ctx.clock()
        lead = self._ctx.lead()
        codes = self._ctx.codes
        cid = community_id()  # the database's thread does not see the task's community

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn, cid)
            fresh = self._fresh(desk, person.id, now, lead, activity_id)
            if code is not None:
                chosen = _by_code(fresh, code, now, codes)
                method = "code"
            elif len(fresh) > 1:
                return CheckinResult(None, None, choices=tuple(o.activity for o in fresh))
            else:
                chosen = fresh[0].activity
                method = "window"
                needs = _needs(chosen)
                if ask and needs is not None:
                    return CheckinResult(chosen, None, needs=needs)
                if chosen.by_location and chosen.by_code:
                    raise UserFacingError("vol.needs_either", title=chosen.title)
                if chosen.by_location:
                    raise UserFacingError("vol.needs_location", title=chosen.title)
                if chosen.by_code:
                    raise UserFacingError("vol.needs_code", title=chosen.title)
            _insert(desk, chosen, person.id, now, method)
            return CheckinResult(chosen, method)

        return await self._ctx.db.run_unit(work)

    def _fresh(
        self,
        desk: CheckinDesk,
        person_id: int,
        now: datetime,
        lead: timedelta,
        activity_id: int | None,
    ) -> list[OpenActivity]:
        """Open activities the person may still check in to; explains why if none."""
        opened = desk.open_for(person_id, now, now + lead)
        if activity_id is not None:
            opened = [o for o in opened if o.activity.id == activity_id]
        if not opened:
            following = desk.next_for(person_id, now)
            if following is not None and (activity_id is None or following.id == activity_id):
                raise UserFacingError(
                    "vol.window_not_open",
                    title=following.title,
                    opens=self._ctx.local(following.starts_at - lead),
                )
            raise UserFacingError("vol.nothing_open")
        fresh = [o for o in opened if o.checkin_id is None]
        if not fresh:
            done = opened[0]
            key = "vol.already_out" if done.checked_out else "vol.already_in"
            raise UserFacingError(key, title=done.activity.title)
        return fresh

    async def check_in_location(
        self, actor: Actor, lat: float, lon: float, *, forwarded: bool
    ) -> CheckinResult | None:
        """签到 by a location shared in Telegram; None if consent must be asked first.

        Only the distance and the pass/fail are kept; the coordinates are not.
        A forwarded location is someone else's, and is refused.
        """
        person = actor.registered_person()
        if forwarded:
            raise UserFacingError("vol.location_forwarded")
        async with self._ctx.db.read() as session:
            if not await session.volunteering.checkins.has_location_consent(person.id):
                return None
        now = self._ctx.clock()
        lead = self._ctx.lead()
        cid = community_id()  # the database's thread does not see the task's community

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn, cid)
            opened = self._fresh(desk, person.id, now, lead, None)
            fresh = [
                o.activity
                for o in opened
                if o.activity.by_location and o.activity.latitude is not None
            ]
            if not fresh:
                if opened[0].activity.by_code:
                    # A location does not check in here, and neither does a plain 签到.
                    raise UserFacingError("vol.needs_code", title=opened[0].activity.title)
                raise UserFacingError("vol.location_not_needed")
            measured = sorted(
                (distance_m(lat, lon, a.latitude or 0.0, a.longitude or 0.0), a.id, a)
                for a in fresh
            )
            within = [(d, a) for d, _, a in measured if d <= a.radius_m]
            if not within:
                d, _, a = measured[0]
                raise UserFacingError(
                    "vol.too_far", title=a.title, distance=round(d), radius=a.radius_m
                )
            d, chosen = within[0]
            _insert(desk, chosen, person.id, now, "location", round(d))
            return CheckinResult(chosen, "location", round(d))

        return await self._ctx.db.run_unit(work)

    async def ask_code(self, actor: Actor, chat_id: int) -> None:
        """The prompt is shown: a code typed next is the check-in's (CHECKIN_FLOW)."""
        actor.registered_person()
        async with self._ctx.db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, CHECKIN_FLOW, "code", {}, self._ctx.clock()
            )

    async def give_location_consent(self, actor: Actor) -> None:
        """The person agrees to check in by location (only the distance is kept)."""
        person = actor.registered_person()
        async with self._ctx.db.transaction() as session:
            await session.volunteering.checkins.give_location_consent(person.id, self._ctx.clock())

    async def check_in_qr(self, actor: Actor, payload: str) -> CheckinResult:
        """签到 through the QR link on the organiser's screen; its token rotates."""
        person = actor.registered_person()
        parsed = parse_qr_payload(QR_PREFIX, payload)
        if parsed is None:
            raise UserFacingError("vol.qr_bad")
        activity_id, window, token = parsed
        now = self._ctx.clock()
        lead = self._ctx.lead()
        codes = self._ctx.codes
        cid = community_id()  # the database's thread does not see the task's community

        def work(conn: sqlite3.Connection) -> CheckinResult:
            desk = CheckinDesk(conn, cid)
            fresh = self._fresh(desk, person.id, now, lead, activity_id)
            chosen = fresh[0].activity
            verdict = codes.check_token(chosen.code_secret, window, token, now)
            if verdict == "wrong":
                raise UserFacingError("vol.qr_bad")
            if verdict == "stale":
                raise UserFacingError("vol.qr_stale")
            _insert(desk, chosen, person.id, now, "qr")
            return CheckinResult(chosen, "qr")

        return await self._ctx.db.run_unit(work)

    async def check_out(self, actor: Actor, activity_id: int | None = None) -> CheckoutResult:
        """签退: closes the person's open check-in (of ``activity_id``, the 🏁 签退 button
        under its check-in confirmation) and counts its minutes."""
        person = actor.registered_person()
        now = self._ctx.clock()
        config = self._ctx.config
        cid = community_id()  # the database's thread does not see the task's community

        def work(conn: sqlite3.Connection) -> CheckoutResult:
            desk = CheckinDesk(conn, cid)
            still = [
                item
                for item in desk.open_checkins(person.id)
                if activity_id is None or item.checkin.activity_id == activity_id
            ]
            if not still:
                done = desk.last_checkout(person.id, now - RECENT_CHECKOUT, activity_id)
                if done is not None:
                    # A second 签退: say when the first one was, not "not checked in".
                    title, at, how = done
                    key = "vol.auto_checked_out" if how == "auto" else "vol.already_checked_out"
                    raise UserFacingError(
                        key, title=title, time=self._ctx.said_time(at, now, actor.language)
                    )
                raise UserFacingError("vol.not_checked_in")
            item = still[0]
            minutes = counted_minutes(
                item.checkin.checked_in_at,
                now,
                item.starts_at,
                item.ends_at,
                step=config.rounding_minutes,
                rounding=config.rounding,
            )
            desk.check_out(item.checkin.id, now, "self", minutes, "ok")
            return CheckoutResult(item.title, minutes, item.checkin.activity_id)

        return await self._ctx.db.run_unit(work)


def _needs(activity: ActivityRow) -> str | None:
    """What a check-in to ``activity`` needs beside the window: a location, the code, either."""
    if activity.by_location and activity.by_code:
        return "either"
    if activity.by_location:
        return "location"
    if activity.by_code:
        return "code"
    return None


def _insert(
    desk: CheckinDesk,
    activity: ActivityRow,
    person_id: int,
    now: datetime,
    method: str,
    distance: int | None = None,
) -> None:
    try:
        desk.check_in(activity.id, person_id, now, method, distance)
    except sqlite3.IntegrityError:
        # Two 签到 at once: the schema keeps one; the second is told so.
        raise UserFacingError("vol.already_in", title=activity.title) from None


def _by_code(
    fresh: list[OpenActivity], code: str, now: datetime, codes: CodeWindows
) -> ActivityRow:
    """The activity whose current (or last) code is ``code``; explains a stale or wrong code."""
    candidates = [o.activity for o in fresh if o.activity.by_code]
    verdicts = [(codes.check(a.code_secret, code, now), a) for a in candidates]
    for verdict, activity in verdicts:
        if verdict == "ok":
            return activity
    if any(verdict == "stale" for verdict, _ in verdicts):
        raise UserFacingError("vol.code_stale", minutes=codes.minutes)
    raise UserFacingError("vol.code_wrong")
