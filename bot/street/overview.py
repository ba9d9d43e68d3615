"""The street view (街道总览): every community's figures for a month or a year, and the
monthly summary street administrators get on the 1st at 09:00 (the street's zone: the
first community's).

Each community's figures are read inside ``Communities.enter`` (bot/street/figures.py),
so one community's rows never count for another. The summary is a built-in schedule
of the first community (``builtin:street_monthly``): the scheduler fires schedules in a
community, and the street's one lives in the first, whose zone is the street's; if the
scheduler fires built-ins in every community, only the first's firing acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot import spoken
from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.communities import FIRST_COMMUNITY, Communities
from bot.config import Language, Settings
from bot.i18n import translate
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, daily_rule
from bot.street.figures import CommunityFigures, community_figures
from bot.street.period import Period, Span
from storage import Storage
from storage.scope import current_community
from storage.session import Session

MONTHLY_KIND = "street.monthly"
MONTHLY_SCHEDULE_KEY = "builtin:street_monthly"
#: When the monthly summary goes out, in the street's zone.
MONTHLY_AT = time(9, 0)
#: The longest caption under a picture, and the text a summary's message holds at most.
CAPTION_LIMIT = 1024
PAGE_LIMIT = 3500


@dataclass(frozen=True)
class CommunityBlock:
    """One community in the street view."""

    community_id: int
    name: str
    figures: CommunityFigures


@dataclass(frozen=True)
class StreetOverview:
    """The street view of one period."""

    period: Period
    blocks: tuple[CommunityBlock, ...]
    made_at: datetime

    @property
    def total(self) -> CommunityFigures:
        """The street's sums."""
        sums: dict[str, int] = {}
        for block in self.blocks:
            for name, value in vars(block.figures).items():
                sums[name] = sums.get(name, 0) + value
        return CommunityFigures(**sums)


class StreetOverviews:
    """Builds the street view and sends the monthly summary."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        communities: Communities,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self.settings = settings
        self.communities = communities
        self._clock = clock
        self.tz = settings.first_community.tz
        scheduler.register_effect(MONTHLY_KIND, self._monthly_effect)
        scheduler.add_builtin(
            MONTHLY_SCHEDULE_KEY,
            MONTHLY_KIND,
            daily_rule(MONTHLY_AT, self.tz) if settings.street.admins else None,
            street=True,
        )

    def today_period(self, span: Span) -> Period:
        """This month or this year, in the street's zone."""
        return Period.containing(span, self._clock().astimezone(self.tz).date())

    async def build(self, period: Period, language: Language) -> StreetOverview:
        """Every community's figures of ``period``, each read in its own community."""
        async with self._db.read() as session:
            return await self.build_in(session, period, language, self._clock())

    async def build_in(
        self, session: Session, period: Period, language: Language, now: datetime
    ) -> StreetOverview:
        """:meth:`build` in the unit of work ``session`` (a firing's), as of ``now``."""
        start = to_utc(local_moment(period.first, time(0), self.tz))
        end = to_utc(local_moment(period.last + timedelta(days=1), time(0), self.tz))
        late_after = timedelta(minutes=self.settings.volunteer.late_after_minutes)
        blocks = []
        for row in self.communities.all():
            with self.communities.enter(row.id):
                figures = await community_figures(session, start, end, now, late_after)
            blocks.append(
                CommunityBlock(row.id, self.communities.name_in(row.id, language), figures)
            )
        return StreetOverview(period, tuple(blocks), now)

    async def _monthly_effect(self, firing: Firing) -> None:
        """On the 1st: last month's street view to every street administrator."""
        if current_community.get() not in (None, FIRST_COMMUNITY):
            return
        await street_monthly_summary(self, firing.session, firing.due_at, firing.now)


async def street_monthly_summary(
    overviews: StreetOverviews, session: Session, due_at: datetime, now: datetime
) -> int | None:
    """Queue last month's street view for every street administrator, in the unit of
    work ``session`` (a firing's); only on the 1st of a month. Returns the first push's
    id, or None when there is nothing to do (another day, no administrators).

    A summary that fits a picture's caption goes as one message with its chart; a
    longer one (many communities) as the chart, then the blocks a few to a message."""
    settings = overviews.settings
    local = due_at.astimezone(overviews.tz).date()
    admins = settings.street.admins
    if local.day != 1 or not admins:
        return None
    period = Period.containing(Span.MONTH, local - timedelta(days=1))
    by_admin: list[tuple[int, list[OutgoingMessage]]] = []
    built: dict[Language, StreetOverview] = {}
    for admin in admins:
        language = await _language_of(session, overviews.communities, admin, settings)
        if language not in built:
            built[language] = await overviews.build_in(session, period, language, now)
        by_admin.append((admin, summary_messages(built[language], language)))
    first: int | None = None
    # One push per message of the summary: a push holds one message per chat.
    for index in range(max(len(messages) for _, messages in by_admin)):
        deliveries = [
            Delivery(admin, None, messages[index])
            for admin, messages in by_admin
            if index < len(messages)
        ]
        push = await queue_push(
            session,
            kind=MONTHLY_KIND,
            title=period.label,
            deliveries=deliveries,
            dedupe_prefix=f"street-monthly:{period.label}:{index}",
            now=now,
        )
        first = push if first is None else first
    return first


async def _language_of(
    session: Session, communities: Communities, tg_user_id: int, settings: Settings
) -> Language:
    """The administrator's language: theirs if registered, else the street's."""
    community = await communities.of_user(tg_user_id)
    if community is not None:
        with communities.enter(community):
            person = await session.people.by_telegram_id(tg_user_id)
        if person is not None:
            return Language(person.language)
    return settings.first_community.default_language


def period_name(language: Language, period: Period) -> str:
    """2026年11月 / November 2026; 2026年 / 2026."""
    if period.span is Span.MONTH:
        return spoken.month(language, period.first)
    return translate(language, "street.year", year=period.first.year)


def figure_params(language: Language, figures: CommunityFigures) -> dict[str, Any]:
    """The placeholders of a community's block ("street.block"), as people say them."""
    turnout = figures.turnout
    return {
        "raised": figures.raised,
        "decided": figures.decided,
        "carried_out": figures.carried_out,
        "overdue": figures.overdue,
        "votes": figures.votes,
        "turnout": f"{turnout}%" if turnout is not None else "—",
        "lessons": figures.lessons,
        "studied": figures.studied,
        "missing": figures.missing,
        "hours": spoken.hours_total(language, figures.volunteer_minutes),
        "no_shows": figures.no_shows,
    }


def figure_line(language: Language, name: str, figures: CommunityFigures) -> str:
    """One community's figures as a plain text block (a message's or a push's)."""
    return translate(language, "street.block", name=name, **figure_params(language, figures))


#: bot/charts.py's BAR_COLOURS of raised, decided, carried out and overdue.
KIND_COLOURS = (0, 3, 2, 1)


def chart_spec(language: Language, overview: StreetOverview) -> dict[str, Any]:
    """The bar chart: one group of bars per community (raised, decided, carried out,
    overdue), as many communities as fit; counts only (the bars are not shares of one
    whole: a matter raised may be decided and carried out too), each kind in its own
    colour in every community (raised blue, decided green, carried out grey, overdue
    red)."""
    keys = ("raised", "decided", "carried_out", "overdue")
    per_group = len(keys)
    bars: list[list[Any]] = []
    for block in overview.blocks[: 20 // per_group]:
        for key in keys:
            label = translate(language, f"street.bar.{key}", name=block.name)
            bars.append([label, getattr(block.figures, key)])
    return {
        "title": translate(
            language, "street.chart_title", period=period_name(language, overview.period)
        ),
        "bars": bars,
        "shares": False,
        "palette": list(KIND_COLOURS),
    }


def summary_message(overview: StreetOverview, language: Language) -> OutgoingMessage:
    """The monthly summary for a street administrator in one message, with its chart."""
    return OutgoingMessage(
        "street.monthly",
        language,
        {"period": period_name(language, overview.period), "blocks": _blocks(overview, language)},
        chart=chart_spec(language, overview),
    )


def summary_messages(overview: StreetOverview, language: Language) -> list[OutgoingMessage]:
    """The monthly summary as messages: one with the chart when it fits a caption; else
    the chart under the heading, then the blocks, as many whole ones a message as fit."""
    whole = summary_message(overview, language)
    if len(translate(language, whole.key, **whole.params)) <= CAPTION_LIMIT:
        return [whole]
    period = period_name(language, overview.period)
    messages = [
        OutgoingMessage(
            "street.monthly", language, {"period": period, "blocks": ""}, chart=whole.chart
        )
    ]
    page: list[str] = []
    for block in overview.blocks:
        text = figure_line(language, block.name, block.figures)
        if page and sum(len(item) + 2 for item in page) + len(text) > PAGE_LIMIT:
            messages.append(
                OutgoingMessage("street.monthly_more", language, {"blocks": "\n\n".join(page)})
            )
            page = []
        page.append(text)
    if page:
        messages.append(
            OutgoingMessage("street.monthly_more", language, {"blocks": "\n\n".join(page)})
        )
    return messages


def _blocks(overview: StreetOverview, language: Language) -> str:
    return "\n\n".join(
        figure_line(language, block.name, block.figures) for block in overview.blocks
    )
