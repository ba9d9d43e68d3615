"""Needs (需求 #N), surveys (问卷 #N), check-in records (记录 #N) and Party commitments
(党员承诺 #N) are numbered within their community: 和平社区's first need is its 需求 #1
wherever it is shown (lists, buttons, sheets, the schedules' names), however many the
first community has, while ids go on being unique in the street."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.community.register import Actor
from bot.i18n import Language
from bot.members.commitments import review_sheet
from bot.needs.report import needs_sheet
from bot.runtime.scheduler.titles import schedule_title
from bot.services import Services
from bot.surveys.results import Results, ledger_sheet
from bot.volunteering.review import ReviewItem
from handlers.members import texts as member_texts
from handlers.needs import keyboards as need_keyboards
from handlers.needs import texts as need_texts
from handlers.surveys import keyboards as survey_keyboards
from handlers.volunteering import keyboards as vol_keyboards
from handlers.volunteering import texts as vol_texts
from storage import in_community
from tests.bot.deliberation.fixtures import person, services
from tests.storage.volunteering.fixtures import new_activity

__all__ = ["services"]  # the fixture, imported for pytest

ZH = Language.ZH_HANS


@dataclass(frozen=True)
class Made:
    """The ids of what one community wrote: two of each kind."""

    needs: tuple[int, int]
    surveys: tuple[int, int]
    checkins: tuple[int, int]
    commitments: tuple[int, int]


async def _two_of_each(services: Services, first: Actor, second: Actor) -> Made:
    """Two needs (posted through the needs service, with their clocks), two surveys, two
    check-ins (one activity, two volunteers) and two commitments of the current
    community."""
    now = services.clock()
    needs, surveys, checkins, commitments = [], [], [], []
    async with services.db.transaction() as session:
        activity = await new_activity(session, "湖边清洁", now - timedelta(minutes=5), now)
        for who in (first, second):
            need = await services.needs.post_in(
                session,
                [],
                route=False,
                resident_id=who.person_id,
                recorded_by=None,
                category="elderly",
                building=None,
                urgent=False,
                text="扛米上楼",
                photo=None,
                voice=None,
            )
            needs.append(need.id)
            surveys.append(
                await session.surveys.create(
                    title=f"{who.person.display_name if who.person else ''}的问卷",
                    subject="key:project",
                    questions=[],
                    audience={"kind": "all"},
                    anonymous=False,
                    salt=None,
                    created_by=who.person_id,
                    closes_at=now + timedelta(days=3),
                    now=now,
                )
            )
            checkins.append(
                await session.volunteering.checkins.check_in(activity, who.person_id, now, "window")
            )
            made = await session.members.commitments.submit(
                None, who.person_id, "陪老人聊天", "独居老人", date(2027, 1, 31), None, now
            )
            assert made is not None
            commitments.append(made)
    return Made(
        needs=(needs[0], needs[1]),
        surveys=(surveys[0], surveys[1]),
        checkins=(checkins[0], checkins[1]),
        commitments=(commitments[0], commitments[1]),
    )


async def _in_peace(services: Services, tg_user_id: int, name: str, peace: int) -> Actor:
    """A member of 和平社区 (registered, then moved there)."""
    actor = await person(services, tg_user_id, name, "resident", "volunteer", "party_member")
    async with services.db.transaction() as session:
        await session.conn.execute(
            "UPDATE people SET community_id = ? WHERE id = ?", (peace, actor.person_id)
        )
        moved = await session.people.by_id(actor.person_id)
    assert moved is not None
    return Actor(tg_user_id, ZH, moved, configured_secretary=False)


async def test_each_community_counts_its_own(services: Services) -> None:
    now = services.clock()
    async with services.db.transaction() as session:
        peace = await session.communities.create("和平社区", None, None, now)
    zhang = await person(services, 3001, "张阿姨", "resident", "volunteer", "party_member")
    wang = await person(services, 3002, "王叔", "resident", "volunteer", "party_member")
    # The first community has some of each (and more needs than the other will).
    ours = await _two_of_each(services, zhang, wang)
    await _two_of_each(services, wang, zhang)
    with in_community(peace):
        li = await _in_peace(services, 3003, "李大爷", peace)
        zhao = await _in_peace(services, 3004, "赵奶奶", peace)
        theirs = await _two_of_each(services, li, zhao)
        assert not set(theirs.needs) & set(ours.needs)
        async with services.db.read() as session:
            needs = [await session.needs.by_id(i) for i in theirs.needs]
            surveys = [await session.surveys.get(i) for i in theirs.surveys]
            checkins = [await session.volunteering.checkins.checkin(i) for i in theirs.checkins]
            commitments = [await session.members.commitments.by_id(i) for i in theirs.commitments]
            (unanswered,) = await session.schedules.pending_for(
                "needs.unanswered", "need_id", theirs.needs[0]
            )
            facts = await services.scheduler.describe(session, unanswered)
            activity = await session.volunteering.activities.activity(checkins[0].activity_id)  # type: ignore[union-attr]
    assert [n.number for n in needs if n] == [1, 2]
    assert [s.number for s in surveys if s] == [1, 2]
    assert [c.number for c in checkins if c] == [1, 2]
    assert [c.number for c in commitments if c] == [1, 2]
    assert all(n is not None and n.id != n.number for n in needs)
    first_need, first_survey = needs[0], surveys[0]
    assert first_need is not None and first_survey is not None and activity is not None
    # Shown by their numbers: the needs list's buttons and sheet, the need's clock.
    markup = need_keyboards.open_list(
        ZH, services.settings.needs, [n for n in needs if n], 0, 1, True
    )
    assert markup is not None
    assert [row[0].text for row in markup.inline_keyboard[:2]] == ["#1 助老 ", "#2 助老 "]
    sheet = needs_sheet(ZH, [n for n in needs if n], services.settings, services.volunteer.tz)
    assert [row[0] for row in sheet.rows] == [1, 2]
    assert schedule_title(unanswered, ZH, facts) == "需求 #1 响应时限"
    # Carried out as 和平社区's first activity, the need's screen names it by its number.
    with in_community(peace):
        async with services.db.transaction() as session:
            await session.needs.set_activity(first_need.id, activity.id)
            carried = await session.needs.by_id(first_need.id)
    assert carried is not None and activity.number == 1 and activity.id != 1
    assert "志愿活动：#1" in need_texts.need_screen(ZH, services.needs, carried)
    # The surveys' list and ledger.
    listed = survey_keyboards.survey_list(ZH, [s for s in surveys if s])
    assert listed.inline_keyboard[0][0].text.startswith("#1 李大爷的问卷")
    ledger = ledger_sheet([Results(first_survey, 0, 0, ())], ZH, services.volunteer.tz)
    assert ledger.rows[0][0] == 1
    # The check-ins under review: the list and its buttons.
    items = [ReviewItem(c, "李大爷", activity) for c in checkins if c]
    review = vol_texts.vol_review(ZH, items, services.volunteer.tz)
    assert "#1 李大爷" in review and "#2 李大爷" in review
    buttons = vol_keyboards.vol_review(ZH, items)
    assert buttons is not None and "#1" in buttons.inline_keyboard[0][0].text
    # The commitments' review and its sheet.
    today = now.date()
    text = member_texts.commit_review(ZH, [c for c in commitments if c], today)
    assert "1. 李大爷" in text and "2. 赵奶奶" in text
    table = review_sheet(ZH, [c for c in commitments if c], today, services.volunteer.tz)
    assert [row[0] for row in table.rows] == [1, 2]
