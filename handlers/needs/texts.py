"""Texts of the two lists (需求/服务), from the catalogs (bot/locales/needs.pot)."""

from __future__ import annotations

from datetime import date

from bot import spoken
from bot.config import Language
from bot.needs.service import NeedsService
from handlers.texts import t
from storage.needs.repository import NeedRow, OfferRow


def need_screen(
    language: Language, service: NeedsService, need: NeedRow, matter_number: int | None = None
) -> str:
    """One need: what, where, who, since when, where it stands (``matter_number``: what
    people call the matter it became, #12 of this community)."""
    text = t(language, "needs.screen", **service.details(language, need))
    if need.recorded_name:
        text += "\n" + t(language, "needs.screen_recorded", name=need.recorded_name)
    if need.owner_name and need.state in ("claimed", "done"):
        due = spoken.day(language, need.due_on, service.today()) if need.due_on else "—"
        text += "\n" + t(language, "needs.screen_owner", owner=need.owner_name, due=due)
    if need.activity_id:
        activity = need.activity_number or "—"  # (its number in the community)
        text += "\n" + t(language, "needs.screen_activity", activity=activity)
    if need.matter_id and need.state == "matter":
        text += "\n" + t(
            language, "needs.screen_matter", matter=matter_number or need.matter_number or "—"
        )
    if need.reply:
        text += "\n" + t(language, "needs.screen_reply", reply=need.reply)
    if need.rating:
        text += "\n" + t(language, "needs.screen_rating", stars="⭐" * need.rating)
    return text


def when_text(language: Language, day: date | None, today: date | None = None) -> str:
    """When a service is offered: 12月5日（周六）, or 长期."""
    return (
        spoken.day(language, day, today, relative=False) if day else t(language, "needs.long_term")
    )


def offer_screen(language: Language, offer: OfferRow) -> str:
    return t(
        language,
        "needs.service_screen",
        what=offer.what,
        who=offer.person_name,
        when=when_text(language, offer.available_on),
        left=max(offer.capacity - offer.taken, 0),
        capacity=offer.capacity,
    )
