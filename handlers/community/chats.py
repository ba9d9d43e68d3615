"""The bot's own membership of group chats, and groups that change their id."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.community.register import ChatInfo
from handlers.context import Context
from handlers.texts import t
from storage import current_community

log = logging.getLogger(__name__)

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def my_membership(update: Update, context: Context) -> None:
    """The bot was added to or removed from a group: record it; greet when added."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        # A private chat blocked or unblocked the bot.
        if change is not None and change.new_chat_member.status in (
            ChatMember.BANNED,
            ChatMember.LEFT,
        ):
            await context.services.community.mark_unreachable(change.chat.id)
        return
    was_in = change.old_chat_member.status in _PRESENT
    is_in = change.new_chat_member.status in _PRESENT
    chat = change.chat
    info = ChatInfo(chat.id, chat.title or str(chat.id), chat.type)
    # The chat's community, else the adder's (handlers/access.py entered it); with
    # neither known (several communities, an adder registered nowhere) the chat waits
    # to be bound by a secretary, whose community it then becomes.
    community = current_community.get()
    row = None
    if community is not None:
        row = await context.services.community.chat_membership(info, is_in)
        context.services.communities.chat_joined(chat.id, community)
    if is_in and not was_in:
        language = context.services.settings.community.default_language
        key = "chats.welcome_back" if row is not None and row.kind else "chats.welcome"
        await context.bot.send_message(chat.id, t(language, key))
    elif was_in and not is_in:
        log.info("removed from chat %s", chat.id)


async def migrated(update: Update, context: Context) -> None:
    """A group was upgraded to a supergroup: keep its binding under the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    communities = context.services.communities
    community = await communities.of_chat(old)
    if community is None:
        return
    # The group's community, whichever of its two ids the message came from.
    communities.enter_for_update(community)
    if await context.services.community.chat_migrated(old, new):
        communities.chat_joined(new, community)
        log.info("chat %s is now %s", old, new)
