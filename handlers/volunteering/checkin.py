"""Check-in (签到) and check-out (签退) of volunteer service (志愿者打卡).

Commands: /checkin, /checkout. Plain words 签到 (with an optional code) and
签退 work privately and in groups; a location shared in a private chat checks
in by distance (or is the venue of a new activity being created); the QR
link on the organiser's /code screen opens /start with a rotating token.
In a group the answer is a reaction, a private message and the activity's
roll-call instead of a reply (handlers/volunteering/group_checkin.py). The
check-in confirmation carries a 🏁 签退 button for that activity.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import filters

from bot import parsing, spoken
from bot.volunteering.activities import NEW_FLOW
from bot.volunteering.checkin import CheckinResult
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.texts import plain, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import group_checkin as group
from handlers.volunteering import keyboards
from handlers.volunteering.activities import show_draft
from handlers.volunteering.common import callback_data

#: 签到 / 签退 in plain words (commands are Latin only); 签到 may carry the on-site code.
CHECK_WORDS = re.compile(rf"^\s*(签到|签退|打卡)\s*({parsing.CODE})?\s*$")
CHECK_WORDS_FILTER = filters.Regex(CHECK_WORDS) & filters.UpdateType.MESSAGE
#: A location shared in a private chat (venue of a new activity, or a check-in).
LOCATION_FILTER = filters.ChatType.PRIVATE & filters.LOCATION & filters.UpdateType.MESSAGE
QR_PREFIX = "wq_"


# --- check-in and check-out ------------------------------------------------------------------


async def check_words(update: Update, context: Context) -> None:
    """签到 [code] / 签退 in plain words, privately or in a group."""
    message = update.effective_message
    match = CHECK_WORDS.match(message.text or "") if message else None
    if match is None:
        return
    if match[1] == "签退":
        await _check_out(update, context)
    else:
        await _check_in(update, context, code=match[2])


async def checkin_command(update: Update, context: Context) -> None:
    """/checkin [CODE]."""
    args = context.args or []
    code = parsing.code(args[0]) if len(args) == 1 else None
    if args and code is None:
        await reply(update, t(context.require_actor().language, "vol.checkin_usage"))
        return
    await _check_in(update, context, code=code)


async def checkout_command(update: Update, context: Context) -> None:
    """/checkout."""
    await _check_out(update, context)


async def _check_in(update: Update, context: Context, *, code: str | None) -> None:
    actor = context.require_actor()
    async with group.refusals_privately(update, context):
        result = await context.services.volunteer.checkin.check_in(actor, code=code)
        await _checked_in(update, context, result)


async def _checked_in(update: Update, context: Context, result: CheckinResult) -> None:
    actor = context.require_actor()
    if result.activity is None:
        question = t(actor.language, "vol.choose_checkin")
        choices = keyboards.vol_choose_checkin(actor.language, result.choices)
        if group.in_group(update):
            await group.answer_privately(update, context, question, choices)
        else:
            await reply(update, question, choices)
        return
    service = context.services.volunteer
    key = "vol.checked_in_distance" if result.distance_m is not None else "vol.checked_in"
    text = t(
        actor.language,
        key,
        title=result.activity.title,
        time=spoken.clock(actor.language, service.now(), service.tz),
        method=plain(actor.language, f"vol.how.{result.method}"),
        distance=result.distance_m,
    )
    in_group = group.in_group(update)
    chat = update.effective_chat
    group_id = chat.id if in_group and chat is not None else 0
    checkout = keyboards.vol_checkout(actor.language, result.activity.id, group_id)
    if update.callback_query is not None:
        await show(update, text, checkout)
    elif in_group:
        await group.acknowledge(
            update,
            context,
            text,
            activity_id=result.activity.id,
            reaction=group.CHECKED_IN,
            keyboard=checkout,
        )
    else:
        await reply(update, text, checkout)


async def checkin_chosen(update: Update, context: Context) -> None:
    """The activity chosen when several were open."""
    data = cb.VolCheckinChoose.decode(callback_data(update))
    actor = context.require_actor()
    result = await context.services.volunteer.checkin.check_in(actor, activity_id=data.activity_id)
    await _checked_in(update, context, result)


async def _check_out(update: Update, context: Context) -> None:
    actor = context.require_actor()
    async with group.refusals_privately(update, context):
        result = await context.services.volunteer.checkin.check_out(actor)
        text = t(
            actor.language,
            "vol.checked_out",
            title=result.title,
            hours=spoken.duration(actor.language, result.minutes),
        )
        if group.in_group(update):
            await group.acknowledge(
                update, context, text, activity_id=result.activity_id, reaction=group.CHECKED_OUT
            )
        else:
            await reply(update, text)


async def checkout_pressed(update: Update, context: Context) -> None:
    """🏁 签退 under the check-in confirmation: out of that activity (counted on the
    group's roll-call when the check-in was in a group)."""
    data = cb.VolCheckout.decode(callback_data(update))
    actor = context.require_actor()
    result = await context.services.volunteer.checkin.check_out(actor, data.activity_id)
    await answer(update)
    text = t(
        actor.language,
        "vol.checked_out",
        title=result.title,
        hours=spoken.duration(actor.language, result.minutes),
    )
    await context.bot.send_message(actor.tg_user_id, text)
    if data.group:
        await group.count_on_roll_call(context, result.activity_id, data.group)


async def location(update: Update, context: Context) -> None:
    """A location in a private chat: a new activity's venue, or a check-in by distance."""
    actor = context.require_actor()
    message = update.effective_message
    if message is None or message.location is None:
        return
    service = context.services.volunteer
    dialog = await context.services.dialogs.current(message.chat.id, actor.tg_user_id)
    if dialog is not None and dialog.flow == NEW_FLOW and dialog.step == "location":
        draft = await service.activities.venue(
            actor, message.chat.id, message.location.latitude, message.location.longitude
        )
        await show_draft(update, context, draft)
        return
    result = await service.checkin.check_in_location(
        actor,
        message.location.latitude,
        message.location.longitude,
        forwarded=message.forward_origin is not None,
    )
    if result is None:
        await reply(
            update,
            t(actor.language, "vol.consent_ask"),
            keyboards.vol_location_consent(actor.language),
        )
        return
    await _checked_in(update, context, result)


async def location_consent(update: Update, context: Context) -> None:
    """同意 / 不同意 to check in by location."""
    data = cb.VolLocationConsent.decode(callback_data(update))
    actor = context.require_actor()
    if not data.accept:
        await show(update, t(actor.language, "vol.consent_declined"))
        return
    await context.services.volunteer.checkin.give_location_consent(actor)
    await show(update, t(actor.language, "vol.consent_given"))


async def qr_start(update: Update, context: Context) -> None:
    """/start wq_…: the scanner of the organiser's QR code is checked in."""
    actor = context.require_actor()
    payload = (context.args or [""])[0]
    result = await context.services.volunteer.checkin.check_in_qr(actor, payload)
    await _checked_in(update, context, result)


def is_qr_start(args: list[str] | None) -> bool:
    """Whether /start carries a check-in QR payload."""
    return bool(args) and len(args or []) == 1 and (args or [""])[0].startswith(QR_PREFIX)
