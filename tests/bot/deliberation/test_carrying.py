"""Carrying out (民办): owners, progress, referrals, overdue reminders, supervision, ratings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.community.register import Actor, ChatInfo, ChatKind, CommunityService, Role
from bot.config import Language, Settings
from bot.deliberation.carrying.rules import (
    ASSIGN_FLOW,
    RatingSummary,
    add_months,
    rating_callback,
    verdict_callback,
)
from bot.deliberation.carrying.service import Carrying
from bot.errors import UserFacingError
from bot.runtime.scheduler import SchedulerService
from handlers.deliberation import callbacks as cb
from handlers.deliberation.texts import carrying_status
from storage import Database
from tests.conftest import FakeClock, make_settings

SECRETARY = 1001
RESIDENTS_GROUP = -100


@dataclass
class World:
    """A database with people, a bound residents' group, and the services under test."""

    db: Database
    clock: FakeClock
    settings: Settings
    scheduler: SchedulerService
    carrying: Carrying
    people: dict[str, Actor]

    async def matter(self, title: str = "修路灯", *, raiser: str = "zhang") -> int:
        """A matter raised by ``raiser`` and put straight into stage 'passed'."""
        now = self.clock()
        async with self.db.transaction() as session:
            matter_id = await session.matters.create(
                title=title,
                details="晚上太黑",
                raised_by=self.people[raiser].person_id,
                support_until=now + timedelta(days=14),
                now=now,
            )
            await session.matters.set_stage(matter_id, "passed", now)
        return matter_id

    async def support(self, matter_id: int, who: str) -> None:
        person_id = self.people[who].person_id
        assert person_id is not None
        async with self.db.transaction() as session:
            await session.matters.support(matter_id, person_id, self.clock())

    async def assign_to(self, matter_id: int, who: str | None = None, days: int = 7) -> None:
        """Walk the /assign form: a resident owner (or the committee) and a due date."""
        secretary = self.people["secretary"]
        await self.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
        if who is None:
            await self.carrying.owners.choose_owner_kind(secretary, SECRETARY, "committee")
        else:
            await self.carrying.owners.choose_owner_kind(secretary, SECRETARY, "resident")
            person_id = self.people[who].person_id
            assert person_id is not None
            await self.carrying.owners.choose_owner_person(secretary, SECRETARY, person_id)
        await self.carrying.owners.assign(secretary, SECRETARY, self.carrying.due_from_days(days))

    async def report(self, matter_id: int, who: str, percent: int, text: str = "在做") -> Any:
        actor = self.people[who]
        await self.carrying.progress.start_progress(actor, actor.tg_user_id, matter_id)
        await self.carrying.progress.choose_percent(actor, actor.tg_user_id, percent)
        return await self.carrying.progress.report(actor, actor.tg_user_id, text)

    async def stage(self, matter_id: int) -> str:
        async with self.db.read() as session:
            matter = await session.matters.get(matter_id)
        assert matter is not None
        return matter.stage

    async def events(self, matter_id: int) -> list[str]:
        async with self.db.read() as session:
            return [event.kind for event in await session.matters.events(matter_id)]

    async def outbox(self) -> list[tuple[int, dict[str, Any]]]:
        async with (
            self.db.read() as session,
            session.conn.execute("SELECT chat_id, content FROM outbox ORDER BY id") as cur,
        ):
            return [(int(row[0]), json.loads(row[1])) for row in await cur.fetchall()]

    async def keys_to(self, chat_id: int) -> list[str]:
        return [content["key"] for chat, content in await self.outbox() if chat == chat_id]

    async def refresh(self, name: str) -> Actor:
        """The actor again, with the roles the register holds now."""
        actor = self.people[name]
        async with self.db.read() as session:
            person = await session.people.by_telegram_id(actor.tg_user_id)
        self.people[name] = Actor(
            actor.tg_user_id, actor.language, person, actor.configured_secretary
        )
        return self.people[name]


PEOPLE = {
    "secretary": (SECRETARY, "王书记", [Role.RESIDENT, Role.SECRETARY]),
    "zhang": (2001, "张阿姨", [Role.RESIDENT]),
    "li": (2002, "李大爷", [Role.RESIDENT, Role.VOLUNTEER]),
    "tom": (2003, "Tom", [Role.RESIDENT, Role.VOLUNTEER]),
    "chen": (2004, "陈师傅", [Role.RESIDENT, Role.VOLUNTEER]),
    "stranger": (2005, "路人", [Role.RESIDENT]),
}


@pytest.fixture
async def world(db: Database, tmp_path: Path, clock: FakeClock) -> World:
    settings = make_settings(tmp_path, deliberation={"supervision_size": 3})
    scheduler = SchedulerService(db, settings, clock)
    carrying = Carrying(db, settings, scheduler, clock)
    people: dict[str, Actor] = {}
    now = clock()
    async with db.transaction() as session:
        for name, (tg_user_id, display, roles) in PEOPLE.items():
            person_id = await session.people.insert(
                tg_user_id=tg_user_id,
                display_name=display,
                tg_username=None,
                language="en" if name == "tom" else "zh_Hans",
                building=None,
                grid_id=None,
                consent_at=now,
                now=now,
            )
            await session.people.grant_all(person_id, [r.value for r in roles], None, now)
    for name, (tg_user_id, _, _) in PEOPLE.items():
        async with db.read() as session:
            person = await session.people.by_telegram_id(tg_user_id)
        people[name] = Actor(tg_user_id, Language.ZH_HANS, person, tg_user_id == SECRETARY)
    community = CommunityService(db, settings.community, clock)
    await community.bind_chat(
        people["secretary"],
        ChatInfo(RESIDENTS_GROUP, "居民群", "supergroup"),
        ChatKind.RESIDENTS,
    )
    return World(db, clock, settings, scheduler, carrying, people)


def test_callbacks_built_by_the_service_decode_in_the_handlers() -> None:
    assert cb.RateMatter.decode(rating_callback(7, "basically")) == cb.RateMatter(7, "basically")
    assert cb.AcceptanceVerdict.decode(verdict_callback(7, "rework")) == cb.AcceptanceVerdict(
        7, "rework"
    )


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 22, tzinfo=UTC), 12) == datetime(2027, 11, 22, tzinfo=UTC)


async def test_assign_a_passed_matter_to_a_resident(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=14)
    async with world.db.read() as session:
        matter = await session.matters.get(matter_id)
    assert matter is not None
    assert (matter.stage, matter.owner_kind, matter.owner_name) == (
        "in_progress",
        "resident",
        "李大爷",
    )
    # Due at the end of the local day two weeks on (Shanghai: 23:59 is 15:59 UTC).
    assert matter.due_at == datetime(2026, 12, 3, 15, 59, tzinfo=UTC)
    assert await world.events(matter_id) == ["assigned"]
    assert await world.keys_to(2002) == ["carry.assigned_owner"]


async def test_assign_refuses_a_matter_not_passed_and_non_secretaries(world: World) -> None:
    matter_id = await world.matter()
    async with world.db.transaction() as session:
        await session.matters.set_stage(matter_id, "voting", world.clock())
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.start_assign(world.people["secretary"], SECRETARY, matter_id)
    assert refused.value.key == "carry.not_passed"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.start_assign(world.people["zhang"], 2001, matter_id)
    assert refused.value.key == "access.needs_role"


async def test_a_team_owner_by_name_and_a_typed_due_date(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    await world.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
    await world.carrying.owners.choose_owner_kind(secretary, SECRETARY, "team")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "x" * 65)
    assert refused.value.key == "carry.too_long"
    await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "  红马甲  志愿队 ")
    with pytest.raises(UserFacingError) as refused:
        world.carrying.parse_due("2026-11-01")
    assert refused.value.key == "carry.due_past"
    with pytest.raises(UserFacingError) as refused:
        world.carrying.parse_due("下周")
    assert refused.value.key == "carry.due_invalid"
    matter = await world.carrying.owners.assign(
        secretary, SECRETARY, world.carrying.parse_due("2026-12-31")
    )
    assert (matter.owner_kind, matter.owner_name, matter.owner_person_id) == (
        "team",
        "红马甲 志愿队",
        None,
    )
    # Nobody to tell privately for a team.
    assert [key for _, c in await world.outbox() if (key := c["key"]).startswith("carry.")] == []


async def test_progress_to_100_is_done_and_asks_raiser_and_supporters_to_rate(
    world: World,
) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.support(matter_id, "tom")
    await world.assign_to(matter_id, "li")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.progress.start_progress(world.people["chen"], 2004, matter_id)
    assert refused.value.key == "carry.not_owner"
    half = await world.report(matter_id, "li", 50, "灯杆到了")
    assert (half.matter.stage, half.matter.progress) == ("in_progress", 50)
    done = await world.report(matter_id, "li", 100, "已装好")
    assert done.matter.stage == "done"
    assert await world.events(matter_id) == ["assigned", "progress", "progress", "done"]
    assert await world.keys_to(RESIDENTS_GROUP) == ["carry.progress_note", "carry.progress_note"]
    assert await world.keys_to(2001) == ["carry.rate_ask"]
    assert await world.keys_to(2003) == ["carry.rate_ask"]
    async with world.db.read() as session:
        reports = await session.carrying.progress_reports(matter_id)
    assert [(r.percent, r.text) for r in reports] == [(50, "灯杆到了"), (100, "已装好")]


async def test_a_secretary_reports_for_the_committee(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, None)
    result = await world.report(matter_id, "secretary", 75)
    assert result.matter.progress == 75


async def test_rating_once_each_only_by_those_asked(world: World) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.support(matter_id, "tom")
    await world.assign_to(matter_id, "li")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    assert refused.value.key == "carry.not_done"
    await world.report(matter_id, "li", 100)
    await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["zhang"], matter_id, "unsatisfied")
    assert refused.value.key == "carry.already_rated"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["chen"], matter_id, "satisfied")
    assert refused.value.key == "carry.not_asked"
    await world.carrying.ratings.rate(world.people["tom"], matter_id, "basically")
    assert await world.carrying.ratings.rating_summary(matter_id) == RatingSummary(1, 1, 0)
    # The history records that someone rated, never how.
    async with world.db.read() as session:
        rated = [e for e in await session.matters.events(matter_id) if e.kind == "rated"]
    assert [(e.actor_id, e.detail) for e in rated] == [(None, {}), (None, {})]


async def test_referral_stays_open_until_its_answer_is_recorded(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "市政所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "更换路灯电缆")
    referral = await world.carrying.referrals.refer(
        secretary, SECRETARY, world.carrying.due_from_days(7)
    )
    assert [r.id for r in await world.carrying.referrals.open_referrals(secretary)] == [referral.id]
    await world.carrying.referrals.start_answer(secretary, SECRETARY, referral.id)
    answered = await world.carrying.referrals.record_answer(secretary, SECRETARY, "下周施工")
    assert (answered.answer, answered.answered_at) == ("下周施工", world.clock())
    assert await world.carrying.referrals.open_referrals(secretary) == []
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.referrals.start_answer(secretary, SECRETARY, referral.id)
    assert refused.value.key == "carry.referral_closed"
    assert await world.events(matter_id) == ["referred", "referral_answered"]


async def test_overdue_reminders_once_per_day(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=7)
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "供电所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "查线路")
    await world.carrying.referrals.refer(secretary, SECRETARY, world.carrying.due_from_days(1))

    async def check() -> int:
        async with world.db.transaction() as session:
            return await world.carrying.overdue.remind_overdue(session, world.clock())

    assert await check() == 0  # nothing is late yet
    world.clock.advance(days=8)
    assert await check() == 2
    assert await check() == 0  # the same day: not again
    world.clock.advance(hours=3)  # 22:00 in Shanghai, still the same local day
    assert await check() == 0
    world.clock.advance(hours=3)  # 01:00 the next local day: again
    assert await check() == 2
    assert await world.keys_to(2002) == [
        "carry.assigned_owner",
        "carry.overdue_owner",
        "carry.overdue_owner",
    ]
    assert (await world.keys_to(SECRETARY)).count("carry.overdue_secretaries") == 2


async def test_the_daily_schedule_fires_the_check_in_its_transaction(world: World) -> None:
    await world.scheduler.ensure_builtin()
    async with world.db.read() as session:
        schedule = await session.schedules.by_key("builtin:overdue")
    assert schedule is not None
    # 09:00 in Shanghai is 01:00 UTC; the clock stands at 11:00 UTC on 11-19.
    assert schedule.next_due_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=0)
    world.clock.now = schedule.next_due_at
    assert await world.scheduler.fire(schedule.id, schedule.next_due_at)
    assert await world.keys_to(2002) == ["carry.assigned_owner", "carry.overdue_owner"]


async def test_draw_by_lot_takes_the_size_or_all_volunteers(world: World) -> None:
    secretary = world.people["secretary"]
    result = await world.carrying.supervision.draw_by_lot(secretary)
    assert (len(result.members), result.short) == (3, False)
    assert {m.display_name for m in result.members} == {"李大爷", "Tom", "陈师傅"}
    assert all(Role.SUPERVISOR.value in m.roles for m in result.members)
    assert result.term.ends_at == datetime(2027, 11, 19, 11, 0, tzinfo=UTC)
    async with world.db.read() as session:
        reminder = await session.schedules.by_key("builtin:supervision_term_end")
    assert reminder is not None and reminder.next_due_at == result.term.ends_at


async def test_fewer_volunteers_than_the_size_are_all_taken(world: World, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, deliberation={"supervision_size": 5})
    carrying = Carrying(world.db, settings, world.scheduler, world.clock)
    result = await carrying.supervision.draw_by_lot(world.people["secretary"])
    assert (len(result.members), result.short) == (3, True)


async def test_no_volunteers_no_draw(world: World) -> None:
    async with world.db.transaction() as session:
        for name in ("li", "tom", "chen"):
            person_id = world.people[name].person_id
            assert person_id is not None
            await session.people.revoke(person_id, Role.VOLUNTEER.value)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.supervision.draw_by_lot(world.people["secretary"])
    assert refused.value.key == "carry.no_volunteers"


async def test_a_new_term_takes_the_role_from_members_not_chosen_again(world: World) -> None:
    secretary = world.people["secretary"]
    await world.carrying.supervision.draw_by_lot(secretary)
    await world.carrying.supervision.start_appointing(secretary, SECRETARY)
    zhang = world.people["zhang"].person_id
    li = world.people["li"].person_id
    assert zhang is not None and li is not None
    await world.carrying.supervision.toggle_appointee(secretary, SECRETARY, zhang)
    await world.carrying.supervision.toggle_appointee(secretary, SECRETARY, li)
    result = await world.carrying.supervision.appoint(secretary, SECRETARY)
    assert (result.term.method, {m.display_name for m in result.members}) == (
        "appointed",
        {"张阿姨", "李大爷"},
    )
    async with world.db.read() as session:
        holders = {p.display_name for p in await session.people.with_role("supervisor")}
    assert holders == {"张阿姨", "李大爷"}


async def major_in_acceptance(world: World) -> int:
    secretary = world.people["secretary"]
    await world.carrying.supervision.draw_by_lot(secretary)  # li, tom, chen
    for name in ("li", "tom", "chen"):
        await world.refresh(name)
    matter_id = await world.matter(raiser="zhang")
    await world.carrying.acceptance.set_major(secretary, matter_id, True)
    await world.assign_to(matter_id, "li")
    result = await world.report(matter_id, "li", 100, "完工")
    assert result.matter.stage == "acceptance"
    return matter_id


async def test_major_project_is_done_when_more_than_half_accept(world: World) -> None:
    matter_id = await major_in_acceptance(world)
    assert await world.keys_to(2003) == ["carry.term_member", "carry.acceptance_ask"]
    first = await world.carrying.acceptance.verdict(
        world.people["tom"], 2003, matter_id, "accepted"
    )
    assert (first.matter.stage, first.accepted, first.members) == ("acceptance", 1, 3)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.verdict(world.people["tom"], 2003, matter_id, "accepted")
    assert refused.value.key == "carry.already_signed"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.verdict(world.people["zhang"], 2001, matter_id, "accepted")
    assert refused.value.key == "carry.not_supervisor"
    second = await world.carrying.acceptance.verdict(
        world.people["chen"], 2004, matter_id, "accepted"
    )
    assert second.matter.stage == "done"
    assert await world.keys_to(2001) == ["carry.rate_ask"]
    await world.carrying.acceptance.add_note(world.people["chen"], 2004, "材料合格")
    async with world.db.read() as session:
        signed = await session.carrying.acceptances(matter_id)
    assert [(a.verdict, a.note) for a in signed] == [("accepted", None), ("accepted", "材料合格")]


async def test_rework_sends_a_major_project_back_to_the_owner(world: World) -> None:
    matter_id = await major_in_acceptance(world)
    result = await world.carrying.acceptance.verdict(world.people["tom"], 2003, matter_id, "rework")
    assert result.matter.stage == "in_progress"
    assert await world.keys_to(2002) == [
        "carry.term_member",
        "carry.assigned_owner",
        "carry.acceptance_ask",
        "carry.rework",
    ]
    assert "carry.rework" in await world.keys_to(SECRETARY)
    # A fresh round after the owner reports 100 again: Tom may sign again.
    await world.report(matter_id, "li", 100, "返工完成")
    again = await world.carrying.acceptance.verdict(
        world.people["tom"], 2003, matter_id, "accepted"
    )
    assert again.accepted == 1
    assert (await world.events(matter_id))[-3:] == [
        "progress",
        "acceptance_requested",
        "acceptance_accepted",
    ]


async def test_dialog_steps_refuse_out_of_order_answers(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.choose_owner_kind(secretary, SECRETARY, "team")
    assert refused.value.key == "carry.expired"
    await world.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
    async with world.db.read() as session:
        dialog = await session.dialogs.get(SECRETARY, SECRETARY)
    assert dialog is not None and (dialog.flow, dialog.step) == (ASSIGN_FLOW, "kind")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "队伍")
    assert refused.value.key == "carry.expired"


async def test_term_end_takes_the_role_and_reminds_secretaries(world: World) -> None:
    result = await world.carrying.supervision.draw_by_lot(world.people["secretary"])
    async with world.db.read() as session:
        reminder = await session.schedules.by_key("builtin:supervision_term_end")
    assert reminder is not None and reminder.next_due_at == result.term.ends_at
    world.clock.now = result.term.ends_at
    assert await world.scheduler.fire(reminder.id, result.term.ends_at)
    async with world.db.read() as session:
        assert await session.people.with_role(Role.SUPERVISOR.value) == []
        assert await session.carrying.current_term(world.clock()) is None
    assert (await world.keys_to(SECRETARY))[-1] == "carry.term_ended"


async def test_status_for_the_matter_page(world: World) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.assign_to(matter_id, "li", days=14)
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "市政所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "换电缆")
    await world.carrying.referrals.refer(secretary, SECRETARY, None)
    await world.report(matter_id, "li", 100)
    await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    status = await world.carrying.ratings.status(matter_id)
    assert carrying_status(Language.ZH_HANS, status, world.carrying.tz).split("\n") == [
        "负责人：李大爷，期限 2026-12-03，进度 100%",
        "已转交 市政所，等待答复",
        "民意测评：满意 1，基本满意 0，不满意 0",
    ]
