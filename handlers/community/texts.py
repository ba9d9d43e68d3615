"""Texts of the community: /me, /status, a person's card, /upcoming, notices' audiences."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.community.calendar_notes import move_note
from bot.community.notices import EVERYONE
from bot.community.register import ChatKind, CommunityStatus
from bot.config import Grid, Language
from bot.i18n import translate
from bot.runtime.scheduler import UpcomingPage, schedule_title, spoken_time
from handlers.texts import (
    LANGUAGE_NAMES,
    grid_name,
    kind_name,
    local_time,
    role_name,
    roles_text,
    t,
)
from storage.community.chats import ChatRow
from storage.community.people import PersonRow


def me(language: Language, person: PersonRow, grids: list[Grid], tz: ZoneInfo) -> str:
    """What ``/me`` shows: everything the register holds about the person."""
    unknown = translate(language, "me.unknown")
    return t(
        language,
        "me.card",
        name=person.display_name,
        building=person.building or unknown,
        door=person.door or unknown,
        grid=grid_name(grids, person.grid_id, language),
        language=LANGUAGE_NAMES[Language(person.language)],
        roles=roles_text(language, person.roles),
        username=(
            f"@{person.tg_username}"
            if person.tg_username
            else translate(language, "me.no_username")
        ),
        registered=local_time(person.registered_at, tz, language),
        consented=local_time(person.consent_at, tz, language),
    )


def status(language: Language, state: CommunityStatus) -> str:
    """What ``/status`` shows: the community, its chats, people per role."""
    lines = [t(language, "status.title", name=state.name)]
    by_kind: dict[str, list[ChatRow]] = {}
    for chat in state.chats:
        by_kind.setdefault(chat.kind or "", []).append(chat)
    for kind in ChatKind:
        chats = by_kind.get(kind.value, [])
        if not chats:
            lines.append(t(language, "status.chat_unbound", kind=kind_name(language, kind)))
        for chat in chats:
            key = "status.chat" if chat.is_member else "status.chat_left"
            lines.append(t(language, key, kind=kind_name(language, kind), title=chat.title))
    lines.append(t(language, "status.people", count=state.people))
    counts = translate(language, "list_separator").join(
        f"{role_name(language, role)} {count}" for role, count in state.by_role.items()
    )
    lines.append(html.escape(counts))
    return "\n".join(lines)


def person_card(language: Language, person: PersonRow, grids: list[Grid]) -> str:
    """A person as a secretary sees them when managing roles."""
    unknown = translate(language, "me.unknown")
    return t(
        language,
        "people.card",
        name=person.display_name,
        building=person.building or unknown,
        door=person.door or unknown,
        grid=grid_name(grids, person.grid_id, language),
        roles=roles_text(language, person.roles),
    )


def upcoming(language: Language, page: UpcomingPage, tz: ZoneInfo) -> str:
    """What ``/upcoming`` shows: one page of schedules with their next due time, paused
    ones marked, and which page this is."""
    if not page.items:
        return t(language, "upcoming.empty")
    lines = [t(language, "upcoming.title")]
    for number, item in enumerate(page.items, start=page.first_number):
        title = schedule_title(item.row, language, item.facts)
        if not item.row.enabled:
            lines.append(t(language, "upcoming.paused_line", number=number, title=title))
        elif item.row.next_due_at is not None:
            when = spoken_time(item.row.next_due_at, tz, language)
            line = t(language, "upcoming.line", number=number, title=title, when=when)
            if item.event_day is not None:
                # 逢四说事开场 — 10月8日 周四 09:00（原定10月4日，因国庆节顺延）
                line += html.escape(move_note(item.moves, item.event_day, language))
            lines.append(line)
    lines.append("")
    lines.append(
        t(language, "upcoming.page", page=page.page + 1, pages=page.pages, count=page.total)
    )
    return "\n".join(lines)


def audience_name(language: Language, audience: str) -> str:
    """Who a notice goes to, as people say it."""
    if audience == EVERYONE:
        return translate(language, "notify.everyone")
    return translate(language, "notify.role_audience", role=role_name(language, audience))
