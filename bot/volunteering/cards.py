"""An activity's card in the volunteers' group (志愿者打卡), and how to check in to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, OutgoingMessage
from storage.volunteering.rows import ActivityRow


@dataclass(frozen=True)
class ActivityState:
    """An activity with its live counts (for its card and lists)."""

    activity: ActivityRow
    signed: int
    waiting: int
    checked_in: int


def methods_text(activity: ActivityRow, language: Language) -> str:
    """What to send to check in, as the check-in accepts it (see ``check_in``): plain 签到
    only when neither the location nor the on-site code is required."""
    if activity.by_location and activity.by_code:
        key = "vol.method.either"
    elif activity.by_location:
        key = "vol.method.location"
    elif activity.by_code:
        key = "vol.method.code"
    else:
        key = "vol.method.window"
    return translate(language, key, radius=activity.radius_m)


def activity_card(
    state: ActivityState,
    language: Language,
    tz: ZoneInfo,
    unit: str | None,
    today: date | None = None,
) -> OutgoingMessage:
    """The card in the volunteers' group: what, when, where, live counts, 报名 / 取消报名."""
    a = state.activity
    audience = translate(language, f"vol.audience.{a.audience}", unit=unit or "")
    params = {
        "number": a.number,
        "title": a.title,
        "description": a.description or "—",
        # A card stays in the group: never 明天, which would soon be wrong.
        "when": spoken.span(language, a.starts_at, a.ends_at, tz, today, relative=False),
        "place": a.place,
        "signed": state.signed,
        "capacity": a.capacity,
        "waiting": state.waiting,
        "audience": audience,
        "methods": methods_text(a, language),
    }
    buttons = (
        (
            ButtonSpec("vol.button.sign_up", callback_data=f"wsu:{a.id}"),
            ButtonSpec("vol.button.cancel", callback_data=f"wsc:{a.id}"),
        ),
    )
    return OutgoingMessage("vol.card", language, params, buttons=buttons)
