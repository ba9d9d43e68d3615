"""The live roll-call (签到名单) a group sees instead of one reply per 签到.

Telegram lets a bot send about 20 messages a minute to one group, so a
签到 or 签退 typed in a group is acknowledged on the person's own message and
in their private chat (handlers/volunteering/group_checkin.py), and the group
gets one message per activity: posted through the outbox at the first
check-in typed there, then edited (a few seconds after a change, once for
however many came in) to name who has checked in and who has checked out.
Someone the bot cannot write to privately still sees themselves counted.

The message is found again by its outbox dedupe key, so it is posted once
per activity and group, across restarts too; no table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import spoken
from bot.config import Language
from bot.i18n import translate
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.volunteering.context import VolunteerContext
from storage.session import Session

#: The push kind of a roll-call (one message, to one group).
ROLL_CALL_KIND = "vol_roll_call"

#: Names shown on one line, the rest as "…" (the count beside it says how many):
#: Telegram's 4096 characters hold two such lines.
MAX_NAMES = 150


def _dedupe_prefix(activity_id: int) -> str:
    return f"vol-roll-call:{activity_id}"


def dedupe_key(activity_id: int, chat_id: int) -> str:
    """The outbox key of the activity's roll-call in ``chat_id`` (queue_push adds the chat)."""
    return f"{_dedupe_prefix(activity_id)}:{chat_id}"


@dataclass(frozen=True)
class RollCall:
    """The roll-call as it should read now, and where it stands in the group.

    ``message_id`` is None while it is still on its way (``waiting``) or if it
    could not be posted.
    """

    message: OutgoingMessage
    message_id: int | None
    waiting: bool


class RollCallService:
    """Posts an activity's roll-call in a group once and says how it should read now."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx
        #: (activity, group) pairs whose roll-call is known to be queued or posted.
        self._posted: set[tuple[int, int]] = set()

    async def post(self, activity_id: int, chat_id: int) -> bool:
        """Queue the roll-call in the group unless it is there already; whether it was queued.

        Queued, it goes with the activity's current names; already there, the
        caller edits it (a few seconds later, see :meth:`current`).
        """
        if (activity_id, chat_id) in self._posted:
            return False
        key = dedupe_key(activity_id, chat_id)
        async with self._ctx.db.read() as session:
            known = await session.outbox.by_dedupe_key(key) is not None
        queued = False
        if not known:
            async with self._ctx.db.transaction(completes_update=False) as session:
                # Re-checked on the writer: two first check-ins at once post one roll-call.
                if await session.outbox.by_dedupe_key(key) is None:
                    message = await self._message(session, activity_id)
                    await queue_push(
                        session,
                        kind=ROLL_CALL_KIND,
                        title=str(message.params["title"]),
                        deliveries=[Delivery(chat_id, None, message)],
                        dedupe_prefix=_dedupe_prefix(activity_id),
                        now=self._ctx.clock(),
                    )
                    queued = True
        self._posted.add((activity_id, chat_id))
        return queued

    async def current(self, activity_id: int, chat_id: int) -> RollCall:
        """The roll-call's text now, and its message in the group (if it arrived)."""
        async with self._ctx.db.read() as session:
            message = await self._message(session, activity_id)
            found = await session.outbox.by_dedupe_key(dedupe_key(activity_id, chat_id))
        if found is None:
            return RollCall(message, None, waiting=False)
        state, message_id = found
        if state == "sent" and message_id is not None:
            return RollCall(message, message_id, waiting=False)
        return RollCall(message, None, waiting=state in ("pending", "sending"))

    async def _message(self, session: Session, activity_id: int) -> OutgoingMessage:
        activity = await session.volunteering.activities.activity(activity_id)
        # Gone (or not this community's): no number of its own to show, and the row id
        # is the street's, not what people here call it.
        title = activity.title if activity is not None else "—"
        rows = await session.volunteering.checkins.checkins(activity_id)
        checked_in = [name for _, name in rows]
        checked_out = [name for row, name in rows if row.checked_out_at is not None]
        params: dict[str, object] = {
            "title": title,
            "count": len(checked_in),
            "names": _names(checked_in, self._ctx.language),
        }
        key = "vol.roll_call"
        if checked_out:
            key = "vol.roll_call_out"
            params.update(
                out_count=len(checked_out), out_names=_names(checked_out, self._ctx.language)
            )
        return OutgoingMessage(key, self._ctx.language, params)


def _names(names: list[str], language: Language) -> str:
    if len(names) <= MAX_NAMES:
        return spoken.names(language, names)
    return translate(language, "list_separator").join(names[:MAX_NAMES]) + "…"
