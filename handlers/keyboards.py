"""Inline keyboards: big buttons with few words, built from typed callbacks."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.notices import EVERYONE
from bot.community.register import PeoplePage, Role
from bot.config import Grid, Language
from bot.deliberation.carrying import DUE_CHOICES, OWNER_KINDS, PERCENT_CHOICES
from bot.deliberation.desk import OPEN_STAGES
from bot.deliberation.discussion import ThreadPage
from bot.deliberation.voting import VOTABLE_STAGES, ProxyCandidate, VoteSetup
from bot.runtime.scheduler import UpcomingPage, schedule_title
from bot.volunteering.service import ActivityDraft, DutyScreen, KioskEntry, ReviewItem
from handlers import callbacks as cb
from handlers.texts import LANGUAGE_NAMES, person_label, plain, role_name
from storage.community.people import PaperResidentRow, PersonRow
from storage.deliberation.carrying import ReferralRow
from storage.deliberation.matters import MatterRow
from storage.volunteering.repository import ActivityRow, UnitRow


def _button(text: str, data: cb.Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.encode())


def consent(language: Language) -> InlineKeyboardMarkup:
    """Accept / decline the consent text, and switch its language."""
    other = Language.EN if language is Language.ZH_HANS else Language.ZH_HANS
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "register.accept_button"), cb.RegisterConsent(True))],
            [_button(plain(language, "register.decline_button"), cb.RegisterConsent(False))],
            [_button(LANGUAGE_NAMES[other], cb.RegisterLanguage(other))],
        ]
    )


def use_telegram_name(language: Language, name: str) -> InlineKeyboardMarkup:
    """Offer the Telegram name as the display name."""
    label = plain(language, "register.use_name_button", name=name)
    return InlineKeyboardMarkup([[_button(label, cb.RegisterUseTelegramName())]])


def skip_building(language: Language) -> InlineKeyboardMarkup:
    """Skip the optional building question."""
    label = plain(language, "register.skip_button")
    return InlineKeyboardMarkup([[_button(label, cb.RegisterSkipBuilding())]])


def grids(language: Language, choices: list[Grid]) -> InlineKeyboardMarkup:
    """One button per grid, two a row, and "I don't know"."""
    buttons = [_button(grid.name, cb.RegisterGrid(grid.id)) for grid in choices]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(plain(language, "register.grid_unknown_button"), cb.RegisterGrid("-"))])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    """中文 / English."""
    return InlineKeyboardMarkup(
        [[_button(name, cb.ChooseLanguage(lang)) for lang, name in LANGUAGE_NAMES.items()]]
    )


def confirm_forget(language: Language) -> InlineKeyboardMarkup:
    """Delete my data / keep it."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "forget.confirm_button"), cb.ConfirmForget(True))],
            [_button(plain(language, "forget.cancel_button"), cb.ConfirmForget(False))],
        ]
    )


def people(language: Language, page: PeoplePage) -> InlineKeyboardMarkup:
    """A page of the register, one person a row, with paging buttons."""
    rows = [[_button(person_label(p), cb.ShowPerson(p.id))] for p in page.people]
    nav = []
    if page.page > 0:
        nav.append(_button(plain(language, "people.previous"), cb.PeopleListPage(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(_button(plain(language, "people.next"), cb.PeopleListPage(page.page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def person_roles(language: Language, person: PersonRow, back_page: int) -> InlineKeyboardMarkup:
    """One toggle per role (✅ held, ▫️ not), remove, and back to the list."""
    toggles = [
        _button(
            ("✅ " if role.value in person.roles else "▫️ ") + role_name(language, role),
            cb.ToggleRole(person.id, role),
        )
        for role in Role
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    rows.append(
        [_button(plain(language, "people.remove_button"), cb.RemovePerson(person.id, False))]
    )
    rows.append([_button(plain(language, "people.back_button"), cb.PeopleListPage(back_page))])
    return InlineKeyboardMarkup(rows)


def confirm_remove(language: Language, person_id: int) -> InlineKeyboardMarkup:
    """Really remove this person / go back."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    plain(language, "people.remove_confirm_button"),
                    cb.RemovePerson(person_id, True),
                )
            ],
            [_button(plain(language, "people.back_button"), cb.ShowPerson(person_id))],
        ]
    )


def open_private_chat(
    language: Language,
    bot_username: str,
    payload: str,
    *,
    label_key: str = "start.open_private_button",
) -> InlineKeyboardMarkup:
    """A button that opens a private chat with the bot (a deep link), named for what it
    does there (registering, by default)."""
    url = f"https://t.me/{bot_username}?start={payload}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(plain(language, label_key), url=url)]])


#: A button label holds at most this many characters of a schedule's title.
SCHEDULE_LABEL_CHARS = 24


def schedules(language: Language, page: UpcomingPage) -> InlineKeyboardMarkup | None:
    """A pause (⏸) or resume (▶) button per schedule, named by it; ◀ ▶ between pages."""
    rows: list[list[InlineKeyboardButton]] = []
    for item in page.items:
        title = schedule_title(item.row, language, item.facts)
        if len(title) > SCHEDULE_LABEL_CHARS:
            title = title[: SCHEDULE_LABEL_CHARS - 1] + "…"
        key = "upcoming.resume_button" if not item.row.enabled else "upcoming.pause_button"
        rows.append(
            [
                _button(
                    plain(language, key, title=title),
                    cb.SetScheduleEnabled(item.row.id, not item.row.enabled, page.page),
                )
            ]
        )
    turns = []
    if page.page > 0:
        turns.append(_button(plain(language, "upcoming.previous"), cb.UpcomingPage(page.page - 1)))
    if page.page + 1 < page.pages:
        turns.append(_button(plain(language, "upcoming.next"), cb.UpcomingPage(page.page + 1)))
    if turns:
        rows.append(turns)
    return InlineKeyboardMarkup(rows) if rows else None


def audiences(language: Language) -> InlineKeyboardMarkup:
    """Everyone, or one role."""
    rows = [[_button(plain(language, "notify.everyone"), cb.NotifyAudience(EVERYONE))]]
    roles = [
        _button(role_name(language, role), cb.NotifyAudience(role.value))
        for role in Role
        if role is not Role.RESIDENT
    ]
    rows.extend(roles[i : i + 2] for i in range(0, len(roles), 2))
    return InlineKeyboardMarkup(rows)


def confirm_notice(language: Language) -> InlineKeyboardMarkup:
    """Send / cancel a notice."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "notify.send_button"), cb.NotifyConfirm(True))],
            [_button(plain(language, "notify.cancel_button"), cb.NotifyConfirm(False))],
        ]
    )


def confirm_raise(language: Language) -> InlineKeyboardMarkup:
    """Submit / drop a raised matter."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "raise.submit_button"), cb.RaiseConfirm(True))],
            [
                _button(plain(language, "raise.edit_title_button"), cb.RaiseEdit("title")),
                _button(plain(language, "raise.edit_details_button"), cb.RaiseEdit("details")),
            ],
            [_button(plain(language, "raise.drop_button"), cb.RaiseConfirm(False))],
        ]
    )


#: The settings screen's buttons, two per row; "options" only for option votes,
#: "amends" only for conventions.
_VOTE_FIELDS = (
    "kind",
    "options",
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
        _button(plain(language, f"vote.button.{field}"), cb.VoteSetting(field)) for field in shown
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    # Right under the quorum's button (which asks for a number): −10 −1 +1 +10.
    quorum_row = shown.index("quorum") // 2
    rows.insert(
        quorum_row + 1,
        [
            _button(plain(language, "vote.button.quorum_step", step=label), cb.VoteSetting(field))
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
            _button(plain(language, "vote.button.open"), cb.VoteOpen(True)),
            _button(plain(language, "vote.button.cancel"), cb.VoteOpen(False)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def proxy_choices(language: Language, labels: tuple[str, ...]) -> InlineKeyboardMarkup:
    """The options a grid worker can record, one per row."""
    return InlineKeyboardMarkup(
        [[_button(label, cb.ProxyBallot(index))] for index, label in enumerate(labels)]
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
            _button(
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
        nav.append(_button(plain(language, "people.previous"), cb.ProxyPage(page - 1)))
    if page + 1 < pages:
        nav.append(_button(plain(language, "people.next"), cb.ProxyPage(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def paper_grids(grids: list[Grid]) -> InlineKeyboardMarkup:
    """/addresident: the configured grids, for a secretary to choose from."""
    return InlineKeyboardMarkup([[_button(grid.name, cb.PaperGrid(grid.id))] for grid in grids])


def paper_confirm(language: Language) -> InlineKeyboardMarkup:
    """/addresident: the paper consent form is signed, enter the resident / cancel."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "paper.confirm_button"), cb.PaperConfirm(True))],
            [_button(plain(language, "paper.cancel_button"), cb.PaperConfirm(False))],
        ]
    )


def paper_residents(language: Language, rows: list[PaperResidentRow]) -> InlineKeyboardMarkup:
    """/paperresidents: a remove button per resident."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
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
                _button(
                    plain(language, "paper.remove_confirm_button"),
                    cb.PaperRemove(resident_id, True),
                )
            ]
        ]
    )


def ask_proxy(language: Language, asked: bool) -> InlineKeyboardMarkup:
    """/askproxy: ask for a proxy, or withdraw the request."""
    key = "proxy_ask.withdraw_button" if asked else "proxy_ask.ask_button"
    return InlineKeyboardMarkup([[_button(plain(language, key), cb.AskProxy(not asked))]])


# --- a matter's buttons, secretaries' controls, the discussion ---------


def matter_actions(language: Language, matter: MatterRow, secretary: bool) -> InlineKeyboardMarkup:
    """Under /matter N (privately): the discussion; for a secretary, the agenda controls."""
    rows = [
        [
            _button(
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
                rows.append([_button(plain(language, key), cb.DeskAgenda(matter.id, forum))])
        rows.append([_button(plain(language, "desk.merge_button"), cb.DeskMergeMenu(matter.id))])
        rows.append([_button(plain(language, "desk.withdraw_button"), cb.DeskWithdraw(matter.id))])
    if secretary and matter.stage in VOTABLE_STAGES:
        rows.append([_button(plain(language, "vote.button.start"), cb.StartVote(matter.id))])
    if secretary and matter.stage == "passed":
        rows.append([_button(plain(language, "carry.button.assign"), cb.AssignMatter(matter.id))])
    return InlineKeyboardMarkup(rows)


def merge_targets(
    language: Language, matter_id: int, targets: list[MatterRow]
) -> InlineKeyboardMarkup:
    """One button per matter the duplicate could be merged into, and back."""
    rows = [
        [
            _button(
                plain(language, "desk.target_button", number=target.id, title=target.title),
                cb.DeskMerge(matter_id, target.id, False),
            )
        ]
        for target in targets
    ]
    rows.append([_button(plain(language, "people.back_button"), cb.MatterView(matter_id))])
    return InlineKeyboardMarkup(rows)


def confirm_merge(language: Language, matter_id: int, into: int) -> InlineKeyboardMarkup:
    """Really merge / back to the choice of target."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    plain(language, "desk.confirm_merge_button"),
                    cb.DeskMerge(matter_id, into, True),
                )
            ],
            [_button(plain(language, "people.back_button"), cb.DeskMergeMenu(matter_id))],
        ]
    )


def thread(language: Language, page: ThreadPage, secretary: bool) -> InlineKeyboardMarkup:
    """A thread page: hide buttons for a secretary, previous/next, back to the matter."""
    rows: list[list[InlineKeyboardButton]] = []
    if secretary:
        hide = [
            _button(
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
            _button(
                plain(language, "discuss.previous_button"),
                cb.ShowThread(page.matter.id, page.page - 1),
            )
        )
    if page.page + 1 < page.pages:
        nav.append(
            _button(
                plain(language, "discuss.next_button"), cb.ShowThread(page.matter.id, page.page + 1)
            )
        )
    if nav:
        rows.append(nav)
    rows.append([_button(plain(language, "people.back_button"), cb.MatterView(page.matter.id))])
    return InlineKeyboardMarkup(rows)


# --- carrying out, referrals, supervision, ratings ---------------------


def owner_kinds(language: Language) -> InlineKeyboardMarkup:
    """/assign: a resident, a volunteer team, the committee, an outside unit; one a row."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, f"carry.owner_kind.{kind}"), cb.AssignOwnerKind(kind))]
            for kind in OWNER_KINDS
        ]
    )


def _paging(
    language: Language, page: PeoplePage, make: Callable[[int], cb.Callback]
) -> list[InlineKeyboardButton]:
    nav = []
    if page.page > 0:
        nav.append(_button(plain(language, "carry.button.previous"), make(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(_button(plain(language, "carry.button.next"), make(page.page + 1)))
    return nav


def owner_people(language: Language, page: PeoplePage) -> InlineKeyboardMarkup:
    """/assign: a page of registered residents, one a row, with paging."""
    rows = [[_button(person_label(p), cb.AssignPerson(p.id))] for p in page.people]
    nav = _paging(language, page, cb.AssignPeoplePage)
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def due_choices(language: Language, flow: str, *, allow_none: bool) -> InlineKeyboardMarkup:
    """1 week / 2 weeks / 1 month (and "no due date" for a referral)."""
    rows = [
        [
            _button(plain(language, f"carry.due.days_{days}"), cb.ChooseDue(flow, days))
            for days in DUE_CHOICES
        ]
    ]
    if allow_none:
        rows.append([_button(plain(language, "carry.due.none"), cb.ChooseDue(flow, 0))])
    return InlineKeyboardMarkup(rows)


def percents(language: Language) -> InlineKeyboardMarkup:
    """/progress: 25 / 50 / 75 / 100 %."""
    return InlineKeyboardMarkup(
        [[_button(f"{percent}%", cb.ProgressPercent(percent)) for percent in PERCENT_CHOICES]]
    )


def open_referrals(language: Language, rows: list[ReferralRow]) -> InlineKeyboardMarkup:
    """/answer: one button per open referral."""
    return InlineKeyboardMarkup(
        [
            [_button(f"#{row.matter_id} {row.department}", cb.PickReferral(row.id))]
            for row in rows[:50]
        ]
    )


def supervision_methods(language: Language) -> InlineKeyboardMarkup:
    """/supervision: draw by lot from the volunteers, or appoint."""
    return InlineKeyboardMarkup(
        [
            [_button(plain(language, "carry.button.lot"), cb.SupervisionMethod(True))],
            [_button(plain(language, "carry.button.appoint"), cb.SupervisionMethod(False))],
        ]
    )


def appointees(language: Language, page: PeoplePage, chosen: list[int]) -> InlineKeyboardMarkup:
    """/supervision, appointing: residents with a ✓ on the chosen, paging, and Done."""
    rows = [
        [
            _button(
                ("✓ " if p.id in chosen else "") + person_label(p),
                cb.SupervisionToggle(p.id, page.page),
            )
        ]
        for p in page.people
    ]
    nav = _paging(language, page, cb.SupervisionPage)
    if nav:
        rows.append(nav)
    rows.append([_button(plain(language, "carry.button.confirm"), cb.SupervisionConfirm())])
    return InlineKeyboardMarkup(rows)


def assign_matter(language: Language, matter_id: int) -> InlineKeyboardMarkup:
    """A secretary's button under a passed matter: give it an owner (opens privately)."""
    return InlineKeyboardMarkup(
        [[_button(plain(language, "carry.button.assign"), cb.AssignMatter(matter_id))]]
    )


# --- volunteer service (志愿者打卡) --------------------------------------------


def vol_new(language: Language, draft: ActivityDraft) -> InlineKeyboardMarkup | None:
    """/newactivity: a skip button at optional steps; the settings screen's buttons."""
    if draft.step in ("description", "location"):
        return InlineKeyboardMarkup(
            [[_button(plain(language, f"vol.button.skip_{draft.step}"), cb.VolNewSkip(draft.step))]]
        )
    if draft.step != "settings":
        return None
    rows = [
        [
            _button(plain(language, "vol.button.set_location"), cb.VolNewSetting("location")),
            _button(plain(language, "vol.button.set_radius"), cb.VolNewSetting("radius")),
        ],
        [
            _button(plain(language, "vol.button.set_code"), cb.VolNewSetting("code")),
            _button(plain(language, "vol.button.set_audience"), cb.VolNewSetting("audience")),
        ],
        [_button(plain(language, "vol.button.set_recurrence"), cb.VolNewSetting("recurrence"))],
        [
            _button(plain(language, "vol.button.publish"), cb.VolNewPublish(True)),
            _button(plain(language, "vol.button.drop"), cb.VolNewPublish(False)),
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
                _button(
                    plain(language, "vol.button.sign_up_for", number=a.id, title=a.title[:20]),
                    cb.VolSignUp(a.id),
                )
            ]
            for a in activities
        ]
    )


def vol_my(language: Language, rows: list[tuple[ActivityRow, str]]) -> InlineKeyboardMarkup | None:
    """/my: one 取消报名 button per sign-up."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    plain(language, "vol.button.cancel_for", number=a.id, title=a.title[:20]),
                    cb.VolCancel(a.id),
                )
            ]
            for a, _ in rows
        ]
    )


def vol_choose_checkin(
    language: Language, activities: tuple[ActivityRow, ...]
) -> InlineKeyboardMarkup:
    """签到 with several activities open: one button each."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
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
                _button(plain(language, "vol.button.consent_yes"), cb.VolLocationConsent(True)),
                _button(plain(language, "vol.button.consent_no"), cb.VolLocationConsent(False)),
            ]
        ]
    )


def vol_pick_activity(
    language: Language, activities: list[ActivityRow], make: Callable[[int], cb.Callback]
) -> InlineKeyboardMarkup:
    """One button per activity (for /code and /kiosk)."""
    return InlineKeyboardMarkup(
        [[_button(f"#{a.id} {a.title[:24]}", make(a.id))] for a in activities]
    )


def vol_code(language: Language, activity_id: int) -> InlineKeyboardMarkup:
    """⏹ stop the screen changing every minute."""
    return InlineKeyboardMarkup(
        [[_button(plain(language, "vol.button.stop_code"), cb.VolCodeStop(activity_id))]]
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
                _button(
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
                _button(
                    plain(language, f"vol.button.review_{action}", number=item.checkin.id),
                    cb.VolReview(item.checkin.id, action),
                )
                for action in ("approve", "adjust", "reject")
            ]
            for item in items
        ]
    )


def vol_unit_contacts(language: Language, unit_id: int, page: PeoplePage) -> InlineKeyboardMarkup:
    """/unit: choose the unit's contact from the register, with paging."""
    rows = [[_button(person_label(p), cb.VolUnitContact(unit_id, p.id))] for p in page.people]
    nav = _paging(language, page, lambda n: cb.VolUnitPage(unit_id, n))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def vol_duty(language: Language, screen: DutyScreen) -> InlineKeyboardMarkup:
    """/duty: ask to skip the next turn; hand the planned duty to another unit."""
    rows = [[_button(plain(language, "vol.button.skip_toggle"), cb.VolSkipToggle())]]
    if screen.duty is not None:
        rows.append([_button(plain(language, "vol.button.swap"), cb.VolSwapMenu(screen.duty.id))])
    return InlineKeyboardMarkup(rows)


def vol_swap_targets(
    language: Language, duty_id: int, units: list[UnitRow]
) -> InlineKeyboardMarkup:
    """换班: the units that could take the duty."""
    return InlineKeyboardMarkup([[_button(u.name, cb.VolSwapAsk(duty_id, u.id))] for u in units])


def vol_teams(language: Language, units: list[UnitRow], mine: int | None) -> InlineKeyboardMarkup:
    """/team: one button per unit; the volunteer's own is marked."""
    return InlineKeyboardMarkup(
        [[_button(("✅ " if u.id == mine else "") + u.name, cb.VolJoinUnit(u.id))] for u in units]
    )
