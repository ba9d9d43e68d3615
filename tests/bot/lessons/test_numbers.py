"""A lesson's number is counted within its community: "/lessonreport 1" typed in 和平社区
is 和平社区's first lesson (微党课 #1 there), while its id goes on being unique in the
street."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.lessons.messages import lesson_messages
from bot.services import Services
from storage import in_community
from tests.bot.deliberation.fixtures import person, services
from tests.bot.lessons.fixtures import lesson

__all__ = ["services"]  # the fixture, imported for pytest


async def test_a_typed_lesson_number_is_the_communitys_own(services: Services) -> None:
    now = services.clock()
    async with services.db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, now)
    secretary = await person(services, 1001, "书记", "secretary")
    first = await lesson(services, secretary, "学习党章")
    second = await lesson(services, secretary, "两学一做")
    with in_community(other):
        theirs = await person(services, 1002, "王书记", "secretary")
        async with services.db.transaction() as session:
            await session.conn.execute(
                "UPDATE people SET community_id = ? WHERE id = ?", (other, theirs.person_id)
            )
        own = await lesson(services, theirs, "垃圾分类")
        assert own not in (first, second)
        shown = await services.lessons.records.lesson(own)
        assert (shown.number, shown.title) == (1, "垃圾分类")
        # What the secretary types finds this community's #1, not the first community's.
        report = await services.lessons.records.report_by_number(theirs, 1)
        assert (report.lesson.id, report.lesson.title) == (own, "垃圾分类")
        with pytest.raises(UserFacingError) as missing:
            await services.lessons.records.report_by_number(theirs, 2)
        assert (missing.value.key, missing.value.params) == ("lesson.not_found", {"number": 2})
        # The card people see carries the community's number.
        (card, *_rest) = lesson_messages(shown, theirs.language, private=True)
        assert card.params["number"] == 1
    report = await services.lessons.records.report_by_number(secretary, 2)
    assert (report.lesson.id, report.lesson.number) == (second, 2)
    assert (await services.lessons.records.lesson(first)).number == 1
