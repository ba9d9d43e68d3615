"""Joining a community and moving to another (搬到其他社区), in the private chat.

- ``/start join-<id>`` (a group's register link names its community) registers the
  newcomer there; ``/start`` with several communities and none known asks which one
  (:func:`enter_for_start`, called by /start; the press is handlers/community/people.py
  ``community_chosen``).
- The registration form's later steps run in the community the form was opened for
  (:func:`enter_registering`).
- 🏠 搬到其他社区 on /me: the other communities, a confirmation, the request; the
  target community's secretaries get 接受 / 拒绝 (:func:`move_decided`). Accepted, the
  new community's grid is asked: the 门牌 form's first question, whose press is
  handlers/community/people.py ``home_grid``.
"""

from __future__ import annotations

from telegram import Update

from bot.community.joining import join_payload
from handlers.access import caller_of, reply, show
from handlers.community import callbacks as cb
from handlers.community import keyboards
from handlers.context import Context
from handlers.texts import t
from storage import current_community

#: A register link that names no community (older buttons, a private chat with none).
BARE_JOIN_PAYLOAD = "join"


def register_payload() -> str:
    """The deep-link payload of a "register" button here: the current community's."""
    found = current_community.get()
    return join_payload(found) if found is not None else BARE_JOIN_PAYLOAD


async def enter_registering(update: Update, context: Context) -> None:
    """A newcomer's update: the community of their open registration form is entered
    (and who they are is resolved there), whatever the update was resolved to (their
    private chat names no community until they are registered)."""
    actor = context.require_actor()
    caller = caller_of(update)
    if actor.registered or caller is None:
        return
    found = await context.services.joining.registering_in(caller.tg_user_id)
    if found is not None and found != current_community.get():
        context.services.communities.enter_for_update(found)
        context.actor = await context.services.community.identify(caller)


async def enter_for_start(update: Update, context: Context) -> bool:
    """Before /start privately: a newcomer enters the community their link names (or
    the one whose form they have open); with several communities and none of these,
    they are asked which one (True: the list was shown, /start is done)."""
    actor = context.require_actor()
    caller = caller_of(update)
    if actor.registered or caller is None:
        return False
    services = context.services
    found = services.joining.community_of_payload(context.args)
    if found is None:
        found = await services.joining.registering_in(caller.tg_user_id)
    if found is not None:
        services.communities.enter_for_update(found)
        context.actor = await services.community.identify(caller)
        return False
    if not services.communities.several or current_community.get() is not None:
        return False  # one community, or this update's is known (a configured secretary)
    if await services.communities.of_user(caller.tg_user_id) is not None:
        return False  # registered (elsewhere): /start says so
    await reply(
        update,
        t(actor.language, "join.choose"),
        keyboards.community_choices(services.joining.choices(actor.language)),
    )
    return True


async def move_start(update: Update, context: Context) -> None:
    """🏠 搬到其他社区: the communities one may move to."""
    cb.MoveStart.decode(_data(update))
    actor = context.require_actor()
    targets = context.services.joining.move_targets(actor)
    if not targets:
        await show(update, t(actor.language, "join.move_none"))
        return
    await show(update, t(actor.language, "join.move_choose"), keyboards.move_targets(targets))


async def move_chosen(update: Update, context: Context) -> None:
    """A community chosen: what moving means, and a confirmation."""
    data = cb.MoveTo.decode(_data(update))
    actor = context.require_actor()
    target = context.services.joining.target(actor, data.community)
    await show(
        update,
        t(actor.language, "join.move_confirm", community=target.name),
        keyboards.move_confirm(actor.language, target.id),
    )


async def move_confirmed(update: Update, context: Context) -> None:
    """Send the request (its community's secretaries are told), or stay."""
    data = cb.MoveConfirm.decode(_data(update))
    actor = context.require_actor()
    if not data.confirm:
        await show(update, t(actor.language, "join.move_kept"))
        return
    asked = await context.services.joining.ask_move(actor, data.community)
    context.services.wake_sender()
    key = "join.move_sent" if asked.secretaries else "join.move_sent_nobody"
    await show(update, t(actor.language, key, community=asked.community.name))


async def move_decided(update: Update, context: Context) -> None:
    """接受 / 拒绝, by a secretary of the community asked: once; the person is told."""
    data = cb.MoveDecide.decode(_data(update))
    actor = context.require_actor()
    decided = await context.services.joining.decide(actor, data.request_id, data.accept)
    context.services.wake_sender()
    key = "join.decided_accept" if decided.accepted else "join.decided_refuse"
    await show(update, t(actor.language, key, name=decided.request.display_name))


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None
