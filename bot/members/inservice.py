"""In-service Party members reporting to the community (在职党员报到): "建立在职党员登记制度、
设岗定责制度、双向联系反馈制度 … 发放《在职党员联系卡》".

- A Party member who works elsewhere registers (/report_in, or 🏢 在职党员报到 on /me),
  guided step by step: the employer (工作单位), its Party organisation, that
  organisation's contact (a name, then a phone number or an e-mail address), a post from
  the community's list (``[members] inservice_posts``, buttons) and, if they wish, a
  building they take charge of (包楼栋: buttons from the register's buildings, or 跳过).
  Registering again replaces the answers.
- 包楼栋 is a pledge: choosing a building submits a commitment through the commitment
  system (bot/members/commitments.py: "负责 3号楼 的楼栋工作" for "3号楼居民", by the
  year's end), so it goes through the secretary's approval and the pledge card.
- The contact card (联系卡): a card drawn at send time (bot/members/cards.py) with the
  member's name, post, building, the community and a QR of the bot's deep link
  ``start=contact-<token>``; the token is random and stored, never a phone number. A
  resident who opens it writes a message, relayed to the member through the bot with a
  ↩ 回复 button; the reply is relayed back. The member gets the card from /me; a
  secretary posts it to the residents' group(s).
- A card passed on may be opened by a resident of another community of the street: the
  token is unique street-wide, so its community is found first
  (``street_wide_community_of_token``, the one unscoped lookup) and entered to read the
  member; the open conversation (in the resident's own community) remembers it, and the
  message is kept in the member's community. The member's reply is queued in the
  resident's community (where their register row is).
- /inservice (secretaries): the list with employer, post and building; one can be taken
  off it. The yearly feedback (双向联系反馈) per member, as a letter to the employer's
  Party organisation (.docx) and a row of a workbook, also a sheet of the ledger (台账),
  and the 20 December push that asks for it: ``InserviceService.yearly``
  (bot/members/inservice_feedback.py).
- "把党员参加社区活动情况作为民主评议、评先评优的依据": the post (楼栋长 · 3号楼) is the
  在职报到 column of the yearly appraisal's table (bot/members/appraisal_table.py), beside
  the volunteer hours and activities (bot/volunteering/hours.py).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import spoken, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language, Settings
from bot.deliberation.ledger import LedgerService
from bot.deliberation.voting.electorate import known_buildings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.members.appraisal_table import AppraisalYear, register_appraisal_column
from bot.members.cards import CONTACT_CARD
from bot.members.commitments import CommitmentService
from bot.members.inservice_feedback import InserviceFeedback
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.community.people import PersonRow
from storage.members.commitments import CommitmentRow
from storage.members.inservice import InserviceRow, RelayedRow
from storage.scope import community_id, in_community
from storage.session import Session

#: Registering: employer, its Party organisation, the contact's name, phone or e-mail,
#: the post (buttons), the building (buttons, or 跳过).
FLOW = "party_inservice"
STEPS = ("employer", "org", "contact_name", "contact", "post", "building")
#: A resident's message to a member, opened by the contact card's link.
RELAY_FLOW = "party_inservice_relay"
#: The member's reply to a resident's message.
REPLY_FLOW = "party_inservice_reply"
MAX_EMPLOYER = 60
MAX_ORG = 60
MAX_CONTACT_NAME = 20
MAX_CONTACT = 60
MAX_MESSAGE = 500
#: The deep-link payload of a contact card: ``contact-<token>``.
START_PREFIX = "contact-"
#: Callback data of ↩ 回复 under a relayed message (handlers/members/callbacks.py).
REPLY_PREFIX = "isr"
RELAY_KIND = "members.inservice_relay"
REPLY_KIND = "members.inservice_reply"
CARD_KIND = "members.contact_card"
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Step:
    """Where registering stands: the step now asked, and the answers so far."""

    step: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Registered:
    """The member's record after registering, and the 包楼栋 commitment it submitted."""

    record: InserviceRow
    commitment: CommitmentRow | None


def contact_link(bot_username: str, token: str) -> str:
    """The contact card's link: the bot's deep link that opens a message to the member."""
    return f"https://t.me/{bot_username}?start={START_PREFIX}{token}"


def token_of(args: list[str] | None) -> str | None:
    """The token of a contact card's /start payload, or None for another payload."""
    if not args or len(args) != 1 or not args[0].startswith(START_PREFIX):
        return None
    token = args[0][len(START_PREFIX) :]
    return token if _TOKEN.fullmatch(token) else ""


class InserviceService:
    """Registering, the contact card and its relayed messages, the list; the yearly
    feedback is its part ``yearly`` (bot/members/inservice_feedback.py)."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        commitments: CommitmentService,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
        ledger: LedgerService | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._commitments = commitments
        self._clock = clock
        # 📄 年度反馈: adds its sheet to the ledger (台账), registers the 20 December push.
        self.yearly = InserviceFeedback(db, settings, scheduler, self.post_name, clock, ledger)

    @property
    def tz(self) -> ZoneInfo:
        return self._settings.community.tz

    def today(self) -> date:
        return self._clock().astimezone(self.tz).date()

    def post_name(self, language: Language, post: str) -> str:
        """A post as the reader calls it (its English name from the configuration)."""
        for choice in self._settings.members.inservice_posts:
            if choice.name == post:
                return choice.name_in(language)
        return post

    def posts(self, language: Language) -> list[str]:
        """The community's posts, in the reader's language, in the configured order."""
        return [post.name_in(language) for post in self._settings.members.inservice_posts]

    # --- registering -------------------------------------------------------------------

    async def mine(self, actor: Actor) -> InserviceRow | None:
        """🏢 在职党员报到 on /me: the member's record, if they have reported in."""
        me = actor.member(Role.PARTY_MEMBER, "inservice.members_only")
        async with self._db.read() as session:
            return await session.members.inservice.of_person(me.id)

    async def start(self, actor: Actor, chat_id: int) -> Step:
        """/report_in: the first question (the employer)."""
        actor.member(Role.PARTY_MEMBER, "inservice.members_only")
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "employer", {}, self._clock()
            )
        return Step("employer", {})

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> Step:
        """A typed answer at ``step``: checked, kept, the next step asked."""
        actor.require(Role.PARTY_MEMBER, "inservice.members_only")
        value = usertext.line(text)
        limits = {
            "employer": ("org", MAX_EMPLOYER),
            "org": ("contact_name", MAX_ORG),
            "contact_name": ("contact", MAX_CONTACT_NAME),
            "contact": ("post", MAX_CONTACT),
        }
        if step not in limits:
            raise UserFacingError("inservice.use_buttons")
        following, limit = limits[step]
        if not value:
            raise UserFacingError("inservice.empty")
        if len(value) > limit:
            raise UserFacingError("inservice.too_long", limit=limit, length=len(value))
        if step == "contact" and not (_PHONE.fullmatch(value) or _EMAIL.fullmatch(value)):
            raise UserFacingError("inservice.contact_unreadable")
        return await self._advance(actor, chat_id, step, following, **{step: value})

    async def choose_post(self, actor: Actor, chat_id: int, index: int) -> Step:
        """A post's button: kept; then the buildings of the register (包楼栋)."""
        actor.require(Role.PARTY_MEMBER, "inservice.members_only")
        posts = self._settings.members.inservice_posts
        if not 0 <= index < len(posts):
            raise UserFacingError("inservice.expired")
        async with self._db.read() as session:
            buildings = known_buildings(await session.people.known_buildings())
        return await self._advance(
            actor, chat_id, "post", "building", post=posts[index].name, buildings=buildings
        )

    async def current(self, actor: Actor, chat_id: int) -> Step:
        """Where the member's registering stands (to ask its question again)."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
        if dialog is None or dialog.flow != FLOW:
            raise UserFacingError("inservice.expired")
        return Step(dialog.step, dict(dialog.data))

    async def _advance(
        self, actor: Actor, chat_id: int, from_step: str, to_step: str, **answers: Any
    ) -> Step:
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FLOW, from_step, "inservice.expired"
            )
            data = {**dialog.data, **answers}
            await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, to_step, data, self._clock())
        return Step(to_step, data)

    async def choose_building(self, actor: Actor, chat_id: int, index: int | None) -> Registered:
        """A building's button (包楼栋: a commitment submitted for review), or 跳过 (None):
        the member is registered."""
        me = actor.member(Role.PARTY_MEMBER, "inservice.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FLOW, "building", "inservice.expired"
            )
            data = dialog.data
            buildings = [str(b) for b in data.get("buildings") or []]
            building: str | None = None
            if index is not None:
                if not 0 <= index < len(buildings):
                    raise UserFacingError("inservice.expired")
                building = buildings[index]
            repo = session.members.inservice
            earlier = await repo.of_person(me.id)
            commitment = None
            if building is not None and (earlier is None or earlier.building != building):
                commitment = await self._pledge(session, me.id, building, now)
            await repo.put(
                me.id,
                employer=str(data["employer"]),
                party_org=str(data["org"]),
                org_contact_name=str(data["contact_name"]),
                org_contact=str(data["contact"]),
                post=str(data["post"]),
                building=building,
                commitment_id=commitment.id if commitment else None,
                token=earlier.token if earlier else secrets.token_urlsafe(18),
                now=now,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(at=now, action="inservice.register", actor_id=me.id)
            record = await repo.of_person(me.id)
        assert record is not None  # noqa: S101 - written just now
        return Registered(record, commitment)

    async def _pledge(
        self, session: Session, person_id: int, building: str, now: datetime
    ) -> CommitmentRow:
        """包楼栋: the commitment "负责 3号楼 …" for its residents, by the year's end, in the
        community's language (it is posted to the residents' group once approved)."""
        language = self._settings.community.default_language
        today = self.today()
        due = date(today.year, 12, 31)
        if due <= today:
            due = date(today.year + 1, 12, 31)
        return await self._commitments.submit_in(
            session,
            person_id,
            translate(language, "inservice.pledge_what", building=building),
            translate(language, "inservice.pledge_whom", building=building),
            due,
            None,
            now,
        )

    # --- the contact card and its messages -------------------------------------------------

    def card_message(
        self, language: Language, record: InserviceRow, bot_username: str, caption: str
    ) -> OutgoingMessage:
        """The contact card (联系卡), drawn at send time, with ``caption`` under it."""
        link = contact_link(bot_username, record.token)
        post = self.post_name(language, record.post)
        building = record.building or translate(language, "inservice.card.no_building")
        return OutgoingMessage(
            caption,
            language,
            {"name": record.name, "post": post, "building": building, "link": link},
            card={
                "renderer": CONTACT_CARD,
                "params": {
                    "title": translate(language, "inservice.card.title"),
                    "rows": [
                        [translate(language, "inservice.card.member"), record.name],
                        [translate(language, "inservice.card.post"), post],
                        [translate(language, "inservice.card.building"), building],
                    ],
                    "link": link,
                    "scan": translate(language, "inservice.card.scan", name=record.name),
                    "community": self._settings.community.name_in(language),
                    "date": translate(
                        language,
                        "inservice.card.since",
                        day=spoken.long_day(language, record.registered_at.astimezone(self.tz)),
                    ),
                },
            },
        )

    async def send_card(self, actor: Actor, bot_username: str) -> InserviceRow:
        """🪪 我的联系卡: the card to the member, privately."""
        me = actor.member(Role.PARTY_MEMBER, "inservice.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            record = await session.members.inservice.of_person(me.id)
            if record is None:
                raise UserFacingError("inservice.not_reported")
            message = self.card_message(actor.language, record, bot_username, "inservice.card_own")
            await queue_push(
                session,
                kind=CARD_KIND,
                title=str(me.id),
                deliveries=[Delivery(me.tg_user_id, me.id, message)],
                dedupe_prefix=f"{CARD_KIND}:{me.id}:{now.isoformat()}",
                now=now,
            )
        return record

    async def post_card(self, actor: Actor, person_id: int, bot_username: str) -> InserviceRow:
        """📤 发到居民群 (a secretary): the member's card in the residents' group(s)."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        language = self._settings.community.default_language
        async with self._db.transaction() as session:
            record = await session.members.inservice.of_person(person_id)
            if record is None:
                raise UserFacingError("inservice.gone")
            chats = await session.chats.posting(ChatKind.RESIDENTS.value)
            if not chats:
                raise UserFacingError("inservice.no_group")
            message = self.card_message(language, record, bot_username, "inservice.card_group")
            await queue_push(
                session,
                kind=CARD_KIND,
                title=str(person_id),
                deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
                dedupe_prefix=f"{CARD_KIND}:group:{person_id}:{now.isoformat()}",
                now=now,
            )
        return record

    async def open_contact(self, actor: Actor, chat_id: int, token: str) -> InserviceRow:
        """The card's link opened privately: "给 王芳 留言：" (the message is asked)."""
        me = actor.registered_person()
        async with self._db.transaction() as session:
            repo = session.members.inservice
            # The card may be another community's (passed on): find whose, then enter it.
            found = await repo.street_wide_community_of_token(token) if token else None
            if found is None:
                raise UserFacingError("inservice.card_gone")
            with in_community(found):
                record = await repo.by_token(token)
            if record is None:
                raise UserFacingError("inservice.card_gone")
            if record.person_id == me.id:
                raise UserFacingError("inservice.own_card")
            # The conversation is the resident's (their next message comes in their own
            # community); it remembers the member's.
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RELAY_FLOW,
                "text",
                {"member": record.person_id, "community": found},
                self._clock(),
            )
        return record

    def _message_text(self, text: str) -> str:
        value = usertext.block(text)
        if not value:
            raise UserFacingError("inservice.empty")
        if len(value) > MAX_MESSAGE:
            raise UserFacingError("inservice.too_long", limit=MAX_MESSAGE, length=len(value))
        return value

    async def relay(self, actor: Actor, chat_id: int, text: str) -> InserviceRow:
        """The resident's message: kept, and sent to the member with ↩ 回复."""
        me = actor.registered_person()
        value = self._message_text(text)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RELAY_FLOW, "text", "inservice.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            # Kept and told in the member's community, which may not be the resident's.
            with in_community(int(dialog.data.get("community", community_id()))):
                return await self._relay_to_member(session, me, dialog.data, value, now)

    async def _relay_to_member(
        self, session: Session, me: PersonRow, data: dict[str, Any], value: str, now: datetime
    ) -> InserviceRow:
        """Inside the member's community: the message kept, pushed with ↩ 回复, audited."""
        repo = session.members.inservice
        record = await repo.of_person(int(data["member"]))
        member = await session.people.by_id(record.person_id) if record else None
        if record is None or member is None:
            raise UserFacingError("inservice.card_gone")
        message_id = await repo.add_message(record.person_id, me.id, value, now)
        if member.reachable:
            reply = ButtonSpec(
                "inservice.reply_button", callback_data=f"{REPLY_PREFIX}:{message_id}"
            )
            message = OutgoingMessage(
                "inservice.relayed",
                Language(member.language),
                {"name": me.display_name, "text": value},
                buttons=((reply,),),
            )
            await queue_push(
                session,
                kind=RELAY_KIND,
                title=str(message_id),
                deliveries=[Delivery(member.tg_user_id, member.id, message)],
                dedupe_prefix=f"{RELAY_KIND}:{message_id}",
                now=now,
            )
        await session.audit.record(
            at=now, action="inservice.message", actor_id=me.id, subject_id=member.id
        )
        return record

    async def start_reply(self, actor: Actor, chat_id: int, message_id: int) -> RelayedRow:
        """↩ 回复 under a relayed message: the reply is asked."""
        me = actor.registered_person()
        async with self._db.transaction() as session:
            relayed = await session.members.inservice.message(message_id)
            if relayed is None or relayed.member_id != me.id:
                raise UserFacingError("inservice.message_gone")
            await session.dialogs.put(
                chat_id, actor.tg_user_id, REPLY_FLOW, "text", {"id": message_id}, self._clock()
            )
        return relayed

    async def answer_reply(self, actor: Actor, chat_id: int, text: str) -> RelayedRow:
        """The member's reply: kept, and sent to the resident."""
        me = actor.registered_person()
        value = self._message_text(text)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, REPLY_FLOW, "text", "inservice.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            repo = session.members.inservice
            relayed = await repo.message(int(dialog.data["id"]))
            if relayed is None or relayed.member_id != me.id:
                raise UserFacingError("inservice.message_gone")
            await repo.set_reply(relayed.id, value, now)
            # The resident may be of another community (a card passed on): their register
            # row, and so the push to them, are their community's.
            with in_community(relayed.resident_community):
                await self._reply_to_resident(session, me, relayed, value, now)
        return relayed

    async def _reply_to_resident(
        self, session: Session, me: PersonRow, relayed: RelayedRow, value: str, now: datetime
    ) -> None:
        """Inside the resident's community: the member's reply queued to them."""
        resident = await session.people.by_id(relayed.resident_id)
        if resident is None or not resident.reachable:
            return
        message = OutgoingMessage(
            "inservice.reply_relayed",
            Language(resident.language),
            {"name": me.display_name, "text": value, "asked": relayed.text[:60]},
        )
        await queue_push(
            session,
            kind=REPLY_KIND,
            title=str(relayed.id),
            deliveries=[Delivery(resident.tg_user_id, resident.id, message)],
            dedupe_prefix=f"{REPLY_KIND}:{relayed.id}:{now.isoformat()}",
            now=now,
        )

    # --- the secretary's list --------------------------------------------------------------

    async def roster(self, actor: Actor) -> list[InserviceRow]:
        """/inservice: every in-service member, in the order they reported in."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            return await session.members.inservice.every()

    async def one(self, actor: Actor, person_id: int) -> InserviceRow:
        """One in-service member's record (a secretary)."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            record = await session.members.inservice.of_person(person_id)
        if record is None:
            raise UserFacingError("inservice.gone")
        return record

    async def remove(self, actor: Actor, person_id: int) -> InserviceRow:
        """🗑 移出名单: the member is no longer in service here (their card stops working)."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        async with self._db.transaction() as session:
            repo = session.members.inservice
            record = await repo.of_person(person_id)
            if record is None or not await repo.remove(person_id):
                raise UserFacingError("inservice.gone")
            await session.audit.record(
                at=now,
                action="inservice.remove",
                actor_id=actor.person_id,
                subject_id=person_id,
            )
        return record


async def _post_column(session: Session, people: list[int], year: AppraisalYear) -> dict[int, str]:
    """The appraisal's 在职报到 column: the post and building (楼栋长 · 3号楼) of the members
    who had reported in by the year's end; empty for the others."""
    _, end = year.bounds()
    wanted = set(people)
    return {
        record.person_id: " · ".join(filter(None, (record.post, record.building)))
        for record in await session.members.inservice.every()
        if record.person_id in wanted and record.registered_at < end
    }


# Reporting in counts in the yearly appraisal (民主评议), §2 of #14.
register_appraisal_column("inservice_post", "inservice.appraisal_post", _post_column, line=3)
