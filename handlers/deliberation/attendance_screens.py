"""Texts and keyboards of /attendance (the pavilion's attendance list, and who handed in a
paper ballot) and of the paper count dialog (/paperballots)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.community.forums import forum_name
from bot.config import Language
from bot.deliberation.attendance import ALL_BUILDINGS, AttendanceScreen
from bot.deliberation.voting.electorate import is_scoped
from bot.deliberation.voting.paper import CountState, PaperLimit
from bot.deliberation.voting.rules import option_labels
from bot.i18n import translate
from handlers.deliberation import callbacks as cb
from handlers.keyboards import button
from handlers.texts import local_time, plain, t
from storage.deliberation.attendance import SELF_CHECKIN

PAGE_SIZE = 8
#: Vote titles on buttons are cut to this many characters.
TITLE_ON_BUTTON = 14


def _building(language: Language, name: str | None) -> str:
    return name if name else translate(language, "attendance.no_building")


def _short(title: str) -> str:
    return title if len(title) <= TITLE_ON_BUTTON else title[: TITLE_ON_BUTTON - 1] + "…"


def _limit_params(limit: PaperLimit) -> dict[str, int]:
    return {"limit": limit.total, "voters": limit.voters, "guests": limit.guests}


def attendance_text(language: Language, screen: AttendanceScreen, tz: ZoneInfo) -> str:
    """The heading of the screen: the sitting, who is present, and the vote if any."""
    start = screen.sitting.starts_at.astimezone(tz)
    lines = [
        t(
            language,
            "attendance.title",
            forum=forum_name(language, screen.sitting.forum, held_on=start.date()),
            date=local_time(start, tz, language),
        ),
        t(
            language,
            "attendance.counts",
            registered=screen.attendance.registered,
            guests=screen.attendance.unregistered,
            total=screen.attendance.total,
        ),
    ]
    selves = [a.name for a in screen.attendance.present if a.source == SELF_CHECKIN]
    if selves:
        lines.append(
            t(
                language,
                "checkin.sitting.self_line",
                count=len(selves),
                names=translate(language, "list_separator").join(selves),
            )
        )
    paper = screen.paper
    if paper is not None:
        lines.append("")
        lines.append(
            t(
                language,
                "attendance.paper_title",
                number=paper.matter.number,
                title=paper.matter.title,
            )
        )
        # Attendees not in the register cannot be shown to belong to a scoped electorate.
        scoped = is_scoped(paper.vote)
        guests = 0 if scoped else screen.attendance.unregistered
        lines.append(
            t(
                language,
                "attendance.paper_counts",
                marked=len(paper.voters),
                guests=guests,
                limit=len(paper.voters) + guests,
            )
        )
        if scoped:
            lines.append(t(language, "paper_ballot.scoped_note"))
        if paper.count is not None:
            lines.append(
                t(
                    language,
                    "attendance.paper_entered",
                    ballots=paper.count.ballots,
                    counter=paper.count.counter or translate(language, "ledger.removed_person"),
                    witness=paper.count.witness or translate(language, "ledger.removed_person"),
                )
            )
    lines.append("")
    if screen.building == ALL_BUILDINGS:
        key = "attendance.hint_paper" if paper else "attendance.hint"
        lines.append(t(language, key))
    else:
        name = _building(language, screen.buildings[screen.building].name)
        key = "attendance.building_paper" if paper else "attendance.building"
        lines.append(t(language, key, building=name))
    return "\n".join(lines)


def attendance_keyboard(
    language: Language, screen: AttendanceScreen, page: int
) -> InlineKeyboardMarkup:
    """The buildings (with −/+ for the unregistered and the votes), or a building's people."""
    sitting = screen.sitting.id
    vote_id = screen.paper.vote.id if screen.paper else 0
    if screen.building != ALL_BUILDINGS:
        return _members_keyboard(language, screen, page)
    rows = [
        [
            button(
                plain(
                    language,
                    "attendance.building_button",
                    building=_building(language, building.name),
                    present=building.present,
                    total=building.total,
                ),
                cb.AttendanceView(sitting, vote_id, index, 0),
            )
        ]
        for index, building in enumerate(screen.buildings)
    ]
    if screen.paper is None:
        rows.append(
            [
                button(plain(language, "attendance.guests_less"), cb.AttendanceGuests(sitting, -1)),
                button(plain(language, "attendance.guests_more"), cb.AttendanceGuests(sitting, 1)),
            ]
        )
        rows.append(
            [button(plain(language, "attendance.guests_type"), cb.AttendanceGuests(sitting, 0))]
        )
        # Residents check themselves in with the sitting's code (handlers/deliberation/
        # sitting_checkin.py), onto this same list.
        rows.append(
            [button(plain(language, "checkin.sitting.code_button"), cb.AttendanceCode(sitting))]
        )
        for vote, matter in screen.open_votes:
            rows.append(
                [
                    button(
                        plain(
                            language,
                            "attendance.vote_button",
                            number=matter.number,
                            title=_short(matter.title),
                        ),
                        cb.AttendanceView(sitting, vote.id, ALL_BUILDINGS, 0),
                    )
                ]
            )
        # The same sitting's minutes: chair, recorder, main opinions.
        rows.append([button(plain(language, "minutes.panel_button"), cb.MinutesPanel(sitting))])
    else:
        rows.append(
            [button(plain(language, "attendance.count_button"), cb.PaperCountStart(vote_id))]
        )
        rows.append(
            [
                button(
                    plain(language, "attendance.back_button"),
                    cb.AttendanceView(sitting, 0, ALL_BUILDINGS, 0),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def _members_keyboard(
    language: Language, screen: AttendanceScreen, page: int
) -> InlineKeyboardMarkup:
    sitting = screen.sitting.id
    vote_id = screen.paper.vote.id if screen.paper else 0
    pages = max(1, -(-len(screen.members) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = []
    for member in screen.members[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        key = (member.kind, member.id)
        if screen.paper is not None and key in screen.paper.voters:
            label = "attendance.member_paper"
        elif key in screen.present:
            label = "attendance.member_present"
        else:
            label = "attendance.member_absent"
        rows.append(
            [
                button(
                    plain(language, label, name=member.name),
                    cb.AttendanceToggle(
                        sitting, vote_id, member.kind, member.id, screen.building, page
                    ),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(
            button(
                plain(language, "people.previous"),
                cb.AttendanceView(sitting, vote_id, screen.building, page - 1),
            )
        )
    if page + 1 < pages:
        nav.append(
            button(
                plain(language, "people.next"),
                cb.AttendanceView(sitting, vote_id, screen.building, page + 1),
            )
        )
    if nav:
        rows.append(nav)
    rows.append(
        [
            button(
                plain(language, "attendance.buildings_button"),
                cb.AttendanceView(sitting, vote_id, ALL_BUILDINGS, 0),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


# --- the paper count dialog ----------------------------------------------------------------


def count_text(language: Language, state: CountState, tz: ZoneInfo) -> str:
    """The next question of the paper count, or its confirm screen."""
    params = {"number": state.matter.number, "title": state.matter.title}
    limit = _limit_params(state.limit)
    lines = []
    if state.over is not None:
        lines.append(t(language, "paper_ballot.over_limit", total=state.over, **limit))
        lines.append("")
    labels = option_labels(state.vote, language)
    if state.limit.scoped:
        lines.append(t(language, "paper_ballot.scoped_note"))
    if state.step == "ballots":
        lines.append(t(language, "paper_ballot.ask_ballots", **params, **limit))
    elif state.step == "count":
        index = len(state.counts)
        lines.append(
            t(
                language,
                "paper_ballot.ask_count",
                **params,
                **limit,
                label=labels[index],
                index=index + 1,
                of=len(labels),
            )
        )
    elif state.step == "counter":
        lines.append(t(language, "paper_ballot.ask_counter", **params))
    elif state.step == "witness":
        lines.append(t(language, "paper_ballot.ask_witness", counter=state.counter or ""))
    else:
        lines.append(
            t(
                language,
                "paper_ballot.confirm",
                **params,
                lines="\n".join(
                    plain(language, "paper_ballot.count_line", label=label, count=count)
                    for label, count in zip(labels, state.counts, strict=True)
                ),
                ballots=state.ballots or 0,
                limit=state.limit.total,
                counter=state.counter or "",
                witness=state.witness or "",
            )
        )
        if state.earlier is not None:
            lines.append("")
            lines.append(
                t(
                    language,
                    "paper_ballot.replaces",
                    counts=translate(language, "list_separator").join(
                        plain(language, "paper_ballot.count_line", label=label, count=count)
                        for label, count in zip(labels, state.earlier.counts, strict=False)
                    ),
                    at=local_time(state.earlier.entered_at, tz, language),
                )
            )
    return "\n".join(lines)


def count_keyboard(
    language: Language, state: CountState, secretary: str
) -> InlineKeyboardMarkup | None:
    """Buttons of the count's steps: "I counted", the attendees as witnesses, confirm."""
    if state.step == "counter":
        return InlineKeyboardMarkup(
            [[button(plain(language, "paper_ballot.me_button", name=secretary), cb.PaperCounter())]]
        )
    if state.step == "witness":
        rows = [
            [button(attendee.name, cb.PaperWitness(attendee.id))]
            for attendee in state.witnesses[: PAGE_SIZE * 2]
        ]
        return InlineKeyboardMarkup(rows) if rows else None
    if state.step == "confirm":
        return InlineKeyboardMarkup(
            [
                [
                    button(
                        plain(language, "paper_ballot.confirm_button"), cb.PaperCountConfirm(True)
                    )
                ],
                [
                    button(
                        plain(language, "paper_ballot.cancel_button"), cb.PaperCountConfirm(False)
                    )
                ],
            ]
        )
    return None
