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

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import filters

from bot import parsing, spoken
from bot.config import Language
from bot.errors import UserFacingError
from bot.volunteering.activities import NEW_FLOW
from bot.volunteering.checkin import CHECKIN_FLOW, CheckinResult
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.deliberation import sitting_checkin
from handlers.participation import keyboard as big_buttons
from handlers.texts import plain, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import group_checkin as group
from handlers.volunteering import keyboards
from handlers.volunteering.activities import show_draft
from handlers.volunteering.common import callback_data

#: 6 digits as typed, maybe spaced as the screen shows them ("4 8 2 7 1 3"); ASCII digits
#: only, as every number the bot reads (bot/parsing.py).
TYPED_CODE = r"[0-9](?: ?[0-9]){5}"
#: 签到 / 签退 in plain words (commands are Latin only); 签到 may carry the on-site code.
CHECK_WORDS = re.compile(rf"^\s*(签到|签退|打卡)\s*({TYPED_CODE})?\s*$")
CHECK_WORDS_FILTER = filters.Regex(CHECK_WORDS) & filters.UpdateType.MESSAGE
#: A location shared in a private chat (venue of a new activity, or a check-in).
LOCATION_FILTER = filters.ChatType.PRIVATE & filters.LOCATION & filters.UpdateType.MESSAGE
QR_PREFIX = "wq_"


def typed_code(text: str) -> str | None:
    """The 6-digit code in what was typed (spaced as on the screen, or not), or None."""
    return parsing.code(text.replace(" ", ""))


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
        await _check_in(update, context, code=typed_code(match[2]) if match[2] else None)


async def checkin_command(update: Update, context: Context) -> None:
    """/checkin [CODE]."""
    args = context.args or []
    code = typed_code(args[0]) if len(args) == 1 else None
    if args and code is None:
        await reply(update, t(context.require_actor().language, "vol.checkin_usage"))
        return
    await _check_in(update, context, code=code)


async def checkout_command(update: Update, context: Context) -> None:
    """/checkout."""
    await _check_out(update, context)


async def _check_in(update: Update, context: Context, *, code: str | None) -> None:
    """签到: a sitting's code (privately), else a volunteer activity's check-in. Privately,
    an activity that needs a location or the code is asked for with the 📍 button."""
    actor = context.require_actor()
    private = not group.in_group(update)
    prompted = private and await _at_prompt(update, context)
    if code is not None and private:
        sitting = await context.services.sittings.checkin.by_code(actor, code)
        if sitting is not None:
            await _end_prompt(update, context, prompted)
            await sitting_checkin.checked_in(update, context, sitting, restore=True)
            return
    async with group.refusals_privately(update, context):
        try:
            result = await context.services.volunteer.checkin.check_in(
                actor, code=code, ask=private and code is None
            )
        except UserFacingError as error:
            if (
                private
                and error.key == "vol.nothing_open"
                and await context.services.sittings.checkin.taking_codes()
            ):
                # At the pavilion: the sitting's code is asked for (or was not its code).
                if code is not None:
                    raise UserFacingError("checkin.sitting.code_wrong") from None
                await _ask(update, context, None)
                return
            raise
        if result.needs is not None:
            await _ask(update, context, result)
            return
        if prompted:
            await _end_prompt(update, context, prompted)
            await _restore_keyboard(update, context, "checkin.code_received")
        await _checked_in(update, context, result)


def prompt_keyboard(language: Language, *, location: bool) -> ReplyKeyboardMarkup:
    """📍 一键签到（发送位置） (Telegram sends the location: private chats only) and ↩ 返回."""
    rows = []
    if location:
        rows.append(
            [KeyboardButton(plain(language, "checkin.location_button"), request_location=True)]
        )
    rows.append([KeyboardButton(plain(language, "checkin.back_button"))])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


async def _ask(update: Update, context: Context, result: CheckinResult | None) -> None:
    """The check-in prompt: the 📍 button if the activity takes a location, and the code
    typed as the fallback (or, for a sitting, the code)."""
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    await context.services.volunteer.checkin.ask_code(actor, chat.id)
    if result is None or result.activity is None:
        text = t(actor.language, "checkin.ask_sitting_code")
        location = False
    else:
        text = t(actor.language, f"checkin.ask_{result.needs}", title=result.activity.title)
        location = result.needs in ("location", "either")
    await reply(update, text, prompt_keyboard(actor.language, location=location))


async def _at_prompt(update: Update, context: Context) -> bool:
    """Whether the person is at the check-in prompt (its keyboard shown)."""
    chat = update.effective_chat
    if chat is None:
        return False
    actor = context.require_actor()
    dialog = await context.services.dialogs.current(chat.id, actor.tg_user_id)
    return dialog is not None and dialog.flow == CHECKIN_FLOW


async def _end_prompt(update: Update, context: Context, prompted: bool) -> None:
    chat = update.effective_chat
    if prompted and chat is not None:
        await context.services.dialogs.cancel(chat.id, context.require_actor().tg_user_id)


async def _restore_keyboard(update: Update, context: Context, key: str) -> None:
    """A short word that brings back the person's big buttons after the prompt's."""
    actor = context.require_actor()
    await reply(update, t(actor.language, key), big_buttons.keyboard(actor))


def _back_labels() -> set[str]:
    return {plain(language, "checkin.back_button") for language in Language}


async def code_answer(update: Update, context: Context, step: str, text: str) -> None:
    """What is typed at the check-in prompt: the code, or ↩ 返回."""
    actor = context.require_actor()
    if text.strip() in _back_labels():
        await _end_prompt(update, context, True)
        await _restore_keyboard(update, context, "checkin.back")
        return
    code = typed_code(text)
    if code is None and not any(char.isdigit() for char in text):
        # No digits at all: the person has moved on (a prompt left open earlier).
        await _end_prompt(update, context, True)
        await reply(update, t(actor.language, "help.unknown_text"), big_buttons.keyboard(actor))
        return
    if code is None:
        await reply(update, t(actor.language, "checkin.code_unclear"))
        return
    await _check_in(update, context, code=code)


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
    prompted = dialog is not None and dialog.flow == CHECKIN_FLOW
    try:
        result = await service.checkin.check_in_location(
            actor,
            message.location.latitude,
            message.location.longitude,
            forwarded=message.forward_origin is not None,
        )
    except UserFacingError as error:
        if not prompted:
            raise
        # At the prompt: the reason, with the 📍 button (unless a location cannot check
        # in here) and the typed code still there.
        location = error.key not in (
            "vol.needs_code",
            "vol.location_not_needed",
            "vol.nothing_open",
        )
        await reply(
            update,
            t(actor.language, error.key, **error.params),
            prompt_keyboard(actor.language, location=location),
        )
        return
    if result is None:
        await reply(
            update,
            t(actor.language, "vol.consent_ask"),
            keyboards.vol_location_consent(actor.language),
        )
        return
    if prompted:
        await _end_prompt(update, context, prompted)
        await _restore_keyboard(update, context, "checkin.location_received")
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
    chat = update.effective_chat
    dialog = await context.services.dialogs.current(chat.id, actor.tg_user_id) if chat else None
    if dialog is not None and dialog.flow == CHECKIN_FLOW:
        # Back at the prompt: the 📍 button again, so one more tap checks in.
        await context.bot.send_message(
            actor.tg_user_id,
            t(actor.language, "checkin.after_consent"),
            reply_markup=prompt_keyboard(actor.language, location=True),
        )


async def qr_start(update: Update, context: Context) -> None:
    """/start wq_…: the scanner of the organiser's QR code is checked in.

    (/start sq_…, a sitting's QR, is handlers/deliberation/sitting_checkin.py's.)"""
    actor = context.require_actor()
    payload = (context.args or [""])[0]
    result = await context.services.volunteer.checkin.check_in_qr(actor, payload)
    await _checked_in(update, context, result)


def is_qr_start(args: list[str] | None) -> bool:
    """Whether /start carries a check-in QR payload."""
    return bool(args) and len(args or []) == 1 and (args or [""])[0].startswith(QR_PREFIX)
