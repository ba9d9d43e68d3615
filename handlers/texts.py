"""Every text the bot sends, rendered in the person's language.

Catalog texts are Telegram HTML; values put into them (names, titles, typed
answers) are escaped here, so nothing a person types can change formatting.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.community import ChatKind, CommunityStatus, Role
from bot.config import Grid, Language
from bot.i18n import translate, translate_html
from bot.notices import EVERYONE
from bot.scheduling import schedule_title
from bot.sittings import Minutes, MinutesItem
from storage.chats import ChatRow
from storage.matters import MatterRow
from storage.people import PersonRow
from storage.schedules import ScheduleRow

LANGUAGE_NAMES = {Language.ZH_HANS: "中文", Language.EN: "English"}


def t(lang: Language, key: str, /, **params: object) -> str:
    """The catalog text ``key``, with every parameter HTML-escaped."""
    return translate_html(lang, key, **params)


def plain(lang: Language, key: str, /, **params: object) -> str:
    """A catalog text for places that show no HTML (button labels, alerts)."""
    return translate(lang, key, **params)


def role_name(language: Language, role: Role | str) -> str:
    """The role as people call it."""
    return translate(language, f"role.{Role(role).value}")


def kind_name(language: Language, kind: ChatKind | str) -> str:
    """The kind of group chat as people call it."""
    return translate(language, f"chat_kind.{ChatKind(kind).value}")


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as the community reads it: 2026-11-22 15:03."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def roles_text(language: Language, roles: frozenset[str]) -> str:
    """The roles a person holds, in the canonical order, or "none"."""
    held = [role_name(language, role) for role in Role if role.value in roles]
    return translate(language, "list_separator").join(held) if held else t(language, "me.no_roles")


def grid_name(grids: list[Grid], grid_id: str | None, language: Language) -> str:
    """The configured name of a grid id."""
    for grid in grids:
        if grid.id == grid_id:
            return grid.name
    return translate(language, "me.unknown") if grid_id is None else grid_id


def me(language: Language, person: PersonRow, grids: list[Grid], tz: ZoneInfo) -> str:
    """What ``/me`` shows: everything the register holds about the person."""
    unknown = translate(language, "me.unknown")
    return t(
        language,
        "me.card",
        name=person.display_name,
        building=person.building or unknown,
        grid=grid_name(grids, person.grid_id, language),
        language=LANGUAGE_NAMES[Language(person.language)],
        roles=roles_text(language, person.roles),
        username=(
            f"@{person.tg_username}"
            if person.tg_username
            else translate(language, "me.no_username")
        ),
        registered=local_time(person.registered_at, tz),
        consented=local_time(person.consent_at, tz),
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
        grid=grid_name(grids, person.grid_id, language),
        roles=roles_text(language, person.roles),
    )


def person_label(person: PersonRow) -> str:
    """A short button label for a person: name, and building if known."""
    return f"{person.display_name} · {person.building}" if person.building else person.display_name


def upcoming(language: Language, rows: list[ScheduleRow], tz: ZoneInfo) -> str:
    """What ``/upcoming`` shows: each schedule with its next due time, paused ones marked."""
    if not rows:
        return t(language, "upcoming.empty")
    lines = [t(language, "upcoming.title")]
    for number, row in enumerate(rows, start=1):
        title = schedule_title(row, language)
        if not row.enabled:
            lines.append(t(language, "upcoming.paused_line", number=number, title=title))
        elif row.next_due_at is not None:
            when = local_time(row.next_due_at, tz)
            lines.append(t(language, "upcoming.line", number=number, title=title, when=when))
    return "\n".join(lines)


def audience_name(language: Language, audience: str) -> str:
    """Who a notice goes to, as people say it."""
    if audience == EVERYONE:
        return translate(language, "notify.everyone")
    return translate(language, "notify.role_audience", role=role_name(language, audience))


def matter_line(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """One matter in ``/matters``."""
    if matter.stage == "agenda" and matter.agenda_at is not None:
        return t(
            language,
            "matters.agenda_line",
            number=matter.id,
            title=matter.title,
            when=local_time(matter.agenda_at, tz),
            forum=translate(language, f"matter.forum.{matter.agenda_forum}"),
        )
    return t(
        language,
        "matters.raised_line",
        number=matter.id,
        title=matter.title,
        supports=matter.supports,
        threshold=threshold,
    )


def matters(language: Language, rows: list[MatterRow], threshold: int, tz: ZoneInfo) -> str:
    """What ``/matters`` shows: open matters by stage."""
    if not rows:
        return t(language, "matters.empty")
    lines = [t(language, "matters.title")]
    for stage in ("agenda", "raised"):
        staged = [row for row in rows if row.stage == stage]
        if staged:
            lines.append(t(language, f"matters.stage.{stage}"))
            lines.extend(matter_line(language, row, threshold, tz) for row in staged)
    return "\n".join(lines)


def matter_detail(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """What ``/matter N`` shows."""
    return "\n".join(
        [
            t(
                language,
                "matter.detail",
                number=matter.id,
                title=matter.title,
                details=matter.details,
            ),
            t(language, "matter.raised_on", when=local_time(matter.created_at, tz)),
            matter_line(language, matter, threshold, tz),
        ]
    )


def raise_preview(
    language: Language, title: str, details: str, similar: tuple[MatterRow, ...]
) -> str:
    """The confirm step of the raise form, with near-duplicates pointed out."""
    lines = [t(language, "raise.preview", title=title, details=details)]
    if similar:
        lines.append(t(language, "raise.similar"))
        lines.extend(
            t(language, "raise.similar_line", number=row.id, title=row.title) for row in similar
        )
    return "\n".join(lines)


# --- Sittings and minutes (helper C) ------------------------------------------------------------

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = 4096


def split_message(
    lines: list[str], limit: int = MESSAGE_LIMIT, *, escaped: bool = True
) -> list[str]:
    """Join ``lines`` into messages of at most ``limit`` characters, cut at line boundaries.

    With ``escaped``, a line is measured as it will be sent (HTML-escaped). A
    single line longer than the limit is cut hard.
    """

    def size(text: str) -> int:
        return len(html.escape(text)) if escaped else len(text)

    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        while size(line) > limit:
            cut = limit
            while size(line[:cut]) > limit:
                cut -= 1
            if current:
                chunks.append("\n".join(current))
                current, used = [], 0
            chunks.append(line[:cut])
            line = line[cut:]
        extra = size(line) + (1 if current else 0)
        if current and used + extra > limit:
            chunks.append("\n".join(current))
            current, used = [], 0
            extra = size(line)
        current.append(line)
        used += extra
    if current:
        chunks.append("\n".join(current))
    return chunks


def vote_option_name(language: Language, kind: str, option: str) -> str:
    """A vote option as people call it: yes/no/abstain translated, other labels as written."""
    if kind == "yes_no":
        return translate(language, f"sittings.option.{option}")
    return option


def _minutes_item_lines(language: Language, item: MinutesItem) -> list[str]:
    lines = [
        plain(
            language,
            "sittings.minutes_item",
            number=item.number,
            title=item.title,
            stage=translate(language, f"sittings.stage.{item.stage}"),
        ),
        plain(language, "sittings.minutes_facts", supports=item.supports, comments=item.comments),
    ]
    vote = item.vote
    if vote is not None:
        separator = translate(language, "list_separator")
        tally = separator.join(
            plain(
                language,
                "sittings.minutes_tally_part",
                option=vote_option_name(language, vote.kind, option),
                count=count,
            )
            for option, count in zip(vote.options, vote.counts, strict=False)
        )
        key = "sittings.minutes_vote_anonymous" if vote.anonymous else "sittings.minutes_vote"
        result = translate(language, f"sittings.result.{vote.result}") if vote.result else "—"
        lines.append(plain(language, key, result=result, voters=vote.voters, tally=tally))
    if item.resolution:
        lines.append(plain(language, "sittings.minutes_resolution", text=item.resolution))
    return lines


def minutes_lines(language: Language, minutes: Minutes, tz: ZoneInfo) -> list[str]:
    """The minutes of one sitting as plain-text lines (escape them before sending as HTML)."""
    start = minutes.starts_at.astimezone(tz)
    not_yet = translate(language, "sittings.minutes_not_yet")
    lines = [
        plain(
            language,
            "sittings.minutes_title",
            forum=translate(language, f"matter.forum.{minutes.forum}"),
            date=f"{start:%Y-%m-%d}",
            time=f"{start:%H:%M}",
        ),
        plain(
            language,
            "sittings.minutes_times",
            opened=f"{minutes.opened_at.astimezone(tz):%H:%M}" if minutes.opened_at else not_yet,
            closed=f"{minutes.closed_at.astimezone(tz):%H:%M}" if minutes.closed_at else not_yet,
        ),
        "",
        plain(language, "sittings.minutes_agenda"),
    ]
    if not minutes.agenda:
        lines.append(plain(language, "sittings.minutes_agenda_empty"))
    for item in minutes.agenda:
        lines.extend(_minutes_item_lines(language, item))
    if minutes.raised:
        lines.extend(["", plain(language, "sittings.minutes_raised")])
        for item in minutes.raised:
            lines.extend(_minutes_item_lines(language, item))
    if minutes.notes:
        lines.extend(["", plain(language, "sittings.minutes_notes", notes=minutes.notes)])
    return lines


def minutes_messages(minutes: Minutes, language: Language, tz: ZoneInfo) -> list[str]:
    """The minutes as plain-text messages, each within Telegram's limit once escaped.

    This is the renderer the composition root hands to SittingService for the
    minutes it posts at a sitting's close.
    """
    return split_message(minutes_lines(language, minutes, tz))


def minutes_html(language: Language, minutes: list[Minutes], tz: ZoneInfo) -> list[str]:
    """/minutes: the minutes of one or more sittings as HTML messages (all text escaped)."""
    lines: list[str] = []
    for index, one in enumerate(minutes):
        if index:
            lines.append("")
        lines.extend(minutes_lines(language, one, tz))
    return [html.escape(chunk) for chunk in split_message(lines)]
