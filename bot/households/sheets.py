"""The households' sheets for the ledger (台账): the 联系户 tree and the year's visits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.config import HouseholdFlag, Language
from bot.households.views import Household, MemberBranch, Tree, flag_names
from bot.i18n import translate
from bot.spreadsheets import Cell, Sheet
from storage.households.repository import VisitRow


def _grid_name(grid_id: str | None, grids: Sequence[Any], language: Language) -> str:
    if grid_id is None:
        return translate(language, "households.no_grid_name")
    return next((g.name_in(language) for g in grids if g.id == grid_id), grid_id)


def tree_sheet(
    language: Language, tree: Tree, flags: Sequence[HouseholdFlag], grids: Sequence[Any]
) -> Sheet:
    """The tree as a table: a row per household looked after (grid, lead, member), a row per
    member with none, then the households nobody looks after."""
    headers = tuple(
        translate(language, f"households.sheet.{column}")
        for column in (
            "grid",
            "lead",
            "member",
            "building",
            "door",
            "residents",
            "flags",
            "last_visit",
        )
    )
    rows: list[tuple[Cell, ...]] = []

    def household_cells(h: Household) -> tuple[Cell, ...]:
        return (
            h.row.building,
            h.row.door,
            "、".join(h.residents) or h.row.note,
            "、".join(flag_names(language, h.row.flags, flags)) or None,
            h.row.last_visit,
        )

    for branch in tree.grids:
        grid = _grid_name(branch.grid_id, grids, language)
        members: list[tuple[str | None, MemberBranch]] = []
        for lead in branch.leads:
            members.append((lead.lead.display_name, MemberBranch(lead.lead, lead.own)))
            members.extend((lead.lead.display_name, m) for m in lead.members)
        members.extend((None, m) for m in branch.loose)
        for lead_name, member in members:
            if not member.households:
                rows.append(
                    (grid, lead_name, member.person.display_name, None, None, None, None, None)
                )
            for h in member.households:
                rows.append((grid, lead_name, member.person.display_name, *household_cells(h)))
    nobody = translate(language, "households.sheet.nobody")
    for h in tree.unlooked:
        rows.append((_grid_name(h.grid_id, grids, language), None, nobody, *household_cells(h)))
    return Sheet("households", translate(language, "households.sheet.title"), headers, tuple(rows))


def visits_sheet(
    language: Language, visits: list[VisitRow], households: dict[int, Household]
) -> Sheet:
    """入户走访: a row per visit of the period."""
    headers = tuple(
        translate(language, f"households.visits_sheet.{column}")
        for column in ("day", "member", "building", "door", "note")
    )
    rows = tuple(
        (
            v.visited_on,
            v.member_name,
            households[v.household_id].row.building if v.household_id in households else None,
            households[v.household_id].row.door if v.household_id in households else None,
            v.note,
        )
        for v in sorted(visits, key=lambda v: (v.visited_on, v.id))
    )
    return Sheet("visits", translate(language, "households.visits_sheet.title"), headers, rows)
