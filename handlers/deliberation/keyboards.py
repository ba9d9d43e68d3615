"""Keyboards of deliberation.

Raising, vote set-up, proxies and paper residents, a matter's buttons, carrying out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.forums import capitalised, forum_name
from bot.community.register import PeoplePage
from bot.config import Grid, Language
from bot.deliberation.carrying.rules import DUE_CHOICES, OWNER_KINDS, PERCENT_CHOICES
from bot.deliberation.desk import OPEN_STAGES
from bot.deliberation.discussion import ThreadPage
from bot.deliberation.raising import MatterListPage, button_title
from bot.deliberation.voting.electorate import KINDS as ELECTORATE_KINDS
from bot.deliberation.voting.proxies import ProxyCandidate
from bot.deliberation.voting.rules import VOTABLE_STAGES
from bot.deliberation.voting.setup import VoteSetup
from handlers.callbacks import Callback
from handlers.datepicker.callbacks import DatePick
from handlers.deliberation import callbacks as cb
from handlers.keyboards import button, paging
from handlers.texts import person_label, plain
from storage.community.people import PaperResidentRow, PersonRow
from storage.deliberation.carrying import ReferralRow
from storage.deliberation.matters import MatterRow


def confirm_raise(language: Language) -> InlineKeyboardMarkup:
    """Submit / drop a raised matter."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "raise.submit_button"), cb.RaiseConfirm(True))],
            [
                button(plain(language, "raise.edit_title_button"), cb.RaiseEdit("title")),
                button(plain(language, "raise.edit_details_button"), cb.RaiseEdit("details")),
            ],
            [button(plain(language, "raise.drop_button"), cb.RaiseConfirm(False))],
        ]
    )


#: The settings screen's buttons, two per row; "options" only for option votes,
#: "amends" only for conventions.
_VOTE_FIELDS = (
    "kind",
    "options",
    "electorate",
    "anonymous",
    "close",
    "quorum",
    "threshold",
    "convention",
    "amends",
)


def vote_setup(language: Language, setup: VoteSetup) -> InlineKeyboardMarkup:
    """The vote settings screen: one button per setting, then open / cancel."""
    shown = [
        field
        for field in _VOTE_FIELDS
        if (field != "options" or setup.kind != "yes_no")
        and (field != "amends" or setup.convention)
    ]
    buttons = [
        button(plain(language, f"vote.button.{field}"), cb.VoteSetting(field)) for field in shown
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    # Right under the quorum's button (which asks for a number): −10 −1 +1 +10.
    quorum_row = shown.index("quorum") // 2
    rows.insert(
        quorum_row + 1,
        [
            button(plain(language, "vote.button.quorum_step", step=label), cb.VoteSetting(field))
            for field, label in (
                ("quorum-10", "−10"),
                ("quorum-1", "−1"),
                ("quorum+1", "+1"),
                ("quorum+10", "+10"),
            )
        ],
    )
    rows.append(
        [
            button(plain(language, "vote.button.open"), cb.VoteOpen(True)),
            button(plain(language, "vote.button.cancel"), cb.VoteOpen(False)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def vote_electorate(language: Language, setup: VoteSetup) -> InlineKeyboardMarkup:
    """Who may vote: one button a kind (the current one ✅), then back."""
    rows = [
        [
            button(
                ("✅ " if setup.electorate == kind else "")
                + plain(language, f"vote.electorate.button.{kind}"),
                cb.VoteElectorate(kind),
            )
        ]
        for kind in ELECTORATE_KINDS
    ]
    rows.append([button(plain(language, "vote.button.back"), cb.VoteElectorate("back"))])
    return InlineKeyboardMarkup(rows)


def vote_buildings(language: Language, setup: VoteSetup) -> InlineKeyboardMarkup:
    """A toggle per building known in the register (✅ chosen, ▫️ not), three a row; done."""
    toggles = [
        button(("✅ " if name in setup.buildings else "▫️ ") + name, cb.VoteBuilding(index))
        for index, name in enumerate(setup.building_choices)
    ]
    rows = [toggles[i : i + 3] for i in range(0, len(toggles), 3)]
    rows.append([button(plain(language, "vote.button.buildings_done"), cb.VoteElectorate("done"))])
    return InlineKeyboardMarkup(rows)


def vote_grids(language: Language, grids: list[Grid], setup: VoteSetup) -> InlineKeyboardMarkup:
    """One button per configured grid (the chosen one ✅)."""
    buttons = [
        button(
            ("✅ " if setup.grid == grid.id else "") + grid.name_in(language), cb.VoteGrid(grid.id)
        )
        for grid in grids
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(plain(language, "vote.button.back"), cb.VoteElectorate("back"))])
    return InlineKeyboardMarkup(rows)


def proxy_choices(language: Language, labels: tuple[str, ...]) -> InlineKeyboardMarkup:
    """The options a grid worker can record, one per row."""
    return InlineKeyboardMarkup(
        [[button(label, cb.ProxyBallot(index))] for index, label in enumerate(labels)]
    )


PROXY_PAGE_SIZE = 8


def proxy_people(
    language: Language, people: list[ProxyCandidate], page: int
) -> InlineKeyboardMarkup:
    """/proxyvote: one button per person (name, building, why), paged."""
    pages = max(1, -(-len(people) // PROXY_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = people[page * PROXY_PAGE_SIZE : (page + 1) * PROXY_PAGE_SIZE]
    rows = [
        [
            button(
                plain(
                    language,
                    f"vote.proxy_person.{person.basis}",
                    name=person.name,
                    building=person.building or "—",
                ),
                cb.ProxyPerson(person.kind, person.id),
            )
        ]
        for person in shown
    ]
    nav = []
    if page > 0:
        nav.append(button(plain(language, "people.previous"), cb.ProxyPage(page - 1)))
    if page + 1 < pages:
        nav.append(button(plain(language, "people.next"), cb.ProxyPage(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def paper_grids(grids: list[Grid], language: Language) -> InlineKeyboardMarkup:
    """/addresident: the configured grids, for a secretary to choose from."""
    return InlineKeyboardMarkup(
        [[button(grid.name_in(language), cb.PaperGrid(grid.id))] for grid in grids]
    )


def paper_skip_door(language: Language) -> InlineKeyboardMarkup:
    """/addresident: no door known."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "paper.skip_door_button"), cb.PaperSkipDoor())]]
    )


def paper_confirm(language: Language) -> InlineKeyboardMarkup:
    """/addresident: the paper consent form is signed, enter the resident / cancel."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "paper.confirm_button"), cb.PaperConfirm(True))],
            [button(plain(language, "paper.cancel_button"), cb.PaperConfirm(False))],
        ]
    )


def paper_residents(language: Language, rows: list[PaperResidentRow]) -> InlineKeyboardMarkup:
    """/paperresidents: a remove button per resident."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(
                        language,
                        "paper.remove_button",
                        name=row.display_name,
                        building=row.building,
                    ),
                    cb.PaperRemove(row.id, False),
                )
            ]
            for row in rows
        ]
    )


def paper_remove_confirm(language: Language, resident_id: int) -> InlineKeyboardMarkup:
    """Really remove this resident without Telegram."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "paper.remove_confirm_button"),
                    cb.PaperRemove(resident_id, True),
                )
            ]
        ]
    )


def ask_proxy(language: Language, asked: bool) -> InlineKeyboardMarkup:
    """/askproxy: ask for a proxy, or withdraw the request."""
    key = "proxy_ask.withdraw_button" if asked else "proxy_ask.ask_button"
    return InlineKeyboardMarkup([[button(plain(language, key), cb.AskProxy(not asked))]])


def vote_reminders(language: Language, on: bool) -> InlineKeyboardMarkup:
    """The one button that turns reminders to vote back on (``on``) or off again."""
    key = "vote.reminders_on_button" if on else "vote.reminders_off_button"
    return InlineKeyboardMarkup([[button(plain(language, key), cb.VoteReminders(on))]])


def matter_actions(language: Language, matter: MatterRow, secretary: bool) -> InlineKeyboardMarkup:
    """Under /matter N (privately): the discussion; for a secretary, the agenda controls."""
    rows = [
        [
            button(
                plain(language, "discuss.thread_button", count=matter.comments),
                cb.ShowThread(matter.id, 0),
            )
        ]
    ]
    if secretary and matter.stage in OPEN_STAGES:
        for forum, key in (
            ("session", "desk.agenda_session_button"),
            ("talk_day", "desk.agenda_talk_button"),
        ):
            if not (matter.stage == "agenda" and matter.agenda_forum == forum):
                # Named by the community's calendar: 📅 列入周三议事亭议程 where it meets on
                # Wednesdays; "Talk day agenda" starts with a capital in English.
                label = plain(language, key, forum=capitalised(forum_name(language, forum)))
                rows.append([button(label, cb.DeskAgenda(matter.id, forum))])
        rows.append([button(plain(language, "desk.merge_button"), cb.DeskMergeMenu(matter.id))])
        rows.append([button(plain(language, "desk.withdraw_button"), cb.DeskWithdraw(matter.id))])
    if secretary and matter.stage in VOTABLE_STAGES:
        rows.append([button(plain(language, "vote.button.start"), cb.StartVote(matter.id))])
    if secretary and matter.stage == "passed":
        rows.append([button(plain(language, "carry.button.assign"), cb.AssignMatter(matter.id))])
    return InlineKeyboardMarkup(rows)


def merge_targets(
    language: Language, matter_id: int, targets: list[MatterRow]
) -> InlineKeyboardMarkup:
    """One button per matter the duplicate could be merged into, and back."""
    rows = [
        [
            button(
                plain(language, "desk.target_button", number=target.number, title=target.title),
                cb.DeskMerge(matter_id, target.id, False),
            )
        ]
        for target in targets
    ]
    rows.append([button(plain(language, "people.back_button"), cb.MatterView(matter_id))])
    return InlineKeyboardMarkup(rows)


def confirm_merge(language: Language, matter_id: int, into: int) -> InlineKeyboardMarkup:
    """Really merge / back to the choice of target."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "desk.confirm_merge_button"),
                    cb.DeskMerge(matter_id, into, True),
                )
            ],
            [button(plain(language, "people.back_button"), cb.DeskMergeMenu(matter_id))],
        ]
    )


def thread(language: Language, page: ThreadPage, secretary: bool) -> InlineKeyboardMarkup:
    """A thread page: 👍 per comment, hide buttons for a secretary, previous/next, back."""
    rows: list[list[InlineKeyboardButton]] = []
    agree = [
        button(
            plain(
                language,
                "discuss.agree_button",
                position=position,
                count=page.supports.get(comment.id, 0),
            ),
            cb.AgreeComment(comment.id),
        )
        for position, comment in page.entries
        if not comment.hidden
    ]
    rows.extend(agree[i : i + 3] for i in range(0, len(agree), 3))
    if secretary:
        hide = [
            button(
                plain(language, "discuss.hide_button", position=position),
                cb.HideComment(comment.id, page.page),
            )
            for position, comment in page.entries
            if not comment.hidden
        ]
        rows.extend(hide[i : i + 2] for i in range(0, len(hide), 2))
    nav = []
    if page.page > 0:
        nav.append(
            button(
                plain(language, "discuss.previous_button"),
                cb.ShowThread(page.matter.id, page.page - 1),
            )
        )
    if page.page + 1 < page.pages:
        nav.append(
            button(
                plain(language, "discuss.next_button"), cb.ShowThread(page.matter.id, page.page + 1)
            )
        )
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "people.back_button"), cb.MatterView(page.matter.id))])
    return InlineKeyboardMarkup(rows)


def owner_kinds(language: Language) -> InlineKeyboardMarkup:
    """/assign: a resident, a volunteer team, the committee, an outside unit; one a row."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, f"carry.owner_kind.{kind}"), cb.AssignOwnerKind(kind))]
            for kind in OWNER_KINDS
        ]
    )


def person_rows(
    language: Language,
    page: PeoplePage,
    label: Callable[[PersonRow], str],
    pressed: Callable[[PersonRow], Callback],
    turn: Callable[[int], Callback],
) -> list[list[InlineKeyboardButton]]:
    """A page of registered residents, one button a row (``label``, ``pressed``), then
    the ◀ / ▶ row (``turn``) where there is another page."""
    rows = [[button(label(p), pressed(p))] for p in page.people]
    nav = paging(language, page, turn)
    if nav:
        rows.append(nav)
    return rows


def owner_people(language: Language, page: PeoplePage) -> InlineKeyboardMarkup:
    """/assign: a page of registered residents, one a row, with paging."""
    return InlineKeyboardMarkup(
        person_rows(
            language,
            page,
            person_label,
            lambda p: cb.AssignPerson(p.id),
            cb.AssignPeoplePage,
        )
    )


#: The date picker of each flow asking for a due date (flow -> key in the button data).
DUE_PICKER_KEYS = {"assign": "ad", "refer": "rd"}


def due_choices(language: Language, flow: str, *, allow_none: bool) -> InlineKeyboardMarkup:
    """1 week / 2 weeks / 1 month (and "no due date" for a referral)."""
    rows = [
        [
            button(plain(language, f"carry.due.days_{days}"), cb.ChooseDue(flow, days))
            for days in DUE_CHOICES
        ]
    ]
    # 📅 选日子: the date picker's days (handlers/deliberation/carrying.py DUE_PICKERS).
    rows.append([button(plain(language, "carry.due.pick"), DatePick(DUE_PICKER_KEYS[flow], "w"))])
    if allow_none:
        rows.append([button(plain(language, "carry.due.none"), cb.ChooseDue(flow, 0))])
    return InlineKeyboardMarkup(rows)


def percents(language: Language) -> InlineKeyboardMarkup:
    """/progress: 25 / 50 / 75 / 100 %."""
    return InlineKeyboardMarkup(
        [[button(f"{percent}%", cb.ProgressPercent(percent)) for percent in PERCENT_CHOICES]]
    )


def open_referrals(
    language: Language, rows: list[ReferralRow], numbers: Mapping[int, int] | None = None
) -> InlineKeyboardMarkup:
    """/answer: one button per open referral (``numbers``: each matter's #, by id)."""
    known = numbers or {}
    return InlineKeyboardMarkup(
        [
            [
                button(
                    f"#{known.get(row.matter_id, row.matter_id)} {row.department}",
                    cb.PickReferral(row.id),
                )
            ]
            for row in rows[:50]
        ]
    )


def supervision_methods(language: Language) -> InlineKeyboardMarkup:
    """/supervision: draw by lot from the volunteers, or appoint."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "carry.button.lot"), cb.SupervisionMethod(True))],
            [button(plain(language, "carry.button.appoint"), cb.SupervisionMethod(False))],
        ]
    )


def appointees(language: Language, page: PeoplePage, chosen: list[int]) -> InlineKeyboardMarkup:
    """/supervision, appointing: residents with a ✓ on the chosen, paging, and Done."""
    rows = person_rows(
        language,
        page,
        lambda p: ("✓ " if p.id in chosen else "") + person_label(p),
        lambda p: cb.SupervisionToggle(p.id, page.page),
        cb.SupervisionPage,
    )
    rows.append([button(plain(language, "carry.button.confirm"), cb.SupervisionConfirm())])
    return InlineKeyboardMarkup(rows)


def assign_matter(language: Language, matter_id: int) -> InlineKeyboardMarkup:
    """A secretary's button under a passed matter: give it an owner (opens privately)."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "carry.button.assign"), cb.AssignMatter(matter_id))]]
    )


def review_reason(language: Language, matter_id: int) -> InlineKeyboardMarkup:
    """While a secretary may type why a matter goes back: no reason, or accept after all."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "carry.review.return"), cb.SecretaryVerdict(matter_id, "return")
                )
            ],
            [
                button(
                    plain(language, "carry.review.accepted"),
                    cb.SecretaryVerdict(matter_id, "accepted"),
                )
            ],
        ]
    )


def matter_list(language: Language, page: MatterListPage) -> list[list[InlineKeyboardButton]]:
    """/matters: a button per matter (its screen), ◀ ▶ if there are more pages, and
    ✏️ 我要提议 at the end."""
    rows = [
        [
            button(
                plain(
                    language,
                    "matters.open_button",
                    number=matter.number,
                    title=button_title(matter.title),
                ),
                cb.MatterOpen(matter.id),
            )
        ]
        for matter in page.matters
    ]
    nav = []
    if page.page > 0:
        nav.append(button(plain(language, "carry.button.previous"), cb.MattersPage(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button(plain(language, "carry.button.next"), cb.MattersPage(page.page + 1)))
    if nav:
        rows.append(nav)
    rows.append([button(plain(language, "matters.raise_button"), cb.RaiseStart())])
    return rows
