"""Residents check themselves in at a sitting (居民自助签到), as volunteers do.

A secretary shows the open sitting's rotating code and its QR (from /attendance); a
resident sends "签到 123456" to the bot privately, or taps the QR's link
(t.me/<bot>?start=sq_…). They go on the same attendance list as the secretary's marks
(bot/deliberation/attendance.py), as checked in themselves, so the count and the names
reach /attendance and the minutes. The code is bot/codes.py's, as the volunteers' is,
and lasts ``[volunteer] code_valid_minutes``. Only while the sitting is open.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, system_clock
from bot.codes import CodeWindows, parse_qr_payload, qr_payload, rotating_code
from bot.community.register import Actor, Role
from bot.errors import UserFacingError
from storage import Storage
from storage.deliberation.sittings import SittingRow
from storage.session import Session

#: The /start payload of a sitting's QR link begins so.
QR_PREFIX = "sq"


@dataclass(frozen=True)
class SittingCode:
    """The secretary's code screen: the code, when it changes, how long a code lasts."""

    sitting: SittingRow
    code: str
    changes_at: datetime
    valid_minutes: int
    payload: str


class SittingCheckinService:
    """The sitting's code screen, and a resident's check-in by its code or QR link."""

    def __init__(self, db: Storage, minutes: int, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self.codes = CodeWindows(minutes)

    async def _open(self, session: Session, now: datetime) -> SittingRow | None:
        sitting_id = await session.attendance.open_sitting_id(now)
        return await session.sittings.get(sitting_id) if sitting_id is not None else None

    def _screen(self, sitting: SittingRow, secret: str, now: datetime) -> SittingCode:
        window = self.codes.window(now)
        return SittingCode(
            sitting,
            rotating_code(secret, window),
            self.codes.ends(window),
            self.codes.minutes,
            qr_payload(QR_PREFIX, sitting.id, secret, window),
        )

    async def code_screen(self, actor: Actor) -> SittingCode:
        """The open sitting's code now (its secret made the first time it is shown)."""
        actor.member(Role.SECRETARY, "attendance.secretaries_only")
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await self._open(session, now)
            if sitting is None:
                raise UserFacingError("checkin.sitting.not_open")
            secret = await session.attendance.keep_code_secret(sitting.id, secrets.token_hex(16))
        return self._screen(sitting, secret, now)

    async def next_code(self, sitting_id: int) -> SittingCode | None:
        """The code screen now for a screen kept changing; None once the sitting closed.

        Only for the screen a secretary opened (access was checked then)."""
        now = self._clock()
        async with self._db.read() as session:
            sitting = await session.sittings.get(sitting_id)
            secret = await session.attendance.code_secret(sitting_id)
        if sitting is None or secret is None or sitting.closed_at is not None:
            return None
        return self._screen(sitting, secret, now)

    async def taking_codes(self) -> bool:
        """Whether a sitting is open now whose code a secretary has shown."""
        async with self._db.read() as session:
            sitting = await self._open(session, self._clock())
            return (
                sitting is not None and await session.attendance.code_secret(sitting.id) is not None
            )

    async def by_code(self, actor: Actor, code: str) -> SittingRow | None:
        """签到 123456: the resident is checked in at the open sitting if it is its code.

        None when the code is not the sitting's and may be a volunteer activity's (no
        sitting takes codes now, or the person volunteers): the caller asks there."""
        person = actor.registered_person()
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await self._open(session, now)
            secret = await session.attendance.code_secret(sitting.id) if sitting else None
            if sitting is None or secret is None:
                return None
            verdict = self.codes.check(secret, code, now)
            if verdict == "wrong" and actor.has(Role.VOLUNTEER):
                return None
            if verdict == "wrong":
                raise UserFacingError("checkin.sitting.code_wrong")
            if verdict == "stale":
                raise UserFacingError("checkin.sitting.code_stale", minutes=self.codes.minutes)
            await self._check_in(session, actor, person.id, sitting, now)
        return sitting

    async def by_qr(self, actor: Actor, payload: str) -> SittingRow:
        """/start sq_…: the resident tapped the QR on the secretary's screen."""
        person = actor.registered_person()
        parsed = parse_qr_payload(QR_PREFIX, payload)
        if parsed is None:
            raise UserFacingError("checkin.sitting.qr_bad")
        sitting_id, window, token = parsed
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await self._open(session, now)
            secret = await session.attendance.code_secret(sitting_id)
            if secret is None:
                raise UserFacingError("checkin.sitting.qr_bad")
            verdict = self.codes.check_token(secret, window, token, now)
            if verdict == "wrong":
                raise UserFacingError("checkin.sitting.qr_bad")
            if sitting is None or sitting.id != sitting_id or verdict == "stale":
                raise UserFacingError("checkin.sitting.qr_stale")
            await self._check_in(session, actor, person.id, sitting, now)
        return sitting

    async def _check_in(
        self, session: Session, actor: Actor, person_id: int, sitting: SittingRow, now: datetime
    ) -> None:
        actor.require(Role.RESIDENT, "checkin.sitting.residents_only")
        if not await session.attendance.check_in_self(sitting.id, person_id, now):
            raise UserFacingError("checkin.sitting.already")
        await session.audit.record(
            at=now,
            action="sitting.checked_in",
            actor_id=person_id,
            subject_id=person_id,
            detail=f"{sitting.id}:p{person_id}",
        )
