"""Texts of a sitting's minutes (会议记录): the committee's sections (时间, 地点, 主持人,
记录人, 出席; per matter 主要意见, 表决情况, 决议, 承办人, 办结期限) as one view that the
Telegram text and the .docx (minutes_document.py) are both made from."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.forums import forum_name
from bot.config import Language
from bot.deliberation.sittings import Minutes, MinutesItem, Opinion, VoteOutcome
from bot.deliberation.voting.electorate import ALL, scope_name, turnout
from bot.i18n import translate
from handlers.deliberation.texts import owner_label, vote_option_name
from handlers.texts import plain, split_message


def _minutes_paper_line(language: Language, vote: VoteOutcome) -> str:
    """Paper ballots of a vote in the minutes: apart from the online ones, with who counted."""
    separator = translate(language, "list_separator")
    paper = separator.join(
        plain(
            language,
            "sittings.minutes_tally_part",
            option=vote_option_name(language, vote.kind, option),
            count=count,
        )
        for option, count in zip(vote.options, vote.paper, strict=False)
    )
    unknown = translate(language, "ledger.removed_person")
    return plain(
        language,
        "sittings.minutes_paper",
        online=vote.voters - vote.paper_voters,
        paper=vote.paper_voters,
        total=vote.voters,
        tally=paper,
        counter=vote.counter or unknown,
        witness=vote.witness or unknown,
    )


#: A quoted opinion is cut to this many characters (with "…").
EXCERPT_LENGTH = 80


@dataclass(frozen=True)
class MinutesMatter:
    """One matter of the minutes as its sections say it (text and document alike)."""

    heading: str
    facts: str
    opinions: tuple[str, ...]
    #: (label, value): 表决情况, 决议, 承办人, 办结期限 (those that apply).
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MinutesView:
    """The minutes of one sitting in the committee's standard sections, plain text."""

    community: str
    kind: str
    title: str
    #: (label, value): 时间, 地点, 主持人, 记录人, 出席.
    header: tuple[tuple[str, str], ...]
    attendees: str | None
    agenda: tuple[MinutesMatter, ...]
    raised: tuple[str, ...]
    notes: str | None


def minutes_day(language: Language, moment: datetime, tz: ZoneInfo) -> str:
    """A day in the minutes, with its year, as a record says it: 2026年11月19日（周四） /
    Thu 19 Nov 2026."""
    return spoken.day(language, moment.astimezone(tz).date(), year=True)


def minutes_clock(language: Language, moment: datetime, tz: ZoneInfo) -> str:
    """A time of day in the minutes: 晚上7点 / 7 pm."""
    return spoken.clock(language, moment, tz)


def file_day(moment: datetime, tz: ZoneInfo) -> str:
    """A day in a file name, sortable: 2026-11-19."""
    return moment.astimezone(tz).date().isoformat()


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A comment shortened for quoting: one line, at most ``length`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def _vote_text(language: Language, vote: VoteOutcome) -> str:
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
    result = translate(language, f"sittings.result.{vote.result}") if vote.result else "—"
    who = (
        plain(
            language,
            "sittings.minutes_scope",
            who=scope_name(
                vote.electorate, vote.electorate_buildings, vote.electorate_grid, (), language
            ),
        )
        if vote.electorate != ALL
        else ""
    )
    text = plain(
        language,
        "sittings.minutes_vote_anonymous" if vote.anonymous else "sittings.minutes_vote",
        result=result,
        tally=tally,
        turnout=turnout(language, vote.voters, vote.eligible),
        quorum=plain(language, "sittings.minutes_quorum", count=vote.quorum)
        if vote.quorum
        else plain(language, "sittings.minutes_no_quorum"),
        electorate=who,
    )
    if vote.paper:
        text += "\n" + _minutes_paper_line(language, vote)
    return text


def _opinion_text(language: Language, opinion: Opinion) -> str:
    return plain(
        language,
        "sittings.minutes_opinion_agreed" if opinion.supports else "sittings.minutes_opinion",
        author=opinion.author or translate(language, "discuss.former_resident"),
        text=excerpt(opinion.text),
        count=opinion.supports,
    )


def _minutes_matter(
    language: Language, index: int, item: MinutesItem, tz: ZoneInfo
) -> MinutesMatter:
    rows: list[tuple[str, str]] = []
    label = "sittings.minutes_label"
    if item.vote is not None:
        rows.append((plain(language, f"{label}.vote"), _vote_text(language, item.vote)))
    else:
        rows.append((plain(language, f"{label}.vote"), plain(language, "sittings.minutes_no_vote")))
    rows.append(
        (
            plain(language, f"{label}.resolution"),
            item.resolution or plain(language, "sittings.minutes_no_resolution"),
        )
    )
    if item.owner_kind is not None:
        rows.append(
            (
                plain(language, f"{label}.owner"),
                owner_label(language, item.owner_kind, item.owner_name),
            )
        )
        rows.append(
            (
                plain(language, f"{label}.due"),
                minutes_day(language, item.due_at, tz)
                if item.due_at
                else plain(language, "sittings.minutes_no_due"),
            )
        )
    return MinutesMatter(
        heading=plain(
            language,
            "sittings.minutes_matter",
            index=index,
            number=item.number,
            title=item.title,
            stage=translate(language, f"sittings.stage.{item.stage}"),
        ),
        facts=plain(
            language, "sittings.minutes_facts", supports=item.supports, comments=item.comments
        ),
        opinions=tuple(_opinion_text(language, opinion) for opinion in item.opinions),
        rows=tuple(rows),
    )


def _attendance_text(language: Language, minutes: Minutes) -> tuple[str, str | None]:
    """出席: the count (with the register/unregistered split) and the names with who marked."""
    present = minutes.attendance
    if present is None or (not present.present and present.guests is None):
        return plain(language, "sittings.minutes_attendance_none"), None
    count = plain(
        language,
        "sittings.minutes_attendance",
        total=present.total,
        registered=present.registered,
        guests=present.unregistered,
    )
    separator = translate(language, "list_separator")
    names = separator.join(attendee.name for attendee in present.present) or None
    markers = [a.marked_by for a in present.present if a.marked_by]
    if present.guests is not None and present.guests.set_by:
        markers.append(present.guests.set_by)
    if markers:
        marked = plain(
            language, "sittings.minutes_marked_by", by=separator.join(dict.fromkeys(markers))
        )
        names = f"{names}{marked}" if names else marked
    return count, names


def minutes_view(language: Language, minutes: Minutes, tz: ZoneInfo) -> MinutesView:
    """The minutes of one sitting in the committee's sections (rendered as text or .docx)."""
    not_set = plain(language, "sittings.minutes_not_set")
    start = minutes.starts_at
    end = (
        minutes_clock(language, minutes.closed_at, tz)
        if minutes.closed_at
        else plain(language, "sittings.minutes_not_closed")
    )
    when = plain(
        language,
        "sittings.minutes_when",
        date=minutes_day(language, start, tz),
        start=minutes_clock(language, minutes.opened_at or start, tz),
        end=end,
    )
    kind = plain(
        language,
        "sittings.minutes_kind",
        forum=forum_name(language, minutes.forum, held_on=start.astimezone(tz).date()),
    )
    count, names = _attendance_text(language, minutes)
    label = "sittings.minutes_label"
    header = (
        (plain(language, f"{label}.time"), when),
        (plain(language, f"{label}.place"), minutes.place or not_set),
        (plain(language, f"{label}.chair"), minutes.chair or not_set),
        (plain(language, f"{label}.recorder"), minutes.recorder or not_set),
        (plain(language, f"{label}.present"), count),
    )
    return MinutesView(
        community=minutes.community,
        kind=kind,
        title=plain(language, "sittings.minutes_title", community=minutes.community, kind=kind),
        header=header,
        attendees=names,
        agenda=tuple(
            _minutes_matter(language, index, item, tz)
            for index, item in enumerate(minutes.agenda, start=1)
        ),
        raised=tuple(
            plain(
                language,
                "sittings.minutes_raised_line",
                number=item.number,
                title=item.title,
                stage=translate(language, f"sittings.stage.{item.stage}"),
                supports=item.supports,
            )
            for item in minutes.raised
        ),
        notes=minutes.notes,
    )


def minutes_lines(language: Language, minutes: Minutes, tz: ZoneInfo) -> list[str]:
    """The minutes of one sitting as plain-text lines (escape them before sending as HTML)."""
    view = minutes_view(language, minutes, tz)
    lines = [f"📝 {view.title}"]
    lines.extend(
        plain(language, "sittings.minutes_field", label=label, value=value)
        for label, value in view.header
    )
    if view.attendees:
        lines.append(plain(language, "sittings.minutes_attendees", names=view.attendees))
    lines.append("")
    if not view.agenda:
        lines.append(plain(language, "sittings.minutes_agenda_empty"))
    for matter in view.agenda:
        lines.append(matter.heading)
        lines.append(plain(language, "sittings.minutes_facts_line", facts=matter.facts))
        if matter.opinions:
            lines.append(
                plain(
                    language,
                    "sittings.minutes_row",
                    label=plain(language, "sittings.minutes_label.opinions"),
                    value="",
                )
            )
            lines.extend(
                plain(language, "sittings.minutes_opinion_line", text=text)
                for text in matter.opinions
            )
        for label, value in matter.rows:
            first, *more = value.split("\n")
            lines.append(plain(language, "sittings.minutes_row", label=label, value=first))
            lines.extend(more)
        lines.append("")
    if view.raised:
        lines.append(plain(language, "sittings.minutes_raised"))
        lines.extend(view.raised)
        lines.append("")
    if view.notes:
        lines.append(plain(language, "sittings.minutes_notes", notes=view.notes))
    while lines and not lines[-1]:
        lines.pop()
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
