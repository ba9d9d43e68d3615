"""Every text the bot sends, rendered in the person's language.

Catalog texts are Telegram HTML; values put into them (names, titles, typed
answers) are escaped here, so nothing a person types can change formatting.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.carrying import CarryingStatus, RatingSummary
from bot.community import ChatKind, CommunityStatus, Role
from bot.config import Grid, Language
from bot.i18n import translate, translate_html
from bot.notices import EVERYONE
from bot.scheduling import schedule_title
from storage.carrying import ReferralRow
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


# --- carrying out, referrals, supervision, ratings (helper B) ---------------------


def owner_label(language: Language, owner_kind: str | None, owner_name: str | None) -> str:
    """Who carries a matter out: the resident's, team's or unit's name, or "the committee"."""
    if owner_kind == "committee" or not owner_name:
        return translate(language, "carry.committee")
    return owner_name


def referrals(language: Language, rows: list[ReferralRow], tz: ZoneInfo) -> str:
    """/referrals: the open referrals, oldest first."""
    if not rows:
        return t(language, "carry.no_referrals")
    lines = [t(language, "carry.referrals_title")]
    for row in rows:
        due = (
            translate(
                language, "carry.referral_due", due=row.due_at.astimezone(tz).strftime("%m-%d")
            )
            if row.due_at
            else ""
        )
        lines.append(
            t(
                language,
                "carry.referral_line",
                number=row.matter_id,
                title=row.matter_title,
                department=row.department,
                since=row.referred_at.astimezone(tz).strftime("%m-%d"),
                due=due,
            )
        )
    return "\n".join(lines)


def supervision_term(
    language: Language,
    key: str,
    method: str,
    until: datetime,
    members: list[PersonRow],
    tz: ZoneInfo,
) -> str:
    """A supervision term: how it was formed, until when, and its members."""
    names = translate(language, "list_separator").join(p.display_name for p in members)
    return t(
        language,
        key,
        method=translate(language, f"carry.method_{method}"),
        until=until.astimezone(tz).strftime("%Y-%m-%d"),
        names=names,
    )


def rating_summary(language: Language, summary: RatingSummary) -> str:
    """民意测评: the counts of each rating."""
    return t(
        language,
        "carry.ratings",
        satisfied=summary.satisfied,
        basically=summary.basically,
        unsatisfied=summary.unsatisfied,
    )


def carrying_status(language: Language, status: CarryingStatus, tz: ZoneInfo) -> str:
    """Lines for /matter N: owner, due date and progress; referrals; ratings (may be empty)."""
    matter = status.matter
    lines = []
    if matter.major:
        lines.append(t(language, "carry.status_major"))
    if matter.owner_kind is not None:
        lines.append(
            t(
                language,
                "carry.status_owner",
                owner=owner_label(language, matter.owner_kind, matter.owner_name),
                due=matter.due_at.astimezone(tz).strftime("%Y-%m-%d") if matter.due_at else "",
                progress=matter.progress,
            )
        )
    for referral in status.referrals:
        if referral.answered_at is None:
            lines.append(t(language, "carry.status_referral_open", department=referral.department))
        else:
            lines.append(
                t(
                    language,
                    "carry.status_referral_answered",
                    department=referral.department,
                    answer=referral.answer or "",
                )
            )
    if status.ratings.total:
        lines.append(rating_summary(language, status.ratings))
    return "\n".join(lines)
