"""Keyboards of the two lists (需求/服务)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Language, NeedsSettings
from bot.needs import rules
from handlers.keyboards import button
from handlers.needs import callbacks as cb
from handlers.texts import plain
from storage.community.people import PersonRow
from storage.needs.repository import NeedRow, OfferRow

#: The date pickers: a task's deadline, a need's volunteer activity, an offer's day.
DUE_PICKER_KEY = "ndd"
ACTIVITY_PICKER_KEY = "nda"
OFFER_PICKER_KEY = "ndv"
COUNTS = (1, 2, 3, 5, 10)


def me_rows(language: Language) -> list[list[InlineKeyboardButton]]:
    """🙋 我有需求 on /me."""
    return [[button(plain(language, "needs.me_button"), cb.NeedStart())]]


def categories(language: Language, settings: NeedsSettings) -> InlineKeyboardMarkup:
    names = [button(c.name_in(language), cb.NeedCategory(c.key)) for c in settings.categories]
    return InlineKeyboardMarkup([names[i : i + 3] for i in range(0, len(names), 3)])


def buildings(language: Language, choices: list[str]) -> InlineKeyboardMarkup:
    rows = [
        [button(b, cb.NeedBuilding(i)) for i, b in list(enumerate(choices))[j : j + 2]]
        for j in range(0, len(choices), 2)
    ]
    rows.append([button(plain(language, "needs.no_building_button"), cb.NeedBuilding(-1))])
    return InlineKeyboardMarkup(rows)


def urgency(language: Language) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(plain(language, "needs.ordinary_button"), cb.NeedUrgency(0)),
                button(plain(language, "needs.urgent_button"), cb.NeedUrgency(1)),
            ]
        ]
    )


def open_list(
    language: Language,
    settings: NeedsSettings,
    needs: list[NeedRow],
    page: int,
    pages: int,
    secretary: bool,
) -> InlineKeyboardMarkup | None:
    rows = [
        [
            button(
                plain(
                    language,
                    "needs.item_button",
                    mark="🔴" if n.urgent else "",
                    number=n.number,
                    category=rules.category_name(settings, n.category, language),
                    building=n.building or "",
                ),
                cb.NeedOpen(n.id),
            )
        ]
        for n in needs
    ]
    nav = []
    if page > 0:
        nav.append(button(plain(language, "carry.button.previous"), cb.NeedsPage(page - 1)))
    if page + 1 < pages:
        nav.append(button(plain(language, "carry.button.next"), cb.NeedsPage(page + 1)))
    if nav:
        rows.append(nav)
    if secretary:
        rows.append([button(plain(language, "needs.report_button"), cb.NeedsReport())])
    return InlineKeyboardMarkup(rows) if rows else None


def need_actions(
    language: Language, need: NeedRow, person_id: int | None, claimer: bool
) -> InlineKeyboardMarkup | None:
    """What may be done with the need by this person, as it stands."""
    rows: list[list[InlineKeyboardButton]] = []
    if need.state == "open" and claimer:
        rows.append([button(plain(language, "needs.claim_button"), cb.NeedClaim(need.id))])
        rows.append([button(plain(language, "needs.activity_button"), cb.NeedActivity(need.id))])
    if need.state == "claimed" and need.owner_id == person_id:
        rows.append([button(plain(language, "needs.done_button"), cb.NeedDone(need.id))])
        rows.append([button(plain(language, "needs.due_button"), cb.NeedDue(need.id))])
    if need.state in ("open", "claimed") and claimer:
        rows.append([button(plain(language, "needs.reply_button"), cb.NeedReply(need.id))])
        rows.append([button(plain(language, "needs.matter_button"), cb.NeedToMatter(need.id))])
    if claimer:
        rows.append([button(plain(language, "needs.back_button"), cb.NeedsPage(0))])
    return InlineKeyboardMarkup(rows) if rows else None


def stars(language: Language, need_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button("⭐" * n, cb.NeedRate(need_id, n)) for n in range(1, 6)]])


def matter_row(language: Language, matter_id: int, need_number: int) -> list[InlineKeyboardButton]:
    """↩ 转回需求 #N (the need's number in the community) on a matter's screen."""
    return [
        button(
            plain(language, "needs.back_to_need_button", number=need_number),
            cb.MatterToNeed(matter_id),
        )
    ]


# --- the services list ---------------------------------------------------------------------


def long_term(language: Language) -> list[InlineKeyboardButton]:
    return [button(plain(language, "needs.long_term_button"), cb.OfferLongTerm())]


def counts(language: Language) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(str(n), cb.OfferCount(n)) for n in COUNTS]])


def services(
    language: Language, offers: list[OfferRow], page: int, pages: int
) -> InlineKeyboardMarkup | None:
    rows = [
        [
            button(
                plain(language, "needs.service_button", what=o.what[:20], who=o.person_name),
                cb.ServiceOpen(o.id),
            )
        ]
        for o in offers
    ]
    nav = []
    if page > 0:
        nav.append(button(plain(language, "carry.button.previous"), cb.ServicesPage(page - 1)))
    if page + 1 < pages:
        nav.append(button(plain(language, "carry.button.next"), cb.ServicesPage(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def service(
    language: Language, offer: OfferRow, mine: bool, secretary: bool = False
) -> InlineKeyboardMarkup:
    rows = []
    if not mine and offer.state == "open":
        rows.append([button(plain(language, "needs.take_button"), cb.ServiceClaim(offer.id))])
    if secretary and offer.state == "open":
        rows.append([button(plain(language, "needs.take_for_button"), cb.ServiceFor(offer.id, 0))])
    rows.append([button(plain(language, "needs.back_button"), cb.ServicesPage(0))])
    return InlineKeyboardMarkup(rows)


def residents(
    language: Language, offer_id: int, people: list[PersonRow], page: int, pages: int
) -> InlineKeyboardMarkup:
    """The residents to claim the service for, a button each, paged."""
    rows = [
        [
            button(
                p.display_name + (f" · {p.building}" if p.building else ""),
                cb.ServiceForPerson(offer_id, p.id),
            )
        ]
        for p in people
    ]
    nav = []
    if page > 0:
        nav.append(
            button(plain(language, "carry.button.previous"), cb.ServiceFor(offer_id, page - 1))
        )
    if page + 1 < pages:
        nav.append(button(plain(language, "carry.button.next"), cb.ServiceFor(offer_id, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "needs.back_button"), cb.ServiceOpen(offer_id))])
    return InlineKeyboardMarkup(rows)
