"""Keyboards of the community: registration, language, the register, schedules, notices."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.communities import CommunityChoice
from bot.community.notices import EVERYONE
from bot.community.register import ChatKind, PeoplePage, Role
from bot.config import Grid, Language
from bot.runtime.scheduler import Listed, UpcomingPage, schedule_title
from handlers.community import callbacks as cb
from handlers.keyboards import button
from handlers.members.keyboards import joined_rows
from handlers.participation.keyboards import open_record
from handlers.texts import LANGUAGE_NAMES, person_label, plain, role_name
from storage.community.people import PersonRow


def consent(language: Language) -> InlineKeyboardMarkup:
    """Accept / decline the consent text, and switch its language."""
    other = Language.EN if language is Language.ZH_HANS else Language.ZH_HANS
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "register.accept_button"), cb.RegisterConsent(True))],
            [button(plain(language, "register.decline_button"), cb.RegisterConsent(False))],
            [button(LANGUAGE_NAMES[other], cb.RegisterLanguage(other))],
        ]
    )


def use_telegram_name(language: Language, name: str) -> InlineKeyboardMarkup:
    """Offer the Telegram name as the display name."""
    label = plain(language, "register.use_name_button", name=name)
    return InlineKeyboardMarkup([[button(label, cb.RegisterUseTelegramName())]])


def skip_building(language: Language) -> InlineKeyboardMarkup:
    """Skip the optional building question."""
    label = plain(language, "register.skip_button")
    return InlineKeyboardMarkup([[button(label, cb.RegisterSkipBuilding())]])


def grids(language: Language, choices: list[Grid]) -> InlineKeyboardMarkup:
    """One button per grid, two a row, and "I don't know"."""
    buttons = [button(grid.name_in(language), cb.RegisterGrid(grid.id)) for grid in choices]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(plain(language, "register.grid_unknown_button"), cb.RegisterGrid("-"))])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    """中文 / English."""
    return InlineKeyboardMarkup(
        [[button(name, cb.ChooseLanguage(lang)) for lang, name in LANGUAGE_NAMES.items()]]
    )


def help_steps(language: Language, resident: bool) -> InlineKeyboardMarkup:
    """Under the short /help: the next steps, and the full list one tap further."""
    first = [button(plain(language, "participation.key.mine"), cb.HelpStep("mine"))]
    if resident:
        first.append(button(plain(language, "participation.key.raise"), cb.HelpStep("raise")))
    return InlineKeyboardMarkup(
        [first, [button(plain(language, "help.button.all"), cb.HelpStep("all"))]]
    )


def lost(language: Language) -> InlineKeyboardMarkup:
    """Under "I did not understand": ❓ 帮助 and 📋 我的待办, one tap each."""
    return InlineKeyboardMarkup(
        [
            [
                button(plain(language, "participation.key.help"), cb.HelpStep("help")),
                button(plain(language, "participation.key.mine"), cb.HelpStep("mine")),
            ]
        ]
    )


def confirm_forget(language: Language) -> InlineKeyboardMarkup:
    """Delete my data / keep it."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "forget.confirm_button"), cb.ConfirmForget(True))],
            [button(plain(language, "forget.cancel_button"), cb.ConfirmForget(False))],
        ]
    )


def bind_kinds(language: Language) -> InlineKeyboardMarkup:
    """/bind alone: one big button per kind of group, one a row."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, f"bind.button.{kind.value}"), cb.BindChat(kind))]
            for kind in ChatKind
        ]
    )


def home_row(language: Language, person_id: int = 0) -> list[InlineKeyboardButton]:
    """🏠 门牌: give the building and door (of oneself, or of ``person_id``)."""
    return [button(plain(language, "home.button"), cb.SetHome(person_id))]


def change_row(language: Language, has_grids: bool) -> list[InlineKeyboardButton]:
    """✏️ 改网格和门牌 (or 改楼栋和门牌 where the community has no grids), on /me."""
    key = "home.change_button" if has_grids else "home.change_button_nogrid"
    return [button(plain(language, key), cb.HomeChange())]


def _cancel_row(language: Language) -> list[InlineKeyboardButton]:
    return [button(plain(language, "home.cancel_button"), cb.HomeCancel())]


def home_grids(language: Language, choices: list[Grid]) -> InlineKeyboardMarkup:
    """The grid question of ✏️ on /me: one big button per grid of the community, two a
    row, "I don't know", and 取消."""
    buttons = [button(grid.name_in(language), cb.HomeGrid(grid.id)) for grid in choices]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(plain(language, "register.grid_unknown_button"), cb.HomeGrid("-"))])
    rows.append(_cancel_row(language))
    return InlineKeyboardMarkup(rows)


def home_cancel(language: Language) -> InlineKeyboardMarkup:
    """取消 under the building or door question of ✏️ on /me."""
    return InlineKeyboardMarkup([_cancel_row(language)])


def home_button(language: Language, person_id: int = 0) -> InlineKeyboardMarkup:
    """🏠 门牌 alone (under a refused household ballot)."""
    return InlineKeyboardMarkup([home_row(language, person_id)])


def people(language: Language, page: PeoplePage) -> InlineKeyboardMarkup:
    """A page of the register, one person a row, with paging buttons."""
    rows = [[button(person_label(p), cb.ShowPerson(p.id))] for p in page.people]
    nav = []
    if page.page > 0:
        nav.append(button(plain(language, "people.previous"), cb.PeopleListPage(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button(plain(language, "people.next"), cb.PeopleListPage(page.page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def person_roles(language: Language, person: PersonRow, back_page: int) -> InlineKeyboardMarkup:
    """One toggle per role (✅ held, ▫️ not), remove, and back to the list."""
    toggles = [
        button(
            ("✅ " if role.value in person.roles else "▫️ ") + role_name(language, role),
            cb.ToggleRole(person.id, role),
        )
        for role in Role
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    rows.append(home_row(language, person.id))
    # 🎂 入党日期 of a Party member.
    rows.extend(joined_rows(language, person, person.id))
    # Their participation record (我的参与), for the democratic appraisal.
    rows.append(open_record(language, person.id, "participation.button.open_person"))
    rows.append(
        [button(plain(language, "people.remove_button"), cb.RemovePerson(person.id, False))]
    )
    rows.append([button(plain(language, "people.back_button"), cb.PeopleListPage(back_page))])
    return InlineKeyboardMarkup(rows)


def confirm_remove(language: Language, person_id: int) -> InlineKeyboardMarkup:
    """Really remove this person / go back."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "people.remove_confirm_button"),
                    cb.RemovePerson(person_id, True),
                )
            ],
            [button(plain(language, "people.back_button"), cb.ShowPerson(person_id))],
        ]
    )


#: A button label holds at most this many characters of a schedule's title.
SCHEDULE_LABEL_CHARS = 24
#: A long activity's or lesson's own title is cut to this many characters first, so
#: what tells its schedules apart (提前 1 天 / 1 小时) stays on the button.
SCHEDULE_NAME_CHARS = 10


def _short_title(language: Language, item: Listed) -> str:
    """A schedule's title as its line shows it, short enough for a button."""
    title = schedule_title(item.row, language, item.facts)
    name = item.facts.get("title")
    long_name = isinstance(name, str) and len(name) > SCHEDULE_NAME_CHARS
    if len(title) > SCHEDULE_LABEL_CHARS and long_name:
        cut = str(name)[: SCHEDULE_NAME_CHARS - 1] + "…"
        title = schedule_title(item.row, language, {**item.facts, "title": cut})
    if len(title) > SCHEDULE_LABEL_CHARS:
        title = title[: SCHEDULE_LABEL_CHARS - 1] + "…"
    return title


def schedules(language: Language, page: UpcomingPage) -> InlineKeyboardMarkup | None:
    """A pause (⏸) or resume (▶) button per schedule, named by it; ◀ ▶ between pages."""
    rows: list[list[InlineKeyboardButton]] = []
    for item in page.items:
        title = _short_title(language, item)
        key = "upcoming.resume_button" if not item.row.enabled else "upcoming.pause_button"
        rows.append(
            [
                button(
                    plain(language, key, title=title),
                    cb.SetScheduleEnabled(item.row.id, not item.row.enabled, page.page),
                )
            ]
        )
    turns = []
    if page.page > 0:
        turns.append(button(plain(language, "upcoming.previous"), cb.UpcomingPage(page.page - 1)))
    if page.page + 1 < page.pages:
        turns.append(button(plain(language, "upcoming.next"), cb.UpcomingPage(page.page + 1)))
    if turns:
        rows.append(turns)
    return InlineKeyboardMarkup(rows) if rows else None


def audiences(language: Language) -> InlineKeyboardMarkup:
    """Everyone, or one role."""
    rows = [[button(plain(language, "notify.everyone"), cb.NotifyAudience(EVERYONE))]]
    roles = [
        button(role_name(language, role), cb.NotifyAudience(role.value))
        for role in Role
        if role is not Role.RESIDENT
    ]
    rows.extend(roles[i : i + 2] for i in range(0, len(roles), 2))
    return InlineKeyboardMarkup(rows)


def confirm_notice(language: Language) -> InlineKeyboardMarkup:
    """Send / cancel a notice."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "notify.send_button"), cb.NotifyConfirm(True))],
            [button(plain(language, "notify.cancel_button"), cb.NotifyConfirm(False))],
        ]
    )


def community_choices(choices: list[CommunityChoice]) -> InlineKeyboardMarkup:
    """One big button per community, to register there."""
    return InlineKeyboardMarkup([[button(c.label, cb.JoinCommunity(c.id))] for c in choices])


def move_row(language: Language) -> list[InlineKeyboardButton]:
    """🏠 搬到其他社区 on /me (with several communities)."""
    return [button(plain(language, "join.button.move"), cb.MoveStart())]


def move_targets(choices: list[CommunityChoice]) -> InlineKeyboardMarkup:
    """One big button per community one may move to."""
    return InlineKeyboardMarkup([[button(c.label, cb.MoveTo(c.id))] for c in choices])


def move_confirm(language: Language, community: int) -> InlineKeyboardMarkup:
    """Send the request to move, or not."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "join.button.confirm"), cb.MoveConfirm(community, True))],
            [button(plain(language, "join.button.cancel"), cb.MoveConfirm(community, False))],
        ]
    )
