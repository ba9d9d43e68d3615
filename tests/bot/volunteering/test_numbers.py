"""Activities (志愿活动 #N), leave requests (请假 #N) and move requests (搬入申请 #N) are
numbered within their community: 和平社区's first activity is its #1 wherever it is shown
(card, list, 报名 button, workbook), and a typed #1 there finds it, while ids go on being
unique in the street."""

from __future__ import annotations

from datetime import timedelta

from bot.community import leave as leave_rules
from bot.i18n import Language
from bot.services import Services
from bot.volunteering.cards import ActivityState, activity_card
from handlers.volunteering import keyboards, texts
from storage import in_community
from storage.community.joining import MoveRequestsRepository
from tests.bot.deliberation.fixtures import person, services
from tests.storage.volunteering.fixtures import new_activity

__all__ = ["services"]  # the fixture, imported for pytest


async def _activity(services: Services, title: str) -> int:
    """An activity of the current community, a week ahead."""
    now = services.clock()
    async with services.db.transaction() as session:
        return await new_activity(session, title, now + timedelta(days=7), now)


async def _ask_leave(services: Services, activity_id: int, person_id: int) -> tuple[int, int]:
    """A leave request for the activity: its (id, number)."""
    async with services.db.transaction() as session:
        request = await leave_rules.ask(
            session, "activity", activity_id, person_id, "临时出差", services.clock()
        )
    return request.id, request.number


async def test_each_community_counts_its_own(services: Services) -> None:
    now = services.clock()
    async with services.db.transaction() as session:
        peace = await session.communities.create("和平社区", None, None, now)
    zhang = await person(services, 2001, "张阿姨", "volunteer")
    lake = await _activity(services, "湖边清洁")
    park = await _activity(services, "公园巡逻")
    ours = await _ask_leave(services, park, zhang.person_id)
    assert ours[1] == 1
    with in_community(peace):
        li = await person(services, 2002, "李大爷", "volunteer")
        async with services.db.transaction() as session:
            await session.conn.execute(
                "UPDATE people SET community_id = ? WHERE id = ?", (peace, li.person_id)
            )
        theirs = await _activity(services, "垃圾分类")
        assert theirs not in (lake, park)
        # What a person types finds this community's #1, not the first community's.
        async with services.db.read() as session:
            found = await session.volunteering.activities.by_number(1)
            assert found is not None and (found.id, found.title) == (theirs, "垃圾分类")
            assert await session.volunteering.activities.by_number(2) is None
        # Shown by its number: the list, its 报名 button, the card.
        (state,) = await services.volunteer.activities.upcoming()
        assert state.activity.number == 1
        listed = texts.vol_activities(Language.ZH_HANS, [state], services.volunteer.tz)
        assert "#1 <b>垃圾分类</b>" in listed
        markup = keyboards.vol_sign_up(Language.ZH_HANS, [state.activity])
        assert markup is not None
        assert markup.inline_keyboard[0][0].text == "🙋 报名 #1 垃圾分类"
        card = activity_card(
            ActivityState(state.activity, 0, 0, 0), Language.ZH_HANS, services.volunteer.tz, None
        )
        assert card.params["number"] == 1
        # Its first leave request is its 请假 #1, whatever the first community has asked.
        leave_id, leave_number = await _ask_leave(services, theirs, li.person_id)
        assert leave_id != ours[0] and leave_number == 1
        # Asked from here to move to the first community: that community's first move.
        async with services.db.transaction() as session:
            to_first = await MoveRequestsRepository(session.conn).ask(li.person_id, 1, now)
    async with services.db.transaction() as session:
        moves = MoveRequestsRepository(session.conn)
        (asked,) = await moves.open_here()
        assert (asked.id, asked.number) == (to_first, 1)
        # The first community's activities keep their own numbers.
        second = await moves.ask(zhang.person_id, peace, now)
        assert second != to_first
        upcoming = await session.volunteering.activities.upcoming(now, 9)
        assert [(a.id, a.number) for a in upcoming] == [(lake, 1), (park, 2)]
    with in_community(peace):
        async with services.db.read() as session:
            (into_peace,) = await MoveRequestsRepository(session.conn).open_here()
            assert (into_peace.id, into_peace.number) == (second, 1)
