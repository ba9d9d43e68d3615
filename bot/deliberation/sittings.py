"""Sittings: the weekly session (周四议事亭) and talk days (逢四说事), and their minutes.

Each is named by the community's own calendar (bot/community/forums.py): 周三议事亭 for
a community meeting on Wednesdays.

Each sitting is a row of ``sittings``, created by the first built-in schedule
that fires for it:

- the evening before a session, the reminder carries the session's agenda
  (``agenda_posted_at``);
- at the session's start the bot posts in the residents' group that it is
  open, with the agenda (``opened_at``); a talk day's morning opening does the
  same, with a prompt to raise matters;
- ``[calendar] session_length_minutes`` later (a talk day: at
  ``talk_day_end_time``) the bot closes it and posts the minutes
  (``closed_at``, ``minutes_posted_at``).

Minutes are built here as a :class:`Minutes` object, with no Telegram types;
the handler layer renders them (handlers/texts.py). The renderer of pushed
minutes is handed in by the composition root (:attr:`SittingService.render_minutes`),
since the bot layer does not import handlers. Each firing runs inside the
scheduler's transaction, so a sitting's record and its messages commit
together, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import parsing, spoken, usertext
from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.calendar_notes import move_note
from bot.community.forums import forum_name, session_name, talk_day_word
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language, Settings
from bot.deliberation.attendance import Attendance, AttendanceService, attendance_of
from bot.deliberation.ledger import LedgerService, SheetsOf
from bot.deliberation.minutes import MinutesEditing
from bot.deliberation.raising import (
    ALL_MATTERS_CALLBACK,
    RAISE_CALLBACK,
    button_title,
    open_callback,
)
from bot.deliberation.sitting_checkin import SittingCheckinService
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, late_note
from bot.spreadsheets import Sheet, local_cell
from storage import Storage
from storage.deliberation.attendance import PaperCountRow
from storage.deliberation.matters import MatterRow
from storage.deliberation.sittings import ClosedVoteRow, SittingRow
from storage.session import Session
from storage.times import to_db_time

log = logging.getLogger(__name__)

FORUMS = ("session", "talk_day")
MAX_NOTES = 2000
#: Without an earlier sitting, "raised since the previous sitting" looks back this far.
DEFAULT_LOOKBACK = timedelta(days=7)
#: Group messages hold at most this many agenda lines; the rest is "…and N more".
MAX_AGENDA_LINES = 30
#: An agenda has a button for each of its first matters (more: one to see them all).
MAX_AGENDA_BUTTONS = 8
#: Without the secretary's choice, the minutes quote this many of a matter's comments.
MAIN_OPINIONS = 3


@dataclass(frozen=True)
class VoteOutcome:
    """A closed vote as the minutes show it: counts only, never who voted what."""

    kind: str
    options: tuple[str, ...]
    counts: tuple[int, ...]
    voters: int
    result: str | None
    anonymous: bool
    #: The electorate's size at the close (the base of the turnout), and who it was.
    eligible: int | None = None
    electorate: str = "all"
    electorate_buildings: tuple[str, ...] = ()
    electorate_grid: str | None = None
    #: Paper ballots counted at the pavilion (included in ``counts`` and ``voters``).
    paper: tuple[int, ...] = ()
    paper_voters: int = 0
    counter: str | None = None
    witness: str | None = None
    #: The quorum (法定人数) the vote needed; 0: none.
    quorum: int = 0


@dataclass(frozen=True)
class Opinion:
    """A comment the minutes quote (主要意见): who said it (None: left the register), what."""

    comment_id: int
    author: str | None
    text: str
    supports: int


@dataclass(frozen=True)
class MinutesItem:
    """One matter in the minutes."""

    number: int
    title: str
    stage: str
    supports: int
    comments: int
    vote: VoteOutcome | None
    resolution: str | None
    #: The main opinions: those the secretary chose, else the most agreed with.
    opinions: tuple[Opinion, ...] = ()
    opinions_chosen: bool = False
    #: Who carries it out (承办人) and by when (办结期限), once assigned.
    owner_kind: str | None = None
    owner_name: str | None = None
    due_at: datetime | None = None
    #: The matter's id (for buttons; ``number`` is what people call it, #12).
    matter_id: int = 0


@dataclass(frozen=True)
class Minutes:
    """The minutes of one sitting: its agenda, what was raised since the last one, notes."""

    sitting_id: int
    forum: str
    starts_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    agenda: tuple[MinutesItem, ...]
    raised: tuple[MinutesItem, ...]
    notes: str | None
    #: Who was present (the secretary's attendance list), if anyone was marked.
    attendance: Attendance | None = None
    #: The community (the minutes' title), where the sitting was held, who chaired
    #: (主持人) and who recorded (记录人) it (None: not known).
    community: str = ""
    place: str = ""
    chair: str | None = None
    recorder: str | None = None


#: Renders minutes as plain-text messages (each at most 4,096 characters once escaped).
MinutesRenderer = Callable[[Minutes, Language, ZoneInfo], list[str]]


def outcome_of(vote: ClosedVoteRow, paper: PaperCountRow | None = None) -> VoteOutcome:
    """The counts of a closed vote, for the minutes (with who counted its paper ballots)."""
    return VoteOutcome(
        kind=vote.kind,
        options=vote.options,
        counts=vote.counts,
        voters=vote.voters,
        result=vote.result,
        anonymous=vote.anonymous,
        eligible=vote.eligible,
        electorate=vote.electorate,
        electorate_buildings=vote.electorate_buildings,
        electorate_grid=vote.electorate_grid,
        paper=vote.paper,
        paper_voters=vote.paper_voters,
        counter=paper.counter if paper and vote.paper else None,
        witness=paper.witness if paper and vote.paper else None,
        quorum=vote.quorum,
    )


def parse_day(text: str, today: date) -> date:
    """A date typed as YYYY-MM-DD, or MM-DD (the latest such day up to today).

    UserFacingError for anything else (bot/parsing.py reads it).
    """
    day = parsing.past_day(text, today)
    if day is None:
        raise UserFacingError("sittings.bad_date", text=text.strip()[:20])
    return day


def agenda_buttons(agenda: list[MatterRow]) -> tuple[tuple[ButtonSpec, ...], ...]:
    """Under an agenda: a button opening each of its first matters (all of them if more),
    and ✏️ 我要提议 (handlers/deliberation/callbacks.py MatterOpen, MattersPage, RaiseStart)."""
    rows = [
        (
            ButtonSpec(
                "matters.open_button",
                open_callback(matter.id),
                label_params={"number": matter.number, "title": button_title(matter.title)},
            ),
        )
        for matter in agenda[:MAX_AGENDA_BUTTONS]
    ]
    if len(agenda) > MAX_AGENDA_BUTTONS:
        rows.append(
            (
                ButtonSpec(
                    "sittings.all_button", ALL_MATTERS_CALLBACK, label_params={"count": len(agenda)}
                ),
            )
        )
    rows.append((ButtonSpec("matters.raise_button", RAISE_CALLBACK),))
    return tuple(rows)


class SittingService:
    """Opening and closing sittings on schedule, and their minutes."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
        render_minutes: MinutesRenderer | None = None,
        ledger: LedgerService | None = None,
    ) -> None:
        #: /attendance: who is present at a sitting (bot/deliberation/attendance.py).
        self.attendance = AttendanceService(db, settings, clock)
        #: Residents' own check-in with the sitting's rotating code (sitting_checkin.py).
        self.checkin = SittingCheckinService(db, settings.volunteer.code_valid_minutes, clock)
        #: The minutes' chair, recorder and quoted opinions (bot/deliberation/minutes.py).
        self.editing = MinutesEditing(db, settings, build_minutes, clock)
        if ledger is not None:  # the 会议记录 sheet of the 台账
            ledger.add_section(self.ledger_section)
        self._db = db
        self._settings = settings
        self._clock = clock
        self._calendar = scheduler.calendar
        #: Set by the composition root (handlers/texts.py renders); None: a short notice.
        self.render_minutes = render_minutes
        scheduler.register_effect("session.reminder", self._session_agenda)
        scheduler.register_effect("talk_day.opening", self._talk_day_open)
        scheduler.register_effect("sitting.session_open", self._session_open)
        scheduler.register_effect("sitting.session_close", self._close)
        scheduler.register_effect("sitting.talk_day_close", self._close)

    @property
    def tz(self) -> ZoneInfo:
        """The current community's time zone (the profile is per unit of work)."""
        return self._settings.community.tz

    # --- what the schedules do -------------------------------------------------------

    async def _session_agenda(self, firing: Firing) -> None:
        """The evening before: the reminder, with the session's agenda."""
        sitting = await self._sitting(firing, "session")
        if sitting is None:
            return
        agenda = await firing.session.sittings.agenda("session", sitting.starts_at)
        start = sitting.starts_at.astimezone(self.tz)
        language = self._settings.community.default_language
        params = {
            "date": spoken.day(language, start.date(), spoken.local_date(firing.now, self.tz)),
            "time": spoken.clock(language, start),
            "why": self._why("session", start),
            "session_forum": session_name(language, self._settings.calendar, held_on=start.date()),
        }
        # 📅 the session into one's phone calendar (handlers/calendars/callbacks.py
        # CalendarSitting; pressed in the group it opens the private chat, which gets it).
        calendar = ((ButtonSpec("ics.button", f"kt:s:{start:%Y%m%d}"),),)
        await self._post(firing, "sittings.session_agenda", agenda, params, "agenda", calendar)
        await firing.session.sittings.mark_agenda_posted(sitting.id, firing.now)

    async def _session_open(self, firing: Firing) -> None:
        """At the start: the session is open, with its agenda."""
        sitting = await self._sitting(firing, "session")
        if sitting is None:
            return
        agenda = await firing.session.sittings.agenda("session", sitting.starts_at)
        start = sitting.starts_at.astimezone(self.tz)
        language = self._settings.community.default_language
        params = {
            "date": spoken.month_day(language, start.date()),
            "time": spoken.clock(language, start),
            "session_forum": session_name(language, self._settings.calendar, held_on=start.date()),
        }
        key = "sittings.session_open_late" if firing.noticeably_late else "sittings.session_open"
        await self._post(firing, key, agenda, params, "open")
        await self._opened(firing, sitting, agenda)

    async def _talk_day_open(self, firing: Firing) -> None:
        """A talk day's morning: a prompt to raise matters, and its agenda if any."""
        sitting = await self._sitting(firing, "talk_day")
        if sitting is None:
            return
        agenda = await firing.session.sittings.agenda("talk_day", sitting.starts_at)
        start = sitting.starts_at.astimezone(self.tz)
        language = self._settings.community.default_language
        params = {
            "date": spoken.month_day(language, start.date()),
            "why": self._why("talk_day", start),
            "talk_day": talk_day_word(language, self._settings.calendar),
        }
        calendar = ((ButtonSpec("ics.button", f"kt:t:{start:%Y%m%d}"),),)
        await self._post(firing, "sittings.talk_day_open", agenda, params, "open", calendar)
        await self._opened(firing, sitting, agenda)

    def _why(self, forum: str, start: datetime) -> str:
        """Why this sitting is not where it usually is (a holiday), or ""."""
        moves = self._calendar.moves(forum, start)
        return move_note(moves, start.date(), self._settings.community.default_language)

    async def _opened(self, firing: Firing, sitting: SittingRow, agenda: list[MatterRow]) -> None:
        await firing.session.sittings.mark_opened(sitting.id, firing.now)
        for matter in agenda:
            await firing.session.matters.add_event(
                matter.id,
                "sitting_opened",
                actor_id=None,
                now=firing.now,
                forum=sitting.forum,
                sitting_id=sitting.id,
            )

    async def _close(self, firing: Firing) -> None:
        """The end: close the sitting and post its minutes."""
        forum = "session" if firing.schedule.kind == "sitting.session_close" else "talk_day"
        sitting = await self._sitting(firing, forum)
        if sitting is None:
            return
        await firing.session.sittings.mark_closed(sitting.id, firing.now)
        closed = await firing.session.sittings.get(sitting.id)
        assert closed is not None  # noqa: S101 - read in the same transaction
        minutes = await self._minutes(firing.session, closed, firing.now)
        for item in minutes.agenda:
            await firing.session.matters.add_event(
                item.matter_id,
                "sitting_closed",
                actor_id=None,
                now=firing.now,
                forum=forum,
                sitting_id=sitting.id,
                stage=item.stage,
            )
        language = self._settings.community.default_language
        prefix = f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}"
        if self.render_minutes is None:
            start = closed.starts_at.astimezone(self.tz)
            messages = [
                OutgoingMessage("sittings.minutes_ready", language, {"date": f"{start:%m-%d}"})
            ]
        else:
            messages = [
                OutgoingMessage("sittings.text", language, {"text": chunk})
                for chunk in self.render_minutes(minutes, language, self.tz)
            ]
        # The minutes as a Word document for the 台账, made at send time (app.py).
        messages.append(
            OutgoingMessage("minutes.document_caption", language, document={"minutes": sitting.id})
        )
        # One push per part, so that each part has its own dedupe key per chat.
        for index, message in enumerate(messages):
            await self._to_residents(firing, message, f"{prefix}:{index}")

    async def _sitting(self, firing: Firing, forum: str) -> SittingRow | None:
        if firing.event_at is None:
            return None
        return await firing.session.sittings.ensure(forum, to_utc(firing.event_at))

    async def _post(
        self,
        firing: Firing,
        key: str,
        agenda: list[MatterRow],
        params: dict[str, str],
        part: str,
        buttons: tuple[tuple[ButtonSpec, ...], ...] = (),
    ) -> None:
        """A message with the agenda listed (``key`` + ``.empty`` when there is none),
        a button opening each matter on it, ✏️ 我要提议, then ``buttons``.

        Done late (after downtime), it says when it was due.
        """
        language = self._settings.community.default_language
        params = {**params, "late": late_note(firing, language, self.tz)}
        buttons = (*agenda_buttons(agenda), *buttons)
        if agenda:
            lines = [
                translate(language, "sittings.agenda_line", number=m.number, title=m.title)
                for m in agenda[:MAX_AGENDA_LINES]
            ]
            if len(agenda) > MAX_AGENDA_LINES:
                lines.append(
                    translate(
                        language, "sittings.agenda_more", count=len(agenda) - MAX_AGENDA_LINES
                    )
                )
            message = OutgoingMessage(
                key, language, {**params, "agenda": "\n".join(lines)}, buttons=buttons
            )
        else:
            message = OutgoingMessage(f"{key}_empty", language, params, buttons=buttons)
        prefix = f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}:{part}"
        await self._to_residents(firing, message, prefix)

    async def _to_residents(self, firing: Firing, message: OutgoingMessage, prefix: str) -> None:
        chats = await firing.session.chats.posting(ChatKind.RESIDENTS.value)
        if not chats:
            log.warning(
                "schedule %s (%s): no residents' group is bound; nothing posted",
                firing.schedule.id,
                firing.schedule.kind,
            )
            return
        await queue_push(
            firing.session,
            kind=firing.schedule.kind,
            title=firing.schedule.title,
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=prefix,
            now=firing.now,
        )

    # --- minutes ---------------------------------------------------------------------

    async def _minutes(self, session: Session, sitting: SittingRow, now: datetime) -> Minutes:
        """The minutes of ``sitting`` as they stand at ``now``."""
        return await build_minutes(session, self._settings, sitting, now)

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's 会议记录 sheet: each sitting of [start, end) with its chair,
        recorder, attendance and the matters on its agenda (ledger.add_section)."""
        rows = [
            await build_minutes(session, self._settings, sitting, self._clock())
            for sitting in await session.sittings.starting_between(start, end)
        ]

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            separator = translate(language, "list_separator")
            return [
                Sheet(
                    "minutes",
                    translate(language, "ledger.sheet.minutes"),
                    tuple(
                        translate(language, f"ledger.col.{column}")
                        for column in (
                            "sitting_at",
                            "forum",
                            "place",
                            "chair",
                            "recorder",
                            "present_total",
                            "agenda",
                        )
                    ),
                    tuple(
                        (
                            local_cell(m.starts_at, tz),
                            forum_name(
                                language, m.forum, held_on=m.starts_at.astimezone(tz).date()
                            ),
                            m.place,
                            m.chair,
                            m.recorder,
                            m.attendance.total if m.attendance else 0,
                            separator.join(f"#{item.number} {item.title}" for item in m.agenda),
                        )
                        for m in rows
                    ),
                )
            ]

        return sheets

    async def publish_minutes(self, actor: Actor, sitting_id: int) -> int:
        """A secretary posts the minutes as they stand (text and Word document) to the
        residents' groups again, once completed; how many groups they go to."""
        by = actor.member(Role.SECRETARY, "minutes.secretaries_only").id
        language = self._settings.community.default_language
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await session.sittings.get(sitting_id)
            if sitting is None:
                raise UserFacingError("attendance.no_sitting")
            chats = await session.chats.posting(ChatKind.RESIDENTS.value)
            if not chats:
                raise UserFacingError("minutes.no_group")
            minutes = await self._minutes(session, sitting, now)
            chunks = self.render_minutes(minutes, language, self.tz) if self.render_minutes else []
            messages = [
                OutgoingMessage("sittings.text", language, {"text": chunk}) for chunk in chunks
            ]
            messages.append(
                OutgoingMessage(
                    "minutes.document_caption", language, document={"minutes": sitting.id}
                )
            )
            start = sitting.starts_at.astimezone(self.tz)
            prefix = f"minutes:{sitting.id}:{to_db_time(now)}"
            for index, message in enumerate(messages):
                await queue_push(
                    session,
                    kind="minutes",
                    title=translate(language, "minutes.push_title", date=f"{start:%Y-%m-%d}"),
                    deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
                    dedupe_prefix=f"{prefix}:{index}",
                    now=now,
                )
            await session.audit.record(
                at=now, action="minutes.published", actor_id=by, detail=str(sitting.id)
            )
        return len(chats)

    async def minutes_of(self, sitting_id: int) -> Minutes | None:
        """The minutes of one sitting as they stand now (None: no such sitting)."""
        async with self._db.read() as session:
            sitting = await session.sittings.get(sitting_id)
            if sitting is None:
                return None
            return await self._minutes(session, sitting, self._clock())

    def today(self) -> date:
        """Today's date in the community's zone."""
        return self._clock().astimezone(self.tz).date()

    def _day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = local_moment(day, time(0), self.tz)
        end = local_moment(day + timedelta(days=1), time(0), self.tz)
        return to_utc(start), to_utc(end)

    async def minutes_on(self, day: date | None) -> list[Minutes]:
        """The minutes of the sittings on ``day`` (local); None: the latest sitting.

        UserFacingError when there is none.
        """
        now = self._clock()
        async with self._db.read() as session:
            if day is None:
                latest = await session.sittings.latest_started(now)
                sittings = [latest] if latest else []
            else:
                sittings = await session.sittings.starting_between(*self._day_bounds(day))
            result = [await self._minutes(session, sitting, now) for sitting in sittings]
        if not result:
            if day is None:
                raise UserFacingError("sittings.none_yet")
            raise UserFacingError("sittings.none_on", date=day.isoformat())
        return result

    async def add_notes(self, actor: Actor, day: date, text: str) -> Minutes:
        """A secretary's notes on the minutes of the (last) sitting on ``day``; replaces them."""
        if not actor.has(Role.SECRETARY):
            raise UserFacingError("sittings.secretaries_only")
        notes = usertext.block(text)
        if not notes:
            raise UserFacingError("sittings.notes_usage")
        if len(notes) > MAX_NOTES:
            raise UserFacingError("sittings.notes_too_long", limit=MAX_NOTES, length=len(notes))
        now = self._clock()
        async with self._db.transaction() as session:
            sittings = await session.sittings.starting_between(*self._day_bounds(day))
            if not sittings:
                raise UserFacingError("sittings.none_on", date=day.isoformat())
            sitting = sittings[-1]
            await session.sittings.set_notes(sitting.id, notes)
            await session.audit.record(
                at=now, action="sitting.notes", actor_id=actor.person_id, detail=str(sitting.id)
            )
            updated = await session.sittings.get(sitting.id)
            assert updated is not None  # noqa: S101 - read in the same transaction
            return await self._minutes(session, updated, now)


async def build_minutes(
    session: Session, settings: Settings, sitting: SittingRow, now: datetime
) -> Minutes:
    """The minutes of ``sitting`` as they stand at ``now``."""
    agenda = await session.sittings.agenda(sitting.forum, sitting.starts_at)
    previous = await session.sittings.previous(sitting)
    since = previous.starts_at if previous else sitting.starts_at - DEFAULT_LOOKBACK
    until = sitting.closed_at or now
    on_agenda = {matter.id for matter in agenda}
    raised = [
        matter
        for matter in await session.sittings.raised_between(since, until)
        if matter.id not in on_agenda
    ]
    attendance = await attendance_of(session, sitting.id)
    chair, recorder = await officers_of(session, settings, sitting.id, attendance)
    chosen = await session.minutes.excerpts(sitting.id)
    return Minutes(
        sitting_id=sitting.id,
        forum=sitting.forum,
        starts_at=sitting.starts_at,
        opened_at=sitting.opened_at,
        closed_at=sitting.closed_at,
        agenda=tuple([await _item(session, matter, chosen) for matter in agenda]),
        raised=tuple([await _item(session, matter, None) for matter in raised]),
        notes=sitting.notes,
        attendance=attendance,
        community=settings.community.name,
        place=settings.calendar.sitting_place,
        chair=chair,
        recorder=recorder,
    )


async def officers_of(
    session: Session, settings: Settings, sitting_id: int, attendance: Attendance | None = None
) -> tuple[str | None, str | None]:
    """Who chaired and who recorded the sitting: as the secretary set them, or by default.

    The default chair is the community's first secretary (in the config's order) who is
    registered; the default recorder whoever kept the attendance list (the latest mark),
    when that is not the chair. None: nobody to name (the minutes say it is not filled in).
    """
    roles = await session.minutes.officers(sitting_id)
    chair = roles["chair"].name if "chair" in roles else None
    if "chair" not in roles:
        for tg_user_id in settings.community.secretaries:
            person = await session.people.by_telegram_id(tg_user_id)
            if person is not None:
                chair = person.display_name
                break
    if "recorder" in roles:
        return chair, roles["recorder"].name
    present = attendance or await attendance_of(session, sitting_id)
    marks = sorted((a.marked_at, a.marked_by) for a in present.present if a.marked_by is not None)
    if present.guests is not None and present.guests.set_by:
        marks.append((present.guests.set_at, present.guests.set_by))
        marks.sort()
    recorder = marks[-1][1] if marks else None
    return chair, recorder if recorder != chair else None


async def opinions_of(
    session: Session, matter_id: int, chosen: set[int] | None
) -> tuple[tuple[Opinion, ...], bool]:
    """The matter's main opinions: those of ``chosen`` (in thread order) if any, else the
    MAIN_OPINIONS comments most agreed with (ties: the earlier first); hidden ones never.
    True with them if they were chosen."""
    comments = [c for c in await session.comments.of_matter(matter_id) if not c.hidden]
    supports = await session.comments.support_counts(matter_id)
    picked = [c for c in comments if chosen and c.id in chosen]
    was_chosen = bool(picked)
    if not picked:
        ranked = sorted(
            enumerate(comments), key=lambda pair: (-supports.get(pair[1].id, 0), pair[0])
        )
        picked = sorted((c for _, c in ranked[:MAIN_OPINIONS]), key=lambda c: c.id)
    return (
        tuple(Opinion(c.id, c.author, c.text, supports.get(c.id, 0)) for c in picked),
        was_chosen,
    )


async def _item(session: Session, matter: MatterRow, chosen: set[int] | None) -> MinutesItem:
    """One matter of the minutes; with ``chosen`` (on the agenda) its main opinions too."""
    vote = await session.sittings.last_closed_vote(matter.id)
    opinions, was_chosen = (
        await opinions_of(session, matter.id, chosen) if chosen is not None else ((), False)
    )
    return MinutesItem(
        number=matter.number,
        title=matter.title,
        stage=matter.stage,
        supports=matter.supports,
        comments=matter.comments,
        vote=outcome_of(vote, await session.attendance.paper_count(vote.id)) if vote else None,
        resolution=matter.resolution,
        opinions=opinions,
        opinions_chosen=was_chosen,
        owner_kind=matter.owner_kind,
        owner_name=matter.owner_name,
        due_at=matter.due_at,
        matter_id=matter.id,
    )
