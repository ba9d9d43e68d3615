"""The organiser's tools of volunteer service (志愿者打卡): the on-site code screen and the kiosk.

An organiser can check in a person without a phone (kiosk), recorded as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.codes import CodeWindows, qr_payload, rotating_code
from bot.community.register import Actor
from bot.errors import UserFacingError
from bot.volunteering.checkin import QR_PREFIX
from bot.volunteering.context import VolunteerContext
from bot.volunteering.rules import manages
from storage.volunteering.rows import ActivityRow, CheckinRow, SignupRow


@dataclass(frozen=True)
class CodeScreen:
    """The organiser's on-site code: the code, when the screen changes, how long a code
    lasts, and the QR link's payload."""

    activity: ActivityRow
    code: str
    changes_at: datetime
    valid_minutes: int
    payload: str


@dataclass(frozen=True)
class KioskEntry:
    """A signed-up person on the kiosk screen, with their check-in if any."""

    signup: SignupRow
    checkin: CheckinRow | None


class OrganiserService:
    """The activities an organiser runs now, their code screen and the kiosk."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx

    async def managed(self, actor: Actor) -> list[ActivityRow]:
        """Activities the actor runs whose window is open now (secretaries: every one)."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.read() as session:
            rows = await session.volunteering.activities.running(now, now + self._ctx.lead())
        return [a for a in rows if manages(actor, person, a)]

    async def code_screen(self, actor: Actor, activity_id: int) -> CodeScreen:
        """The on-site code of this minute and the QR link's payload."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or not manages(actor, person, activity):
            raise UserFacingError("vol.not_organiser")
        if not activity.by_code:
            raise UserFacingError("vol.code_not_used", title=activity.title)
        return _code_screen(activity, now, self._ctx.codes)

    async def next_code(self, activity_id: int) -> CodeScreen | None:
        """The code screen of this minute for a screen kept rotating; None once it ended.

        Only for the screen an organiser opened (access was checked then).
        """
        now = self._ctx.clock()
        async with self._ctx.db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or activity.cancelled_at is not None or activity.ends_at <= now:
            return None
        return _code_screen(activity, now, self._ctx.codes)

    async def kiosk(self, actor: Actor, activity_id: int) -> tuple[ActivityRow, list[KioskEntry]]:
        """The kiosk screen: everyone signed up, with their check-in if any."""
        person = actor.registered_person()
        async with self._ctx.db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            signed = await session.volunteering.signups.signups(activity_id, "signed")
            entries = [
                KioskEntry(
                    s, await session.volunteering.checkins.checkin_of(activity_id, s.person_id)
                )
                for s in signed
            ]
        return activity, entries

    async def kiosk_press(self, actor: Actor, activity_id: int, person_id: int) -> str:
        """The organiser checks a person in (or, pressed again, out): "in" or "out"."""
        organiser = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, organiser, activity):
                raise UserFacingError("vol.not_organiser")
            if not activity.starts_at - self._ctx.lead() <= now < activity.ends_at:
                raise UserFacingError(
                    "vol.window_not_open",
                    title=activity.title,
                    opens=self._ctx.local(activity.starts_at - self._ctx.lead(), actor.language),
                )
            signup = await session.volunteering.signups.signup(activity_id, person_id)
            if signup is None or signup.state != "signed":
                raise UserFacingError("vol.kiosk_not_signed")
            existing = await session.volunteering.checkins.checkin_of(activity_id, person_id)
            if existing is None:
                await session.volunteering.checkins.check_in(
                    activity_id, person_id, now, "kiosk", recorded_by=organiser.id
                )
                return "in"
            if existing.checked_out_at is not None:
                raise UserFacingError("vol.already_out", title=activity.title)
            minutes = self._ctx.count(existing.checked_in_at, now, activity)
            await session.volunteering.checkins.check_out(existing.id, now, "kiosk", minutes, "ok")
            return "out"


def _code_screen(activity: ActivityRow, now: datetime, codes: CodeWindows) -> CodeScreen:
    window = codes.window(now)
    return CodeScreen(
        activity,
        rotating_code(activity.code_secret, window),
        codes.ends(window),
        codes.minutes,
        qr_payload(QR_PREFIX, activity.id, activity.code_secret, window),
    )
