"""Texts of the Party members' systems, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.register import Role
from bot.config import Language
from bot.members.appraisal import BranchView, MemberView, Screen, peer_summary, ratings_summary
from bot.members.appraisal_table import AppraisalColumn, ColumnValue, Table, TableRow
from bot.members.birthdays import day_text, years_in_party
from bot.members.commitments import Overview, Step, contact_text, state_key
from handlers.texts import plain, t
from storage.community.people import PersonRow
from storage.members.commitments import CommitmentRow
from storage.members.inservice import InserviceRow


def me_line(language: Language, person: PersonRow, today: date) -> str:
    """/me's line for a Party member: the joining date and years in the Party ("" for
    someone who is not a member)."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return ""
    joined = person.party_joined_on
    if joined is None:
        return t(language, "members.me_line_none")
    years = years_in_party(joined, today)
    return t(language, "members.me_line", day=day_text(language, joined), years=years)


def person_line(language: Language, person: PersonRow) -> str:
    """The line on a member's screen of /people ("" for someone who is not a member)."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return ""
    joined = person.party_joined_on
    if joined is None:
        return t(language, "members.person_line_none")
    return t(language, "members.person_line", day=day_text(language, joined))


def ask(language: Language, person: PersonRow, mine: bool) -> str:
    """The question for the joining date, with the one recorded if any."""
    text = (
        t(language, "members.ask")
        if mine
        else t(language, "members.ask_of", name=person.display_name)
    )
    if person.party_joined_on is not None:
        current = t(language, "members.ask_current", day=day_text(language, person.party_joined_on))
        text = f"{text}\n{current}"
    return text


def done(language: Language, person: PersonRow, mine: bool) -> str:
    """The date is kept (or cleared)."""
    joined = person.party_joined_on
    if joined is None:
        key = "members.cleared" if mine else "members.cleared_of"
        return t(language, key, name=person.display_name)
    key = "members.done" if mine else "members.done_of"
    return t(language, key, name=person.display_name, day=day_text(language, joined))


# --- the commitment system (党员承诺制) -------------------------------------------------


def commit_step(language: Language, step: Step) -> str:
    """The question of ``step`` (with, when editing, the earlier answer and the reason)."""
    data = step.data
    text = t(language, f"commit.ask_{step.step}")
    if step.step == "what" and data.get("reason"):
        text = t(language, "commit.edit_intro", reason=data["reason"]) + "\n\n" + text
    old = {"what": "old_what", "whom": "old_whom", "due": "old_due"}.get(step.step)
    if old and data.get(old):
        shown = data[old]
        if step.step == "due":
            shown = spoken.long_day(language, date.fromisoformat(shown))
        text += "\n" + t(language, "commit.earlier", answer=shown)
    return text


def commit_submitted(language: Language, step: Step) -> str:
    data = step.data
    return t(
        language,
        "commit.submitted",
        what=data["what"],
        whom=data["whom"],
        due=spoken.long_day(language, date.fromisoformat(data["due"])),
        contact=contact_text(language, data.get("phone")),
    )


def commit_list(language: Language, commitments: list[CommitmentRow], today: date) -> str:
    """🤝 我的承诺: one line per commitment with its state."""
    if not commitments:
        return t(language, "commit.mine_none")
    lines = [
        t(
            language,
            "commit.mine_line",
            what=c.what,
            due=spoken.long_day(language, c.due_on),
            state=t(language, state_key(c, today)),
        )
        for c in commitments
    ]
    return t(language, "commit.mine_title") + "\n" + "\n".join(lines)


def commit_one(language: Language, overview: Overview, today: date, tz: ZoneInfo) -> str:
    """One commitment: what, for whom, by when, its state, and its progress reports."""
    c = overview.commitment
    text = t(
        language,
        "commit.one",
        what=c.what,
        whom=c.for_whom,
        due=spoken.long_day(language, c.due_on),
        contact=contact_text(language, c.phone),
        state=t(language, state_key(c, today)),
    )
    if c.state == "returned" and c.return_reason:
        text += "\n" + t(language, "commit.one_reason", reason=c.return_reason)
    for report in overview.progress:
        day = spoken.long_day(language, report.at.astimezone(tz).date())
        photo = t(language, "commit.one_photo") if report.photo else ""
        text += "\n" + t(language, "commit.one_progress", day=day, text=report.text, photo=photo)
    return text


def commit_review(language: Language, commitments: list[CommitmentRow], today: date) -> str:
    """/commitments: every commitment with its member and state, overdue ones flagged."""
    if not commitments:
        return t(language, "commit.review_none")
    overdue = sum(1 for c in commitments if state_key(c, today) == "commit.state.overdue")
    lines = [
        t(
            language,
            "commit.review_line",
            number=c.number,
            name=c.member_name,
            what=c.what,
            due=spoken.long_day(language, c.due_on),
            state=t(language, state_key(c, today)),
            flag="⚠️ " if state_key(c, today) == "commit.state.overdue" else "",
        )
        for c in commitments
    ]
    head = t(language, "commit.review_title", count=len(commitments), overdue=overdue)
    return head + "\n" + "\n".join(lines)


# --- the yearly democratic appraisal (民主评议) ---------------------------------------------

#: Members per page of the yearly table.
TABLE_PAGE = 8


def _grade(language: Language, grade: str | None) -> str:
    return t(language, f"appraisal.grade.{grade}") if grade else t(language, "appraisal.not_rated")


def appraisal_home(language: Language, screen: Screen) -> str:
    """/appraisal: not opened yet (with what opening does), or how far it has got."""
    if screen.appraisal is None:
        return t(language, "appraisal.home_none", year=screen.year)
    status = screen.status
    if status is None:  # a member who is not a secretary
        return t(language, "appraisal.home_member", year=screen.year)
    return t(
        language,
        "appraisal.home_open",
        year=screen.year,
        members=status.members,
        selves=status.selves,
        peers=status.peer_ratings,
        residents=status.pledge_ratings,
        branch=status.branch_grades,
    )


def appraisal_mine(language: Language, view: MemberView) -> str:
    """A member's part: their own grade and words, and how to rate the others."""
    mine = view.mine
    text = t(
        language,
        "appraisal.mine",
        year=view.appraisal.year,
        grade=_grade(language, mine.grade if mine else None),
    )
    if mine is not None and mine.text:
        text += "\n" + t(language, "appraisal.mine_text", text=mine.text)
    if view.others:
        text += "\n\n" + t(language, "appraisal.peers_intro")
    else:
        text += "\n\n" + t(language, "appraisal.peers_none")
    return text


def appraisal_branch_view(language: Language, view: BranchView) -> str:
    """One member's 支部测评: their self-assessment, the peers', the branch's grade."""
    mine = view.mine
    text = t(
        language,
        "appraisal.branch_member",
        name=view.member.display_name,
        self_grade=_grade(language, mine.grade if mine else None),
        peers=peer_summary(language, view.peer),
        grade=_grade(language, view.branch.grade if view.branch else None),
    )
    if mine is not None and mine.text:
        text += "\n" + t(language, "appraisal.mine_text", text=mine.text)
    if view.branch is not None and view.branch.note:
        text += "\n" + t(language, "appraisal.branch_note", note=view.branch.note)
    return text


def _extra_lines(language: Language, table: Table, row: TableRow) -> str:
    """The extra columns, a line each of their ``line`` (so none grows long): "承诺数 1 ·
    已践诺 1 · 已逾期 0 · 入户走访 2", then "志愿服务时长 12.5 · 参加活动 3", then "在职报到
    楼栋长 · 3号楼"; a line whose values are all missing is left out."""
    lines: dict[int, list[tuple[AppraisalColumn, ColumnValue | None]]] = {}
    for column, value in zip(table.columns, row.extra, strict=True):
        lines.setdefault(column.line, []).append((column, value))
    shown = [
        " · ".join(
            t(
                language,
                "appraisal.extra",
                title=plain(language, column.title_key),
                value="—" if value is None or value == "" else column.text(language, value),
            )
            for column, value in items
        )
        for _, items in sorted(lines.items())
        if any(value is not None and value != "" for _, value in items)
    ]
    return "\n　".join(shown) if shown else "—"


def appraisal_table(language: Language, table: Table, page: int) -> tuple[str, int]:
    """A page of the yearly table, and how many pages there are."""
    pages = max(1, -(-len(table.rows) // TABLE_PAGE))
    page = min(max(page, 0), pages - 1)
    head = t(language, "appraisal.table_title", year=table.year, count=len(table.rows))
    if pages > 1:
        head += " " + t(language, "appraisal.table_page", page=page + 1, pages=pages)
    if not table.rows:
        return head + "\n" + t(language, "appraisal.table_none"), 1
    blocks = [head]
    first = page * TABLE_PAGE
    for number, row in enumerate(table.rows[first : first + TABLE_PAGE], start=first + 1):
        extra = _extra_lines(language, table, row)
        share = row.satisfaction
        residents = (
            t(
                language,
                "appraisal.residents_share",
                share=share,
                count=sum(row.residents.values()),
                ratings=ratings_summary(language, row.residents),
            )
            if share is not None
            else t(language, "appraisal.residents_none")
        )
        block = t(
            language,
            "appraisal.table_row",
            number=number,
            name=row.name,
            extra=extra,
            self_grade=_grade(language, row.self_grade),
            peers=peer_summary(language, row.peer),
            residents=residents,
            branch=_grade(language, row.branch_grade),
        )
        if row.branch_note:
            block += "\n" + t(language, "appraisal.table_note", note=row.branch_note)
        blocks.append(block)
    return "\n\n".join(blocks), pages


# --- in-service members reporting in (在职党员报到) ----------------------------------------


def inservice_ask(language: Language, step: str) -> str:
    """The question of a registering step (employer, org, contact_name, contact, post,
    building)."""
    return t(language, f"inservice.ask_{step}")


def inservice_record(language: Language, record: InserviceRow, post: str) -> str:
    """The record's lines: employer, its Party organisation and contact, post, building."""
    return t(
        language,
        "inservice.record",
        employer=record.employer,
        org=record.party_org,
        contact_name=record.org_contact_name,
        contact=record.org_contact,
        post=post,
        building=record.building or t(language, "inservice.card.no_building"),
    )


def inservice_roster(
    language: Language,
    records: list[InserviceRow],
    post_of: Callable[[str], str],
    first: int = 0,
    size: int | None = None,
) -> str:
    """/inservice: each member (of the page from ``first``) with employer, post, building."""
    if not records:
        return t(language, "inservice.roster_empty")
    shown = list(enumerate(records, start=1))[first : None if size is None else first + size]
    lines = [
        t(
            language,
            "inservice.roster_line",
            number=index,
            name=r.name,
            employer=r.employer,
            post=post_of(r.post),
            building=r.building or t(language, "inservice.card.no_building"),
        )
        for index, r in shown
    ]
    return t(language, "inservice.roster_title", count=len(records)) + "\n\n" + "\n".join(lines)
