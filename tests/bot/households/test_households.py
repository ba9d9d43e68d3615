"""The households' pure rules: the order people count in, flags by urgency."""

from __future__ import annotations

from bot.config import HouseholdsSettings, Language
from bot.households.records import household_key
from bot.households.views import flag_names, natural


def test_buildings_and_doors_sort_as_people_count() -> None:
    buildings = ["10号楼", "2号楼", "1号楼", "2号楼东"]
    assert sorted(buildings, key=natural) == ["1号楼", "2号楼", "2号楼东", "10号楼"]
    assert sorted(["1001", "201", "31"], key=natural) == ["31", "201", "1001"]


def test_a_household_is_compared_as_one_vote_per_household_compares_it() -> None:
    assert household_key("3号楼", "201") == household_key(" ３号楼 ", "201")
    assert household_key("3号楼", None) is None
    assert household_key(None, "201") is None


def test_flags_are_named_in_the_configurations_order() -> None:
    flags = HouseholdsSettings().flags
    assert flag_names(Language.ZH_HANS, ("low_income", "alone"), flags) == ["独居老人", "低保"]
    assert flag_names(Language.EN, ("left_behind",), flags) == ["Left-behind children"]
    # A flag no longer configured still shows, by its id, last.
    assert flag_names(Language.ZH_HANS, ("gone", "empty_nest"), flags) == ["空巢", "gone"]
