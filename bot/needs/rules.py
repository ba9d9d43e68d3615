"""The two lists' names: flows, schedule kinds, callback prefixes, limits, clocks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Language, NeedCategory, NeedsSettings
from bot.i18n import translate

#: Posting a need: category, building, urgency, then text, a photo or a voice note.
FLOW = "need"
STEPS = ("category", "building", "urgency", "text")
#: Offering a service: what, when (a day or 长期), how many.
OFFER_FLOW = "need_offer"
#: A task's deadline changed with the date picker.
DUE_FLOW = "need_due"
#: A need carried out as a volunteer activity: when (the date picker's span).
ACTIVITY_FLOW = "need_activity"
#: A typed reply to the resident (the first answer stops the clock).
REPLY_FLOW = "need_reply"

MAX_TEXT = 500
MAX_WHAT = 200
MAX_BUILDING = 20
#: How many buildings are offered as buttons.
BUILDING_CHOICES = 8
PAGE_SIZE = 6

#: Schedules: the answer clock, the done clock (once each), the monthly report (daily).
UNANSWERED_KIND = "needs.unanswered"
OVERDUE_KIND = "needs.overdue"
REPORT_KIND = "needs.report"
#: Pushes.
NEW_KIND = "needs.new"
CLAIMED_KIND = "needs.claimed"
ASK_KIND = "needs.ask"
REOPENED_KIND = "needs.reopened"
OFFER_KIND = "needs.offer_claim"

#: Callback data of the buttons in pushes (handlers/needs/callbacks.py decodes them).
OPEN_PREFIX = "ndo"
SOLVED_PREFIX = "nds"
RATE_PREFIX = "ndr"
OFFER_ANSWER_PREFIX = "nva"

#: Roles who see the open needs and claim them.
CLAIMER_ROLES = ("party_member", "volunteer", "grid_worker", "secretary")


def category_name(settings: NeedsSettings, key: str, language: Language) -> str:
    """The category's name (its key if it is not configured any more)."""
    category = settings.category(key)
    return category.name_in(language) if category else key


def end_of(day: date, tz: ZoneInfo) -> datetime:
    """The end of a local day (the next midnight), as an aware moment."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def task_due(category: NeedCategory | None, now: datetime, tz: ZoneInfo) -> date:
    """A claimed need's default deadline: ``done_days`` after today."""
    days = category.done_days if category else 7
    return now.astimezone(tz).date() + timedelta(days=days)


def state_name(language: Language, state: str) -> str:
    """待认领, 办理中, 待确认, 已解决, 已转为议题."""
    return translate(language, f"needs.state.{state}")
