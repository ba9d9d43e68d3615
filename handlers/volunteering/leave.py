"""Leave (请假) from a volunteer activity (志愿者打卡): 🙋 请假 under /my or a reminder,
the typed reason, and the organiser's (or a secretary's) 批准 / 不批准.
"""

from __future__ import annotations

from telegram import Update

from bot.community.leave import MAX_REASON
from bot.volunteering.leave import leave_what
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.texts import t
from handlers.volunteering import callbacks as cb
from handlers.volunteering.activities import refresh_card_soon
from handlers.volunteering.common import callback_data, chat_id_of


async def leave_pressed(update: Update, context: Context) -> None:
    """🙋 请假: the reason is asked next, in the volunteer's private chat."""
    data = cb.VolLeave.decode(callback_data(update))
    actor = context.require_actor()
    service = context.services.volunteer
    activity = await service.leave.start(actor, chat_id_of(update), data.activity_id)
    await answer(update)
    await context.bot.send_message(
        actor.tg_user_id,
        t(
            actor.language,
            "vol.leave.ask_reason",
            what=leave_what(actor.language, activity, service.tz),
            limit=MAX_REASON,
        ),
    )


async def reason_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed reason: the request goes to the organiser."""
    actor = context.require_actor()
    service = context.services.volunteer
    item = await service.leave.answer(actor, chat_id_of(update), text)
    context.services.wake_sender()
    what = leave_what(actor.language, item.activity, service.tz)
    await reply(update, t(actor.language, "vol.leave.asked", what=what))


async def decision_pressed(update: Update, context: Context) -> None:
    """批准 / 不批准: the request's message says what was decided; the volunteer is told,
    and, approved, the first person waiting moves up."""
    data = cb.VolLeaveDecision.decode(callback_data(update))
    actor = context.require_actor()
    service = context.services.volunteer
    item = await service.leave.decide(actor, data.request_id, data.approve)
    context.services.wake_sender()
    if item.request.state == "approved":
        refresh_card_soon(context.job_queue, item.activity.id)
    request = item.request
    text = t(
        actor.language,
        f"vol.leave.decided_{request.state}",
        name=request.display_name,
        what=leave_what(actor.language, item.activity, service.tz),
        reason=request.reason,
    )
    if item.promoted is not None:
        text += "\n" + t(actor.language, "vol.leave.promoted", name=item.promoted.display_name)
    await show(update, text)
