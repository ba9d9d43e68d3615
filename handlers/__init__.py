"""Telegram adapters: parse the update, call a service, render, reply. No SQL here.

:func:`register_handlers` is the one ordered list of handlers; each command
and button declares who may use it (role) and where (chat type), and
handlers/access.py checks that in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.board.service import PAGE_FLOW as BOARD_PAGE_FLOW
from bot.community.calendar_choices import CALENDAR_FLOW
from bot.community.communities import GRID_FLOW
from bot.community.notices import FLOW as NOTICE_FLOW
from bot.community.register import Role
from bot.community.registration import FLOW as REGISTRATION_FLOW
from bot.community.registration import HOME_FLOW, PAPER_FLOW
from bot.deliberation.carrying.rules import PROGRESS_FLOW
from bot.deliberation.desk import WITHDRAW_FLOW
from bot.deliberation.discussion import HIDE_FLOW
from bot.deliberation.raising import FLOW as RAISE_FLOW
from bot.deliberation.voting.rules import PROXY_FLOW, RESOLUTION_FLOW, SETUP_FLOW
from bot.members.birthdays import JOINED_FLOW
from bot.street.service import NAME_FLOW as STREET_NAME_FLOW
from bot.surveys.rules import BUILD_FLOW as SURVEY_BUILD_FLOW
from bot.surveys.rules import RESPONSE_FLOW as SURVEY_RESPONSE_FLOW
from bot.surveys.rules import TEXT_FLOW as SURVEY_TEXT_FLOW
from bot.volunteering.activities import NEW_FLOW
from bot.volunteering.checkin import CHECKIN_FLOW
from bot.volunteering.leave import LEAVE_FLOW as VOL_LEAVE_FLOW
from bot.volunteering.review import ADJUST_FLOW
from handlers import callbacks, dialogs
from handlers.access import Access, Callback, Where, guarded, identify, on_error
from handlers.board import board as board_handlers
from handlers.board import callbacks as board_cb
from handlers.board import spending as board_spending
from handlers.calendars import callbacks as calendar_cb
from handlers.calendars import sending as calendar_files
from handlers.community import admin, chats, grids, joining, notices, people, schedules
from handlers.community import calendar_settings as community_calendar
from handlers.community import callbacks as community_cb
from handlers.datepicker import callbacks as datepicker_cb
from handlers.datepicker import picker as datepicker
from handlers.deliberation import attendance as attendance_handlers
from handlers.deliberation import callbacks as deliberation_cb
from handlers.deliberation import (
    carrying,
    desk,
    discussion,
    matters,
    proxies,
    sitting_checkin,
    votes,
)
from handlers.deliberation import ledger as ledger_handlers
from handlers.deliberation import minutes as minutes_handlers
from handlers.deliberation import sittings as sittings_handlers
from handlers.households import callbacks as households_cb
from handlers.households import households as households_handlers
from handlers.lessons import answers as lesson_answers
from handlers.lessons import callbacks as lessons_cb
from handlers.lessons import delivery as lesson_delivery
from handlers.lessons import leave as lesson_leave
from handlers.lessons import makeup as lesson_makeup
from handlers.lessons import records as lesson_records
from handlers.lessons import sending as lesson_sending
from handlers.lessons import study as lesson_study
from handlers.lessons import writing as lesson_writing
from handlers.members import appraisal as member_appraisal
from handlers.members import birthdays as member_birthdays
from handlers.members import callbacks as members_cb
from handlers.members import commitments as member_commitments
from handlers.members import inservice as member_inservice
from handlers.needs import callbacks as needs_cb
from handlers.needs import needs as need_handlers
from handlers.needs import offers as offer_handlers
from handlers.participation import callbacks as participation_cb
from handlers.participation import keyboard as participation_keys
from handlers.participation import mine as participation_mine
from handlers.participation import record as participation_record
from handlers.street import callbacks as street_cb
from handlers.street import street as street_handlers
from handlers.surveys import answering as survey_answering
from handlers.surveys import building as survey_building
from handlers.surveys import callbacks as surveys_cb
from handlers.surveys import results as survey_results
from handlers.volunteering import activities as vol_activities
from handlers.volunteering import callbacks as volunteering_cb
from handlers.volunteering import checkin as vol_checkin
from handlers.volunteering import leave as vol_leave
from handlers.volunteering import organiser as vol_organiser
from handlers.volunteering import review_and_hours as vol_review
from handlers.volunteering import rota as vol_rota


@dataclass(frozen=True)
class Command:
    """A slash command: its handler, who may use it, where, and if it is in the menu."""

    name: str
    callback: Callback
    need: Role | Access
    where: Where
    menu: Where | None = None  # which command menu lists it (None: not listed)


#: Every command, in the order menus show them. Descriptions: "command.<name>".
COMMANDS: tuple[Command, ...] = (
    Command("start", people.start, Access.ANYONE, Where.ANY, Where.PRIVATE),
    # /me in a group answers with a button to the private chat, where it opens.
    Command("me", people.me, Access.REGISTERED, Where.ANY, Where.PRIVATE),
    Command("lang", people.lang, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("help", people.help_command, Access.ANYONE, Where.ANY, Where.ANY),
    Command("cancel", people.cancel, Access.ANYONE, Where.ANY, Where.PRIVATE),
    Command("raise", matters.raise_command, Role.RESIDENT, Where.ANY, Where.ANY),
    Command("matters", matters.list_matters, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("matter", matters.show_matter, Access.REGISTERED, Where.ANY, None),
    Command("conventions", votes.conventions, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("minutes", sittings_handlers.minutes, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("export", people.export, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("forget", people.forget, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("status", admin.status, Role.SECRETARY, Where.ANY, None),
    # A community's grids (网格): the first's are configured, the others' kept in the bot.
    Command("grids", grids.grids_command, Role.SECRETARY, Where.PRIVATE, None),
    # A community's own rhythm (session day and time, talk days, Party day); the first's
    # is the configuration's [calendar], the street's default.
    Command("calendar", community_calendar.calendar_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("bind", admin.bind, Role.SECRETARY, Where.GROUP, None),
    Command("unbind", admin.unbind, Role.SECRETARY, Where.GROUP, None),
    Command("people", admin.people, Role.SECRETARY, Where.PRIVATE, None),
    Command("grant", admin.grant, Role.SECRETARY, Where.ANY, None),
    Command("revoke", admin.revoke, Role.SECRETARY, Where.ANY, None),
    Command("upcoming", schedules.upcoming, Role.SECRETARY, Where.PRIVATE, None),
    Command("notify", notices.notify, Role.SECRETARY, Where.PRIVATE, None),
    Command("vote", votes.vote_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("closevote", votes.close_command, Role.SECRETARY, Where.ANY, None),
    # Proxy ballots: grid workers (their grid) and secretaries, checked by the service;
    # only for residents entered on paper or who asked for it.
    Command("proxyvote", votes.proxy_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("addresident", proxies.add_resident, Access.REGISTERED, Where.PRIVATE, None),
    Command("paperresidents", proxies.paper_residents, Access.REGISTERED, Where.PRIVATE, None),
    Command("askproxy", proxies.ask_proxy, Role.RESIDENT, Where.PRIVATE, None),
    # Discussion (民议) and secretaries' agenda controls.
    Command("discuss", discussion.discuss_command, Role.RESIDENT, Where.ANY, None),
    Command("thread", discussion.thread_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("agenda", desk.agenda_command, Role.SECRETARY, Where.ANY, None),
    Command("merge", desk.merge_command, Role.SECRETARY, Where.ANY, None),
    Command("withdraw", desk.withdraw_command, Role.SECRETARY, Where.ANY, None),
    # Sittings and minutes, the ledger.
    Command("minutes_note", sittings_handlers.minutes_note, Role.SECRETARY, Where.PRIVATE, None),
    Command("ledger", ledger_handlers.ledger, Role.SECRETARY, Where.PRIVATE, None),
    # Paper ballots at the pavilion: the attendance list (the guard) and the count.
    Command("attendance", attendance_handlers.attendance_command, Role.SECRETARY, Where.PRIVATE),
    Command(
        "paperballots", attendance_handlers.paper_ballots_command, Role.SECRETARY, Where.PRIVATE
    ),
    # Carrying out, referrals, supervision.
    Command("assign", carrying.assign_command, Role.SECRETARY, Where.ANY, None),
    Command("progress", carrying.progress_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("refer", carrying.refer_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("referrals", carrying.referrals_command, Role.SECRETARY, Where.ANY, None),
    Command("answer", carrying.answer_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("major", carrying.major_command, Role.SECRETARY, Where.ANY, None),
    Command("supervision", carrying.supervision_command, Role.SECRETARY, Where.PRIVATE, None),
    # Micro Party lessons (微党课).
    Command(
        "lessons", lesson_records.lessons_command, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE
    ),
    Command("mystudy", lesson_records.mystudy_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("newlesson", lesson_writing.newlesson, Role.SECRETARY, Where.PRIVATE, None),
    Command("lessonreport", lesson_records.report_command, Role.SECRETARY, Where.ANY, None),
    Command("lessonexport", lesson_records.export_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("studyrecord", lesson_records.studyrecord_command, Role.SECRETARY, Where.PRIVATE, None),
    # Volunteer service (志愿者打卡): activities, check-in/out, hours, reviews, the duty rota.
    Command("activities", vol_activities.activities, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("my", vol_activities.my_signups, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("checkin", vol_checkin.checkin_command, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("checkout", vol_checkin.checkout_command, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("hours", vol_review.hours_command, Access.REGISTERED, Where.ANY, Where.PRIVATE),
    Command("rota", vol_rota.rota_command, Access.REGISTERED, Where.ANY, None),
    Command("team", vol_rota.team_command, Role.VOLUNTEER, Where.PRIVATE, None),
    Command("duty", vol_rota.duty_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("code", vol_organiser.code_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("kiosk", vol_organiser.kiosk_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("review", vol_review.review_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("newactivity", vol_activities.new_activity, Role.SECRETARY, Where.PRIVATE, None),
    Command("volreport", vol_review.report_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("unit", vol_rota.unit_command, Role.SECRETARY, Where.PRIVATE, None),
    # Participation: what awaits me, my record; the community's table (secretaries).
    Command("mine", participation_mine.mine, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command(
        "myrecord", participation_record.myrecord, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE
    ),
    Command(
        "participation", participation_record.participation, Role.SECRETARY, Where.PRIVATE, None
    ),
    # Surveys (民意测评): building and sending one; the list, results and the response.
    Command("survey", survey_building.survey_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("surveys", survey_results.surveys_command, Role.SECRETARY, Where.PRIVATE, None),
    # Commitments (党员承诺): a member proposes (the service refuses others); the review.
    Command("commit", member_commitments.commit_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("commitments", member_commitments.review_command, Role.SECRETARY, Where.PRIVATE, None),
    # The yearly democratic appraisal (民主评议): a secretary's screen; a member's own part.
    Command(
        "appraisal", member_appraisal.appraisal_command, Access.REGISTERED, Where.PRIVATE, None
    ),
    # In-service members (在职党员报到): a member reports in (the service refuses others).
    Command("report_in", member_inservice.report_in_command, Access.REGISTERED, Where.PRIVATE),
    Command("inservice", member_inservice.inservice_command, Role.SECRETARY, Where.PRIVATE),
    # The public board (公开栏): residents read it privately; a secretary writes its pages.
    Command("board", board_handlers.board_command, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    # The two lists (需求/服务): a resident's need; the open needs (members, volunteers, grid
    # workers, secretaries: checked by the service); services offered and claimed.
    Command("need", need_handlers.need_command, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("needs", need_handlers.needs_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("offer", offer_handlers.offer_command, Access.REGISTERED, Where.PRIVATE, None),
    Command(
        "services", offer_handlers.services_command, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE
    ),
    Command("boardpage", board_handlers.boardpage_command, Access.REGISTERED, Where.PRIVATE, None),
    # Households (党员联户): secretaries and grid workers (the service checks); a member's own.
    Command("households", households_handlers.households_command, Access.REGISTERED, Where.PRIVATE),
    Command(
        "myhouseholds", households_handlers.myhouseholds_command, Access.REGISTERED, Where.PRIVATE
    ),
    # 经费公开: a secretary opens a project (the service refuses others with a reason).
    Command("project", board_spending.project_command, Access.REGISTERED, Where.PRIVATE, None),
    # The street level: street administrators (named in the configuration, registered or
    # not; checked by the service) list, create and rename communities, appoint their
    # secretaries and read the street view. In the street administrators' own menu.
    Command("street", street_handlers.street_command, Access.ANYONE, Where.PRIVATE, None),
)

#: Commands a street administrator sees in their own menu, besides everyone's.
STREET_MENU: tuple[str, ...] = ("street",)

#: Commands a secretary sees in their own menu, besides everyone's.
SECRETARY_MENU: tuple[str, ...] = (
    "status",
    "grids",
    "calendar",
    "people",
    "notify",
    "upcoming",
    "vote",
    "closevote",
    "proxyvote",
    "addresident",
    "grant",
    "revoke",
    "bind",
    "unbind",
    "minutes_note",
    "ledger",
    "boardpage",
    "project",
    "attendance",
    "paperballots",
    "assign",
    "refer",
    "referrals",
    "answer",
    "major",
    "supervision",
    # Micro Party lessons (微党课).
    "newlesson",
    "lessonreport",
    "lessonexport",
    "studyrecord",
    # Volunteer service.
    "newactivity",
    "code",
    "kiosk",
    "review",
    "volreport",
    "unit",
    "rota",
    # Participation.
    "participation",
    # Surveys (民意测评).
    "survey",
    "surveys",
    # Commitments (党员承诺).
    "commitments",
    # Households (党员联户).
    "households",
    "appraisal",
    # The two lists (需求/服务).
    "needs",
    # In-service members (在职党员报到).
    "inservice",
)


@dataclass(frozen=True)
class Button:
    """An inline button kind: its handler, who may press it, where."""

    kind: type[callbacks.Callback]
    callback: Callback
    need: Role | Access
    where: Where = Where.PRIVATE


BUTTONS: tuple[Button, ...] = (
    Button(community_cb.RegisterLanguage, people.consent_language, Access.ANYONE),
    # /grids: ➕ 添加网格, 🗑 删除 (a secretary of the community).
    Button(community_cb.GridAdd, grids.add_pressed, Role.SECRETARY),
    Button(community_cb.GridRemove, grids.remove_pressed, Role.SECRETARY),
    # /calendar: the parts of the screen, the session's day and time, a typed value.
    Button(community_cb.CalendarMenu, community_calendar.menu_pressed, Role.SECRETARY),
    Button(community_cb.CalendarWeekday, community_calendar.weekday_pressed, Role.SECRETARY),
    Button(community_cb.CalendarTime, community_calendar.time_pressed, Role.SECRETARY),
    Button(community_cb.CalendarAsk, community_calendar.ask_pressed, Role.SECRETARY),
    Button(community_cb.RegisterConsent, people.consent, Access.ANYONE),
    Button(community_cb.RegisterUseTelegramName, people.use_telegram_name, Access.ANYONE),
    Button(community_cb.RegisterSkipBuilding, people.skip_building, Access.ANYONE),
    Button(community_cb.RegisterGrid, people.choose_grid, Access.ANYONE),
    # Several communities: a newcomer's choice of theirs, then the form there.
    Button(community_cb.JoinCommunity, people.community_chosen, Access.ANYONE, Where.PRIVATE),
    # 🏠 搬到其他社区 (on /me): the list, the confirmation; the target's secretaries decide.
    Button(community_cb.MoveStart, joining.move_start, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.MoveTo, joining.move_chosen, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.MoveConfirm, joining.move_confirmed, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.MoveDecide, joining.move_decided, Role.SECRETARY),
    # The 门牌 form's grid question (the moved person's new community's, or ✏️ on /me:
    # the resident's own), then building and door; 取消 at each step of ✏️.
    Button(community_cb.HomeGrid, people.home_grid, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.HomeChange, people.home_change, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.HomeCancel, people.home_cancel, Access.REGISTERED, Where.PRIVATE),
    Button(community_cb.ChooseLanguage, people.lang_chosen, Access.REGISTERED),
    # 🏠 门牌: one's own building and door (a secretary: anyone's, checked by the service).
    Button(community_cb.SetHome, people.home_pressed, Access.REGISTERED),
    Button(community_cb.ConfirmForget, people.forget_confirmed, Access.REGISTERED),
    Button(community_cb.HelpStep, people.help_step, Access.REGISTERED),
    # /bind alone: 🏠 居民群 · 🚩 党员群 · 🙋 志愿者群, pressed in the group.
    Button(community_cb.BindChat, admin.bind_pressed, Role.SECRETARY, Where.GROUP),
    Button(community_cb.PeopleListPage, admin.people_page, Role.SECRETARY),
    Button(community_cb.ShowPerson, admin.show_person, Role.SECRETARY),
    Button(community_cb.ToggleRole, admin.toggle_role, Role.SECRETARY),
    Button(community_cb.RemovePerson, admin.remove_person, Role.SECRETARY),
    Button(community_cb.SetScheduleEnabled, schedules.set_enabled, Role.SECRETARY),
    Button(community_cb.UpcomingPage, schedules.turn_page, Role.SECRETARY),
    Button(community_cb.SendMissed, schedules.send_missed, Role.SECRETARY),
    Button(community_cb.NotifyAudience, notices.audience_chosen, Role.SECRETARY),
    Button(community_cb.NotifyConfirm, notices.confirmed, Role.SECRETARY),
    Button(deliberation_cb.RaiseConfirm, matters.confirmed, Role.RESIDENT),
    Button(deliberation_cb.RaiseEdit, matters.edit_pressed, Role.RESIDENT),
    Button(deliberation_cb.SupportMatter, matters.support, Role.RESIDENT, Where.ANY),
    Button(deliberation_cb.VoteSetting, votes.setting, Role.SECRETARY),
    Button(deliberation_cb.VoteOpen, votes.open_or_drop, Role.SECRETARY),
    # Who may vote: the whole community, some buildings, a grid, one vote per household.
    Button(deliberation_cb.VoteElectorate, votes.electorate_pressed, Role.SECRETARY),
    Button(deliberation_cb.VoteBuilding, votes.building_pressed, Role.SECRETARY),
    Button(deliberation_cb.VoteGrid, votes.grid_pressed, Role.SECRETARY),
    Button(deliberation_cb.CastBallot, votes.cast, Role.RESIDENT, Where.ANY),
    # 🔕 / 🔔 under a reminder to vote (in the resident's private chat).
    Button(deliberation_cb.VoteReminders, votes.reminders_pressed, Role.RESIDENT),
    Button(deliberation_cb.ProxyPage, votes.proxy_page, Access.REGISTERED),
    Button(deliberation_cb.ProxyPerson, votes.proxy_person, Access.REGISTERED),
    Button(deliberation_cb.ProxyBallot, votes.proxy_choice, Access.REGISTERED),
    Button(deliberation_cb.PaperSkipDoor, proxies.door_skipped, Access.REGISTERED),
    Button(deliberation_cb.PaperGrid, proxies.grid_chosen, Access.REGISTERED),
    Button(deliberation_cb.PaperConfirm, proxies.confirmed, Access.REGISTERED),
    Button(deliberation_cb.PaperRemove, proxies.remove_pressed, Access.REGISTERED),
    Button(deliberation_cb.AskProxy, proxies.ask_proxy_pressed, Role.RESIDENT),
    # Paper ballots at the pavilion: attendance list, paper voters, the count.
    Button(deliberation_cb.AttendanceView, attendance_handlers.view_pressed, Role.SECRETARY),
    Button(deliberation_cb.AttendanceToggle, attendance_handlers.toggle_pressed, Role.SECRETARY),
    Button(deliberation_cb.AttendanceGuests, attendance_handlers.guests_pressed, Role.SECRETARY),
    # Residents' own check-in: the sitting's rotating code screen.
    Button(deliberation_cb.AttendanceCode, sitting_checkin.code_pressed, Role.SECRETARY),
    Button(deliberation_cb.AttendanceCodeStop, sitting_checkin.code_stopped, Role.SECRETARY),
    Button(deliberation_cb.PaperCountStart, attendance_handlers.count_pressed, Role.SECRETARY),
    Button(deliberation_cb.PaperCounter, attendance_handlers.counter_pressed, Role.SECRETARY),
    Button(deliberation_cb.PaperWitness, attendance_handlers.witness_pressed, Role.SECRETARY),
    Button(deliberation_cb.PaperCountConfirm, attendance_handlers.confirm_pressed, Role.SECRETARY),
    # The minutes' panel: chair, recorder, main opinions; the minutes and their document.
    Button(deliberation_cb.MinutesPanel, minutes_handlers.panel_pressed, Role.SECRETARY),
    Button(deliberation_cb.MinutesOfficers, minutes_handlers.officers_pressed, Role.SECRETARY),
    Button(deliberation_cb.MinutesOfficer, minutes_handlers.officer_pressed, Role.SECRETARY),
    Button(
        deliberation_cb.MinutesOfficerName, minutes_handlers.officer_name_pressed, Role.SECRETARY
    ),
    Button(deliberation_cb.MinutesExcerpts, minutes_handlers.excerpts_pressed, Role.SECRETARY),
    Button(deliberation_cb.MinutesExcerpt, minutes_handlers.excerpt_pressed, Role.SECRETARY),
    Button(deliberation_cb.MinutesSend, minutes_handlers.send_pressed, Role.SECRETARY),
    Button(deliberation_cb.MinutesPublish, minutes_handlers.publish_pressed, Role.SECRETARY),
    Button(deliberation_cb.AcceptDraftResolution, votes.accept_draft, Role.SECRETARY),
    Button(deliberation_cb.WriteResolution, votes.write_resolution, Role.SECRETARY),
    Button(deliberation_cb.StartVote, votes.start_pressed, Role.SECRETARY),
    # The matter screen, secretaries' agenda controls, the discussion
    Button(deliberation_cb.MatterView, desk.view_matter, Access.REGISTERED),
    # /matters and a sitting's agenda: open a matter, page, ✏️ 我要提议.
    # In a group anyone may press: the private chat opens (registering first if need be).
    Button(deliberation_cb.MatterOpen, matters.open_pressed, Access.ANYONE, Where.ANY),
    Button(deliberation_cb.MattersPage, matters.matters_page_pressed, Access.ANYONE, Where.ANY),
    Button(deliberation_cb.RaiseStart, matters.raise_pressed, Access.ANYONE, Where.ANY),
    Button(deliberation_cb.DeskAgenda, desk.agenda_pressed, Role.SECRETARY),
    Button(deliberation_cb.DeskMergeMenu, desk.merge_menu, Role.SECRETARY),
    Button(deliberation_cb.DeskMerge, desk.merge_pressed, Role.SECRETARY),
    Button(deliberation_cb.DeskWithdraw, desk.withdraw_pressed, Role.SECRETARY),
    Button(deliberation_cb.ShowThread, discussion.thread_pressed, Access.REGISTERED),
    Button(deliberation_cb.HideComment, discussion.hide_pressed, Role.SECRETARY),
    Button(deliberation_cb.AgreeComment, discussion.agree_pressed, Role.RESIDENT),
    # Carrying out, referrals, supervision, ratings.
    Button(deliberation_cb.AssignOwnerKind, carrying.owner_kind_chosen, Role.SECRETARY),
    Button(deliberation_cb.AssignPeoplePage, carrying.owner_page, Role.SECRETARY),
    Button(deliberation_cb.AssignPerson, carrying.owner_person_chosen, Role.SECRETARY),
    Button(deliberation_cb.ChooseDue, carrying.due_chosen, Role.SECRETARY),
    Button(deliberation_cb.ProgressPercent, carrying.percent_chosen, Access.REGISTERED),
    Button(deliberation_cb.ReportProgress, carrying.progress_pressed, Access.REGISTERED),
    Button(deliberation_cb.PickReferral, carrying.referral_picked, Role.SECRETARY),
    Button(deliberation_cb.RateMatter, carrying.rate_pressed, Access.REGISTERED),
    Button(deliberation_cb.AcceptanceVerdict, carrying.verdict_pressed, Role.SUPERVISOR),
    Button(deliberation_cb.SecretaryVerdict, carrying.review_pressed, Role.SECRETARY),
    Button(deliberation_cb.SupervisionMethod, carrying.supervision_method, Role.SECRETARY),
    Button(deliberation_cb.SupervisionPage, carrying.supervision_page, Role.SECRETARY),
    Button(deliberation_cb.SupervisionToggle, carrying.supervision_toggle, Role.SECRETARY),
    Button(deliberation_cb.SupervisionConfirm, carrying.supervision_confirm, Role.SECRETARY),
    Button(deliberation_cb.AssignMatter, carrying.assign_pressed, Role.SECRETARY, Where.ANY),
    # Micro Party lessons (微党课): writing and sending, studying, make-up, home delivery.
    Button(lessons_cb.LessonDraft, lesson_writing.draft_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonCorrect, lesson_writing.correct_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonWhen, lesson_sending.when_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonAudience, lesson_sending.audience_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonStudy, lesson_study.study_pressed, Role.PARTY_MEMBER, Where.ANY),
    Button(lessons_cb.LessonQuiz, lesson_study.quiz_pressed, Role.PARTY_MEMBER),
    Button(lessons_cb.LessonOpen, lesson_study.open_pressed, Access.REGISTERED, Where.ANY),
    Button(lessons_cb.LessonFiles, lesson_study.files_pressed, Access.REGISTERED, Where.ANY),
    Button(lessons_cb.LessonMakeup, lesson_makeup.makeup_pressed, Role.PARTY_MEMBER),
    Button(lessons_cb.LessonBook, lesson_makeup.book_pressed, Role.PARTY_MEMBER),
    Button(lessons_cb.LessonHome, lesson_delivery.home_pressed, Role.PARTY_MEMBER),
    # 已送学: the grid worker, or a secretary when the grid has none (checked by the service).
    Button(lessons_cb.LessonDelivered, lesson_delivery.delivered_pressed, Access.REGISTERED),
    Button(lessons_cb.LessonView, lesson_records.view_pressed, Access.REGISTERED),
    Button(lessons_cb.LessonAction, lesson_records.action_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonRoster, lesson_makeup.roster_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonAttend, lesson_makeup.attend_pressed, Role.SECRETARY),
    Button(lessons_cb.LessonRecord, lesson_records.record_pressed, Role.SECRETARY),
    # 请假: a member asks (privately), a secretary decides.
    Button(lessons_cb.LessonLeave, lesson_leave.leave_pressed, Role.PARTY_MEMBER),
    Button(lessons_cb.LessonMakeupLeave, lesson_leave.makeup_leave_pressed, Role.PARTY_MEMBER),
    Button(lessons_cb.LessonLeaveDecision, lesson_leave.decision_pressed, Role.SECRETARY),
    # Volunteer service (志愿者打卡).
    Button(volunteering_cb.VolSignUp, vol_activities.sign_up, Access.REGISTERED, Where.ANY),
    Button(volunteering_cb.VolCancel, vol_activities.cancel, Access.REGISTERED, Where.ANY),
    Button(volunteering_cb.VolNewSkip, vol_activities.new_skip, Role.SECRETARY),
    Button(volunteering_cb.VolNewSetting, vol_activities.new_setting, Role.SECRETARY),
    Button(volunteering_cb.VolNewPublish, vol_activities.new_publish, Role.SECRETARY),
    Button(
        volunteering_cb.VolCheckinChoose, vol_checkin.checkin_chosen, Access.REGISTERED, Where.ANY
    ),
    Button(volunteering_cb.VolLocationConsent, vol_checkin.location_consent, Access.REGISTERED),
    Button(volunteering_cb.VolCheckout, vol_checkin.checkout_pressed, Access.REGISTERED),
    Button(volunteering_cb.VolCode, vol_organiser.code_pressed, Access.REGISTERED),
    Button(volunteering_cb.VolCodeStop, vol_organiser.code_stopped, Access.REGISTERED),
    Button(volunteering_cb.VolKiosk, vol_organiser.kiosk_pressed, Access.REGISTERED),
    Button(volunteering_cb.VolKioskPress, vol_organiser.kiosk_person, Access.REGISTERED),
    Button(volunteering_cb.VolReviewList, vol_review.review_list, Access.REGISTERED),
    Button(volunteering_cb.VolReview, vol_review.review_pressed, Access.REGISTERED),
    Button(volunteering_cb.VolUnitContact, vol_rota.unit_contact, Role.SECRETARY),
    Button(volunteering_cb.VolUnitPage, vol_rota.unit_page, Role.SECRETARY),
    Button(volunteering_cb.VolSkipToggle, vol_rota.skip_toggle, Access.REGISTERED),
    Button(volunteering_cb.VolSwapMenu, vol_rota.swap_menu, Access.REGISTERED),
    Button(volunteering_cb.VolSwapAsk, vol_rota.swap_ask, Access.REGISTERED),
    Button(volunteering_cb.VolSwapAnswer, vol_rota.swap_answer, Access.REGISTERED),
    Button(volunteering_cb.VolJoinUnit, vol_rota.team_joined, Role.VOLUNTEER),
    # Participation: a record's year (anyone's own; another's: checked by the service).
    Button(participation_cb.RecordYear, participation_record.record_pressed, Access.REGISTERED),
    # 请假: a volunteer asks (privately); the organiser or a secretary decides (the service checks).
    Button(volunteering_cb.VolLeave, vol_leave.leave_pressed, Access.REGISTERED),
    Button(volunteering_cb.VolLeaveDecision, vol_leave.decision_pressed, Access.REGISTERED),
    # Surveys (民意测评): the builder; answers (recipients, checked by the service); results.
    Button(surveys_cb.SurveyBuild, survey_building.build_pressed, Role.SECRETARY),
    Button(surveys_cb.SurveySend, survey_building.send_pressed, Role.SECRETARY),
    Button(surveys_cb.SurveyPick, survey_answering.pick_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveyToggle, survey_answering.toggle_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveySubmit, survey_answering.submit_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveyWrite, survey_answering.write_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveyResend, survey_answering.resend_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveyReminders, survey_answering.reminders_pressed, Role.RESIDENT),
    Button(surveys_cb.SurveyView, survey_results.view_pressed, Access.REGISTERED),
    Button(surveys_cb.SurveyAction, survey_results.action_pressed, Role.SECRETARY),
    # 📅 加到手机日历: the .ics of an activity, a sitting (also from a group), a make-up slot.
    Button(calendar_cb.CalendarActivity, calendar_files.activity_pressed, Access.REGISTERED),
    Button(calendar_cb.CalendarSitting, calendar_files.sitting_pressed, Access.ANYONE, Where.ANY),
    Button(calendar_cb.CalendarMakeup, calendar_files.makeup_pressed, Role.PARTY_MEMBER),
    # 📅 the date picker (今天 / 明天 / 本周四 …, then the time): the flow's service checks roles.
    Button(datepicker_cb.DatePick, datepicker.pressed, Access.ANYONE),
    # 🎂 入党日期: one's own (a Party member) or a member's (a secretary), checked by the service.
    Button(members_cb.SetJoined, member_birthdays.joined_pressed, Access.REGISTERED),
    Button(members_cb.ClearJoined, member_birthdays.clear_pressed, Access.REGISTERED),
    # 🤝 我的承诺 and proposing: Party members (the service refuses others with a reason).
    Button(members_cb.CommitMine, member_commitments.mine_pressed, Access.REGISTERED),
    Button(members_cb.CommitNew, member_commitments.new_pressed, Access.REGISTERED),
    Button(members_cb.CommitContact, member_commitments.contact_pressed, Access.REGISTERED),
    Button(members_cb.CommitEdit, member_commitments.edit_pressed, Access.REGISTERED),
    Button(members_cb.CommitOpen, member_commitments.open_pressed, Access.REGISTERED),
    Button(members_cb.CommitProgress, member_commitments.progress_pressed, Access.REGISTERED),
    Button(members_cb.CommitDone, member_commitments.done_pressed, Access.REGISTERED),
    # ✅ 通过 / ↩ 退回 under a submitted commitment.
    Button(members_cb.CommitVerdict, member_commitments.verdict_pressed, Role.SECRETARY),
    # 民主评议: a member's self-assessment and peer rating (the service checks the role);
    # a secretary's opening, branch grades and closing; residents rate a public pledge
    # under its card in the group or on the board.
    Button(members_cb.AppraisalHome, member_appraisal.home_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalOpen, member_appraisal.open_pressed, Role.SECRETARY),
    Button(members_cb.AppraisalSelf, member_appraisal.self_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalSelfScreen, member_appraisal.self_screen_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalPeers, member_appraisal.peers_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalPeer, member_appraisal.peer_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalPeerGrade, member_appraisal.peer_grade_pressed, Access.REGISTERED),
    Button(members_cb.AppraisalBranch, member_appraisal.branch_pressed, Role.SECRETARY),
    Button(
        members_cb.AppraisalBranchMember, member_appraisal.branch_member_pressed, Role.SECRETARY
    ),
    Button(members_cb.AppraisalBranchGrade, member_appraisal.branch_grade_pressed, Role.SECRETARY),
    Button(members_cb.AppraisalBranchNote, member_appraisal.branch_note_pressed, Role.SECRETARY),
    Button(members_cb.AppraisalClose, member_appraisal.close_pressed, Role.SECRETARY),
    Button(members_cb.AppraisalCloseSure, member_appraisal.close_sure_pressed, Role.SECRETARY),
    Button(members_cb.AppraisalPage, member_appraisal.page_pressed, Role.SECRETARY),
    Button(members_cb.PledgeRate, member_appraisal.pledge_rate_pressed, Role.RESIDENT, Where.ANY),
    Button(members_cb.PledgeRateScreen, member_appraisal.pledge_screen_pressed, Access.REGISTERED),
    # 在职党员报到: registering, the card, ↩ 回复 (the service checks who); /inservice.
    Button(members_cb.InserviceOpen, member_inservice.open_pressed, Access.REGISTERED),
    Button(members_cb.InserviceRedo, member_inservice.redo_pressed, Access.REGISTERED),
    Button(members_cb.InservicePost, member_inservice.post_pressed, Access.REGISTERED),
    Button(members_cb.InserviceBuilding, member_inservice.building_pressed, Access.REGISTERED),
    Button(members_cb.InserviceCard, member_inservice.card_pressed, Access.REGISTERED),
    Button(members_cb.InserviceReply, member_inservice.reply_pressed, Access.REGISTERED),
    Button(members_cb.InserviceList, member_inservice.list_pressed, Role.SECRETARY),
    Button(members_cb.InserviceMember, member_inservice.member_pressed, Role.SECRETARY),
    Button(members_cb.InserviceAction, member_inservice.action_pressed, Role.SECRETARY),
    Button(members_cb.InserviceFeedback, member_inservice.feedback_pressed, Role.SECRETARY),
    Button(board_cb.BoardHome, board_handlers.home_pressed, Access.REGISTERED),
    Button(board_cb.BoardCommittee, board_handlers.committee_pressed, Access.REGISTERED),
    Button(board_cb.BoardPages, board_handlers.pages_pressed, Access.REGISTERED),
    Button(board_cb.BoardPage, board_handlers.page_pressed, Access.REGISTERED),
    Button(board_cb.BoardResolutions, board_handlers.resolutions_pressed, Access.REGISTERED),
    Button(board_cb.BoardCommitments, board_handlers.commitments_pressed, Access.REGISTERED),
    Button(board_cb.PageWrite, board_handlers.write_pressed, Access.REGISTERED),
    Button(board_cb.PageRemove, board_handlers.remove_pressed, Access.REGISTERED),
    Button(board_cb.PageRemoveSure, board_handlers.remove_sure_pressed, Access.REGISTERED),
    Button(board_cb.FollowMatter, board_handlers.follow_pressed, Access.REGISTERED),
    # Households (党员联户): the service checks who may see and change what.
    Button(households_cb.HouseholdList, households_handlers.list_pressed, Access.REGISTERED),
    Button(households_cb.HouseholdOpen, households_handlers.open_pressed, Access.REGISTERED),
    Button(households_cb.HouseholdFlag, households_handlers.flag_pressed, Access.REGISTERED),
    Button(
        households_cb.HouseholdContacts, households_handlers.contacts_pressed, Access.REGISTERED
    ),
    Button(households_cb.HouseholdLink, households_handlers.link_pressed, Access.REGISTERED),
    Button(households_cb.HouseholdAdd, households_handlers.add_pressed, Access.REGISTERED),
    Button(
        households_cb.HouseholdSkipNote, households_handlers.skip_note_pressed, Access.REGISTERED
    ),
    Button(households_cb.HouseholdGrid, households_handlers.grid_pressed, Role.SECRETARY),
    Button(households_cb.LeadList, households_handlers.leads_pressed, Role.SECRETARY),
    Button(households_cb.LeadCandidates, households_handlers.candidates_pressed, Role.SECRETARY),
    Button(households_cb.LeadMark, households_handlers.mark_pressed, Role.SECRETARY),
    Button(households_cb.LeadOpen, households_handlers.lead_pressed, Role.SECRETARY),
    Button(households_cb.LeadToggle, households_handlers.toggle_pressed, Role.SECRETARY),
    Button(households_cb.LeadRemove, households_handlers.remove_pressed, Role.SECRETARY),
    Button(households_cb.TreePage, households_handlers.tree_pressed, Access.REGISTERED),
    Button(households_cb.TreeSheet, households_handlers.sheet_pressed, Access.REGISTERED),
    Button(households_cb.MyHouseholds, households_handlers.mine_pressed, Access.REGISTERED),
    Button(households_cb.VisitStart, households_handlers.visit_pressed, Access.REGISTERED),
    Button(households_cb.VisitOtherDay, households_handlers.other_day_pressed, Access.REGISTERED),
    # 🙋 记录需求: a need recorded for a household (党员联户 → 需求清单).
    Button(households_cb.NeedStart, households_handlers.need_pressed, Access.REGISTERED),
    Button(
        households_cb.NeedResident, households_handlers.need_resident_pressed, Access.REGISTERED
    ),
    Button(households_cb.NeedKind, households_handlers.need_kind_pressed, Access.REGISTERED),
    Button(households_cb.NeedUrgent, households_handlers.need_urgent_pressed, Access.REGISTERED),
    # 💰 经费公开: residents read and follow; a secretary's tools (checked by the service).
    Button(board_cb.SpendingList, board_spending.list_pressed, Access.REGISTERED),
    Button(board_cb.SpendingProject, board_spending.project_pressed, Access.REGISTERED),
    Button(board_cb.SpendingReceipts, board_spending.receipts_pressed, Access.REGISTERED),
    Button(board_cb.SpendingHistory, board_spending.history_pressed, Access.REGISTERED),
    Button(board_cb.FollowProject, board_spending.follow_pressed, Access.REGISTERED),
    Button(board_cb.SpendingNew, board_spending.new_pressed, Access.REGISTERED),
    Button(board_cb.SpendingSkipSource, board_spending.skip_source_pressed, Access.REGISTERED),
    Button(board_cb.SpendingMatter, board_spending.matter_pressed, Access.REGISTERED),
    Button(board_cb.SpendingAddItem, board_spending.add_pressed, Access.REGISTERED),
    Button(board_cb.SpendingItemDone, board_spending.done_pressed, Access.REGISTERED),
    Button(board_cb.SpendingItem, board_spending.item_pressed, Access.REGISTERED),
    Button(board_cb.SpendingFix, board_spending.fix_pressed, Access.REGISTERED),
    Button(board_cb.SpendingRemove, board_spending.remove_pressed, Access.REGISTERED),
    Button(board_cb.SpendingRemoveSure, board_spending.remove_sure_pressed, Access.REGISTERED),
    Button(board_cb.SpendingClose, board_spending.close_pressed, Access.REGISTERED),
    Button(board_cb.SpendingCloseSure, board_spending.close_sure_pressed, Access.REGISTERED),
    # The two lists (需求/服务): who may do what is checked by bot/needs (residents post
    # and confirm their own; members, volunteers, grid workers, secretaries claim).
    Button(needs_cb.NeedStart, need_handlers.start_pressed, Access.REGISTERED),
    Button(needs_cb.NeedCategory, need_handlers.category_pressed, Access.REGISTERED),
    Button(needs_cb.NeedBuilding, need_handlers.building_pressed, Access.REGISTERED),
    Button(needs_cb.NeedUrgency, need_handlers.urgency_pressed, Access.REGISTERED),
    Button(needs_cb.NeedsPage, need_handlers.page_pressed, Access.REGISTERED),
    Button(needs_cb.NeedOpen, need_handlers.open_pressed, Access.REGISTERED),
    Button(needs_cb.NeedClaim, need_handlers.claim_pressed, Access.REGISTERED),
    Button(needs_cb.NeedActivity, need_handlers.activity_pressed, Access.REGISTERED),
    Button(needs_cb.NeedReply, need_handlers.reply_pressed, Access.REGISTERED),
    Button(needs_cb.NeedDue, need_handlers.due_pressed, Access.REGISTERED),
    Button(needs_cb.NeedDone, need_handlers.done_pressed, Access.REGISTERED),
    Button(needs_cb.NeedSolved, need_handlers.solved_pressed, Access.REGISTERED),
    Button(needs_cb.NeedRate, need_handlers.rate_pressed, Access.REGISTERED),
    Button(needs_cb.NeedToMatter, need_handlers.to_matter_pressed, Access.REGISTERED),
    Button(needs_cb.MatterToNeed, need_handlers.back_pressed, Role.SECRETARY),
    Button(needs_cb.NeedsReport, need_handlers.report_pressed, Role.SECRETARY),
    Button(needs_cb.OfferLongTerm, offer_handlers.long_term_pressed, Access.REGISTERED),
    Button(needs_cb.OfferCount, offer_handlers.count_pressed, Access.REGISTERED),
    Button(needs_cb.ServicesPage, offer_handlers.page_pressed, Access.REGISTERED),
    Button(needs_cb.ServiceOpen, offer_handlers.open_pressed, Access.REGISTERED),
    Button(needs_cb.ServiceClaim, offer_handlers.claim_pressed, Access.REGISTERED),
    Button(needs_cb.ServiceAnswer, offer_handlers.answer_pressed, Access.REGISTERED),
    Button(needs_cb.ServiceFor, offer_handlers.for_pressed, Role.SECRETARY),
    Button(needs_cb.ServiceForPerson, offer_handlers.for_person_pressed, Role.SECRETARY),
    # The street level: street administrators' buttons (the service checks who); the
    # answer to an invite link, anyone who opened it.
    Button(street_cb.StreetNew, street_handlers.new_pressed, Access.ANYONE),
    Button(street_cb.StreetRename, street_handlers.rename_pressed, Access.ANYONE),
    Button(street_cb.StreetInvite, street_handlers.invite_pressed, Access.ANYONE),
    Button(street_cb.StreetView, street_handlers.view_pressed, Access.ANYONE),
    Button(street_cb.StreetInviteAnswer, street_handlers.invite_answer_pressed, Access.ANYONE),
)

#: Typed answers of each guided conversation (flow name -> handler).
TEXT_ANSWERS: dict[str, dialogs.TextAnswer] = {
    REGISTRATION_FLOW: people.registration_answer,
    HOME_FLOW: people.home_answer,
    NOTICE_FLOW: notices.text_answer,
    RAISE_FLOW: matters.text_answer,
    SETUP_FLOW: votes.text_answer,
    PROXY_FLOW: votes.text_answer,
    PAPER_FLOW: proxies.text_answer,
    RESOLUTION_FLOW: votes.text_answer,
    WITHDRAW_FLOW: desk.withdraw_answer,
    HIDE_FLOW: discussion.hide_answer,
    # Paper ballots: the number not in the register, the paper count.
    **attendance_handlers.TEXT_ANSWERS,
    **minutes_handlers.TEXT_ANSWERS,
    # Carrying out, referrals, supervision.
    **carrying.TEXT_ANSWERS,
    # Micro Party lessons (微党课).
    **lesson_answers.TEXT_ANSWERS,
    # Volunteer service: a new activity, an adjustment of hours.
    NEW_FLOW: vol_activities.new_answer,
    ADJUST_FLOW: vol_review.adjust_answer,
    VOL_LEAVE_FLOW: vol_leave.reason_text,
    # The check-in prompt (📍 button): the code typed as the fallback.
    CHECKIN_FLOW: vol_checkin.code_answer,
    # Surveys: the builder, a typed answer, the committee's response.
    SURVEY_BUILD_FLOW: survey_building.text_answer,
    SURVEY_TEXT_FLOW: survey_answering.text_answer,
    SURVEY_RESPONSE_FLOW: survey_results.response_answer,
    # Party birthdays: the typed joining date (入党日期).
    JOINED_FLOW: member_birthdays.joined_answer,
    # Commitments: proposing, a secretary's reason for returning one, progress.
    **member_commitments.TEXT_ANSWERS,
    **households_handlers.TEXT_ANSWERS,
    # The appraisal: a member's few words after their grade, a secretary's note.
    **member_appraisal.TEXT_ANSWERS,
    # In-service members: registering, a resident's message, the member's reply.
    **member_inservice.TEXT_ANSWERS,
    BOARD_PAGE_FLOW: board_handlers.page_answer,
    # 经费公开: opening a project, recording an item, a correction.
    **board_spending.TEXT_ANSWERS,
    # The two lists: posting a need, its activity's time, a deadline, a reply; an offer.
    **need_handlers.TEXT_ANSWERS,
    **offer_handlers.TEXT_ANSWERS,
    # The street level: a new community's name, or a new name for one.
    STREET_NAME_FLOW: street_handlers.name_answer,
    # ➕ 添加网格: the new grid's name.
    GRID_FLOW: grids.name_answer,
    # /calendar: a typed session time, talk days or Party day.
    CALENDAR_FLOW: community_calendar.typed_answer,
}


#: Photos or files answering a guided conversation (flow name -> handler).
MEDIA_ANSWERS: dict[str, dialogs.MediaAnswer] = {
    PROGRESS_FLOW: carrying.photo_answer,
    RAISE_FLOW: matters.photo_answer,
    **lesson_answers.MEDIA_ANSWERS,
    **member_commitments.MEDIA_ANSWERS,
    **board_spending.MEDIA_ANSWERS,
    **need_handlers.MEDIA_ANSWERS,
    **households_handlers.MEDIA_ANSWERS,
}

#: A voice note answering a form: raising a matter takes one as its details.
VOICE_ANSWERS: dict[str, dialogs.MediaAnswer] = {
    RAISE_FLOW: matters.voice_answer,
    # A need told by voice (需求).
    **need_handlers.VOICE_ANSWERS,
}


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler, in order. Group -1 runs first for every update."""
    # Who is acting, in which language; drops edits, channel posts, other bots.
    app.add_handler(TypeHandler(Update, identify), group=-1)

    # Group bookkeeping: the bot added/removed, a group upgraded to a supergroup.
    app.add_handler(ChatMemberHandler(chats.my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated))

    # Slash commands, each with its access rule (only new messages).
    _add_commands(app)

    # Inline buttons, each kind by its callback-data prefix; then stale ones.
    _add_buttons(app)

    # The big buttons of the private keyboard (📋 我的待办 …): the command each names.
    # Before plain words and typed answers, so a press works while a form waits (the
    # form is ended, see handlers/participation/keyboard.py).
    _add_keyboard(app)

    # Plain words that act: raising a matter, 签到/签退 and locations, 补课 check-ins.
    _add_plain_words(app)

    # Photos, files and typed text in a private chat: answers to a guided conversation.
    _add_private_answers(app)

    # A reply to a matter's card in a residents' group joins its
    # discussion. Its own handler group, so group 0 handlers still see every text.
    app.add_handler(
        MessageHandler(discussion.CARD_REPLY_FILTER, discussion.card_reply),
        group=discussion.CARD_REPLY_GROUP,
    )

    app.add_error_handler(on_error)


def _add_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every command of :data:`COMMANDS`, guarded by its access rule."""
    # Slash commands, each with its access rule. Only new messages: an edited
    # command does not run again. "/cmd@otherbot" is left to the other bot.
    for command in COMMANDS:
        app.add_handler(
            CommandHandler(
                command.name,
                guarded(command.callback, need=command.need, where=command.where),
                filters=filters.UpdateType.MESSAGE,
            )
        )


def _add_buttons(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every button kind of :data:`BUTTONS`, then a catch-all for stale buttons."""
    # Inline buttons, each kind matched by its callback-data prefix.
    for button in BUTTONS:
        app.add_handler(
            CallbackQueryHandler(
                guarded(button.callback, need=button.need, where=button.where),
                pattern=button.kind.pattern(),
            )
        )
    # A button of a kind this version no longer has.
    app.add_handler(
        CallbackQueryHandler(guarded(_stale_button, need=Access.ANYONE, where=Where.ANY))
    )


def _add_keyboard(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """A label of the private keyboard runs its command, with the command's access rule."""
    commands = {c.name: guarded(c.callback, need=c.need, where=c.where) for c in COMMANDS}
    app.add_handler(
        MessageHandler(
            participation_keys.LABEL_FILTER,
            guarded(
                participation_keys.label_pressed(commands), need=Access.ANYONE, where=Where.PRIVATE
            ),
        )
    )


def _add_plain_words(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Messages in plain words that act like a command."""
    # "提议 …" / "说事 …": raising a matter in plain words (commands are Latin only).
    app.add_handler(
        MessageHandler(
            filters.Regex(matters.RAISE_WORDS) & filters.UpdateType.MESSAGE,
            # Anyone: in a group, an unregistered writer's words wait for them to register.
            guarded(matters.raise_words, need=Access.ANYONE, where=Where.ANY),
        )
    )

    # Volunteer service: 签到 [code] / 签退 in plain words (private or group; other
    # group text is left alone), and a location shared privately (a check-in by
    # distance, or a new activity's venue).
    app.add_handler(
        MessageHandler(
            vol_checkin.CHECK_WORDS_FILTER,
            guarded(vol_checkin.check_words, need=Access.REGISTERED, where=Where.ANY),
        )
    )
    app.add_handler(
        MessageHandler(
            vol_checkin.LOCATION_FILTER,
            guarded(vol_checkin.location, need=Access.REGISTERED, where=Where.PRIVATE),
        )
    )

    # "补课 123456" in a private chat: checking in at a lesson's make-up slot.
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.Regex(lesson_makeup.CHECK_IN_WORDS)
            & filters.UpdateType.MESSAGE,
            guarded(lesson_makeup.check_in_words, need=Role.PARTY_MEMBER, where=Where.PRIVATE),
        )
    )


def _add_private_answers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Answers, in a private chat, to the guided conversation under way."""
    # A photo or file in a private chat: the answer to a form that takes one.
    dialogs.MEDIA_ANSWERS.update(MEDIA_ANSWERS)
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & (filters.PHOTO | filters.Document.ALL | filters.AUDIO | filters.VIDEO)
            & filters.UpdateType.MESSAGE,
            guarded(dialogs.private_media, need=Access.REGISTERED, where=Where.PRIVATE),
        )
    )

    # A voice note in a private chat: a raise form's details, or a short reply.
    dialogs.VOICE_ANSWERS.update(VOICE_ANSWERS)
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.VOICE & filters.UpdateType.MESSAGE,
            guarded(dialogs.private_voice, need=Access.REGISTERED, where=Where.PRIVATE),
        )
    )

    # Typed answers to a guided conversation, in a private chat.
    dialogs.TEXT_ANSWERS.update(TEXT_ANSWERS)
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            guarded(dialogs.private_text, need=Access.ANYONE, where=Where.PRIVATE),
        )
    )


async def _stale_button(update: Update, context: Any) -> None:
    raise callbacks.StaleButton(update.callback_query.data if update.callback_query else None)
