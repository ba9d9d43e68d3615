"""Texts of the households (党员联户), in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import spoken
from bot.config import Grid, HouseholdFlag, Language
from bot.households.views import (
    ContactChoices,
    Household,
    HouseholdPage,
    HouseholdView,
    LeadSummary,
    LeadView,
    MemberBranch,
    NeedStep,
    RecordedNeed,
    Tree,
    VisitStep,
    flag_names,
)
from bot.i18n import translate_count_html
from handlers.texts import grid_name, plain, t

#: A page of the tree as a message: room left under Telegram's 4,096 characters.
TREE_PAGE_LIMIT = 3500


def _count(language: Language, noun: str, amount: int) -> str:
    return translate_count_html(language, f"households.count.{noun}", amount)


def _grid(language: Language, grids: list[Grid], grid_id: str | None) -> str:
    if grid_id is None:
        return t(language, "households.no_grid_name")
    return grid_name(grids, grid_id, language)


def _flags(language: Language, h: Household, flags: Sequence[HouseholdFlag]) -> str:
    """〔独居老人、低保〕, or nothing."""
    names = flag_names(language, h.row.flags, flags)
    return t(language, "households.flags_inline", flags="、".join(names)) if names else ""


def _who(language: Language, h: Household) -> str:
    if h.residents:
        return "、".join(h.residents)
    return h.row.note or t(language, "households.nobody_known")


def _last_visit(language: Language, h: Household, today: date) -> str:
    if h.row.last_visit is None:
        return t(language, "households.never_visited")
    return spoken.day(language, h.row.last_visit, today)


def listing(
    language: Language,
    page: HouseholdPage,
    grids: list[Grid],
    flags: Sequence[HouseholdFlag],
) -> str:
    """/households: the page's households by grid and building."""
    where = (
        t(language, "households.whole_community")
        if page.grid_id is None
        else _grid(language, grids, page.grid_id)
    )
    if not page.total:
        return t(language, "households.none", where=where)
    lines = [
        t(
            language,
            "households.list_title",
            where=where,
            count=_count(language, "households", page.total),
            page=page.page + 1,
            pages=page.pages,
        )
    ]
    shown_grid: object = object()
    for h in page.households:
        if grids and h.grid_id != shown_grid:
            lines.append(
                t(language, "households.grid_heading", grid=_grid(language, grids, h.grid_id))
            )
            shown_grid = h.grid_id
        contact = (
            t(language, "households.contact_inline", name=h.row.contact_name)
            if h.row.contact_name
            else ""
        )
        lines.append(
            t(language, "households.list_line", home=h.name, who=_who(language, h))
            + _flags(language, h, flags)
            + contact
        )
    lines.append("")
    lines.append(t(language, "households.list_hint"))
    return "\n".join(lines)


def household(
    language: Language,
    view: HouseholdView,
    grids: list[Grid],
    flags: Sequence[HouseholdFlag],
    today: date,
    limit: int,
) -> str:
    """One household: residents, note, flags, contact member, the latest visits."""
    h = view.household
    lines = [
        t(language, "households.screen_title", home=h.name, grid=_grid(language, grids, h.grid_id))
    ]
    lines.append(t(language, "households.residents", who=_who(language, h)))
    if h.row.note and h.residents:
        lines.append(t(language, "households.note", note=h.row.note))
    names = flag_names(language, h.row.flags, flags)
    lines.append(
        t(language, "households.flags", flags="、".join(names))
        if names
        else t(language, "households.no_flags")
    )
    if h.row.contact_name:
        lines.append(t(language, "households.contact", name=h.row.contact_name))
    else:
        lines.append(t(language, "households.no_contact"))
    if view.contact_over is not None and view.staff:
        lines.append(
            t(
                language,
                "households.member_over",
                name=h.row.contact_name or "",
                count=_count(language, "households", view.contact_over),
                limit=limit,
            )
        )
    lines.append(t(language, "households.last_visit", day=_last_visit(language, h, today)))
    if view.visits:
        lines.append("")
        lines.append(t(language, "households.visits_title"))
        for visit in view.visits:
            lines.append(
                t(
                    language,
                    "households.visit_line",
                    day=spoken.day(language, visit.visited_on, today),
                    name=visit.member_name or t(language, "households.someone"),
                    note=visit.note or "—",
                )
            )
    return "\n".join(lines)


def contacts(language: Language, choices: ContactChoices) -> str:
    h = choices.household
    if not choices.members:
        return t(language, "households.no_members", home=h.name)
    key = "households.contacts_grid" if choices.scope == "g" else "households.contacts_all"
    return t(language, key, home=h.name, limit=choices.limit)


def add_step(language: Language, step: str) -> str:
    return t(language, f"households.add_{step}")


def added(language: Language, h: Household) -> str:
    return t(language, "households.added", home=h.name)


def leads(language: Language, found: list[LeadSummary], limit: int) -> str:
    if not found:
        return t(language, "households.leads_none")
    lines = [t(language, "households.leads_title", count=len(found), limit=limit)]
    for summary in found:
        warn = t(language, "households.warn_mark") if summary.members > limit else ""
        lines.append(
            t(
                language,
                "households.leads_line",
                name=summary.person.display_name,
                members=_count(language, "members", summary.members),
            )
            + warn
        )
    return "\n".join(lines)


def lead_label(language: Language, summary: LeadSummary, limit: int) -> str:
    key = "households.lead_label_over" if summary.members > limit else "households.lead_label"
    return plain(language, key, name=summary.person.display_name, count=summary.members)


def lead(language: Language, view: LeadView, grids: list[Grid]) -> str:
    """A lead household: its members with their households; the limit warned."""
    lines = [
        t(
            language,
            "households.lead_title",
            name=view.lead.display_name,
            grid=_grid(language, grids, view.lead.grid_id),
        ),
        t(
            language,
            "households.lead_count",
            members=_count(language, "members", len(view.members)),
            limit=view.limit,
        ),
    ]
    if view.over:
        lines.append(t(language, "households.lead_over", limit=view.limit))
    for member in view.members:
        warn = (
            t(language, "households.warn_mark") if member.households > view.households_limit else ""
        )
        lines.append(
            t(
                language,
                "households.lead_member_line",
                name=member.person.display_name,
                households=_count(language, "households", member.households),
            )
            + warn
        )
    lines.append("")
    lines.append(t(language, "households.lead_hint"))
    return "\n".join(lines)


def tree_pages(
    language: Language,
    tree: Tree,
    grids: list[Grid],
    flags: Sequence[HouseholdFlag],
    today: date,
    community: str,
) -> list[str]:
    """🌳 The tree, then the households nobody looks after, cut into pages."""
    where = community if tree.grid_id is None else _grid(language, grids, tree.grid_id)
    lines = [t(language, "households.tree_title", where=where)]

    def member_lines(member: MemberBranch, indent: str, lead: bool = False) -> None:
        count = len(member.households)
        warn = t(language, "households.warn_mark") if count > tree.households_per_member else ""
        key = "households.tree_lead_own" if lead else "households.tree_member"
        lines.append(
            indent
            + t(
                language,
                key,
                name=member.person.display_name,
                households=_count(language, "households", count),
            )
            + warn
        )
        for h in member.households:
            lines.append(
                indent
                + "　"
                + t(
                    language,
                    "households.tree_household",
                    home=h.name,
                    who=_who(language, h),
                    visit=_last_visit(language, h, today),
                )
                + _flags(language, h, flags)
            )

    for branch in tree.grids:
        lines.append("")
        lines.append(
            t(language, "households.grid_heading", grid=_grid(language, grids, branch.grid_id))
        )
        if not branch.leads and not branch.loose:
            lines.append(t(language, "households.tree_empty"))
        for lead in branch.leads:
            warn = (
                t(language, "households.warn_mark")
                if len(lead.members) > tree.members_per_lead
                else ""
            )
            lines.append(
                t(
                    language,
                    "households.tree_lead",
                    name=lead.lead.display_name,
                    members=_count(language, "members", len(lead.members)),
                )
                + warn
            )
            if lead.own:
                member_lines(MemberBranch(lead.lead, lead.own), "　", lead=True)
            for member in lead.members:
                member_lines(member, "　")
        if branch.loose:
            lines.append(t(language, "households.tree_loose"))
            for member in branch.loose:
                member_lines(member, "　")
    lines.append("")
    if tree.unlooked:
        lines.append(
            t(
                language,
                "households.unlooked_title",
                households=_count(language, "households", len(tree.unlooked)),
            )
        )
        for h in tree.unlooked:
            lines.append(
                t(language, "households.list_line", home=h.name, who=_who(language, h))
                + _flags(language, h, flags)
            )
    else:
        lines.append(t(language, "households.unlooked_none"))
    return split_pages(lines)


def split_pages(lines: list[str]) -> list[str]:
    """Lines joined into pages of at most :data:`TREE_PAGE_LIMIT` characters."""
    pages: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        if current and used + len(line) + 1 > TREE_PAGE_LIMIT:
            pages.append("\n".join(current).strip("\n"))
            current, used = [], 0
        current.append(line)
        used += len(line) + 1
    if current:
        pages.append("\n".join(current).strip("\n"))
    return pages


def page_mark(language: Language, text: str, page: int, pages: int) -> str:
    if pages <= 1:
        return text
    return text + "\n\n" + t(language, "households.page_mark", page=page + 1, pages=pages)


def mine(
    language: Language, households: list[Household], flags: Sequence[HouseholdFlag], today: date
) -> str:
    """/myhouseholds: building, door, residents, flags, last visit."""
    if not households:
        return t(language, "households.mine_none")
    lines = [
        t(
            language,
            "households.mine_title",
            households=_count(language, "households", len(households)),
        )
    ]
    for number, h in enumerate(households, 1):
        lines.append("")
        lines.append(
            t(language, "households.mine_line", number=number, home=h.name, who=_who(language, h))
        )
        names = flag_names(language, h.row.flags, flags)
        if names:
            lines.append(t(language, "households.mine_flags", flags="、".join(names)))
        lines.append(t(language, "households.mine_visit", day=_last_visit(language, h, today)))
    lines.append("")
    lines.append(t(language, "households.mine_hint"))
    return "\n".join(lines)


def visit_ask(language: Language, step: VisitStep, today: date) -> str:
    """ "请写下走访情况" with the day (today unless another was chosen)."""
    return t(
        language,
        "households.visit_ask",
        home=step.household.name,
        day=spoken.day(language, step.day, today),
    )


def visit_done(language: Language, step: VisitStep, today: date) -> str:
    return t(
        language,
        "households.visit_done",
        home=step.household.name,
        day=spoken.day(language, step.day, today),
    )


def need_ask(language: Language, step: NeedStep) -> str:
    """The question of a need's step while recording one for a household."""
    home = step.household.name
    if step.step == "resident":
        return t(language, "households.need_who", home=home)
    if step.step == "category":
        name = step.resident[1] if step.resident else ""
        return t(language, "households.need_category", name=name, home=home)
    if step.step == "urgency":
        return t(language, "needs.ask_urgency")
    return t(language, "households.need_text")


def need_done(language: Language, recorded: RecordedNeed, category: str) -> str:
    return t(
        language,
        "households.need_done",
        number=recorded.need.number,
        category=category,
        name=recorded.resident_name,
    )
