"""Leave (请假): the shared rules — the reason, one open request, a decision taken
once — and the person's data: exported, and gone or nameless after /forget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.community import leave
from bot.community.register import CommunityService
from bot.errors import UserFacingError
from storage import Database
from storage.times import to_db_time
from tests.bot.community.test_register import RESIDENT, SECRETARY, community

__all__ = ["community"]  # the fixture

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)


def test_the_reason_is_one_line_of_at_most_200_characters() -> None:
    assert leave.reason_of("  住院\n治疗\u202e ") == "住院 治疗"
    assert leave.reason_of("长" * 200) == "长" * 200
    for bad in ("", "  \n", "长" * 201):
        with pytest.raises(UserFacingError) as refused:
            leave.reason_of(bad)
        assert refused.value.key == "leave.reason_bad"


async def test_one_open_request_decided_once_and_asked_again_after_a_refusal(
    community: CommunityService, db: Database
) -> None:
    me = (await community.identify(RESIDENT)).person_id
    secretary = (await community.identify(SECRETARY)).person_id
    assert me is not None and secretary is not None
    async with db.transaction() as session:
        asked = await leave.ask(session, "activity", 7, me, "出差", NOW)
        assert (asked.state, asked.reason, asked.decided_by) == ("requested", "出差", None)
        with pytest.raises(UserFacingError) as again:
            await leave.ask(session, "activity", 7, me, "出差", NOW)
        assert again.value.key == "leave.already_asked"
        refused = await leave.decide(session, asked.id, False, secretary, NOW)
        assert (refused.state, refused.decided_by) == ("refused", secretary)
        with pytest.raises(UserFacingError) as twice:
            await leave.decide(session, asked.id, True, secretary, NOW)
        assert twice.value.key == "leave.decided_refused"
        assert twice.value.params["name"] == refused.decided_by_name
        # Refused, it may be asked anew (same row, a new reason, undecided).
        anew = await leave.ask(session, "activity", 7, me, "生病", NOW)
        assert (anew.id, anew.state, anew.reason, anew.decided_at) == (
            asked.id,
            "requested",
            "生病",
            None,
        )
        approved = await leave.decide(session, anew.id, True, secretary, NOW)
        with pytest.raises(UserFacingError) as done:
            await leave.ask(session, "activity", 7, me, "生病", NOW)
        assert done.value.key == "leave.already_approved"
        assert [r.id for r in await session.leave.for_target("activity", 7)] == [approved.id]
        # Nobody decides their own request.
        own = await leave.ask(session, "activity", 8, secretary, "开会", NOW)
        with pytest.raises(UserFacingError) as mine:
            await leave.decide(session, own.id, True, secretary, NOW)
        assert mine.value.key == "leave.not_own"
        with pytest.raises(UserFacingError) as missing:
            await leave.decide(session, 999, True, secretary, NOW)
        assert missing.value.key == "leave.not_found"


async def test_exported_and_forgotten(community: CommunityService, db: Database) -> None:
    resident = await community.identify(RESIDENT)
    secretary = await community.identify(SECRETARY)
    me, other = resident.person_id, secretary.person_id
    assert me is not None and other is not None
    async with db.transaction() as session:
        mine = await leave.ask(session, "lesson", 3, me, "住院治疗", NOW)
        await leave.decide(session, mine.id, True, other, NOW)
    data = await community.export(resident)
    assert data["register"]["leave_requests"] == [
        {
            "kind": "lesson",
            "target_id": 3,
            "reason": "住院治疗",
            "state": "approved",
            "requested_at": to_db_time(NOW),
            "decided_at": to_db_time(NOW),
        }
    ]
    decided = (await community.export(secretary))["register"]["leave_decided"]
    assert decided == [
        {"kind": "lesson", "target_id": 3, "state": "approved", "decided_at": to_db_time(NOW)}
    ]
    # The decider leaves: the decision stays, nameless.
    await community.forget(secretary)
    async with db.read() as session:
        kept = await session.leave.get(mine.id)
    assert kept is not None and kept.decided_by is None and kept.state == "approved"
    # The member leaves: their request and its reason go with them.
    await community.forget(await community.identify(RESIDENT))
    async with db.read() as session:
        assert await session.leave.get(mine.id) is None
