"""Who may vote in a vote, and how many: the pure rules of electorate.py."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.config import Grid, Language
from bot.deliberation.voting.ballots import count_ballots, decide
from bot.deliberation.voting.electorate import (
    Scope,
    describe,
    household_of,
    known_buildings,
    may_vote,
    refusal,
    size_of,
    turnout,
)
from tests.bot.deliberation.voting.test_ballots import vote


@dataclass(frozen=True)
class Someone:
    building: str | None = None
    door: str | None = None
    grid_id: str | None = None


ZHANG = Someone("3号楼", "201", "g1")
WANG = Someone("３号楼 ", "２０１", "g1")  # the same household, typed another way
TOM = Someone("3号楼", None, "g2")
LI = Someone("5号楼", "502", "g2")
NOBODY = Someone()
GRIDS = [Grid(id="g1", name="一网格"), Grid(id="g2", name="二网格")]


def test_the_whole_community_may_vote_by_default() -> None:
    everyone = (ZHANG, WANG, TOM, LI, NOBODY)
    assert all(may_vote(person, vote()) for person in everyone)
    assert size_of(vote(), everyone) == 5


def test_buildings_are_compared_without_case_width_or_spaces() -> None:
    building = replace(vote(), electorate="buildings", electorate_buildings=("3号楼",))
    assert [may_vote(p, building) for p in (ZHANG, WANG, TOM, LI, NOBODY)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    refused = refusal(LI, building)
    assert refused is not None and refused.key == "vote.outside_buildings"
    assert refused.params == {"buildings": "3号楼"}
    assert size_of(building, (ZHANG, WANG, TOM, LI, NOBODY)) == 3


def test_a_grid_vote_names_the_grid() -> None:
    grid = Scope("grid", grid="g2")
    assert [may_vote(p, grid) for p in (ZHANG, TOM, LI, NOBODY)] == [False, True, True, False]
    refused = refusal(ZHANG, grid, GRIDS)
    assert refused is not None and refused.params == {"grid": "二网格"}


def test_households_are_building_and_door() -> None:
    households = Scope("households")
    assert household_of(ZHANG) == household_of(WANG) == "h3号楼/201"
    assert household_of(TOM) is None and household_of(NOBODY) is None
    refused = refusal(TOM, households)
    assert refused is not None and refused.key == "vote.household_unknown"
    # Two people of one household and one of another: two households may vote.
    assert size_of(households, (ZHANG, WANG, TOM, LI, NOBODY)) == 2


def test_the_quorum_never_asks_for_more_than_may_vote() -> None:
    tally = count_ballots([(0,), (0,), (1,)], 3)
    assert decide(vote(quorum=10), tally) == ("no_quorum", ())
    assert decide(vote(quorum=10), tally, base=3) == ("passed", (0,))
    assert decide(vote(quorum=10), tally, base=4)[0] == "no_quorum"
    assert decide(vote(quorum=2), tally, base=40) == ("passed", (0,))


def test_what_people_read() -> None:
    zh = Language.ZH_HANS
    assert turnout(zh, 5, 8) == "已投 5 / 应投 8（62%）"
    assert turnout(zh, 0, 0) == "已投 0 / 应投 0"
    assert turnout(Language.EN, 5, 8) == "5 of 8 voted (62%)"
    assert describe("buildings", ("3号楼", "5号楼"), None, GRIDS, zh) == "投票范围：3号楼、5号楼"
    assert describe("grid", (), "g1", GRIDS, zh) == "网格：一网格"
    assert describe("households", (), None, GRIDS, zh) == "一户一票"
    assert describe("all", (), None, GRIDS, zh) == "投票范围：全体居民"
    assert known_buildings(["10号楼", "3号楼", "３号楼", "2号楼"]) == ["2号楼", "3号楼", "10号楼"]
