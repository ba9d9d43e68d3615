"""Discussion (民议): comments, the paged thread, hiding a comment."""

from __future__ import annotations

import pytest

from bot.deliberation.discussion import PAGE_SIZE, paginate
from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import matter, person, services

__all__ = ["services"]  # the fixture, imported for pytest


async def test_residents_comment_within_limits(services: Services) -> None:
    zhang = await person(services, 2001, "张阿姨", "resident")
    volunteer = await person(services, 2004, "小王", "volunteer")
    number = await matter(services, "3号楼前加装路灯", zhang)

    result = await services.discussion.comment(zhang, number, "  晚上太黑了  ")
    assert (result.position, result.matter.comments) == (1, 1)
    for text, key in (("   ", "discuss.empty"), ("字" * 501, "discuss.too_long")):
        with pytest.raises(UserFacingError) as refused:
            await services.discussion.comment(zhang, number, text)
        assert refused.value.key == key
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.comment(volunteer, number, "我也同意")
    assert refused.value.key == "discuss.residents_only"
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.comment(zhang, 99, "这是哪件事")
    assert refused.value.key == "matter.not_found"
    assert (await services.discussion.comment(zhang, number, "字" * 500)).position == 2
    page = await services.discussion.page(number, 0)
    assert [(n, c.text, c.author) for n, c in page.entries] == [
        (1, "晚上太黑了", "张阿姨"),
        (2, "字" * 500, "张阿姨"),
    ]


async def test_withdrawn_and_merged_matters_take_no_comments(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    first = await matter(services, "加装路灯", zhang)
    second = await matter(services, "修路灯", zhang)
    third = await matter(services, "停车", zhang)
    await services.desk.merge(secretary, second, first)
    await services.desk.withdraw(secretary, third, "重复")
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.comment(zhang, second, "说两句")
    assert (refused.value.key, refused.value.params) == ("desk.merged_into", {"number": first})
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.comment(zhang, third, "说两句")
    assert refused.value.key == "discuss.closed"


async def test_thread_pages(services: Services) -> None:
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "3号楼前加装路灯", zhang)
    assert (await services.discussion.page(number, 0)).pages == 1  # an empty first page
    for index in range(23):
        await services.discussion.comment(zhang, number, f"第{index + 1}条")
    first = await services.discussion.page(number, 0)
    last = await services.discussion.page(number, 2)
    assert (first.pages, len(first.entries), first.entries[0][0]) == (3, PAGE_SIZE, 1)
    assert [n for n, _ in last.entries] == [21, 22, 23]
    assert (await services.discussion.page(number, 9)).page == 2  # past the end: the last


async def test_long_comments_make_shorter_pages(services: Services) -> None:
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "3号楼前加装路灯", zhang)
    for _ in range(10):
        await services.discussion.comment(zhang, number, "<" * 500)  # 2,000 once escaped
    async with services.db.read() as session:
        comments = await session.comments.of_matter(number)
    assert [len(page) for page in paginate(comments)] == [1] * 10


async def test_secretary_hides_a_comment_with_a_reason(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    li = await person(services, 2003, "李大爷", "resident")
    number = await matter(services, "3号楼前加装路灯", zhang)
    await services.discussion.comment(zhang, number, "同意")
    bad = await services.discussion.comment(li, number, "骂人的话")

    with pytest.raises(UserFacingError) as refused:
        await services.discussion.start_hide(zhang, 2001, bad.comment_id, 0)
    assert refused.value.key == "desk.secretaries_only"
    comment, position = await services.discussion.start_hide(secretary, 1001, bad.comment_id, 0)
    assert (comment.text, position) == ("骂人的话", 2)
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.answer_hide_reason(secretary, 1001, "理" * 201)
    assert refused.value.key == "discuss.reason_too_long"
    hidden = await services.discussion.answer_hide_reason(secretary, 1001, "人身攻击")
    assert (hidden.matter_id, hidden.position, hidden.page) == (number, 2, 0)

    page = await services.discussion.page(number, 0)
    kept = page.entries[1][1]
    assert (kept.text, kept.hidden, kept.hidden_reason) == ("骂人的话", True, "人身攻击")
    assert kept.hidden_by == secretary.person_id
    with pytest.raises(UserFacingError) as refused:
        await services.discussion.start_hide(secretary, 1001, bad.comment_id, 0)
    assert refused.value.key == "discuss.already_hidden"
    events = (await services.desk.history(number)).events
    assert (events[-1].kind, events[-1].detail) == (
        "comment_hidden",
        {"position": 2, "reason": "人身攻击"},
    )
    async with services.db.read() as session:
        assert await session.audit.count_action("comment.hide") == 1


async def test_a_card_message_leads_to_its_matter(services: Services) -> None:
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "3号楼前加装路灯", zhang)
    now = services.clock()
    async with services.db.transaction() as session:
        push_id = await session.outbox.create_push(
            kind="matter.card",
            title="t",
            started_by=None,
            report_chat_id=None,
            report_language="zh_Hans",
            now=now,
        )
        await session.outbox.enqueue(
            push_id=push_id,
            chat_id=-100,
            person_id=None,
            content={},
            dedupe_key="k",
            not_before=now,
            now=now,
        )
        rows = await session.delivery.due(now, 10)
        await session.delivery.finish(rows[0].id, "sent", now, message_id=77)
        await session.matters.set_card_push(number, push_id)
    found = await services.discussion.matter_of_message(-100, 77)
    assert found is not None and found.id == number
    assert await services.discussion.matter_of_message(-100, 78) is None
    assert await services.discussion.matter_of_message(-101, 77) is None
