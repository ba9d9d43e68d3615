"""Creating a volunteer activity, the lists, sign-up and cancellation (志愿者打卡).

Commands: /newactivity (a guided private conversation), /activities, /my;
the 报名 / 取消报名 buttons on an activity's card, whose live counts are edited
within a few seconds of a change.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import JobQueue

from bot import spoken
from bot.datepicker import Needs
from bot.volunteering.activities import NEW_FLOW
from handlers.access import answer, reply, show
from handlers.cards import edit_everywhere, edit_soon, refreshes
from handlers.context import Context
from handlers.datepicker import picker
from handlers.texts import plain, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import keyboards, texts
from handlers.volunteering.common import callback_data, chat_id_of

# --- creating an activity ------------------------------------------------------------------


async def new_activity(update: Update, context: Context) -> None:
    """/newactivity: the guided conversation of a new activity."""
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.start_new(actor, chat_id_of(update))
    await show_draft(update, context, draft)


async def show_draft(update: Update, context: Context, draft: Any) -> None:
    """The /newactivity form's current screen: the draft so far and the next question."""
    actor = context.require_actor()
    service = context.services.volunteer
    unit = await service.activities.unit_name(draft.unit_id)
    markup = keyboards.vol_new(actor.language, draft)
    if draft.step == "when":  # the day, the start and the end with buttons; typing still works
        markup = picker.keyboard(context, WHEN_PICKER)
    await show(update, texts.vol_new_prompt(actor.language, draft, unit, service.tz), markup)


async def new_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer in the new-activity conversation."""
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.answer(
        actor, chat_id_of(update), step, text
    )
    await show_draft(update, context, draft)


async def _when_picked(update: Update, context: Context, text: str) -> None:
    await new_answer(update, context, "when", text)


#: 🕘 什么时间: the date picker's day, start and end, read as the typed "2026-12-02 19:00-21:00".
WHEN_PICKER = picker.register(
    picker.Target(
        "va",
        NEW_FLOW,
        "when",
        Needs.SPAN,
        "vol.new.pick_when",
        "vol.new.when_example",
        _when_picked,
    )
)


async def new_skip(update: Update, context: Context) -> None:
    """跳过 at an optional step."""
    data = cb.VolNewSkip.decode(callback_data(update))
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.skip(actor, chat_id_of(update), data.step)
    await show_draft(update, context, draft)


async def new_setting(update: Update, context: Context) -> None:
    """A settings-screen button: the setting moves to its next value."""
    data = cb.VolNewSetting.decode(callback_data(update))
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.change(
        actor, chat_id_of(update), data.field
    )
    await show_draft(update, context, draft)


async def new_publish(update: Update, context: Context) -> None:
    """发布 (cards go out) or 放弃."""
    data = cb.VolNewPublish.decode(callback_data(update))
    actor = context.require_actor()
    chat_id = chat_id_of(update)
    service = context.services.volunteer
    if not data.publish:
        await service.activities.draft(actor, chat_id)  # refuses a stale button
        await context.services.dialogs.cancel(chat_id, actor.tg_user_id)
        await show(update, t(actor.language, "vol.new.dropped"))
        return
    created = await service.activities.publish(actor, chat_id)
    numbers = spoken.names(actor.language, (f"#{a.number}" for a in created))
    await show(
        update,
        t(
            actor.language,
            "vol.new.published",
            title=created[0].title,
            numbers=numbers,
            count=len(created),
        ),
    )
    context.services.wake_sender()


# --- lists, sign-up, cancellation ------------------------------------------------------------


async def activities(update: Update, context: Context) -> None:
    """/activities: what is coming, with 报名 buttons."""
    actor = context.require_actor()
    service = context.services.volunteer
    states = await service.activities.upcoming()
    await reply(
        update,
        texts.vol_activities(actor.language, states, service.tz),
        keyboards.vol_sign_up(actor.language, [s.activity for s in states]),
    )


async def my_signups(update: Update, context: Context) -> None:
    """/my: the person's sign-ups, with 取消报名 buttons."""
    actor = context.require_actor()
    service = context.services.volunteer
    rows = await service.signup.my_signups(actor)
    await reply(
        update,
        texts.vol_my(actor.language, rows, service.tz),
        keyboards.vol_my(actor.language, rows, context.services.clock()),
    )


async def sign_up(update: Update, context: Context) -> None:
    """报名 on a card or list."""
    data = cb.VolSignUp.decode(callback_data(update))
    actor = context.require_actor()
    result = await context.services.volunteer.signup.sign_up(actor, data.activity_id)
    if result.state == "signed":
        text = plain(actor.language, "vol.signed", title=result.activity.title)
    else:
        text = plain(
            actor.language, "vol.waiting", title=result.activity.title, position=result.position
        )
    await _answer(update, text)
    refresh_card_soon(context.job_queue, data.activity_id)


async def cancel(update: Update, context: Context) -> None:
    """取消报名: the first person waiting is promoted and told."""
    data = cb.VolCancel.decode(callback_data(update))
    actor = context.require_actor()
    result = await context.services.volunteer.signup.cancel(actor, data.activity_id)
    await _answer(update, plain(actor.language, "vol.cancelled", title=result.activity.title))
    refresh_card_soon(context.job_queue, data.activity_id)
    if result.promoted is not None:
        context.services.wake_sender()


async def _answer(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    else:
        await reply(update, text)


def refresh_card_soon(job_queue: JobQueue[Any] | None, activity_id: int) -> None:
    """Edit the activity's cards (live counts) within a few seconds."""
    edit_soon(job_queue, f"activity-card:{activity_id}", _refresh_card, activity_id)


@refreshes("activity-card")
async def _refresh_card(context: Any) -> None:
    services = context.bot_data.services
    activity_id = int(context.job.data)
    message, places = await services.volunteer.activities.card(activity_id)
    await edit_everywhere(context.bot, places, message, f"card of activity {activity_id}")
