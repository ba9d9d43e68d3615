"""Keyboards of the households (党员联户)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.register import Role
from bot.config import Grid, HouseholdFlag, Language, NeedsSettings
from bot.households.views import (
    CandidatePage,
    ContactChoices,
    Household,
    HouseholdPage,
    HouseholdView,
    LeadView,
)
from handlers.callbacks import Callback
from handlers.households import callbacks as cb
from handlers.keyboards import button
from handlers.needs.callbacks import NeedOpen
from handlers.texts import plain
from storage.community.people import PersonRow

#: The date picker under "哪天去的？" (earlier days).
VISIT_PICKER_KEY = "hvd"


def _nav(
    language: Language, page: int, pages: int, make: Callable[[int], Callback]
) -> list[InlineKeyboardButton]:
    nav = []
    if page > 0:
        nav.append(button(plain(language, "households.previous"), make(page - 1)))
    if page + 1 < pages:
        nav.append(button(plain(language, "households.next"), make(page + 1)))
    return nav


def me_rows(language: Language, person: PersonRow) -> list[list[InlineKeyboardButton]]:
    """🏠 我联系的住户 on /me for a Party member; none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "households.mine_button"), cb.MyHouseholds())]]


def listing(language: Language, page: HouseholdPage, secretary: bool) -> InlineKeyboardMarkup:
    """A button per household; ◀ ▶; ➕ 添加住户; 🌳 联户情况; ⭐ 党员中心户 (a secretary)."""
    rows = [[button(_household_label(h), cb.HouseholdOpen(h.id))] for h in page.households]
    nav = _nav(language, page.page, page.pages, cb.HouseholdList)
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "households.add_button"), cb.HouseholdAdd())])
    rows.append([button(plain(language, "households.tree_button"), cb.TreePage(0))])
    if secretary:
        rows.append([button(plain(language, "households.leads_button"), cb.LeadList())])
    return InlineKeyboardMarkup(rows)


def _household_label(h: Household) -> str:
    names = "、".join(h.residents[:2]) or (h.row.note or "")[:10]
    return f"{h.name} · {names}" if names else h.name


def household(
    language: Language, view: HouseholdView, flags: list[HouseholdFlag]
) -> InlineKeyboardMarkup:
    """Staff: the flags as toggles, 👤 联系党员; its contact: 📝 记录走访; 🙋 记录需求; ◀ back."""
    h = view.household
    rows: list[list[InlineKeyboardButton]] = []
    if view.contact:
        rows.append([button(plain(language, "households.visit_button"), cb.VisitStart(h.id))])
    if view.staff:
        toggles = [
            button(
                plain(
                    language,
                    "households.flag_on" if flag.id in h.row.flags else "households.flag_off",
                    flag=flag.name_in(language),
                ),
                cb.HouseholdFlag(h.id, flag.id),
            )
            for flag in flags
        ]
        rows.extend(toggles[index : index + 2] for index in range(0, len(toggles), 2))
        rows.append(
            [button(plain(language, "households.contact_button"), cb.HouseholdContacts(h.id, "g"))]
        )
    # 🙋 记录需求 (its contact, its grid's worker, a secretary: whoever opens the screen).
    rows.append([button(plain(language, "households.need_button"), cb.NeedStart(h.id))])
    if view.staff:
        rows.append([button(plain(language, "households.back_list"), cb.HouseholdList(0))])
    else:
        rows.append([button(plain(language, "households.back_mine"), cb.MyHouseholds())])
    return InlineKeyboardMarkup(rows)


def contacts(language: Language, choices: ContactChoices) -> InlineKeyboardMarkup:
    """A button per member (with how many households they look after); the other scope."""
    h = choices.household
    rows = []
    for choice in choices.members:
        key = "households.member_chosen" if choice.chosen else "households.member_choice"
        if choice.households >= choices.limit and not choice.chosen:
            key = "households.member_choice_full"
        label = plain(language, key, name=choice.person.display_name, count=choice.households)
        rows.append([button(label, cb.HouseholdLink(h.id, choice.person.id))])
    if choices.scope == "g":
        rows.append(
            [button(plain(language, "households.all_members"), cb.HouseholdContacts(h.id, "a"))]
        )
    if h.row.contact_id is not None:
        rows.append(
            [button(plain(language, "households.unlink_button"), cb.HouseholdLink(h.id, 0))]
        )
    rows.append([button(plain(language, "households.back"), cb.HouseholdOpen(h.id))])
    return InlineKeyboardMarkup(rows)


def add_note(language: Language) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(plain(language, "households.skip_note"), cb.HouseholdSkipNote())]]
    )


def add_grid(language: Language, grids: list[Grid]) -> InlineKeyboardMarkup:
    rows = [[button(grid.name_in(language), cb.HouseholdGrid(grid.id))] for grid in grids]
    rows.append([button(plain(language, "households.no_grid_button"), cb.HouseholdGrid("-"))])
    return InlineKeyboardMarkup(rows)


def added(language: Language, h: Household) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "households.open_button", home=h.name), cb.HouseholdOpen(h.id)
                )
            ],
            [button(plain(language, "households.back_list"), cb.HouseholdList(0))],
        ]
    )


def leads(language: Language, found: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per lead household; ➕ 设立中心户; ◀ back to the households."""
    rows = [[button(label, cb.LeadOpen(lead_id, 0))] for lead_id, label in found]
    rows.append([button(plain(language, "households.lead_new_button"), cb.LeadCandidates(0))])
    rows.append([button(plain(language, "households.back_list"), cb.HouseholdList(0))])
    return InlineKeyboardMarkup(rows)


def candidates(language: Language, page: CandidatePage) -> InlineKeyboardMarkup:
    rows = [[button(p.display_name, cb.LeadMark(p.id))] for p in page.people]
    nav = _nav(language, page.page, page.pages, cb.LeadCandidates)
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "households.back"), cb.LeadList())])
    return InlineKeyboardMarkup(rows)


def lead(language: Language, view: LeadView) -> InlineKeyboardMarkup:
    """☑/☐ per member offered (linked ones first); ◀ ▶; 🗑 取消中心户; ◀ back."""
    rows = []
    for choice in view.offered:
        if choice.chosen:
            key = "households.lead_member_on"
        elif choice.lead_name:
            key = "households.lead_member_other"
        else:
            key = "households.lead_member_off"
        label = plain(language, key, name=choice.person.display_name, lead=choice.lead_name or "")
        rows.append([button(label, cb.LeadToggle(view.lead.id, choice.person.id, view.page))])
    nav = _nav(language, view.page, view.pages, lambda page: cb.LeadOpen(view.lead.id, page))
    if nav:
        rows.append(nav)
    rows.append(
        [button(plain(language, "households.lead_remove_button"), cb.LeadRemove(view.lead.id))]
    )
    rows.append([button(plain(language, "households.back"), cb.LeadList())])
    return InlineKeyboardMarkup(rows)


def tree(language: Language, page: int, pages: int) -> InlineKeyboardMarkup:
    rows = []
    nav = _nav(language, page, pages, cb.TreePage)
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "households.sheet_button"), cb.TreeSheet())])
    rows.append([button(plain(language, "households.back_list"), cb.HouseholdList(0))])
    return InlineKeyboardMarkup(rows)


def mine(language: Language, households: list[Household]) -> InlineKeyboardMarkup | None:
    if not households:
        return None
    return InlineKeyboardMarkup(
        [[button(_household_label(h), cb.HouseholdOpen(h.id))] for h in households]
    )


def visit_note(language: Language) -> InlineKeyboardMarkup:
    """Under "请写下走访情况": 📅 不是今天？"""
    return InlineKeyboardMarkup(
        [[button(plain(language, "households.other_day_button"), cb.VisitOtherDay())]]
    )


def visit_done(language: Language, h: Household) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "households.need_button"), cb.NeedStart(h.id))],
            [
                button(
                    plain(language, "households.open_button", home=h.name), cb.HouseholdOpen(h.id)
                )
            ],
            [button(plain(language, "households.back_mine"), cb.MyHouseholds())],
        ]
    )


def need_residents(
    language: Language, residents: tuple[tuple[int, str], ...]
) -> InlineKeyboardMarkup:
    """A button per registered resident of the household."""
    return InlineKeyboardMarkup(
        [[button(name, cb.NeedResident(person_id))] for person_id, name in residents]
    )


def need_categories(settings: NeedsSettings, language: Language) -> InlineKeyboardMarkup:
    """The needs list's categories (as a resident sees them posting one)."""
    names = [button(c.name_in(language), cb.NeedKind(c.key)) for c in settings.categories]
    return InlineKeyboardMarkup([names[i : i + 3] for i in range(0, len(names), 3)])


def need_urgency(language: Language) -> InlineKeyboardMarkup:
    """一般 / 紧急 (the needs list's own buttons)."""
    return InlineKeyboardMarkup(
        [
            [
                button(plain(language, "needs.ordinary_button"), cb.NeedUrgent(0)),
                button(plain(language, "needs.urgent_button"), cb.NeedUrgent(1)),
            ]
        ]
    )


def need_done(language: Language, h: Household, need_id: int) -> InlineKeyboardMarkup:
    """Under "✅ 已记下需求": the need's screen, the household's."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "needs.open_button"), NeedOpen(need_id))],
            [
                button(
                    plain(language, "households.open_button", home=h.name), cb.HouseholdOpen(h.id)
                )
            ],
        ]
    )
