"""Texts of deliberation.

Matters, votes, a matter's history and discussion, carrying out (the minutes: minutes_texts.py).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.forums import forum_name
from bot.config import Grid, Language
from bot.deliberation.carrying.rules import CarryingStatus, RatingSummary
from bot.deliberation.desk import MatterHistory
from bot.deliberation.discussion import ThreadPage
from bot.deliberation.raising import MatterListPage
from bot.deliberation.voting.electorate import HOUSEHOLDS, describe, turnout
from bot.deliberation.voting.rules import option_labels
from bot.deliberation.voting.setup import VoteSetup
from bot.i18n import DEFAULT_LANGUAGE, catalog, translate
from handlers.texts import (
    local_time,
    t,
)
from storage.community.people import PersonRow
from storage.deliberation.carrying import ReferralRow
from storage.deliberation.matters import UNFINISHED_STAGES, MatterEventRow, MatterRow
from storage.deliberation.votes import ConventionRow, VoteRow


def matter_line(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """One matter in ``/matters``."""
    if matter.stage not in ("raised", "agenda"):
        return t(language, "matters.plain_line", number=matter.number, title=matter.title)
    if matter.stage == "agenda" and matter.agenda_at is not None:
        return t(
            language,
            "matters.agenda_line",
            number=matter.number,
            title=matter.title,
            when=local_time(matter.agenda_at, tz, language),
            forum=forum_name(language, matter.agenda_forum),
        )
    return t(
        language,
        "matters.raised_line",
        number=matter.number,
        title=matter.title,
        supports=matter.supports,
        threshold=threshold,
    )


def matters(language: Language, page: MatterListPage, threshold: int, tz: ZoneInfo) -> str:
    """What ``/matters`` shows: a page of open matters by stage, and where to press."""
    if not page.matters:
        return t(language, "matters.empty")
    title = t(language, "matters.title")
    if page.pages > 1:
        title += t(language, "matters.page", page=page.page + 1, pages=page.pages)
    lines = [title]
    for stage in UNFINISHED_STAGES:
        staged = [row for row in page.matters if row.stage == stage]
        if staged:
            lines.append(t(language, f"matters.stage.{stage}"))
            lines.extend(matter_line(language, row, threshold, tz) for row in staged)
    lines.append(t(language, "matters.hint"))
    return "\n".join(lines)


def matter_detail(language: Language, matter: MatterRow, threshold: int, tz: ZoneInfo) -> str:
    """What ``/matter N`` shows."""
    return "\n".join(
        [
            t(
                language,
                "matter.detail",
                number=matter.number,
                title=matter.title,
                details=matter.details,
            ),
            t(language, "matter.raised_on", when=local_time(matter.created_at, tz, language)),
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
            t(language, "raise.similar_line", number=row.number, title=row.title) for row in similar
        )
    return "\n".join(lines)


def vote_setup(
    language: Language,
    setup: VoteSetup,
    closes_at: datetime,
    tz: ZoneInfo,
    grids: Sequence[Grid] = (),
) -> str:
    """The vote settings screen."""
    options = (
        t(language, "vote.setup_options", options=" / ".join(setup.options) or "—")
        if setup.kind != "yes_no"
        else ""
    )
    amends = (
        t(language, "vote.setup_amends", number=setup.amends.number, title=setup.amends.title)
        if setup.amends is not None
        else ""
    )
    return translate(
        language,
        "vote.setup",
        number=html.escape(str(setup.matter.number)),
        title=html.escape(setup.matter.title),
        kind=html.escape(translate(language, f"vote.kind.{setup.kind}")),
        options=options,
        mode=html.escape(
            translate(language, "vote.mode.anonymous" if setup.anonymous else "vote.mode.public")
        ),
        hours=setup.close_hours,
        closes=local_time(closes_at, tz, language),
        quorum=setup.quorum,
        capped=(
            t(language, "vote.setup_quorum_capped", eligible=setup.eligible)
            if setup.quorum > setup.eligible
            else ""
        ),
        threshold=html.escape(translate(language, f"vote.threshold.{setup.threshold}")),
        convention=html.escape(
            translate(language, "vote.yes_no.yes" if setup.convention else "vote.yes_no.no")
        ),
        amends=amends,
        electorate=html.escape(
            translate(
                language,
                "vote.setup_electorate_households"
                if setup.electorate == HOUSEHOLDS
                else "vote.setup_electorate",
                who=describe(setup.electorate, setup.buildings, setup.grid, grids, language),
                eligible=setup.eligible,
            )
        ),
    )


def vote_buildings(language: Language, setup: VoteSetup) -> str:
    """The buildings screen: tick those whose residents may vote."""
    separator = translate(language, "list_separator")
    return t(
        language,
        "vote.ask_buildings",
        chosen=separator.join(setup.buildings) or "—",
        eligible=setup.eligible,
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
                    number=convention.number,
                    title=convention.title,
                    by=convention.superseded_by_number,
                )
            )
            continue
        counts = ""
        if vote is not None and vote.tally is not None:
            counts = translate(language, "list_separator").join(
                translate(language, "vote.count_phrase", label=label, count=count)
                for label, count in zip(
                    option_labels(vote, language), vote.tally["counts"], strict=True
                )
            )
        entry = t(
            language,
            "conventions.entry",
            number=convention.number,
            title=convention.title,
            adopted=spoken.day(language, convention.adopted_at.astimezone(tz).date()),
            counts=counts,
            text=convention.text,
        )
        if convention.amends_number is not None:
            entry += "\n" + t(language, "conventions.amends", number=convention.amends_number)
        lines.append(entry)
    return "\n\n".join(lines)


#: Characters of history lines /matter N shows at most (the newest are kept).
HISTORY_BUDGET = 2400


def stage_name(language: Language, stage: str) -> str:
    """A matter's stage as people say it."""
    return translate(language, f"matter.stage_name.{stage}")


#: Details of a history step that count something, and what they count.
_COUNTED = {"supports": "residents", "moved": "supports"}


def _event_value(
    language: Language, name: str, value: object, tz: ZoneInfo, today: date | None = None
) -> object:
    """A detail of a history step made readable: forums, results and stages named, times
    local."""
    if name == "forum" and isinstance(value, str):
        return forum_name(language, value)
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
            return local_time(datetime.fromisoformat(value), tz, language, today)
        except ValueError:
            return value
    if name in _COUNTED and isinstance(value, int):
        return spoken.count(language, _COUNTED[name], value)
    if name == "due" and isinstance(value, str) and value:
        try:  # stored as the local date, YYYY-MM-DD
            return spoken.day(language, date.fromisoformat(value), today)
        except ValueError:
            return value
    return value


def matter_event(
    language: Language,
    event: MatterEventRow,
    names: dict[int, str],
    tz: ZoneInfo,
    today: date | None = None,
) -> str:
    """One step of a matter's history, from the catalog key ``matter.event.<kind>``.

    Every detail of the step is a placeholder (escaped); ``when`` and ``who``
    are always there. A kind without a catalog text (or whose text wants a
    detail the step lacks) falls back to a generic line.
    """
    when = local_time(event.at, tz, language, today)
    if event.actor_id is None:
        who = translate(language, "history.nobody")
    else:
        who = names.get(event.actor_id) or translate(language, "discuss.former_resident")
    params: dict[str, object] = {
        name: _event_value(language, name, value, tz, today) for name, value in event.detail.items()
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
        return t(language, "history.merged", number=matter.merged_into_number or 0)
    if matter.stage in ("raised", "agenda"):
        return matter_line(language, matter, threshold, tz)
    return t(language, "history.stage", stage=stage_name(language, matter.stage))


def matter_page(
    language: Language,
    history: MatterHistory,
    threshold: int,
    tz: ZoneInfo,
    today: date | None = None,
) -> str:
    """What ``/matter N`` shows: the matter, where it stands, and its whole history."""
    matter = history.matter
    lines = [
        t(
            language,
            "matter.detail",
            number=matter.number,
            title=matter.title,
            details=matter.details,
        ),
        t(language, "matter.raised_on", when=local_time(matter.created_at, tz, language)),
        matter_status(language, matter, threshold, tz),
    ]
    if history.merged:
        numbers = ", ".join(f"#{number}" for number in history.merged)
        lines.append(t(language, "history.merged_from", numbers=numbers))
    lines.append(
        t(language, "history.comments", count=spoken.count(language, "comments", matter.comments))
    )
    steps = [matter_event(language, event, history.names, tz, today) for event in history.events]
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
            number=matter.number,
            title=matter.title,
            page=page.page + 1,
            pages=page.pages,
            count=spoken.count(language, "comments", matter.comments),
        )
    ]
    if not page.entries:
        lines.append(t(language, "discuss.empty_thread", number=matter.number))
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
                    when=local_time(comment.created_at, tz, language),
                    text=comment.text,
                )
            )
    return "\n\n".join(lines)


def vote_option_name(language: Language, kind: str, option: str) -> str:
    """A vote option as people call it: yes/no/abstain translated, other labels as written."""
    if kind == "yes_no":
        return translate(language, f"vote.option.{option}")
    return option


def owner_label(language: Language, owner_kind: str | None, owner_name: str | None) -> str:
    """Who carries a matter out: the resident's, team's or unit's name, or "the committee"."""
    if owner_kind == "committee" or not owner_name:
        return translate(language, "carry.committee")
    return owner_name


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def referrals(
    language: Language,
    rows: list[ReferralRow],
    tz: ZoneInfo,
    today: date | None = None,
    numbers: Mapping[int, int] | None = None,
) -> str:
    """/referrals: the open referrals, oldest first (``numbers``: each matter's #, by id)."""
    if not rows:
        return t(language, "carry.no_referrals")
    lines = [t(language, "carry.referrals_title")]
    for row in rows:
        due = (
            translate(
                language,
                "carry.referral_due",
                due=spoken.day(language, _local_day(row.due_at, tz), today),
            )
            if row.due_at
            else ""
        )
        lines.append(
            t(
                language,
                "carry.referral_line",
                number=(numbers or {}).get(row.matter_id, row.matter_id),
                title=row.matter_title,
                department=row.department,
                since=spoken.day(language, _local_day(row.referred_at, tz), today),
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
    today: date | None = None,
) -> str:
    """A supervision term: how it was formed, until when, and its members."""
    names = spoken.names(language, (p.display_name for p in members))
    return t(
        language,
        key,
        method=translate(language, f"carry.method_{method}"),
        until=spoken.day(language, _local_day(until, tz), today, relative=False),
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


def carrying_status(
    language: Language, status: CarryingStatus, tz: ZoneInfo, today: date | None = None
) -> str:
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
                due=spoken.day(language, _local_day(matter.due_at, tz), today)
                if matter.due_at
                else "",
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
        return t(language, "vote.summary_open", closes=local_time(vote.closes_at, tz, language))
    counts = (vote.tally or {}).get("counts", [])
    tally = translate(language, "list_separator").join(
        translate(language, "vote.count_phrase", label=label, count=count)
        for label, count in zip(option_labels(vote, language), counts, strict=False)
    )
    return t(
        language,
        "vote.summary_closed",
        result=translate(language, f"vote.result.{vote.result}"),
        tally=tally,
        voters=vote.voters or 0,
        turnout=turnout(language, vote.voters or 0, (vote.tally or {}).get("eligible")),
        quorum=vote.quorum,
        mode=translate(language, "vote.mode.anonymous" if vote.anonymous else "vote.mode.public"),
    )
