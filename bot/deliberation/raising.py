"""Deliberation, first steps: residents raise matters (民提) and second them (附议).

A resident raises a matter through a short guided form (title, what and
where, confirm), privately; similar open matters are pointed out before it
is submitted. The matter gets a number and a card in every bound residents'
group, queued through the outbox. Residents support it with the card's
button, once each (the database refuses a second support); when enough
residents support it within the support window, it goes onto the agenda of
the next forum the community chose: the Thursday pavilion or the next talk
day (4th, 14th, 24th).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import spoken, usertext
from bot.clock import Clock, system_clock
from bot.community.calendar import CommunityCalendar
from bot.community.forums import forum_name
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language, Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage import Storage
from storage.deliberation.matters import UNFINISHED_STAGES, MatterRow
from storage.session import Session

FLOW = "raise"
MIN_TITLE, MAX_TITLE = 2, 40
MAX_DETAILS = 500
#: "提议 …" written in a group is kept under the group's chat id at this step of the
#: flow, keyed by the writer, until they open the private form (or it grows stale).
GROUP_STEP = "group"
GROUP_DRAFT_KEPT = timedelta(days=3)
#: At most this much of the group message is kept (the form's own limits apply after).
MAX_GROUP_TEXT = 2000
#: Where a sentence ends: the first one of a message is its title when it fits.
_SENTENCE_END = re.compile(r"[。！？!?；;]+")
#: How alike two titles must be (difflib ratio) to point one out as a near-duplicate.
SIMILAR_RATIO = 0.5


@dataclass(frozen=True)
class RaiseDraft:
    """The raise form so far: the step it is at and the answers given."""

    step: str
    title: str | None = None
    details: str | None = None
    similar: tuple[MatterRow, ...] = ()
    photo: str | None = None
    #: Said before the step's question, with its parameters: words carried over from a
    #: group that did not fit (a first sentence too long for a title, details too long).
    note: str | None = None
    note_params: tuple[tuple[str, object], ...] = ()
    #: A voice note (its Telegram file id) sent as the details; posted after the card.
    voice: str | None = None


def split_words(text: str) -> tuple[str | None, str]:
    """The title and the details in words written after 提议 / 说事.

    The first sentence of the first line is the title when it fits (at most
    MAX_TITLE characters, its closing mark dropped); the rest are the details.
    When the first sentence is too long, there is no title and every word is
    details. Whitespace is collapsed as the form does.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None, ""
    first, rest = lines[0], lines[1:]
    end = _SENTENCE_END.search(first)
    if end is not None and end.end() < len(first):
        title, first_rest = first[: end.start()], first[end.end() :].strip()
    elif end is not None:  # one sentence, closed by its mark
        title, first_rest = first[: end.start()], ""
    else:
        title, first_rest = first, ""
    details = " ".join(part for part in (first_rest, *rest) if part)
    if len(title) > MAX_TITLE or len(title) < MIN_TITLE:
        return None, " ".join(lines)
    return title.strip(), details


@dataclass(frozen=True)
class SupportResult:
    """What a press of 附议 did."""

    matter: MatterRow
    added: bool
    reached_agenda: bool


#: /matters shows this many matters (one button each) a page.
MATTERS_PAGE_SIZE = 8


@dataclass(frozen=True)
class MatterListPage:
    """One page of /matters: its matters in the order shown (by stage), and where it is."""

    matters: tuple[MatterRow, ...]
    page: int
    pages: int


#: A matter's title on its button (in /matters, under an agenda) is cut to this length.
BUTTON_TITLE_CHARS = 12


def button_title(title: str) -> str:
    """A matter's title short enough for a button: cut, with …, if longer."""
    return title if len(title) <= BUTTON_TITLE_CHARS else title[: BUTTON_TITLE_CHARS - 1] + "…"


def open_callback(matter_id: int) -> str:
    """The data of a matter's button that opens it (handlers/deliberation/callbacks.py
    MatterOpen): its screen privately; pressed in a group, the private chat opens."""
    return f"xmo:{matter_id}"


#: The data of the button that shows every open matter (MattersPage, its first page).
ALL_MATTERS_CALLBACK = "xmp:0"
#: The data of the ✏️ 我要提议 button (RaiseStart).
RAISE_CALLBACK = "xrn"


def support_callback(matter_id: int) -> str:
    """The callback data of a card's 附议 button (decoded in handlers/callbacks.py)."""
    return f"ms:{matter_id}"


def card_message(
    matter: MatterRow,
    threshold: int,
    language: Language,
    tz: Any,
    *,
    merged: tuple[int, ...] = (),
) -> OutgoingMessage:
    """A matter's card as shown in the residents' group.

    ``merged`` are the duplicates merged into this matter; a withdrawn or
    merged matter's card says so and loses its button.
    """
    if matter.stage in ("withdrawn", "merged"):
        return _gone_card(matter, language)
    merged_note = (
        translate(language, "desk.card_merged_from", numbers=", ".join(f"#{n}" for n in merged))
        if merged
        else ""
    )
    if matter.stage not in ("raised", "agenda"):
        # Voted on, being carried out, done: no more seconding; the card says where it is.
        return _stage_card(matter, language, merged_note)
    if matter.stage == "agenda" and matter.agenda_at is not None and matter.agenda_forum:
        return _agenda_card(matter, language, tz, merged_note)
    return _support_card(matter, threshold, language, tz, merged_note)


def _card_params(matter: MatterRow) -> dict[str, Any]:
    """What every card shows: the number, the title and the details."""
    return {"number": matter.number, "title": matter.title, "details": matter.details}


def _gone_card(matter: MatterRow, language: Language) -> OutgoingMessage:
    """A withdrawn or merged matter's card: it says so, without a button."""
    extra: dict[str, Any]
    if matter.stage == "withdrawn":
        key, extra = "desk.card_withdrawn", {"reason": matter.withdrawn_reason or ""}
    else:
        key, extra = "desk.card_merged", {"into": matter.merged_into_number or 0}
    return OutgoingMessage(key, language, _card_params(matter) | extra, photo=matter.photo_file_id)


def _stage_card(matter: MatterRow, language: Language, merged_note: str) -> OutgoingMessage:
    """A card past seconding: its supports and the stage it is at."""
    return OutgoingMessage(
        "matter.card_stage",
        language,
        _card_params(matter)
        | {
            "supports": spoken.count(language, "residents", matter.supports),
            "stage": translate(language, f"matter.stage_name.{matter.stage}"),
            "comments": spoken.count(language, "comments", matter.comments),
            "merged": merged_note,
        },
        photo=matter.photo_file_id,
    )


def _agenda_card(
    matter: MatterRow, language: Language, tz: Any, merged_note: str
) -> OutgoingMessage:
    """A card on the agenda: when and where it is discussed."""
    assert matter.agenda_at is not None  # noqa: S101 - checked by card_message
    return OutgoingMessage(
        "matter.card_agenda",
        language,
        _card_params(matter)
        | {
            "supports": spoken.count(language, "residents", matter.supports),
            "when": spoken.moment(language, matter.agenda_at, tz),
            "forum": forum_name(language, matter.agenda_forum),
            "comments": spoken.count(language, "comments", matter.comments),
            "merged": merged_note,
        },
        photo=matter.photo_file_id,
    )


def _support_card(
    matter: MatterRow, threshold: int, language: Language, tz: Any, merged_note: str
) -> OutgoingMessage:
    """A card being seconded: supports so far, the threshold, and the support button."""
    return OutgoingMessage(
        "matter.card",
        language,
        _card_params(matter)
        | {
            "supports": matter.supports,
            "threshold": threshold,
            "until": spoken.day(language, matter.support_until.astimezone(tz).date()),
            "comments": spoken.count(language, "comments", matter.comments),
            "merged": merged_note,
        },
        buttons=(
            (ButtonSpec("matter.support_button", callback_data=support_callback(matter.id)),),
        ),
        photo=matter.photo_file_id,
    )


class MatterService:
    """Raising matters, supporting them, and putting them on an agenda."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        calendar: CommunityCalendar,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._calendar = calendar
        self._clock = clock

    @property
    def threshold(self) -> int:
        """How many residents' supports put a matter on the agenda."""
        return self._settings.deliberation.support_threshold

    # --- raising ----------------------------------------------------------------

    async def start(self, actor: Actor, chat_id: int, words: str | None = None) -> RaiseDraft:
        """Open the form; with words (from "提议 …") it starts from what they say: the
        title and details taken from them, at the first step still missing."""
        actor.member(Role.RESIDENT, "matter.residents_only")
        async with self._db.transaction() as session:
            return await self._begin(session, actor, chat_id, words or "")

    async def keep_group_draft(self, actor: Actor, group_chat_id: int, words: str) -> bool:
        """ "提议 …" written in a group: keep the words, keyed by the writer, for the form
        they open privately (registering first if they must). False if there are none.

        Kept GROUP_DRAFT_KEPT at most; a newer one from the same group replaces it.
        """
        if actor.person is not None:
            actor.member(Role.RESIDENT, "matter.residents_only")
        # Cleaned before it is kept, like everything a person writes (bot.usertext).
        words = usertext.block(words).strip()[:MAX_GROUP_TEXT]
        if not words:
            return False
        now = self._clock()
        async with self._db.transaction() as session:
            await session.dialogs.end_stale(FLOW, GROUP_STEP, now - GROUP_DRAFT_KEPT)
            await session.dialogs.put(
                group_chat_id, actor.tg_user_id, FLOW, GROUP_STEP, {"words": words}, now
            )
        return True

    async def resume_group_draft(
        self, actor: Actor, chat_id: int, group_chat_id: int | None
    ) -> RaiseDraft | None:
        """The words this person wrote with 提议 in a group (in that group, or the latest),
        moved into the private form; None if there are none (already used, stale, or
        written by someone else: only the person's own are ever looked up).

        With none kept but the form already open (the button pressed twice), the form
        as it stands.
        """
        actor.member(Role.RESIDENT, "matter.residents_only")
        since = self._clock() - GROUP_DRAFT_KEPT
        async with self._db.transaction() as session:
            kept = await session.dialogs.latest_of(
                actor.tg_user_id, FLOW, GROUP_STEP, since, chat_id=group_chat_id
            )
            if kept is None:
                current = await session.dialogs.get(chat_id, actor.tg_user_id)
                if current is None or current.flow != FLOW:
                    return None
                return await self._as_draft(session, current.step, current.data)
            await session.dialogs.end(kept.chat_id, actor.tg_user_id)
            return await self._begin(session, actor, chat_id, str(kept.data.get("words", "")))

    async def edit(self, actor: Actor, chat_id: int, field: str) -> RaiseDraft:
        """At the confirm step: type the title (or the details) again; the rest is kept."""
        actor.member(Role.RESIDENT, "matter.residents_only")
        step = "title" if field == "title" else "details"
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "confirm")
            await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, step, data, self._clock())
        return RaiseDraft(step, str(data["title"]), str(data["details"]))

    async def _begin(self, session: Session, actor: Actor, chat_id: int, words: str) -> RaiseDraft:
        title, details = split_words(usertext.block(words))
        data: dict[str, Any] = {}
        note: str | None = None
        params: tuple[tuple[str, object], ...] = ()
        if title is not None:
            data["title"] = title
        elif details:
            note = "raise.title_from_words"
        if len(details) > MAX_DETAILS:
            note = "raise.details_too_long"
            params = (("limit", MAX_DETAILS), ("length", len(details)))
        elif details:
            data["details"] = details
        step = "title" if "title" not in data else "details" if "details" not in data else "confirm"
        await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, step, data, self._clock())
        draft = await self._as_draft(session, step, data)
        return RaiseDraft(
            draft.step, draft.title, draft.details, draft.similar, note=note, note_params=params
        )

    async def _as_draft(self, session: Session, step: str, data: dict[str, Any]) -> RaiseDraft:
        title = data.get("title")
        similar = _similar(str(title), await session.matters.open()) if step == "confirm" else ()
        return RaiseDraft(
            step, title, data.get("details"), similar, data.get("photo"), voice=data.get("voice")
        )

    async def answer_title(self, actor: Actor, chat_id: int, text: str) -> RaiseDraft:
        """The matter's title; then the form asks what and where (unless it knows already)."""
        title = _check_title(text)
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "title")
            data = {**data, "title": title}
            step = "confirm" if data.get("details") else "details"
            await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, step, data, self._clock())
            return await self._as_draft(session, step, data)

    async def answer_details(self, actor: Actor, chat_id: int, text: str) -> RaiseDraft:
        """What and where; then the form shows similar open matters and asks to confirm."""
        details = usertext.line(text)
        if not details:
            raise UserFacingError("raise.details_empty")
        if len(details) > MAX_DETAILS:
            raise UserFacingError("raise.details_too_long", limit=MAX_DETAILS, length=len(details))
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "details")
            data = {**data, "details": details}  # a photo attached before an edit stays
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "confirm", data, self._clock()
            )
            return await self._as_draft(session, "confirm", data)

    async def attach_photo(self, actor: Actor, chat_id: int, file_id: str) -> RaiseDraft:
        """A photo sent at the confirm step: it goes with the matter (the latest one wins)."""
        actor.member(Role.RESIDENT, "matter.residents_only")
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "confirm")
            data = {**data, "photo": file_id}
            similar = _similar(str(data["title"]), await session.matters.open())
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "confirm", data, self._clock()
            )
        return RaiseDraft("confirm", str(data["title"]), str(data["details"]), similar, file_id)

    async def attach_voice(
        self, actor: Actor, chat_id: int, file_id: str, placeholder: str
    ) -> RaiseDraft:
        """A voice note sent for the details (what and where): it is the details, which
        read ``placeholder`` (（语音说明）), and it goes to the groups after the card. At the
        confirm step it replaces an earlier voice note and leaves typed details as they are."""
        actor.member(Role.RESIDENT, "matter.residents_only")
        async with self._db.transaction() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            step = dialog.step if dialog is not None and dialog.flow == FLOW else "details"
            if step not in ("details", "confirm"):
                step = "details"  # refused just below, with the form's own words
            data = await self._expect(session, actor, chat_id, step)
            data = {**data, "voice": file_id}
            if step == "details":
                data["details"] = placeholder
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "confirm", data, self._clock()
            )
            return await self._as_draft(session, "confirm", data)

    async def confirm(self, actor: Actor, chat_id: int) -> MatterRow:
        """Submit: the matter gets its number and its card is queued for the residents' groups."""
        person = actor.member(Role.RESIDENT, "matter.residents_only")
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "confirm")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            return await self.raise_in(
                session,
                title=str(data["title"]),
                details=str(data["details"]),
                raised_by=person.id,
                actor_id=person.id,
                photo=data.get("photo"),
                now=now,
                voice=data.get("voice"),
            )

    async def raise_in(
        self,
        session: Session,
        *,
        title: str,
        details: str,
        raised_by: int | None,
        actor_id: int | None,
        photo: str | None,
        now: datetime,
        voice: str | None = None,
    ) -> MatterRow:
        """Raise a matter in the caller's unit of work (the form's confirm; a resident's
        need turned into a matter, bot/needs): its number, its event, its card queued."""
        matter_id = await session.matters.create(
            title=title,
            details=details,
            raised_by=raised_by,
            support_until=now + timedelta(days=self._settings.deliberation.support_days),
            now=now,
            photo_file_id=photo,
        )
        await session.audit.record(
            at=now, action="matter.raise", actor_id=actor_id, detail=str(matter_id)
        )
        await session.matters.add_event(matter_id, "raised", actor_id=actor_id, now=now)
        matter = await session.matters.get(matter_id)
        assert matter is not None  # noqa: S101 - created just above
        await self._post_card(session, matter, now, voice)
        return matter

    async def _post_card(
        self, session: Session, matter: MatterRow, now: datetime, voice: str | None = None
    ) -> None:
        chats = await session.chats.posting(ChatKind.RESIDENTS.value)
        if not chats:
            return
        language = self._settings.community.default_language
        message = card_message(matter, self.threshold, language, self._calendar.tz)
        push_id = await queue_push(
            session,
            kind="matter.card",
            title=matter.title,
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=f"matter-card:{matter.id}",
            now=now,
        )
        await session.matters.set_card_push(matter.id, push_id)
        if voice is not None:
            # The voice note given as the details, right after the card (queued after it).
            said = OutgoingMessage(
                "raise.voice_caption", language, {"number": matter.number}, voice=voice
            )
            await queue_push(
                session,
                kind="matter.voice",
                title=matter.title,
                deliveries=[Delivery(chat.chat_id, None, said) for chat in chats],
                dedupe_prefix=f"matter-voice:{matter.id}",
                now=now,
            )

    async def _expect(
        self, session: Session, actor: Actor, chat_id: int, step: str
    ) -> dict[str, Any]:
        dialog = await expect_step(session, chat_id, actor.tg_user_id, FLOW, step, "raise.expired")
        return dialog.data

    # --- supporting ---------------------------------------------------------------

    async def support(self, actor: Actor, matter_id: int) -> SupportResult:
        """附议: one support per resident; enough of them put the matter on the agenda."""
        person = actor.member(Role.RESIDENT, "matter.residents_only")
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await session.matters.get(matter_id)
            if matter is not None and matter.stage == "merged":
                raise UserFacingError("desk.merged_into", number=matter.merged_into_number or 0)
            if matter is None or matter.stage == "withdrawn":
                raise UserFacingError("matter.gone")
            if matter.raised_by == person.id:
                raise UserFacingError("matter.own")
            if now > matter.support_until and matter.stage == "raised":
                raise UserFacingError("matter.support_closed")
            added = await session.matters.support(matter_id, person.id, now)
            if not added:
                raise UserFacingError("matter.already_supported", number=matter.number)
            reached = matter.stage == "raised" and matter.supports + 1 >= self.threshold
            if reached:
                forum, when = self.next_forum(now)
                await session.matters.put_on_agenda(matter_id, forum, when, now)
                await session.audit.record(
                    at=now, action="matter.agenda", actor_id=None, detail=str(matter_id)
                )
                await session.matters.add_event(
                    matter_id,
                    "agenda",
                    actor_id=None,
                    now=now,
                    forum=forum,
                    at=when.isoformat(),
                    supports=matter.supports + 1,
                )
            updated = await session.matters.get(matter_id)
            assert updated is not None  # noqa: S101 - read in the same transaction
        return SupportResult(updated, added, reached)

    def next_forum(self, now: datetime) -> tuple[str, datetime]:
        """The forum (and its time) a matter goes to when it reaches the agenda now."""
        choice = self._settings.deliberation.agenda_forum
        session_at = self._calendar.next_session(now)
        talk_at = self._calendar.next_talk_day(now)
        if choice == "session" or (choice == "next" and session_at <= talk_at):
            return "session", session_at
        return "talk_day", talk_at

    def forum_at(self, forum: str, now: datetime) -> datetime:
        """When the next sitting of ``forum`` ('session' or 'talk_day') after ``now`` is."""
        if forum == "session":
            return self._calendar.next_session(now)
        return self._calendar.next_talk_day(now)

    # --- looking back ---------------------------------------------------------------

    async def open_matters(self) -> list[MatterRow]:
        """Every matter still in hand: being voted on, on an agenda, gathering support,
        passed and waiting for an owner, being carried out, being accepted."""
        async with self._db.read() as session:
            return await session.matters.unfinished()

    async def open_matters_page(self, page: int) -> MatterListPage:
        """A page of the matters still in hand, by stage as /matters lists them (a page
        past the last is the last)."""
        rows = await self.open_matters()
        ordered = [row for stage in UNFINISHED_STAGES for row in rows if row.stage == stage]
        pages = max(1, -(-len(ordered) // MATTERS_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = ordered[page * MATTERS_PAGE_SIZE : (page + 1) * MATTERS_PAGE_SIZE]
        return MatterListPage(tuple(shown), page, pages)

    async def id_of(self, number: int) -> int:
        """The id of the community's matter #``number`` (as a person types it: numbers are
        counted per community, ids are not); "matter.not_found" if there is none."""
        async with self._db.read() as session:
            matter = await session.matters.by_number(number)
        if matter is None:
            raise UserFacingError("matter.not_found", number=number)
        return matter.id

    async def numbers(self, matter_ids: list[int]) -> dict[int, int]:
        """What people call each of these matters (#12 of this community), by id."""
        async with self._db.read() as session:
            return await session.matters.numbers(matter_ids)

    async def number(self, matter_id: int) -> int:
        """What people call the matter of ``matter_id`` (its id if it is not found)."""
        return (await self.numbers([matter_id])).get(matter_id, matter_id)

    async def matter(self, matter_id: int) -> MatterRow:
        """One matter; UserFacingError if there is none with that number."""
        async with self._db.read() as session:
            matter = await session.matters.get(matter_id)
        if matter is None:
            raise UserFacingError("matter.not_found", number=matter_id)
        return matter

    async def card_messages(self, matter: MatterRow) -> list[tuple[int, int]]:
        """Where the matter's card stands: (chat id, message id) pairs."""
        if matter.card_push_id is None:
            return []
        async with self._db.read() as session:
            return await session.outbox.sent_messages(matter.card_push_id)


def _check_title(text: str) -> str:
    title = usertext.line(text)
    if len(title) < MIN_TITLE:
        raise UserFacingError("raise.title_too_short", minimum=MIN_TITLE)
    if len(title) > MAX_TITLE:
        raise UserFacingError("raise.title_too_long", limit=MAX_TITLE, length=len(title))
    return title


def _similar(title: str, matters: list[MatterRow]) -> tuple[MatterRow, ...]:
    """Open matters whose titles look like ``title`` (near-duplicates), most alike first."""
    scored = [
        (difflib.SequenceMatcher(None, title, matter.title).ratio(), matter) for matter in matters
    ]
    alike = [
        (score, matter)
        for score, matter in scored
        if score >= SIMILAR_RATIO or title in matter.title or matter.title in title
    ]
    alike.sort(key=lambda pair: -pair[0])
    return tuple(matter for _, matter in alike[:3])
