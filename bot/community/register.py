"""The community register: people, roles, bound chats, and each person's own data.

No Telegram types here: callers pass plain values (:class:`Caller`, chat ids)
and get rows or small result objects back. Every change is one unit of work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from bot import usertext
from bot.clock import Clock, system_clock
from bot.config import CommunitySettings, Language, community_now
from bot.errors import UserFacingError
from bot.households import records as household_records
from bot.i18n import from_telegram_code, parse_language, translate
from storage import Storage, current_community
from storage.community.chats import ChatRow
from storage.community.joining import former_communities
from storage.community.people import PersonRow, person_by_telegram_id_street_wide
from storage.privacy import JSON_COLUMNS, Traces
from storage.session import Session
from storage.times import to_db_time

log = logging.getLogger(__name__)

#: Telegram's stand-in sender for anonymous group admins.
GROUP_ANONYMOUS_BOT_ID = 1087968824
#: How stale ``last_seen_at`` may get before an ordinary message refreshes it.
SEEN_REFRESH = timedelta(hours=12)
PEOPLE_PAGE_SIZE = 8


class Role(StrEnum):
    """What a person may do. A person may hold several roles."""

    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    PARTY_MEMBER = "party_member"
    GRID_WORKER = "grid_worker"
    SUPERVISOR = "supervisor"
    SECRETARY = "secretary"


class ChatKind(StrEnum):
    """What a group chat is for, once a secretary binds it."""

    RESIDENTS = "residents"
    MEMBERS = "members"
    VOLUNTEERS = "volunteers"


@dataclass(frozen=True)
class Caller:
    """The Telegram account behind a request, as plain values."""

    tg_user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        """The name as people write it: 张秀英 (family name first) or Anna Smith."""
        if not self.last_name:
            return self.first_name
        if _is_cjk(self.first_name + self.last_name):
            return f"{self.last_name}{self.first_name}"
        return f"{self.first_name} {self.last_name}"


def _is_cjk(text: str) -> bool:
    """Whether ``text`` contains Chinese (or other CJK) characters."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@dataclass(frozen=True)
class Actor:
    """Who is acting: their register entry if any, their language, their powers."""

    tg_user_id: int
    language: Language
    person: PersonRow | None
    configured_secretary: bool

    @property
    def registered(self) -> bool:
        """Whether the person is in the community register."""
        return self.person is not None

    @property
    def person_id(self) -> int | None:
        """The register id, or None for someone not registered."""
        return self.person.id if self.person else None

    def has(self, role: Role) -> bool:
        """Whether the actor holds ``role`` (secretaries named in the config always do)."""
        if role is Role.SECRETARY and self.configured_secretary:
            return True
        return self.person is not None and role.value in self.person.roles

    def registered_person(self, refusal: str = "access.not_registered") -> PersonRow:
        """The actor's register entry; refused with catalog key ``refusal`` if none."""
        if self.person is None:
            raise UserFacingError(refusal)
        return self.person

    def require(self, role: Role, refusal: str | None = None) -> None:
        """Refuse unless the actor holds ``role`` (secretaries named in the config do).

        ``refusal`` is the catalog key of the feature's own explanation; by default
        the reply names the role needed."""
        if not self.has(role):
            if refusal is not None:
                raise UserFacingError(refusal)
            raise UserFacingError(
                "access.needs_role", role=translate(self.language, f"role.{role.value}")
            )

    def member(self, role: Role, refusal: str | None = None) -> PersonRow:
        """The register entry of a registered actor who holds ``role``; refused otherwise."""
        person = self.registered_person()
        self.require(role, refusal)
        return person


@dataclass(frozen=True)
class ChatInfo:
    """A group chat as the caller saw it."""

    chat_id: int
    title: str
    type: str


@dataclass(frozen=True)
class CommunityStatus:
    """What ``/status`` shows."""

    name: str
    chats: list[ChatRow]
    people: int
    by_role: dict[Role, int]


@dataclass(frozen=True)
class PeoplePage:
    """One page of the register for choosing a person."""

    people: list[PersonRow]
    page: int
    pages: int


class CommunityService:
    """Rules of the register: who is who, who may do what, what each person can see."""

    @property
    def _settings(self) -> CommunitySettings:
        # The community being worked for (bot/config/community.py: current_profile).
        return community_now(self._configured)

    def __init__(
        self, db: Storage, settings: CommunitySettings, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self._configured = settings
        self._clock = clock

    @property
    def settings(self) -> CommunitySettings:
        """The community's configuration."""
        return self._settings

    def is_configured_secretary(self, tg_user_id: int) -> bool:
        """Whether the config names this account as a secretary."""
        return tg_user_id in self._settings.secretaries

    async def identify(self, caller: Caller) -> Actor:
        """Resolve the caller to an Actor; refresh their contact details when stale.

        Nothing is stored about people who have not registered (the one exception is
        not here: the words of a "提议 …" they wrote in a group, kept a few days for
        them to register and submit, see ``MatterService.keep_group_draft``).

        The account is looked up street-wide (it is registered in one community at a
        time); a person registered in another community than the current one is a
        visitor here (in another community's group, say): not registered here, spoken
        to in their own language.
        """
        # Every update asks this: one hop to the reader's thread, not one per call.
        found = await self._db.run_read(
            partial(person_by_telegram_id_street_wide, tg_user_id=caller.tg_user_id)
        )
        here = current_community.get()
        person = found if found is not None and found.community_id == here else None
        now = self._clock()
        if person is not None and (
            person.tg_username != caller.username
            or not person.reachable
            or now - person.last_seen_at > SEEN_REFRESH
        ):
            async with self._db.transaction(completes_update=False) as session:
                await session.people.refresh_contact(person.id, caller.username, now)
        language = (
            parse_language(found.language)
            if found
            else from_telegram_code(caller.language_code, self._settings.default_language)
        )
        return Actor(
            tg_user_id=caller.tg_user_id,
            language=language,
            person=person,
            configured_secretary=self.is_configured_secretary(caller.tg_user_id),
        )

    async def set_language(self, actor: Actor, language: Language) -> None:
        """Change the language a registered person is spoken to in."""
        person = actor.registered_person("me.not_registered")
        async with self._db.transaction() as session:
            await session.people.set_language(person.id, language.value)
            await session.audit.record(
                at=self._clock(), action="language", actor_id=person.id, detail=language.value
            )

    # --- chats -------------------------------------------------------------

    async def bind_chat(self, actor: Actor, chat: ChatInfo, kind: ChatKind) -> ChatRow | None:
        """Bind a group chat to a kind in the current community (the binding secretary's;
        a chat new to the bot becomes its); returns the previous binding, if any."""
        now = self._clock()
        async with self._db.transaction() as session:
            previous = await session.chats.get(chat.chat_id)
            await session.chats.seen(chat.chat_id, usertext.line(chat.title), chat.type, True, now)
            await session.chats.bind(chat.chat_id, kind.value, actor.person_id, now)
            await session.audit.record(
                at=now, action="chat.bind", actor_id=actor.person_id, detail=kind.value
            )
        return previous if previous and previous.kind else None

    async def unbind_chat(self, actor: Actor, chat_id: int) -> None:
        """Release a group chat from its binding."""
        now = self._clock()
        async with self._db.transaction() as session:
            if not await session.chats.unbind(chat_id, now):
                raise UserFacingError("bind.not_bound")
            await session.audit.record(at=now, action="chat.unbind", actor_id=actor.person_id)

    async def chat_membership(self, chat: ChatInfo, is_member: bool) -> ChatRow | None:
        """The bot was added to or removed from a group (a chat new to the bot becomes the
        current community's: the adder's); returns the chat's binding."""
        async with self._db.transaction() as session:
            await session.chats.seen(
                chat.chat_id, usertext.line(chat.title), chat.type, is_member, self._clock()
            )
            return await session.chats.get(chat.chat_id)

    async def chat_migrated(self, old_chat_id: int, new_chat_id: int) -> bool:
        """A group was upgraded to a supergroup: its binding moves to the new id."""
        async with self._db.transaction() as session:
            await session.delivery.move_chat(old_chat_id, new_chat_id)
            return await session.chats.move(old_chat_id, new_chat_id, self._clock())

    async def chat(self, chat_id: int) -> ChatRow | None:
        """A known chat, or None."""
        async with self._db.read() as session:
            return await session.chats.get(chat_id)

    async def status(self) -> CommunityStatus:
        """The community, its bound chats and the number of people per role."""
        async with self._db.read() as session:
            chats = await session.chats.bound()
            people = await session.people.count()
            counts = await session.people.count_by_role()
        return CommunityStatus(
            name=self._settings.name,
            chats=chats,
            people=people,
            by_role={role: counts.get(role.value, 0) for role in Role},
        )

    # --- roles -------------------------------------------------------------

    async def people_page(self, page: int) -> PeoplePage:
        """A page of registered people (page numbers start at 0 and are clamped)."""
        async with self._db.read() as session:
            total = await session.people.count()
            pages = max(1, -(-total // PEOPLE_PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            people = await session.people.page(page * PEOPLE_PAGE_SIZE, PEOPLE_PAGE_SIZE)
        return PeoplePage(people=people, page=page, pages=pages)

    async def person(self, person_id: int) -> PersonRow:
        """A registered person; UserFacingError if they are no longer registered."""
        async with self._db.read() as session:
            person = await session.people.by_id(person_id)
        if person is None:
            raise UserFacingError("people.gone")
        return person

    async def person_by_telegram_id(self, tg_user_id: int) -> PersonRow:
        """The registered person behind a Telegram account; UserFacingError if none."""
        async with self._db.read() as session:
            person = await session.people.by_telegram_id(tg_user_id)
        if person is None:
            raise UserFacingError("roles.target_not_registered")
        return person

    async def grant(self, actor: Actor, person_id: int, role: Role) -> bool:
        """Give ``role``; False if the person already held it."""
        return await self._set_role(actor, person_id, role, held=True)

    async def revoke(self, actor: Actor, person_id: int, role: Role) -> bool:
        """Take ``role`` away; False if the person did not hold it.

        A secretary cannot take the secretary role from themselves, so a
        community is never left without one by a slip of the finger.
        """
        return await self._set_role(actor, person_id, role, held=False)

    async def toggle_role(self, actor: Actor, person_id: int, role: Role) -> bool:
        """Grant the role if missing, else revoke it; returns whether it is now held."""
        await self._set_role(actor, person_id, role, held=None)
        return role.value in (await self.person(person_id)).roles

    async def _set_role(
        self, actor: Actor, person_id: int, role: Role, *, held: bool | None
    ) -> bool:
        """Make ``role`` held or not (None: the opposite of now) in one unit of work."""
        now = self._clock()
        async with self._db.transaction() as session:
            person = await session.people.by_id(person_id)
            if person is None:
                raise UserFacingError("people.gone")
            give = (role.value not in person.roles) if held is None else held
            if not give and role is Role.SECRETARY and person_id == actor.person_id:
                raise UserFacingError("roles.not_self")
            if give:
                changed = await session.people.grant(person_id, role.value, actor.person_id, now)
            else:
                changed = await session.people.revoke(person_id, role.value)
            if changed:
                await session.audit.record(
                    at=now,
                    action="role.grant" if give else "role.revoke",
                    actor_id=actor.person_id,
                    subject_id=person_id,
                    detail=role.value,
                )
        return changed

    # --- a person's own data -------------------------------------------------

    async def export(self, actor: Actor) -> dict[str, Any]:
        """Everything held about the actor, as JSON-ready data.

        Every column that refers to a person is carried somewhere in it: see
        storage/person_data.py (EXPORTED), which a test checks against the schema.
        """
        person = actor.registered_person("me.not_registered")
        async with self._db.read() as session:
            fresh = await session.people.by_id(person.id)
            if fresh is None:
                raise UserFacingError("me.not_registered")
            roles = await session.people.role_grants(person.id)
            audit = await session.audit.about(person.id)
            # Volunteer service: sign-ups, check-ins (a distance, never a place), consent.
            volunteering = await session.volunteering.records.person_record(person.id)
            deliberation = await session.matters.person_record(person.id)
            lessons = await session.lessons.person_record(person.id)
            surveys = await session.surveys.person_record(person.id)
            members = await session.members.birthdays.person_record(person.id)
            members |= await session.members.commitments.person_record(person.id)
            members |= await session.members.appraisal.person_record(person.id)
            members |= await session.members.inservice.person_record(person.id)
            board = await session.board.person_record(person.id)
            households = await household_records.person_record(session, fresh)
            needs = await session.needs.person_record(person.id)
            rest = await session.person_data.record(person.id, fresh.tg_user_id)
        return {
            "community": self._settings.name,
            "exported_at": to_db_time(self._clock()),
            "person": {
                "telegram_user_id": fresh.tg_user_id,
                "telegram_username": fresh.tg_username,
                "display_name": fresh.display_name,
                "language": fresh.language,
                "building": fresh.building,
                "door": fresh.door,
                "grid": fresh.grid_id,
                "consent_at": to_db_time(fresh.consent_at),
                "registered_at": to_db_time(fresh.registered_at),
                "last_seen_at": to_db_time(fresh.last_seen_at),
                "reachable": fresh.reachable,
                "party_joined_on": (
                    fresh.party_joined_on.isoformat() if fresh.party_joined_on else None
                ),
            },
            "roles": roles,
            "register": rest["register"],
            "activity": audit,
            "deliberation": {**deliberation, **rest["deliberation"]},
            "lessons": {**lessons, **rest["lessons"]},
            "volunteering": {**volunteering, **rest["volunteering"]},
            "surveys": surveys,
            # Party birthdays (政治生日): the greeting cards sent.
            "members": members,
            # The public board: matters followed, how-to pages written.
            "board": board,
            # Households (党员联户): theirs, those they look after, visits.
            "households": households,
            # The two lists (需求/服务): needs, offers, claims, ratings.
            "needs": needs,
            "messages": rest["messages"],
            "open_conversations": rest["open_conversations"],
        }

    async def forget(self, actor: Actor) -> None:
        """Delete the actor from the register; what they contributed stays, nameless."""
        person = actor.registered_person("me.not_registered")
        await self._delete(person, actor_id=None, action="person.forget")

    async def remove(self, actor: Actor, person_id: int) -> PersonRow:
        """A secretary removes a person from the register (they moved away, say)."""
        if person_id == actor.person_id:
            raise UserFacingError("people.not_self")
        person = await self.person(person_id)
        await self._delete(person, actor_id=actor.person_id, action="person.remove")
        return person

    async def _delete(self, person: PersonRow, *, actor_id: int | None, action: str) -> None:
        now = self._clock()
        async with self._db.transaction() as session:
            current = await session.people.by_id(person.id)
            if current is None:
                raise UserFacingError("people.gone")
            await session.dialogs.end_all_of(person.tg_user_id)
            await session.command_menus.forget(person.tg_user_id)
            # Their private chat id is their Telegram id: queued and sent pushes go too.
            await session.delivery.forget_chat(person.tg_user_id)
            # Copies of their name, username and id in the JSON the bot keeps
            # (stored updates, others' messages and conversations, matter history).
            traces = Traces.of(current.tg_user_id, current.display_name, current.tg_username)
            # The phone numbers they gave on a Party commitment (党员承诺) go too, and the
            # employer's contact they gave reporting in (在职党员报到).
            phones = await session.members.commitments.phones_given(current.id)
            phones += await session.members.inservice.contacts_given(current.id)
            if phones:
                words = sorted({*traces.words, *phones}, key=len, reverse=True)
                traces = Traces(traces.tg_user_id, tuple(words))
            # Here, and in the communities they moved from (their traces stay there).
            moved_from = await former_communities(session.conn, current.id)
            await session.privacy.scrub(
                current.id, traces, to_db_time(now), JSON_COLUMNS, moved_from
            )
            # Their visit notes; their household's record if they were its last resident.
            await household_records.forget_person(session, current)
            if not await session.people.delete(person.id):
                raise UserFacingError("people.gone")
            # The entry itself names nobody: the subject is gone, so is the link.
            await session.audit.record(at=now, action=action, actor_id=actor_id)
        # Deleted means gone from the files too: the WAL's old page copies included.
        # (Blocked by a busy reader, it is tried again shortly by itself.)
        await self._db.checkpoint()

    async def mark_unreachable(self, tg_user_id: int) -> bool:
        """The person blocked the bot: stop counting on private messages to them (street-
        wide: the account's, whichever community queued the message that told)."""
        async with self._db.transaction(completes_update=False) as session:
            return await session.people.set_reachable_street_wide(tg_user_id, False)

    async def prune_inbox(self, retention: timedelta) -> int:
        """Delete handled updates older than ``retention``; returns how many."""
        async with self._db.transaction(completes_update=False) as session:
            return await session.inbox.prune(self._clock() - retention)


async def secretaries_to_tell(session: Session, settings: CommunitySettings) -> list[PersonRow]:
    """Every reachable registered secretary: those holding the role, and those named in
    the configuration (who may have registered before being named there)."""
    people = await session.people.with_role(Role.SECRETARY.value)
    known = {person.id for person in people}
    for tg_user_id in settings.secretaries:
        person = await session.people.by_telegram_id(tg_user_id)
        if person is not None and person.id not in known:
            people.append(person)
            known.add(person.id)
    return [person for person in people if person.reachable]
