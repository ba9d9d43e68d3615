"""Discussion (民议): residents comment on a matter; secretaries can hide abuse.

A comment comes from a reply to the matter's card in a residents' group, or
from ``/discuss N text`` anywhere. Only registered residents comment; a
comment is 1–500 characters. The whole thread is read privately, page by
page. A secretary hides an abusive comment with a reason: the comment stays
in the table for the record and is shown to everyone as hidden, with the
reason; the hiding is audited and becomes a ``comment_hidden`` step
(position, reason) in the matter's history.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage
from storage.deliberation.comments import CommentRow
from storage.deliberation.matters import MatterRow

MAX_COMMENT = 500
MAX_HIDE_REASON = 200
#: At most this many comments on one page of a thread...
PAGE_SIZE = 10
#: ...and at most this many characters of (escaped) comment text, so a page
#: stays well under Telegram's 4,096 characters with its headers.
PAGE_BUDGET = 3000
HIDE_FLOW = "hide_comment"
#: Matters that no longer take comments.
CLOSED_STAGES = ("withdrawn", "merged")


@dataclass(frozen=True)
class CommentResult:
    """A comment just added: the matter (with its new count) and the comment's number."""

    matter: MatterRow
    comment_id: int
    position: int


@dataclass(frozen=True)
class ThreadPage:
    """One page of a matter's thread: (number in the thread, comment) pairs."""

    matter: MatterRow
    entries: tuple[tuple[int, CommentRow], ...]
    page: int
    pages: int
    #: How many residents agree (👍) with each comment of the page (those with any).
    supports: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class HiddenComment:
    """A comment just hidden, and the thread page to show again."""

    matter_id: int
    position: int
    page: int


class DiscussionService:
    """Comments on matters, the paged thread, hiding."""

    def __init__(self, db: Storage, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    async def comment(self, actor: Actor, matter_id: int, text: str) -> CommentResult:
        """Add a resident's comment to the matter's discussion."""
        person_id = actor.member(Role.RESIDENT, "discuss.residents_only").id
        body = _check_text(text)
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await session.matters.get(matter_id)
            if matter is None:
                raise UserFacingError("matter.not_found", number=matter_id)
            if matter.stage == "merged":
                raise UserFacingError("desk.merged_into", number=matter.merged_into_number or 0)
            if matter.stage in CLOSED_STAGES:
                raise UserFacingError("discuss.closed", number=matter.number)
            comment_id = await session.comments.add(matter_id, person_id, body, now)
            position = await session.comments.position(comment_id)
            updated = await session.matters.get(matter_id)
        assert updated is not None  # noqa: S101 - read in the same transaction
        return CommentResult(updated, comment_id, position)

    async def matter_of_message(self, chat_id: int, message_id: int) -> MatterRow | None:
        """The matter whose card is message ``message_id`` of ``chat_id``, or None."""
        async with self._db.read() as session:
            push_id = await session.outbox.push_of_message(chat_id, message_id)
            if push_id is None:
                return None
            return await session.matters.by_card_push(push_id)

    async def page(self, matter_id: int, page: int) -> ThreadPage:
        """Page ``page`` (from 0) of the matter's thread; past the end shows the last."""
        async with self._db.read() as session:
            matter = await session.matters.get(matter_id)
            if matter is None:
                raise UserFacingError("matter.not_found", number=matter_id)
            comments = await session.comments.of_matter(matter_id)
            supports = await session.comments.support_counts(matter_id)
        pages = paginate(comments)
        index = max(0, min(page, len(pages) - 1))
        return ThreadPage(matter, pages[index], index, len(pages), supports)

    async def matter_of_comment(self, comment_id: int) -> int:
        """The number of the matter the comment is on."""
        async with self._db.read() as session:
            comment = await session.comments.get(comment_id)
        if comment is None:
            raise UserFacingError("discuss.comment_gone")
        return comment.matter_id

    async def agree(self, actor: Actor, comment_id: int) -> tuple[bool, int]:
        """A resident agrees with a comment (👍), or no longer; (agrees now, its page)."""
        person_id = actor.member(Role.RESIDENT, "discuss.residents_only").id
        async with self._db.transaction() as session:
            comment = await session.comments.get(comment_id)
            if comment is None or comment.hidden:
                raise UserFacingError("discuss.comment_gone")
            on = await session.comments.toggle_support(comment_id, person_id, self._clock())
            comments = await session.comments.of_matter(comment.matter_id)
        pages = paginate(comments)
        page = next(
            (i for i, entries in enumerate(pages) if any(c.id == comment_id for _, c in entries)),
            0,
        )
        return on, page

    async def start_hide(
        self, actor: Actor, chat_id: int, comment_id: int, page: int
    ) -> tuple[CommentRow, int]:
        """The hide button: check the comment, then ask for the reason."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        async with self._db.transaction() as session:
            comment = await session.comments.get(comment_id)
            if comment is None:
                raise UserFacingError("discuss.comment_gone")
            if comment.hidden:
                raise UserFacingError("discuss.already_hidden")
            position = await session.comments.position(comment_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                HIDE_FLOW,
                "reason",
                {"comment_id": comment_id, "page": page},
                self._clock(),
            )
        return comment, position

    async def answer_hide_reason(self, actor: Actor, chat_id: int, text: str) -> HiddenComment:
        """The typed reason: hide the comment the conversation is about."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        reason = usertext.line(text)
        if not reason:
            raise UserFacingError("discuss.reason_empty")
        if len(reason) > MAX_HIDE_REASON:
            raise UserFacingError(
                "discuss.reason_too_long", limit=MAX_HIDE_REASON, length=len(reason)
            )
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, HIDE_FLOW, "reason", "discuss.expired"
            )
            comment_id = int(dialog.data["comment_id"])
            comment = await session.comments.get(comment_id)
            if comment is None:
                raise UserFacingError("discuss.comment_gone")
            if not await session.comments.hide(comment_id, actor.person_id, reason, now):
                raise UserFacingError("discuss.already_hidden")
            position = await session.comments.position(comment_id)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now,
                action="comment.hide",
                actor_id=actor.person_id,
                subject_id=comment.person_id,
                detail=str(comment_id),
            )
            await session.matters.add_event(
                comment.matter_id,
                "comment_hidden",
                actor_id=actor.person_id,
                now=now,
                position=position,
                reason=reason,
            )
        return HiddenComment(comment.matter_id, position, int(dialog.data.get("page", 0)))


def paginate(comments: list[CommentRow]) -> list[tuple[tuple[int, CommentRow], ...]]:
    """Split a thread into pages of at most PAGE_SIZE comments and PAGE_BUDGET characters.

    Always at least one (maybe empty) page; comments keep their number in the thread.
    """
    pages: list[tuple[tuple[int, CommentRow], ...]] = []
    current: list[tuple[int, CommentRow]] = []
    used = 0
    for number, comment in enumerate(comments, start=1):
        size = len(html.escape((comment.hidden_reason or "") if comment.hidden else comment.text))
        if current and (len(current) >= PAGE_SIZE or used + size > PAGE_BUDGET):
            pages.append(tuple(current))
            current, used = [], 0
        current.append((number, comment))
        used += size
    if current or not pages:
        pages.append(tuple(current))
    return pages


def _check_text(text: str) -> str:
    body = usertext.block(text)
    if not body:
        raise UserFacingError("discuss.empty")
    if len(body) > MAX_COMMENT:
        raise UserFacingError("discuss.too_long", limit=MAX_COMMENT, length=len(body))
    return body
