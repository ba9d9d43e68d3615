"""Keyboards of volunteer service (志愿者打卡)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.community.register import PeoplePage
from bot.config import Language
from bot.volunteering.drafts import ActivityDraft
from bot.volunteering.organiser import KioskEntry
from bot.volunteering.review import ReviewItem
from bot.volunteering.rota import DutyScreen
from handlers.calendars import callbacks as calendar_cb
from handlers.callbacks import Callback
from handlers.keyboards import button, paging
from handlers.texts import person_label, plain
from handlers.volunteering import callbacks as cb
from storage.volunteering.rows import ActivityRow, UnitRow


def vol_new(language: Language, draft: ActivityDraft) -> InlineKeyboardMarkup | None:
    """/newactivity: a skip button at optional steps; the settings screen's buttons."""
    if draft.step in ("description", "location"):
        return InlineKeyboardMarkup(
            [[button(plain(language, f"vol.button.skip_{draft.step}"), cb.VolNewSkip(draft.step))]]
        )
    if draft.step != "settings":
        return None
    rows = [
        [
            button(plain(language, "vol.button.set_location"), cb.VolNewSetting("location")),
            button(plain(language, "vol.button.set_radius"), cb.VolNewSetting("radius")),
        ],
        [
            button(plain(language, "vol.button.set_code"), cb.VolNewSetting("code")),
            button(plain(language, "vol.button.set_audience"), cb.VolNewSetting("audience")),
        ],
        [button(plain(language, "vol.button.set_recurrence"), cb.VolNewSetting("recurrence"))],
        [
            button(plain(language, "vol.button.publish"), cb.VolNewPublish(True)),
            button(plain(language, "vol.button.drop"), cb.VolNewPublish(False)),
        ],
    ]
    return InlineKeyboardMarkup(rows)


def vol_sign_up(language: Language, activities: list[ActivityRow]) -> InlineKeyboardMarkup | None:
    """/activities: one 报名 button per activity."""
    if not activities:
        return None
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "vol.button.sign_up_for", number=a.number, title=a.title[:20]),
                    cb.VolSignUp(a.id),
                )
            ]
            for a in activities
        ]
    )


def vol_my(
    language: Language, rows: list[tuple[ActivityRow, str]], now: datetime | None = None
) -> InlineKeyboardMarkup | None:
    """/my: one 取消报名 button per sign-up, and 🙋 请假 beside it for a place held in an
    activity not started yet (at ``now``)."""
    if not rows:
        return None
    keyboard = []
    for a, state in rows:
        row = [
            button(
                plain(language, "vol.button.cancel_for", number=a.number, title=a.title[:20]),
                cb.VolCancel(a.id),
            )
        ]
        if state == "signed" and now is not None and now < a.starts_at:
            row.append(button(plain(language, "vol.button.leave"), cb.VolLeave(a.id)))
        keyboard.append(row)
        # 📅 the activity as a phone calendar file (handlers/calendars/).
        label = plain(language, "ics.button_for", number=a.number)
        keyboard.append([button(label, calendar_cb.CalendarActivity(a.id))])
    return InlineKeyboardMarkup(keyboard)


def vol_checkout(language: Language, activity_id: int, group: int) -> InlineKeyboardMarkup:
    """🏁 签退 under a check-in confirmation."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "vol.button.checkout"), cb.VolCheckout(activity_id, group))]]
    )


def vol_choose_checkin(
    language: Language, activities: tuple[ActivityRow, ...]
) -> InlineKeyboardMarkup:
    """签到 with several activities open: one button each."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "vol.button.checkin_for", title=a.title[:24]),
                    cb.VolCheckinChoose(a.id),
                )
            ]
            for a in activities
        ]
    )


def vol_location_consent(language: Language) -> InlineKeyboardMarkup:
    """Agree or not to check in by location."""
    return InlineKeyboardMarkup(
        [
            [
                button(plain(language, "vol.button.consent_yes"), cb.VolLocationConsent(True)),
                button(plain(language, "vol.button.consent_no"), cb.VolLocationConsent(False)),
            ]
        ]
    )


def vol_pick_activity(
    language: Language, activities: list[ActivityRow], make: Callable[[int], Callback]
) -> InlineKeyboardMarkup:
    """One button per activity (for /code and /kiosk)."""
    return InlineKeyboardMarkup(
        [[button(f"#{a.number} {a.title[:24]}", make(a.id))] for a in activities]
    )


def vol_code(language: Language, activity_id: int) -> InlineKeyboardMarkup:
    """⏹ stop the screen changing every minute."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "vol.button.stop_code"), cb.VolCodeStop(activity_id))]]
    )


def vol_kiosk(
    language: Language, activity_id: int, entries: list[KioskEntry]
) -> InlineKeyboardMarkup:
    """Kiosk: one button per signed-up person: 签到 (or 签退 once in)."""
    rows = []
    for entry in entries:
        if entry.checkin is not None and entry.checkin.checked_out_at is not None:
            continue
        key = "vol.button.kiosk_out" if entry.checkin else "vol.button.kiosk_in"
        rows.append(
            [
                button(
                    plain(language, key, name=entry.signup.display_name),
                    cb.VolKioskPress(activity_id, entry.signup.person_id),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def vol_review(language: Language, items: list[ReviewItem]) -> InlineKeyboardMarkup | None:
    """Per flagged check-in: 通过 / 调整 / 作废."""
    if not items:
        return None
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, f"vol.button.review_{action}", number=item.checkin.number),
                    cb.VolReview(item.checkin.id, action),
                )
                for action in ("approve", "adjust", "reject")
            ]
            for item in items
        ]
    )


def vol_unit_contacts(language: Language, unit_id: int, page: PeoplePage) -> InlineKeyboardMarkup:
    """/unit: choose the unit's contact from the register, with paging."""
    rows = [[button(person_label(p), cb.VolUnitContact(unit_id, p.id))] for p in page.people]
    nav = paging(language, page, lambda n: cb.VolUnitPage(unit_id, n))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def vol_duty(language: Language, screen: DutyScreen) -> InlineKeyboardMarkup:
    """/duty: ask to skip the next turn; hand the planned duty to another unit."""
    rows = [[button(plain(language, "vol.button.skip_toggle"), cb.VolSkipToggle())]]
    if screen.duty is not None:
        rows.append([button(plain(language, "vol.button.swap"), cb.VolSwapMenu(screen.duty.id))])
    return InlineKeyboardMarkup(rows)


def vol_swap_targets(
    language: Language, duty_id: int, units: list[UnitRow]
) -> InlineKeyboardMarkup:
    """换班: the units that could take the duty."""
    return InlineKeyboardMarkup([[button(u.name, cb.VolSwapAsk(duty_id, u.id))] for u in units])


def vol_teams(language: Language, units: list[UnitRow], mine: int | None) -> InlineKeyboardMarkup:
    """/team: one button per unit; the volunteer's own is marked."""
    return InlineKeyboardMarkup(
        [[button(("✅ " if u.id == mine else "") + u.name, cb.VolJoinUnit(u.id))] for u in units]
    )
