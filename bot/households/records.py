"""What other features read of the households, and a person's households data.

Nothing here knows the register's rules (bot/community), so the register's /export
and /forget can use it: a household is (building, door) as one vote per household
compares it (bot/deliberation/voting/electorate.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.deliberation.voting.electorate import Home, household_of
from storage.community.people import PersonRow
from storage.households.repository import HouseholdsRepository
from storage.needs.repository import NeedRow
from storage.session import Session


def household_key(building: str | None, door: str | None) -> str | None:
    """The household's identity ("h<building>/<door>", compared without case, width or
    spaces), or None without a building or a door."""
    return household_of(Home(building, door))


async def contact_member_for(session: Session, person_id: int) -> int | None:
    """The register id of the member who looks after the person's household (联系党员),
    or None (no household, nobody linked): a need goes to them first."""
    person = await session.people.by_id(person_id)
    if person is None:
        return None
    key = household_key(person.building, person.door)
    if key is None:
        return None
    household = await session.households.by_key(key)
    return household.contact_id if household is not None else None


async def need_contact(session: Session, need: NeedRow) -> int | None:
    """The first responder of a resident's need (需求, §3 of #14): their household's
    contact member, unless that is the resident or whoever recorded it for them."""
    if need.resident_id is None:
        return None
    contact = await contact_member_for(session, need.resident_id)
    return None if contact in (need.resident_id, need.recorded_by) else contact


async def visits_per_member(
    source: Session | HouseholdsRepository, people_ids: list[int], year: int
) -> dict[int, int]:
    """How many visits (入户走访) each of ``people_ids`` logged for days of ``year`` (the
    community's calendar year): every id is in the answer, 0 for none."""
    repo = source.households if isinstance(source, Session) else source
    return await repo.visit_counts(list(people_ids), date(year, 1, 1), date(year, 12, 31))


async def person_record(session: Session, person: PersonRow) -> dict[str, Any]:
    """/export's "households": their household and its flags, the households they look
    after, lead households, the visits they logged."""
    key = household_key(person.building, person.door)
    return await session.households.person_record(person.id, key)


async def forget_person(session: Session, person: PersonRow) -> None:
    """/forget, before the person is deleted: the notes of their visits go; their
    household's own record (flags, visits) goes too if nobody else of the register lives
    there and it was not added by hand. Links to them go with the person (the schema)."""
    repo = session.households
    await repo.forget_visit_notes(person.id)
    key = household_key(person.building, person.door)
    if key is None:
        return
    household = await repo.by_key(key)
    if household is None or household.added:
        return
    others = [
        resident
        for resident in await repo.residents()
        if resident.person_id != person.id
        and household_key(resident.building, resident.door) == key
    ]
    if not others:
        await repo.delete(household.id)
