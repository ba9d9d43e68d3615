"""Every text the bot sends, rendered in the person's language.

Catalog texts are Telegram HTML; values put into them (names, titles, typed
answers) are escaped here, so nothing a person types can change formatting.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.community.notices import EVERYONE
from bot.community.register import ChatKind, CommunityStatus, Role
from bot.config import Grid, Language
from bot.deliberation.carrying import CarryingStatus, RatingSummary
from bot.deliberation.desk import MatterHistory
from bot.deliberation.discussion import ThreadPage
from bot.deliberation.ledger import Cell, Sheet
from bot.deliberation.sittings import Minutes, MinutesItem
from bot.deliberation.voting import VoteSetup, option_labels
from bot.i18n import DEFAULT_LANGUAGE, catalog, translate, translate_html
from bot.runtime.scheduler import UpcomingPage, schedule_title, spoken_time
from bot.volunteering.service import (
    ActivityDraft,
    ActivityState,
    DutyScreen,
    HoursSummary,
    KioskEntry,
    MonthlyReport,
    ReviewItem,
    hours_text,
)
from storage.community.chats import ChatRow
from storage.community.people import PersonRow
from storage.deliberation.carrying import ReferralRow
from storage.deliberation.matters import UNFINISHED_STAGES, MatterEventRow, MatterRow
from storage.deliberation.votes import ConventionRow, VoteRow
from storage.volunteering.repository import ActivityRow, DutyRow, HoursRow, UnitRow

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
            lines.append(t(language, "upcoming.line", number=number, title=title, when=when))
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


def matter_line(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """One matter in ``/matters``."""
    if matter.stage not in ("raised", "agenda"):
        return t(language, "matters.plain_line", number=matter.id, title=matter.title)
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
    for stage in UNFINISHED_STAGES:
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
    language: Language,
    title: str,
    details: str,
    similar: tuple[MatterRow, ...],
    photo: str | None = None,
) -> str:
    """The confirm step of the raise form, with near-duplicates pointed out."""
    lines = [t(language, "raise.preview", title=title, details=details)]
    lines.append(t(language, "raise.photo_attached" if photo else "raise.photo_hint"))
    if similar:
        lines.append(t(language, "raise.similar"))
        lines.extend(
            t(language, "raise.similar_line", number=row.id, title=row.title) for row in similar
        )
    return "\n".join(lines)


def vote_setup(language: Language, setup: VoteSetup, closes_at: datetime, tz: ZoneInfo) -> str:
    """The vote settings screen."""
    options = (
        t(language, "vote.setup_options", options=" / ".join(setup.options) or "—")
        if setup.kind != "yes_no"
        else ""
    )
    amends = (
        t(language, "vote.setup_amends", number=setup.amends.id, title=setup.amends.title)
        if setup.amends is not None
        else ""
    )
    return translate(
        language,
        "vote.setup",
        number=html.escape(str(setup.matter.id)),
        title=html.escape(setup.matter.title),
        kind=html.escape(translate(language, f"vote.kind.{setup.kind}")),
        options=options,
        mode=html.escape(
            translate(language, "vote.mode.anonymous" if setup.anonymous else "vote.mode.public")
        ),
        hours=setup.close_hours,
        closes=local_time(closes_at, tz),
        quorum=setup.quorum,
        threshold=html.escape(translate(language, f"vote.threshold.{setup.threshold}")),
        convention=html.escape(
            translate(language, "vote.yes_no.yes" if setup.convention else "vote.yes_no.no")
        ),
        amends=amends,
    )


def conventions(
    language: Language, rows: list[tuple[ConventionRow, VoteRow | None]], tz: ZoneInfo
) -> str:
    """The conventions register: those in force with the vote that adopted them, then the
    amended ones."""
    if not rows:
        return t(language, "conventions.empty")
    lines = [t(language, "conventions.title")]
    for convention, vote in rows:
        if convention.superseded_by is not None:
            lines.append(
                t(
                    language,
                    "conventions.superseded",
                    number=convention.id,
                    title=convention.title,
                    by=convention.superseded_by,
                )
            )
            continue
        counts = ""
        if vote is not None and vote.tally is not None:
            counts = "、".join(
                translate(language, "vote.count_phrase", label=label, count=count)
                for label, count in zip(
                    option_labels(vote, language), vote.tally["counts"], strict=True
                )
            )
        entry = t(
            language,
            "conventions.entry",
            number=convention.id,
            title=convention.title,
            adopted=convention.adopted_at.astimezone(tz).strftime("%Y-%m-%d"),
            counts=counts,
            text=convention.text,
        )
        if convention.amends is not None:
            entry += "\n" + t(language, "conventions.amends", number=convention.amends)
        lines.append(entry)
    return "\n\n".join(lines)


# --- a matter's history, its discussion --------------------------------

#: Characters of history lines /matter N shows at most (the newest are kept).
HISTORY_BUDGET = 2400


def stage_name(language: Language, stage: str) -> str:
    """A matter's stage as people say it."""
    return translate(language, f"matter.stage_name.{stage}")


def _event_value(language: Language, name: str, value: object, tz: ZoneInfo) -> object:
    """A detail of a history step made readable: forums, results and stages named, times
    local."""
    if name == "forum" and isinstance(value, str):
        return translate(language, f"matter.forum.{value}")
    if name == "result" and isinstance(value, str):
        return translate(language, f"vote.result.{value}")
    if name == "stage" and isinstance(value, str):
        return stage_name(language, value)
    if name == "threshold" and isinstance(value, str):
        return translate(language, f"vote.threshold.{value}")
    if name == "anonymous" and isinstance(value, bool):
        return translate(language, "vote.mode.anonymous" if value else "vote.mode.public")
    if (name == "at" or name.endswith("_at")) and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value), tz)
        except ValueError:
            return value
    return value


def matter_event(
    language: Language, event: MatterEventRow, names: dict[int, str], tz: ZoneInfo
) -> str:
    """One step of a matter's history, from the catalog key ``matter.event.<kind>``.

    Every detail of the step is a placeholder (escaped); ``when`` and ``who``
    are always there. A kind without a catalog text (or whose text wants a
    detail the step lacks) falls back to a generic line.
    """
    when = local_time(event.at, tz)
    if event.actor_id is None:
        who = translate(language, "history.nobody")
    else:
        who = names.get(event.actor_id) or translate(language, "discuss.former_resident")
    params: dict[str, object] = {
        name: _event_value(language, name, value, tz) for name, value in event.detail.items()
    }
    params.update(when=when, who=who)
    key = f"matter.event.{event.kind}"
    if key in catalog(DEFAULT_LANGUAGE):
        try:
            return t(language, key, **params)
        except (KeyError, IndexError, ValueError):
            pass  # a step recorded without a detail its text needs
    return t(language, "history.generic", when=when, kind=event.kind)


def matter_status(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """Where the matter stands, in one line (a withdrawn one with its reason)."""
    if matter.stage == "withdrawn":
        return t(language, "history.withdrawn", reason=matter.withdrawn_reason or "")
    if matter.stage == "merged":
        return t(language, "history.merged", number=matter.merged_into or 0)
    if matter.stage in ("raised", "agenda"):
        return matter_line(language, matter, threshold, tz)
    return t(language, "history.stage", stage=stage_name(language, matter.stage))


def matter_page(language: Language, history: MatterHistory, threshold: int, tz: ZoneInfo) -> str:
    """What ``/matter N`` shows: the matter, where it stands, and its whole history."""
    matter = history.matter
    lines = [
        t(language, "matter.detail", number=matter.id, title=matter.title, details=matter.details),
        t(language, "matter.raised_on", when=local_time(matter.created_at, tz)),
        matter_status(language, matter, threshold, tz),
    ]
    if history.merged:
        numbers = ", ".join(f"#{number}" for number in history.merged)
        lines.append(t(language, "history.merged_from", numbers=numbers))
    lines.append(t(language, "history.comments", count=matter.comments))
    steps = [matter_event(language, event, history.names, tz) for event in history.events]
    shown: list[str] = []
    used = 0
    for step in reversed(steps):  # the newest steps are kept when the history is long
        if shown and used + len(step) > HISTORY_BUDGET:
            break
        shown.append(step)
        used += len(step) + 1
    shown.reverse()
    lines.extend(["", t(language, "history.title")])
    if len(shown) < len(steps):
        lines.append(t(language, "history.earlier", count=len(steps) - len(shown)))
    lines.extend(shown)
    return "\n".join(lines)


def thread_page(language: Language, page: ThreadPage, tz: ZoneInfo) -> str:
    """One page of a matter's discussion; hidden comments show as hidden, with the reason."""
    matter = page.matter
    lines = [
        t(
            language,
            "discuss.title",
            number=matter.id,
            title=matter.title,
            page=page.page + 1,
            pages=page.pages,
            count=matter.comments,
        )
    ]
    if not page.entries:
        lines.append(t(language, "discuss.empty_thread", number=matter.id))
    for position, comment in page.entries:
        if comment.hidden:
            lines.append(
                t(
                    language,
                    "discuss.hidden_line",
                    position=position,
                    reason=comment.hidden_reason or "",
                )
            )
        else:
            lines.append(
                t(
                    language,
                    "discuss.line",
                    position=position,
                    author=comment.author or translate(language, "discuss.former_resident"),
                    when=local_time(comment.created_at, tz),
                    text=comment.text,
                )
            )
    return "\n\n".join(lines)


# --- Sittings and minutes ------------------------------------------------------------

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
        return translate(language, f"vote.option.{option}")
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


# --- carrying out, referrals, supervision, ratings ---------------------


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


def vote_summary(language: Language, vote: VoteRow, tz: ZoneInfo) -> str:
    """A vote on a matter, for /matter N: open until when, or its result with the tally."""
    if vote.is_open:
        return t(language, "vote.summary_open", closes=local_time(vote.closes_at, tz))
    counts = (vote.tally or {}).get("counts", [])
    tally = "、".join(
        translate(language, "vote.count_phrase", label=label, count=count)
        for label, count in zip(option_labels(vote, language), counts, strict=False)
    )
    return t(
        language,
        "vote.summary_closed",
        result=translate(language, f"vote.result.{vote.result}"),
        tally=tally,
        voters=vote.voters or 0,
        quorum=vote.quorum,
        mode=translate(language, "vote.mode.anonymous" if vote.anonymous else "vote.mode.public"),
    )


# --- volunteer service (志愿者打卡) --------------------------------------------


def vol_when(activity: ActivityRow, tz: ZoneInfo) -> str:
    """An activity's time: 11-28 09:00–11:00."""
    start = activity.starts_at.astimezone(tz)
    return f"{start:%m-%d %H:%M}–{activity.ends_at.astimezone(tz):%H:%M}"


def vol_new_prompt(language: Language, draft: ActivityDraft, unit: str | None, tz: ZoneInfo) -> str:
    """The question of the draft's current step, or its settings screen."""
    if draft.step != "settings":
        return t(language, f"vol.new.ask_{draft.step}")
    start = draft.starts_at.astimezone(tz) if draft.starts_at else None
    end = draft.ends_at.astimezone(tz) if draft.ends_at else None
    when = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if start and end else "—"
    recurrence = plain(language, f"vol.recurrence.{draft.recurrence}")
    if draft.recurrence == "dates" and draft.dates:
        recurrence += " " + " ".join(f"{day:%m-%d}" for day in draft.dates)
    on, off = plain(language, "vol.on"), plain(language, "vol.off")
    return t(
        language,
        "vol.new.settings",
        title=draft.title,
        when=when,
        place=draft.place,
        venue=plain(language, "vol.new.venue_set" if draft.latitude is not None else "vol.none"),
        capacity=draft.capacity,
        by_location=on if draft.by_location else off,
        radius=draft.radius_m,
        by_code=on if draft.by_code else off,
        audience=plain(language, f"vol.audience.{draft.audience}", unit=unit or ""),
        recurrence=recurrence,
    )


def vol_activity_line(language: Language, state: ActivityState, tz: ZoneInfo) -> str:
    """One activity in a list, with its counts."""
    a = state.activity
    return t(
        language,
        "vol.list_line",
        number=a.id,
        title=a.title,
        when=vol_when(a, tz),
        place=a.place,
        signed=state.signed,
        capacity=a.capacity,
        waiting=state.waiting,
    )


def vol_activities(language: Language, states: list[ActivityState], tz: ZoneInfo) -> str:
    """/activities: the upcoming activities."""
    if not states:
        return t(language, "vol.list_empty")
    lines = [vol_activity_line(language, state, tz) for state in states]
    return t(language, "vol.list_title") + "\n\n" + "\n\n".join(lines)


def vol_my(language: Language, rows: list[tuple[ActivityRow, str]], tz: ZoneInfo) -> str:
    """/my: the person's sign-ups."""
    if not rows:
        return t(language, "vol.my_empty")
    lines = [
        t(
            language,
            f"vol.my_line_{state}",
            number=a.id,
            title=a.title,
            when=vol_when(a, tz),
            place=a.place,
        )
        for a, state in rows
    ]
    return t(language, "vol.my_title") + "\n" + "\n".join(lines)


def vol_kiosk(language: Language, activity: ActivityRow, entries: list[KioskEntry]) -> str:
    """The kiosk screen: who is signed up and whether they are in."""
    lines = []
    for entry in entries:
        if entry.checkin is None:
            key = "vol.kiosk_absent"
        elif entry.checkin.checked_out_at is None:
            key = "vol.kiosk_in"
        else:
            key = "vol.kiosk_out"
        lines.append(t(language, key, name=entry.signup.display_name))
    return t(
        language,
        "vol.kiosk",
        title=activity.title,
        lines="\n".join(lines) or t(language, "vol.none"),
    )


def vol_review(language: Language, items: list[ReviewItem], tz: ZoneInfo) -> str:
    """Check-ins waiting for review."""
    if not items:
        return t(language, "vol.review_empty")
    lines = [
        t(
            language,
            "vol.review_line",
            number=item.checkin.id,
            name=item.name,
            title=item.activity.title,
            checked_in=local_time(item.checkin.checked_in_at, tz)[5:],
            hours=hours_text(item.checkin.minutes or 0),
        )
        for item in items
    ]
    return t(language, "vol.review_title") + "\n" + "\n".join(lines)


def vol_hours(language: Language, summary: HoursSummary) -> str:
    """/hours: month, year, all time, milestones."""
    text = t(
        language,
        "vol.hours",
        month=hours_text(summary.month),
        year=hours_text(summary.year),
        total=hours_text(summary.total),
    )
    if summary.reached is not None:
        text += "\n" + t(language, "vol.milestone_reached", hours=summary.reached)
    if summary.next_milestone is not None:
        left = summary.next_milestone * 60 - summary.total
        text += "\n" + t(
            language, "vol.milestone_next", hours=summary.next_milestone, left=hours_text(left)
        )
    return text


def vol_report(language: Language, report: MonthlyReport) -> str:
    """The monthly report as a table: per volunteer, then per unit."""
    people = "\n".join(
        t(
            language,
            "vol.report_row",
            name=row.name,
            hours=hours_text(row.minutes),
            records=row.records,
        )
        for row in report.people
    )
    units = "\n".join(
        t(
            language,
            "vol.report_row",
            name=row.name,
            hours=hours_text(row.minutes),
            records=row.records,
        )
        for row in report.units
    )
    none = t(language, "vol.none")
    return t(
        language,
        "vol.report",
        month=f"{report.month:%Y-%m}",
        total=hours_text(report.total_minutes),
        people=people or none,
        units=units or none,
    )


def vol_report_sheets(language: Language, report: MonthlyReport) -> list[Sheet]:
    """The monthly report as sheets for CSV and Excel (minutes and hours)."""
    headers = (
        plain(language, "vol.col.name"),
        plain(language, "vol.col.minutes"),
        plain(language, "vol.col.hours"),
        plain(language, "vol.col.records"),
    )

    def rows(items: list[HoursRow]) -> tuple[tuple[Cell, ...], ...]:
        return tuple((r.name, r.minutes, hours_text(r.minutes), r.records) for r in items)

    return [
        Sheet("volunteers", plain(language, "vol.sheet.people"), headers, rows(report.people)),
        Sheet("units", plain(language, "vol.sheet.units"), headers, rows(report.units)),
    ]


def vol_rota(language: Language, units: list[UnitRow], duties: list[DutyRow]) -> str:
    """/rota: planned duty days and the units in rotation order."""
    planned = "\n".join(
        t(language, "vol.rota_duty", day=d.day, unit=d.unit_name) for d in duties
    ) or t(language, "vol.none")
    order = "\n".join(
        t(
            language,
            "vol.rota_unit_skip" if u.skip_next else "vol.rota_unit",
            position=i + 1,
            unit=u.name,
            last=u.last_duty_on or "—",
        )
        for i, u in enumerate(units)
    ) or t(language, "vol.none")
    return t(language, "vol.rota", planned=planned, order=order)


def vol_duty(language: Language, screen: DutyScreen) -> str:
    """/duty for a unit's contact."""
    duty = (
        t(language, "vol.duty_next", day=screen.duty.day)
        if screen.duty
        else t(language, "vol.duty_none")
    )
    skip = t(language, "vol.duty_skip_on" if screen.unit.skip_next else "vol.duty_skip_off")
    return t(language, "vol.duty", unit=screen.unit.name, duty=duty, skip=skip)
