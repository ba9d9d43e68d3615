"""Texts of the Party members' systems, in the reader's language."""

from __future__ import annotations

from datetime import date

from bot.community.register import Role
from bot.config import Language
from bot.members.birthdays import day_text, years_in_party
from handlers.texts import t
from storage.community.people import PersonRow


def me_line(language: Language, person: PersonRow, today: date) -> str:
    """/me's line for a Party member: the joining date and years in the Party ("" for
    someone who is not a member)."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return ""
    joined = person.party_joined_on
    if joined is None:
        return t(language, "members.me_line_none")
    years = years_in_party(joined, today)
    return t(language, "members.me_line", day=day_text(language, joined), years=years)


def person_line(language: Language, person: PersonRow) -> str:
    """The line on a member's screen of /people ("" for someone who is not a member)."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return ""
    joined = person.party_joined_on
    if joined is None:
        return t(language, "members.person_line_none")
    return t(language, "members.person_line", day=day_text(language, joined))


def ask(language: Language, person: PersonRow, mine: bool) -> str:
    """The question for the joining date, with the one recorded if any."""
    text = (
        t(language, "members.ask")
        if mine
        else t(language, "members.ask_of", name=person.display_name)
    )
    if person.party_joined_on is not None:
        current = t(language, "members.ask_current", day=day_text(language, person.party_joined_on))
        text = f"{text}\n{current}"
    return text


def done(language: Language, person: PersonRow, mine: bool) -> str:
    """The date is kept (or cleared)."""
    joined = person.party_joined_on
    if joined is None:
        key = "members.cleared" if mine else "members.cleared_of"
        return t(language, key, name=person.display_name)
    key = "members.done" if mine else "members.done_of"
    return t(language, key, name=person.display_name, day=day_text(language, joined))
