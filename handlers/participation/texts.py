"""Texts of participation: /mine, a person's record, the community's totals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.register import Role
from bot.config import Language
from bot.participation.awaiting import Awaiting
from bot.participation.record import CommunityTable, PersonRecord
from handlers.texts import t


def _when(moment: datetime, tz: ZoneInfo, language: Language) -> str:
    return spoken.moment(language, moment, tz)


def mine(language: Language, awaiting: Awaiting, tz: ZoneInfo) -> str:
    """What awaits the person, by kind, or a friendly "nothing"."""
    if awaiting.empty:
        return t(language, "participation.mine.empty")

    def section(kind: str, lines: list[str]) -> list[str]:
        return [t(language, f"participation.mine.{kind}"), *lines] if lines else []

    parts = [t(language, "participation.mine.title")]
    parts += section(
        "votes",
        [
            t(
                language,
                "participation.mine.vote_line",
                number=item.matter.number,
                title=item.matter.title,
                closes=_when(item.vote.closes_at, tz, language),
            )
            for item in awaiting.votes
        ],
    )
    parts += section(
        "supports",
        [
            t(
                language,
                "participation.mine.support_line",
                number=m.number,
                title=m.title,
                until=_when(m.support_until, tz, language),
            )
            for m in awaiting.supports
        ],
    )
    parts += section(
        "ratings",
        [
            t(language, "participation.mine.rate_line", number=m.number, title=m.title)
            for m in awaiting.ratings
        ],
    )
    parts += section(
        "surveys",
        [
            t(
                language,
                "participation.mine.survey_line",
                title=pending.survey.title,
                left=spoken.count(language, "questions", pending.unanswered),
                closes=_when(pending.survey.closes_at, tz, language),
            )
            for pending in awaiting.surveys
        ],
    )
    parts += section(
        "lessons",
        [
            t(language, "participation.mine.lesson_line", title=lesson.title)
            for lesson in awaiting.lessons
        ],
    )
    parts += section(
        "makeups",
        [
            t(
                language,
                "participation.mine.makeup_line",
                title=slot.lesson_title,
                at=_when(slot.starts_at, tz, language),
                place=slot.place,
            )
            for slot in awaiting.makeups
        ],
    )
    activity_lines = []
    for activity in awaiting.activities:
        key = "activity_line"
        if activity.checked_in:
            key = "activity_checked_in"
        elif activity.state == "waiting":
            key = "activity_waiting"
        activity_lines.append(
            t(
                language,
                f"participation.mine.{key}",
                title=activity.title,
                at=_when(activity.starts_at, tz, language),
                place=activity.place,
            )
        )
    parts += section("activities", activity_lines)
    for kind, count in awaiting.more:
        parts.append(
            t(
                language,
                "participation.mine.more",
                what=t(language, f"participation.mine.kind.{kind}"),
                count=count,
            )
        )
    return "\n".join(parts)


def record(language: Language, shown: PersonRecord, *, own: bool) -> str:
    """A person's record for a year: deliberation, lessons, volunteer service."""
    person = shown.person
    quiz = shown.quiz_percent
    lines = [
        t(
            language,
            "participation.record.title_own" if own else "participation.record.title",
            name=person.display_name,
            year=shown.year,
        ),
        t(
            language,
            "participation.record.deliberation",
            raised=spoken.count(language, "matters", shown["raised"]),
            supported=shown["supported"],
            votes=spoken.count(language, "votes", shown["votes"]),
            comments=spoken.count(language, "comments", shown["comments"]),
            ratings=spoken.count(language, "ratings", shown["ratings"]),
            sittings=spoken.count(language, "sittings", shown["sittings"]),
        ),
    ]
    if Role.PARTY_MEMBER.value in person.roles or shown["lessons_received"]:
        lines.append(
            t(
                language,
                "participation.record.lessons",
                received=shown["lessons_received"],
                on_time=shown["lessons_on_time"],
                late=shown["lessons_late"],
                excused=shown["lessons_excused"],
                quiz=f"{quiz}%" if quiz is not None else "-",
                makeups=shown["makeups"],
            )
        )
    if Role.VOLUNTEER.value in person.roles or shown["activities"] or shown["no_shows"]:
        lines.append(
            t(
                language,
                "participation.record.volunteering",
                activities=spoken.count(language, "activities", shown["activities"]),
                hours=spoken.hours_total(language, shown["minutes"]),
                excused=shown["activities_excused"],
                no_shows=shown["no_shows"],
            )
        )
    if shown.empty:
        lines.append(t(language, "participation.record.nothing"))
    return "\n\n".join(lines)


def totals(language: Language, table: CommunityTable, community: str) -> str:
    """The community's totals for a year (the workbook follows)."""
    studied = table.total("lessons_on_time") + table.total("lessons_late")
    return t(
        language,
        "participation.table.caption",
        community=community,
        year=table.year,
        people=len(table.records),
        active=table.active,
        raised=table.total("raised"),
        supported=table.total("supported"),
        votes=table.total("votes"),
        comments=table.total("comments"),
        studied=studied,
        on_time=table.total("lessons_on_time"),
        makeups=table.total("makeups"),
        activities=table.total("activities"),
        hours=spoken.hours_total(language, table.total("minutes")),
        no_shows=table.total("no_shows"),
    )
