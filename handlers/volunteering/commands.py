"""Volunteer service (志愿者打卡): activities, sign-up, check-in/out, hours, reviews, the rota.

Commands: /newactivity, /activities, /my, /checkin, /checkout, /code, /kiosk,
/review, /hours, /volreport, /unit, /rota, /duty. Plain words 签到 (with an
optional code) and 签退 work privately and in groups; a location shared in a
private chat checks in by distance; the QR link on the organiser's /code
screen opens /start with a rotating token.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import segno
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import JobQueue, filters

from bot import parsing
from bot.charts import bar_chart
from bot.config import Language
from bot.deliberation.ledger import csv_bytes, xlsx_bytes
from bot.volunteering.activities import NEW_FLOW
from bot.volunteering.checkin import CheckinResult
from bot.volunteering.hours import summary_message
from bot.volunteering.organiser import CodeScreen
from bot.volunteering.review import ADJUST_FLOW
from bot.volunteering.rules import hours_text
from handlers.access import answer, reply, show
from handlers.cards import edit_everywhere, edit_soon
from handlers.context import Context
from handlers.dialogs import TextAnswer
from handlers.texts import plain, split_message, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import keyboards, texts

#: 签到 / 签退 in plain words (commands are Latin only); 签到 may carry the on-site code.
CHECK_WORDS = re.compile(rf"^\s*(签到|签退|打卡)\s*({parsing.CODE})?\s*$")
CHECK_WORDS_FILTER = filters.Regex(CHECK_WORDS) & filters.UpdateType.MESSAGE
#: A location shared in a private chat (venue of a new activity, or a check-in).
LOCATION_FILTER = filters.ChatType.PRIVATE & filters.LOCATION & filters.UpdateType.MESSAGE
QR_PREFIX = "wq_"


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons are always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


# --- creating an activity ------------------------------------------------------------------


async def new_activity(update: Update, context: Context) -> None:
    """/newactivity: the guided conversation of a new activity."""
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.start_new(actor, _chat_id(update))
    await _show_draft(update, context, draft)


async def _show_draft(update: Update, context: Context, draft: Any) -> None:
    actor = context.require_actor()
    service = context.services.volunteer
    unit = await service.activities.unit_name(draft.unit_id)
    await show(
        update,
        texts.vol_new_prompt(actor.language, draft, unit, service.tz),
        keyboards.vol_new(actor.language, draft),
    )


async def new_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer in the new-activity conversation."""
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.answer(actor, _chat_id(update), step, text)
    await _show_draft(update, context, draft)


async def new_skip(update: Update, context: Context) -> None:
    """跳过 at an optional step."""
    data = cb.VolNewSkip.decode(_data(update))
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.skip(actor, _chat_id(update), data.step)
    await _show_draft(update, context, draft)


async def new_setting(update: Update, context: Context) -> None:
    """A settings-screen button: the setting moves to its next value."""
    data = cb.VolNewSetting.decode(_data(update))
    actor = context.require_actor()
    draft = await context.services.volunteer.activities.change(actor, _chat_id(update), data.field)
    await _show_draft(update, context, draft)


async def new_publish(update: Update, context: Context) -> None:
    """发布 (cards go out) or 放弃."""
    data = cb.VolNewPublish.decode(_data(update))
    actor = context.require_actor()
    chat_id = _chat_id(update)
    service = context.services.volunteer
    if not data.publish:
        await service.activities.draft(actor, chat_id)  # refuses a stale button
        await context.services.dialogs.cancel(chat_id, actor.tg_user_id)
        await show(update, t(actor.language, "vol.new.dropped"))
        return
    created = await service.activities.publish(actor, chat_id)
    numbers = "、".join(f"#{a.id}" for a in created)
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
        keyboards.vol_my(actor.language, rows),
    )


async def sign_up(update: Update, context: Context) -> None:
    """报名 on a card or list."""
    data = cb.VolSignUp.decode(_data(update))
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
    data = cb.VolCancel.decode(_data(update))
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


async def _refresh_card(context: Any) -> None:
    services = context.bot_data.services
    activity_id = int(context.job.data)
    message, places = await services.volunteer.activities.card(activity_id)
    await edit_everywhere(context.bot, places, message, f"card of activity {activity_id}")


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
    result = await context.services.volunteer.checkin.check_in(actor, code=code)
    await _checked_in(update, context, result)


async def _checked_in(update: Update, context: Context, result: CheckinResult) -> None:
    actor = context.require_actor()
    if result.activity is None:
        await reply(
            update,
            t(actor.language, "vol.choose_checkin"),
            keyboards.vol_choose_checkin(actor.language, result.choices),
        )
        return
    service = context.services.volunteer
    key = "vol.checked_in_distance" if result.distance_m is not None else "vol.checked_in"
    text = t(
        actor.language,
        key,
        title=result.activity.title,
        time=service.local(service.now())[6:],
        method=plain(actor.language, f"vol.how.{result.method}"),
        distance=result.distance_m,
    )
    if update.callback_query is not None:
        await show(update, text)
    else:
        await reply(update, text)


async def checkin_chosen(update: Update, context: Context) -> None:
    """The activity chosen when several were open."""
    data = cb.VolCheckinChoose.decode(_data(update))
    actor = context.require_actor()
    result = await context.services.volunteer.checkin.check_in(actor, activity_id=data.activity_id)
    await _checked_in(update, context, result)


async def _check_out(update: Update, context: Context) -> None:
    actor = context.require_actor()
    result = await context.services.volunteer.checkin.check_out(actor)
    await reply(
        update,
        t(actor.language, "vol.checked_out", title=result.title, hours=hours_text(result.minutes)),
    )


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
        await _show_draft(update, context, draft)
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
    data = cb.VolLocationConsent.decode(_data(update))
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


# --- the organiser's tools ------------------------------------------------------------------


async def code_command(update: Update, context: Context) -> None:
    """/code: the rotating on-site code and its QR (choose the activity if several)."""
    actor = context.require_actor()
    managed = [a for a in await context.services.volunteer.organiser.managed(actor) if a.by_code]
    if not managed:
        await reply(update, t(actor.language, "vol.code_none"))
        return
    if len(managed) > 1:
        await reply(
            update,
            t(actor.language, "vol.pick_activity"),
            keyboards.vol_pick_activity(actor.language, managed, cb.VolCode),
        )
        return
    await _send_code(update, context, managed[0].id)


async def code_pressed(update: Update, context: Context) -> None:
    """The activity chosen for /code, or 🔄."""
    data = cb.VolCode.decode(_data(update))
    await _send_code(update, context, data.activity_id)


async def _send_code(update: Update, context: Context, activity_id: int) -> None:
    actor = context.require_actor()
    service = context.services.volunteer
    screen = await service.organiser.code_screen(actor, activity_id)
    chat_id = _chat_id(update)
    sent = await _post_code(context.bot, chat_id, screen, actor.language, service.local)
    # The screen changes with the code: every minute a new one replaces it, until
    # the activity ends or the organiser stops it (one rotating screen per chat).
    job_queue = context.job_queue
    if job_queue is None:
        return
    name = f"code-screen:{chat_id}"
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    # Seconds from now on the service's clock, so the screen changes when its code does
    # (the code turns over on the clock's minute) and ends with the activity.
    now = service.now()
    first = 60.5 - (now.second + now.microsecond / 1_000_000)
    last = (screen.activity.ends_at - service.now()).total_seconds()
    if last <= first:
        return
    job_queue.run_repeating(
        rotate_code,
        interval=60,
        first=first,
        last=last,
        name=name,
        data={
            "chat_id": chat_id,
            "activity_id": activity_id,
            "message_id": sent.message_id,
            "language": actor.language.value,
        },
    )


async def _post_code(
    bot: Any, chat_id: int, screen: CodeScreen, language: Language, local: Any
) -> Message:
    link = f"https://t.me/{bot.username}?start={screen.payload}"
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    caption = t(
        language,
        "vol.code",
        title=screen.activity.title,
        code=screen.code,
        until=local(screen.valid_until)[6:],
    )
    message: Message = await bot.send_photo(
        chat_id,
        buffer.getvalue(),
        caption=caption,
        reply_markup=keyboards.vol_code(language, screen.activity.id),
    )
    return message


async def rotate_code(context: Any) -> None:
    """Every minute: the organiser's code screen is replaced by this minute's."""
    job = context.job
    data = job.data
    service = context.bot_data.services.volunteer
    screen = await service.organiser.next_code(int(data["activity_id"]))
    if screen is None:
        job.schedule_removal()
        return
    chat_id = int(data["chat_id"])
    sent = await _post_code(context.bot, chat_id, screen, Language(data["language"]), service.local)
    with contextlib.suppress(TelegramError):  # already deleted by the organiser
        await context.bot.delete_message(chat_id, int(data["message_id"]))
    data["message_id"] = sent.message_id


async def code_stopped(update: Update, context: Context) -> None:
    """⏹: the code screen stops changing (and is removed)."""
    actor = context.require_actor()
    chat_id = _chat_id(update)
    if context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(f"code-screen:{chat_id}"):
            job.schedule_removal()
    await answer(update, plain(actor.language, "vol.code_stopped"))
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.delete()


async def kiosk_command(update: Update, context: Context) -> None:
    """/kiosk: check in people without a phone."""
    actor = context.require_actor()
    managed = await context.services.volunteer.organiser.managed(actor)
    if not managed:
        await reply(update, t(actor.language, "vol.kiosk_none"))
        return
    if len(managed) > 1:
        await reply(
            update,
            t(actor.language, "vol.pick_activity"),
            keyboards.vol_pick_activity(actor.language, managed, cb.VolKiosk),
        )
        return
    await _show_kiosk(update, context, managed[0].id)


async def kiosk_pressed(update: Update, context: Context) -> None:
    """The activity chosen for /kiosk."""
    data = cb.VolKiosk.decode(_data(update))
    await _show_kiosk(update, context, data.activity_id)


async def _show_kiosk(update: Update, context: Context, activity_id: int) -> None:
    actor = context.require_actor()
    activity, entries = await context.services.volunteer.organiser.kiosk(actor, activity_id)
    await show(
        update,
        texts.vol_kiosk(actor.language, activity, entries),
        keyboards.vol_kiosk(actor.language, activity_id, entries),
    )


async def kiosk_person(update: Update, context: Context) -> None:
    """Kiosk: check the person in (or out), recorded as done by the organiser."""
    data = cb.VolKioskPress.decode(_data(update))
    actor = context.require_actor()
    await context.services.volunteer.organiser.kiosk_press(actor, data.activity_id, data.person_id)
    await _show_kiosk(update, context, data.activity_id)
    refresh_card_soon(context.job_queue, data.activity_id)


# --- review ------------------------------------------------------------------------------------


async def review_command(update: Update, context: Context) -> None:
    """/review: check-ins waiting for review, with 通过 / 调整 / 作废."""
    await _show_review(update, context)


async def review_list(update: Update, context: Context) -> None:
    """审核 under the after-activity report."""
    await _show_review(update, context)


async def _show_review(update: Update, context: Context) -> None:
    actor = context.require_actor()
    service = context.services.volunteer
    items = await service.review.to_review(actor)
    await show(
        update,
        texts.vol_review(actor.language, items, service.tz),
        keyboards.vol_review(actor.language, items),
    )


async def review_pressed(update: Update, context: Context) -> None:
    """通过 / 调整 / 作废 on one check-in."""
    data = cb.VolReview.decode(_data(update))
    actor = context.require_actor()
    service = context.services.volunteer
    if data.action == "adjust":
        item = await service.review.start_adjust(actor, _chat_id(update), data.checkin_id)
        await show(
            update,
            t(
                actor.language,
                "vol.adjust_ask",
                name=item.name,
                title=item.activity.title,
                hours=hours_text(item.checkin.minutes or 0),
            ),
        )
        return
    await service.review.review(actor, data.checkin_id, data.action)
    await _show_review(update, context)


async def adjust_answer(update: Update, context: Context, step: str, text: str) -> None:
    """ "90 理由": the adjusted minutes and why."""
    actor = context.require_actor()
    updated = await context.services.volunteer.review.answer_adjust(actor, _chat_id(update), text)
    await reply(
        update,
        t(
            actor.language,
            "vol.adjusted",
            number=updated.id,
            hours=hours_text(updated.minutes or 0),
        ),
    )


# --- records -------------------------------------------------------------------------------------


async def hours_command(update: Update, context: Context) -> None:
    """/hours: this month, this year, all time, milestones."""
    actor = context.require_actor()
    summary = await context.services.volunteer.hours.hours(actor)
    await reply(update, texts.vol_hours(actor.language, summary))


async def report_command(update: Update, context: Context) -> None:
    """/volreport [YYYY-MM]: the month's table, CSV and Excel files, and a bar chart."""
    actor = context.require_actor()
    args = context.args or []
    message = update.effective_message
    month = None
    if args:
        month = parsing.month(args[0]) if len(args) == 1 else None
        if month is None:
            await reply(update, t(actor.language, "vol.report_usage"))
            return
    if message is None:
        return
    service = context.services.volunteer
    report = await service.hours.monthly_report(actor, month)
    language = actor.language
    for part in split_message(texts.vol_report(language, report).split("\n")):
        await message.reply_text(part)
    sheets = texts.vol_report_sheets(language, report)
    period = f"{report.month:%Y-%m}"
    await message.reply_document(
        document=csv_bytes(sheets[0]), filename=f"{plain(language, 'vol.file')}-{period}.csv"
    )
    await message.reply_document(
        document=xlsx_bytes(sheets), filename=f"{plain(language, 'vol.file')}-{period}.xlsx"
    )
    chart = summary_message(report, language).chart
    if chart is not None:
        image = bar_chart(
            str(chart["title"]),
            [(str(label), int(count)) for label, count in chart["bars"]],
            font_path=context.services.settings.charts.font_path or None,
        )
        await message.reply_photo(image.png)


# --- units and the duty rota --------------------------------------------------------------------


async def unit_command(update: Update, context: Context) -> None:
    """/unit NAME: register a local organisation, then choose its contact."""
    actor = context.require_actor()
    name = " ".join(context.args or [])
    if not name:
        await reply(update, t(actor.language, "vol.unit_usage"))
        return
    unit = await context.services.volunteer.rota.add_unit(actor, name)
    page = await context.services.community.people_page(0)
    await reply(
        update,
        t(actor.language, "vol.unit_added", unit=unit.name),
        keyboards.vol_unit_contacts(actor.language, unit.id, page),
    )


async def unit_page(update: Update, context: Context) -> None:
    """Another page of people for the unit's contact."""
    data = cb.VolUnitPage.decode(_data(update))
    actor = context.require_actor()
    page = await context.services.community.people_page(data.page)
    await show(
        update,
        t(actor.language, "vol.unit_pick_contact"),
        keyboards.vol_unit_contacts(actor.language, data.unit_id, page),
    )


async def unit_contact(update: Update, context: Context) -> None:
    """The unit's contact is chosen."""
    data = cb.VolUnitContact.decode(_data(update))
    actor = context.require_actor()
    unit = await context.services.volunteer.rota.set_contact(actor, data.unit_id, data.person_id)
    person = await context.services.community.person(data.person_id)
    await show(
        update, t(actor.language, "vol.unit_contact_set", unit=unit.name, name=person.display_name)
    )


async def team_command(update: Update, context: Context) -> None:
    """/team: join a unit (a team), so its activities and duties are open to you."""
    actor = context.require_actor()
    units, mine = await context.services.volunteer.rota.teams(actor)
    if not units:
        await reply(update, t(actor.language, "vol.team_none"))
        return
    await reply(
        update, t(actor.language, "vol.team_pick"), keyboards.vol_teams(actor.language, units, mine)
    )


async def team_joined(update: Update, context: Context) -> None:
    """A unit chosen under /team."""
    data = cb.VolJoinUnit.decode(_data(update))
    actor = context.require_actor()
    unit = await context.services.volunteer.rota.join_unit(actor, data.unit_id)
    await show(update, t(actor.language, "vol.team_joined", unit=unit.name))


async def rota_command(update: Update, context: Context) -> None:
    """/rota: the planned duty days and the rotation order."""
    actor = context.require_actor()
    units, duties = await context.services.volunteer.rota.rota()
    await reply(update, texts.vol_rota(actor.language, units, duties))


async def duty_command(update: Update, context: Context) -> None:
    """/duty for a unit's contact: skip the next turn, or hand the duty to another unit."""
    actor = context.require_actor()
    screen = await context.services.volunteer.rota.my_duty(actor)
    await show(
        update, texts.vol_duty(actor.language, screen), keyboards.vol_duty(actor.language, screen)
    )


async def skip_toggle(update: Update, context: Context) -> None:
    """下次跳过 (or take the request back)."""
    actor = context.require_actor()
    await context.services.volunteer.rota.toggle_skip(actor)
    await duty_command(update, context)


async def swap_menu(update: Update, context: Context) -> None:
    """换班: choose the unit to ask."""
    data = cb.VolSwapMenu.decode(_data(update))
    actor = context.require_actor()
    screen = await context.services.volunteer.rota.my_duty(actor)
    await show(
        update,
        t(actor.language, "vol.swap_pick"),
        keyboards.vol_swap_targets(actor.language, data.duty_id, screen.others),
    )


async def swap_ask(update: Update, context: Context) -> None:
    """Ask the chosen unit; its contact is asked to agree."""
    data = cb.VolSwapAsk.decode(_data(update))
    actor = context.require_actor()
    other = await context.services.volunteer.rota.ask_swap(actor, data.duty_id, data.unit_id)
    await show(update, t(actor.language, "vol.swap_sent", unit=other.name))
    context.services.wake_sender()


async def swap_answer(update: Update, context: Context) -> None:
    """The other unit's contact agrees or declines."""
    data = cb.VolSwapAnswer.decode(_data(update))
    actor = context.require_actor()
    duty = await context.services.volunteer.rota.answer_swap(actor, data.swap_id, data.accept)
    key = "vol.swap_done" if data.accept else "vol.swap_refused"
    await show(update, t(actor.language, key, day=duty.day, unit=duty.unit_name))
    context.services.wake_sender()


#: Typed answers of the volunteer conversations (flow name -> handler).
TEXT_ANSWERS: dict[str, TextAnswer] = {
    NEW_FLOW: new_answer,
    ADJUST_FLOW: adjust_answer,
}
