"""The registration form: consent first, answers in order, stale steps refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.community.register import Caller, CommunityService
from bot.community.registration import RegistrationService, Step
from bot.config import Language
from bot.errors import UserFacingError
from storage import Database
from tests.conftest import FakeClock, make_settings

ZHANG = Caller(2001, "三", last_name="张", username="zhangsan", language_code="zh-hans")
SMITH = Caller(2002, "Anna", last_name="Smith", language_code="en-GB")


@pytest.fixture
def registration(db: Database, tmp_path: Path, clock: FakeClock) -> RegistrationService:
    return RegistrationService(db, make_settings(tmp_path).community, clock)


async def test_full_form_registers_a_resident(
    registration: RegistrationService, db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    prompt = await registration.start(ZHANG)
    assert (prompt.step, prompt.language) == (Step.CONSENT, Language.ZH_HANS)
    async with db.read() as session:
        assert await session.people.count() == 0  # nothing kept before consent
    prompt = await registration.accept(ZHANG)
    assert (prompt.step, prompt.suggested_name) == (Step.NAME, "张三")
    prompt = await registration.answer_name(ZHANG, "  张   三 ")
    assert prompt.step is Step.BUILDING
    prompt = await registration.answer_building(ZHANG, "3号楼")
    assert prompt.person is not None
    assert prompt.person.display_name == "张 三"  # typed, whitespace collapsed
    assert prompt.person.building == "3号楼"
    assert prompt.person.roles == frozenset({"resident"})
    assert prompt.person.consent_at == clock.now
    community = CommunityService(db, make_settings(tmp_path).community, clock)
    actor = await community.identify(ZHANG)
    assert actor.registered and actor.language is Language.ZH_HANS


async def test_language_from_telegram_and_switch(registration: RegistrationService) -> None:
    assert (await registration.start(SMITH)).language is Language.EN
    prompt = await registration.choose_language(SMITH, Language.ZH_HANS)
    assert prompt.language is Language.ZH_HANS
    await registration.accept(SMITH)
    await registration.answer_name(SMITH, None)
    done = await registration.answer_building(SMITH, None)
    assert done.person is not None
    assert (done.person.display_name, done.person.language) == ("Anna Smith", "zh_Hans")
    assert done.person.building is None


async def test_decline_keeps_nothing(registration: RegistrationService, db: Database) -> None:
    await registration.start(ZHANG)
    assert await registration.decline(ZHANG) is Language.ZH_HANS
    async with db.read() as session:
        assert await session.people.count() == 0
        assert await session.dialogs.get(ZHANG.tg_user_id, ZHANG.tg_user_id) is None


async def test_button_pressed_twice_or_late(registration: RegistrationService) -> None:
    with pytest.raises(UserFacingError) as caught:
        await registration.accept(ZHANG)  # no form open
    assert caught.value.key == "register.expired"
    await registration.start(ZHANG)
    await registration.accept(ZHANG)
    with pytest.raises(UserFacingError) as caught:
        await registration.accept(ZHANG)  # pressed again
    assert caught.value.key == "register.expired"
    await registration.answer_name(ZHANG, "张三")
    await registration.answer_building(ZHANG, None)
    with pytest.raises(UserFacingError) as caught:
        await registration.answer_building(ZHANG, None)
    assert caught.value.key == "register.already_registered"
    assert (await registration.start(ZHANG)).already_registered


async def test_bad_answers_change_nothing(registration: RegistrationService) -> None:
    await registration.start(ZHANG)
    await registration.accept(ZHANG)
    for bad, key in (("   ", "register.name_empty"), ("长" * 33, "register.name_too_long")):
        with pytest.raises(UserFacingError) as caught:
            await registration.answer_name(ZHANG, bad)
        assert caught.value.key == key
    assert await registration.current_step(ZHANG) is Step.NAME
    await registration.answer_name(ZHANG, "张三")
    with pytest.raises(UserFacingError):
        await registration.answer_building(ZHANG, "楼" * 17)
    assert await registration.current_step(ZHANG) is Step.BUILDING


async def test_grid_question_when_grids_are_configured(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    community = make_settings(
        tmp_path, community={"grids": [{"id": "g1", "name": "第一网格"}], "secretaries": [2001]}
    ).community
    registration = RegistrationService(db, community, clock)
    await registration.start(ZHANG)
    await registration.accept(ZHANG)
    await registration.answer_name(ZHANG, None)
    assert (await registration.answer_building(ZHANG, None)).step is Step.GRID
    with pytest.raises(UserFacingError):
        await registration.answer_grid(ZHANG, "nope")
    done = await registration.answer_grid(ZHANG, "g1")
    assert done.person is not None
    assert done.person.grid_id == "g1"
    # A secretary named in the config gets the role on registering.
    assert done.person.roles == frozenset({"resident", "secretary"})
