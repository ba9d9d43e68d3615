"""Secretaries' agenda controls: place on an agenda, merge a duplicate, withdraw."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from tests.bot.deliberation.fixtures import matter, person, services

__all__ = ["services"]  # the fixture, imported for pytest


async def audit_count(services: Services, action: str) -> int:
    async with services.db.read() as session:
        return int(await session.audit.count_action(action))


async def test_place_on_agenda_of_either_forum(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "3号楼前加装路灯", zhang)

    placed = await services.desk.place_on_agenda(secretary, number, "talk_day")
    assert (placed.stage, placed.agenda_forum) == ("agenda", "talk_day")
    assert placed.agenda_at == services.matters.forum_at("talk_day", services.clock())
    with pytest.raises(UserFacingError) as refused:
        await services.desk.place_on_agenda(secretary, number, "talk_day")
    assert refused.value.key == "desk.already_on_agenda"
    moved = await services.desk.place_on_agenda(secretary, number, None)
    assert moved.agenda_forum == "session"  # the configured forum

    history = await services.desk.history(number)
    assert [event.kind for event in history.events] == ["raised", "agenda_set", "agenda_set"]
    assert history.events[1].detail["forum"] == "talk_day"
    assert history.names == {secretary.person_id: "王书记", zhang.person_id: "张阿姨"}
    assert await audit_count(services, "matter.agenda_set") == 2


async def test_only_secretaries_control_the_agenda(services: Services) -> None:
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "小区门口乱停车", zhang)
    for attempt in (
        services.desk.place_on_agenda(zhang, number, "session"),
        services.desk.withdraw(zhang, number, "不想提了"),
        services.desk.merge(zhang, number, number + 1),
    ):
        with pytest.raises(UserFacingError) as refused:
            await attempt
        assert refused.value.key == "desk.secretaries_only"
    assert (await services.matters.matter(number)).stage == "raised"


async def test_merge_moves_supporters_and_can_reach_the_agenda(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    li = await person(services, 2003, "李大爷", "resident")
    tom = await person(services, 2002, "Tom", "resident")
    kept = await matter(services, "3号楼前加装路灯", zhang)
    duplicate = await matter(services, "3号楼门前装路灯", li)
    # Zhang (the kept matter's raiser) and Tom support the duplicate.
    await services.matters.support(zhang, duplicate)
    await services.matters.support(tom, duplicate)

    result = await services.desk.merge(secretary, duplicate, kept)
    assert result.moved == 1  # Tom only: one does not second one's own matter
    assert (result.duplicate.stage, result.duplicate.merged_into) == ("merged", kept)
    assert result.kept.supports == 1
    assert result.kept.stage == "raised"
    assert await services.desk.merged_from(kept) == (duplicate,)

    # 附议 on the merged card points to the kept matter.
    with pytest.raises(UserFacingError) as refused:
        await services.matters.support(secretary, duplicate)
    assert (refused.value.key, refused.value.params) == ("desk.merged_into", {"number": kept})

    # Another duplicate, supported by Li, brings the kept matter to the threshold (2).
    third = await matter(services, "路灯", tom)
    await services.matters.support(li, third)
    again = await services.desk.merge(secretary, third, kept)
    assert again.moved == 1
    assert again.kept.stage == "agenda"
    kinds = [event.kind for event in (await services.desk.history(kept)).events]
    assert kinds == ["raised", "merged_in", "merged_in", "agenda"]
    merged_events = (await services.desk.history(duplicate)).events
    assert merged_events[-1].kind == "merged"
    assert merged_events[-1].detail == {"into": kept, "moved": 1}
    assert await audit_count(services, "matter.merge") == 2


async def test_merge_refusals_change_nothing(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    first = await matter(services, "加装路灯", zhang)
    second = await matter(services, "修理路灯", zhang)
    for (a, b), key in (
        ((first, first), "desk.merge_self"),
        ((first, 99), "matter.not_found"),
        ((99, first), "matter.not_found"),
    ):
        with pytest.raises(UserFacingError) as refused:
            await services.desk.merge(secretary, a, b)
        assert refused.value.key == key
    await services.desk.withdraw(secretary, second, "物业已修好")
    with pytest.raises(UserFacingError) as refused:
        await services.desk.merge(secretary, first, second)
    assert refused.value.key == "desk.not_open"
    assert (await services.matters.matter(first)).stage == "raised"


async def test_withdraw_keeps_the_reason(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "小区门口乱停车", zhang)
    for reason, key in (("   ", "desk.reason_empty"), ("理" * 201, "desk.reason_too_long")):
        with pytest.raises(UserFacingError) as refused:
            await services.desk.withdraw(secretary, number, reason)
        assert refused.value.key == key
    withdrawn = await services.desk.withdraw(secretary, number, "  已由 物业 解决 ")
    assert (withdrawn.stage, withdrawn.withdrawn_reason) == ("withdrawn", "已由 物业 解决")
    with pytest.raises(UserFacingError) as refused:
        await services.desk.withdraw(secretary, number, "再撤一次")
    assert refused.value.key == "desk.not_open"
    events = (await services.desk.history(number)).events
    assert (events[-1].kind, events[-1].detail) == ("withdrawn", {"reason": "已由 物业 解决"})
    assert await audit_count(services, "matter.withdraw") == 1


async def test_withdraw_through_the_reason_step(services: Services) -> None:
    secretary = await person(services, 1001, "王书记", "resident", "secretary")
    zhang = await person(services, 2001, "张阿姨", "resident")
    number = await matter(services, "小区门口乱停车", zhang)
    with pytest.raises(UserFacingError) as refused:
        await services.desk.answer_withdraw_reason(secretary, 1001, "没问过")
    assert refused.value.key == "desk.expired"
    await services.desk.start_withdraw(secretary, 1001, number)
    withdrawn = await services.desk.answer_withdraw_reason(secretary, 1001, "重复了")
    assert withdrawn.withdrawn_reason == "重复了"
    with pytest.raises(UserFacingError) as refused:  # the step is over
        await services.desk.answer_withdraw_reason(secretary, 1001, "重复了")
    assert refused.value.key == "desk.expired"
