"""What /export holds beyond the feature records: everything else a row says about a person.

:data:`EXPORTED` names every column in the schema that refers to a person
(a foreign key to ``people``, or a Telegram id) and the place in the export
that carries what it holds; :data:`NOT_ABOUT_A_PERSON` names the columns that
look like one by their name and are not. A test walks the schema and fails on
any person column missing from both, so a new table cannot be forgotten.

Every query is scoped to the current community (storage/scope.py): the export is of
what the person's community holds about them (a person who moved community left their
records there, where they still count).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import aiosqlite

from storage.community.joining import MoveRequestsRepository
from storage.community.leave import LeaveRepository
from storage.scope import community_id

#: "table.column" -> "section.key" of the export that carries what the column holds.
EXPORTED: dict[str, str] = {
    # The register.
    "people.tg_user_id": "person.telegram_user_id",
    "person_roles.person_id": "roles",
    "person_roles.granted_by": "register.roles_granted",
    "audit_log.actor_id": "activity",
    "audit_log.subject_id": "activity",
    "chats.bound_by": "register.chats_bound",
    "dialogs.user_id": "open_conversations",
    "dialogs.chat_id": "open_conversations",
    # Messages the bot sent them, pushes and schedules they started.
    "outbox.person_id": "messages",
    "outbox.chat_id": "messages",
    "pushes.started_by": "register.pushes_started",
    "pushes.report_chat_id": "register.pushes_started",
    "schedules.owner_id": "register.schedules_owned",
    "proxy_requests.person_id": "register.proxy_request",
    "reminder_opt_outs.person_id": "register.reminders_off",
    "command_menus.chat_id": "register.own_menu_set",
    "paper_residents.entered_by": "register.paper_residents_entered",
    # Excused absence (请假): their requests, and the decisions they made on others'.
    "leave_requests.person_id": "register.leave_requests",
    "leave_requests.decided_by": "register.leave_decided",
    # Moving to another community (搬到其他社区): their requests, those they decided.
    "move_requests.person_id": "register.move_requests",
    "move_requests.decided_by": "register.moves_decided",
    # Deliberation.
    "matters.raised_by": "deliberation.matters_raised",
    "matters.owner_person_id": "deliberation.matters_owned",
    "matters.owner_kind": "deliberation.matters_owned",
    "matters.owner_name": "deliberation.matters_owned",
    "matter_supports.person_id": "deliberation.supports",
    "matter_events.actor_id": "deliberation.matter_events",
    "comments.person_id": "deliberation.comments",
    "comments.hidden_by": "deliberation.comments_hidden",
    "ballots.person_id": "deliberation.public_ballots",
    "ballots.recorded_by": "deliberation.proxy_ballots_recorded",
    "poll_book.person_id": "deliberation.votes_cast",
    "votes.opened_by": "deliberation.votes_opened",
    "votes.closed_by": "deliberation.votes_closed",
    "ratings.person_id": "deliberation.ratings",
    "progress_reports.person_id": "deliberation.progress_reports",
    "acceptances.person_id": "deliberation.acceptances",
    "referrals.referred_by": "deliberation.referrals_made",
    "referrals.recorded_by": "deliberation.referral_answers_recorded",
    "supervisors.person_id": "deliberation.supervision",
    "supervision_terms.created_by": "deliberation.supervision_terms_created",
    # Paper ballots at the pavilion: attendance, paper voters (never what), paper counts.
    "sitting_attendance.person_id": "deliberation.sittings_attended",
    "sitting_attendance.marked_by": "deliberation.attendance_marked",
    "sitting_guests.set_by": "deliberation.attendance_marked",
    "paper_voters.person_id": "deliberation.paper_ballots_handed_in",
    "paper_voters.marked_by": "deliberation.attendance_marked",
    "paper_counts.counter_id": "deliberation.paper_counts",
    "paper_counts.witness_id": "deliberation.paper_counts",
    "paper_counts.entered_by": "deliberation.paper_counts",
    # The minutes: who chaired or recorded a sitting, the opinions quoted, 👍 on comments.
    "sitting_officers.person_id": "deliberation.sitting_officer",
    "sitting_officers.set_by": "deliberation.minutes_edited",
    "minutes_excerpts.chosen_by": "deliberation.minutes_edited",
    "comment_supports.person_id": "deliberation.comments_agreed",
    # Micro Party lessons.
    "lessons.created_by": "lessons.lessons_written",
    "lesson_recipients.person_id": "lessons.received",
    "lesson_studies.person_id": "lessons.studied",
    "lesson_answers.person_id": "lessons.quiz_answers",
    "makeup_slots.created_by": "lessons.makeup_slots_created",
    "makeup_bookings.person_id": "lessons.makeup_bookings",
    "makeup_bookings.recorded_by": "lessons.makeup_attendance_recorded",
    "home_deliveries.person_id": "lessons.home_deliveries",
    "home_deliveries.confirmed_by": "lessons.home_deliveries_confirmed",
    # Volunteer service.
    "activities.organiser_id": "volunteering.activities_organised",
    "signups.person_id": "volunteering.signups",
    "checkins.person_id": "volunteering.checkins",
    "checkins.recorded_by": "volunteering.checkins_recorded",
    "checkin_changes.by_id": "volunteering.checkin_changes_made",
    "location_consents.person_id": "volunteering.location_consent_at",
    "vol_unit_members.person_id": "volunteering.unit",
    "vol_units.contact_id": "volunteering.units_contact",
    "duty_swaps.asked_by": "volunteering.duty_swaps_asked",
    # Surveys (民意测评): named answers only (an anonymous answer names nobody).
    "surveys.created_by": "surveys.created",
    "surveys.response_by": "surveys.responses_written",
    "survey_recipients.person_id": "surveys.received",
    "survey_answers.person_id": "surveys.answers",
    # Party birthdays (政治生日): the greeting cards sent (the joining date is in "person").
    "party_birthday_cards.person_id": "members.birthday_cards",
    # Commitments (党员承诺): their own, with progress; the decisions a secretary made.
    "party_commitments.person_id": "members.commitments",
    "party_commitments.decided_by": "members.commitments_decided",
    "commitment_progress.person_id": "members.commitments",
    # Democratic appraisal (民主评议): their self-assessment and the grades they gave
    # (members, pledges, as the branch); what others gave them as their table row.
    "appraisals.opened_by": "members.appraisals_opened_or_closed",
    "appraisals.closed_by": "members.appraisals_opened_or_closed",
    "appraisal_self.person_id": "members.appraisal_self",
    "appraisal_peer.rater_id": "members.appraisal_peer_given",
    "appraisal_peer.member_id": "members.appraisal_rows",
    "appraisal_branch.member_id": "members.appraisal_rows",
    "appraisal_branch.set_by": "members.appraisal_branch_given",
    "pledge_ratings.person_id": "members.pledge_ratings_given",
    # In-service members (在职党员报到): their record; messages relayed to and from them.
    "inservice_members.person_id": "members.inservice",
    "inservice_messages.member_id": "members.inservice_messages_received",
    "inservice_messages.resident_id": "members.inservice_messages_sent",
    # The public board (信息公开): matters followed, how-to pages written.
    "matter_follows.person_id": "board.follows",
    "board_pages.created_by": "board.pages_written",
    # Households (党员联户): the households they look after, lead households, visits.
    "households.contact_id": "households.looked_after",
    "household_leads.person_id": "households.lead_household_since",
    "lead_members.member_id": "households.lead_household",
    "lead_members.lead_id": "households.lead_household",
    "household_visits.person_id": "households.visits",
    # 经费公开: projects followed; the projects, items and changes a secretary recorded.
    "project_follows.person_id": "board.project_follows",
    "spending_projects.created_by": "board.projects_opened",
    "spending_projects.closed_by": "board.projects_closed",
    "spending_items.recorded_by": "board.spending_recorded",
    "spending_history.actor_id": "board.spending_changes",
    # The two lists (需求/服务): needs, offers, claims.
    "needs.resident_id": "needs.needs",
    "needs.recorded_by": "needs.needs_recorded",
    "needs.answered_by": "needs.needs_answered",
    "needs.owner_id": "needs.needs_claimed",
    "need_offers.person_id": "needs.offers",
    "offer_claims.claimed_by": "needs.offer_claims",
    "offer_claims.for_person": "needs.offer_claims",
}

#: Columns whose name looks like a person's and which are not about one.
NOT_ABOUT_A_PERSON: dict[str, str] = {
    "chats.chat_id": "group chats only: private chats are never stored there",
    "conventions.superseded_by": "the convention that replaced this one",
    "communities.created_by": "the street administrator (staff, named in the configuration)"
    " who created a community: the street's record, not a resident's data",
    "street_invites.created_by": "the street administrator (staff, named in the"
    " configuration) who made a secretary's invite link: the street's record",
    "inbox.claimed_by": "the worker process (host:pid:random) handling an update",
}


class PersonDataRepository:
    """The export's queries that no feature record answers (see :data:`EXPORTED`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """The rows of ``sql``: every ``:c`` in it is the current community's id."""
        named = {f"a{i}": arg for i, arg in enumerate(args)} | {"c": community_id()}
        positional = iter(range(len(args)))
        text = "".join(
            f":a{next(positional)}" if part == "?" else part for part in _split_marks(sql)
        )
        async with self._conn.execute(text, named) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def record(self, person_id: int, tg_user_id: int) -> dict[str, Any]:
        """The sections to merge into the export, keyed as in :data:`EXPORTED`."""
        rows, p = self._rows, person_id
        return {
            "register": await self._register(p, tg_user_id),
            "open_conversations": _parsed(
                await rows(
                    "SELECT chat_id, flow, step, data, updated_at FROM dialogs"
                    " WHERE user_id = ? AND community_id = :c ORDER BY chat_id",
                    tg_user_id,
                ),
                "data",
            ),
            "messages": _parsed(
                await rows(
                    "SELECT o.id, p.kind, o.state, o.content, o.created_at, o.done_at"
                    " FROM outbox o LEFT JOIN pushes p ON p.id = o.push_id"
                    " WHERE (o.person_id = ? OR o.chat_id = ?) AND o.community_id = :c"
                    " ORDER BY o.id",
                    p,
                    tg_user_id,
                ),
                "content",
            ),
            "deliberation": {**await self._deliberation(p), **await self._follow_up(p)},
            "lessons": await self._lessons(p),
            "volunteering": await self._volunteering(p),
        }

    async def _register(self, p: int, tg_user_id: int) -> dict[str, Any]:
        """What they did in the register: roles granted, chats bound, pushes, schedules."""
        rows = self._rows
        return {
            "roles_granted": await rows(
                "SELECT role, granted_at FROM person_roles"
                " WHERE granted_by = ? AND person_id != ? AND community_id = :c"
                " ORDER BY granted_at",
                p,
                p,
            ),
            "chats_bound": await rows(
                "SELECT title, kind, bound_at FROM chats WHERE bound_by = ? AND community_id = :c"
                " ORDER BY bound_at",
                p,
            ),
            "pushes_started": await rows(
                "SELECT id, kind, title, created_at, finished_at FROM pushes"
                " WHERE (started_by = ? OR report_chat_id = ?) AND community_id = :c ORDER BY id",
                p,
                tg_user_id,
            ),
            "schedules_owned": await rows(
                "SELECT id, kind, title, next_due_at, enabled FROM schedules"
                " WHERE owner_id = ? AND community_id = :c ORDER BY id",
                p,
            ),
            # Their standing request that the grid worker record their ballots.
            "proxy_request": await rows(
                "SELECT requested_at FROM proxy_requests WHERE person_id = ? AND community_id = :c",
                p,
            ),
            # When the bot last set their own command menu (a secretary's, an
            # administrator's): street-wide, by their private chat, which is their id.
            "own_menu_set": await rows(
                "SELECT set_at FROM command_menus WHERE chat_id = ?", tg_user_id
            ),
            # Reminders they turned off (e.g. to vote), and when.
            "reminders_off": await rows(
                "SELECT kind, at FROM reminder_opt_outs WHERE person_id = ? AND community_id = :c"
                " ORDER BY kind",
                p,
            ),
            # Residents without Telegram they entered: when and for which grid, not
            # who (those are other people's entries in the register).
            "paper_residents_entered": await rows(
                "SELECT id, grid_id, entered_at FROM paper_residents"
                " WHERE entered_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            # Leave asked (with the reason) for lessons, make-ups and activities.
            **await LeaveRepository(self._conn).person_record(p),
            # Requests to move community, from or into this one; those they decided.
            **await MoveRequestsRepository(self._conn).person_record(p),
        }

    async def _deliberation(self, p: int) -> dict[str, Any]:
        """Matters they own, what they did to matters, the votes they ran."""
        rows = self._rows
        return {
            "matters_owned": await rows(
                "SELECT id, title, stage, owner_kind, owner_name, due_at, progress"
                " FROM matters WHERE owner_person_id = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "matter_events": _parsed(
                await rows(
                    "SELECT matter_id, at, kind, detail FROM matter_events"
                    " WHERE actor_id = ? AND community_id = :c ORDER BY id",
                    p,
                ),
                "detail",
            ),
            "sitting_officer": await rows(
                "SELECT o.role, s.forum, s.starts_at FROM sitting_officers o"
                " JOIN sittings s ON s.id = o.sitting_id WHERE o.person_id = ?"
                " AND o.community_id = :c ORDER BY s.starts_at",
                p,
            ),
            "minutes_edited": await rows(
                "SELECT 'officer' AS what, sitting_id, role AS detail, set_at AS at"
                " FROM sitting_officers WHERE set_by = ? AND community_id = :c UNION ALL"
                " SELECT 'excerpt', sitting_id, CAST(comment_id AS TEXT), chosen_at"
                " FROM minutes_excerpts"
                " WHERE chosen_by = ? AND community_id = :c ORDER BY at",
                p,
                p,
            ),
            "comments_agreed": await rows(
                "SELECT s.comment_id, c.matter_id, s.at FROM comment_supports s"
                " JOIN comments c ON c.id = s.comment_id WHERE s.person_id = ?"
                " AND s.community_id = :c ORDER BY s.at",
                p,
            ),
            "comments_hidden": await rows(
                "SELECT id, matter_id, hidden_at, hidden_reason FROM comments"
                " WHERE hidden_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            # For whom and what is not theirs to read: who recorded it, when, why.
            "proxy_ballots_recorded": await rows(
                "SELECT b.vote_id, v.matter_id, b.cast_at, b.proxy_reason FROM ballots b"
                " JOIN votes v ON v.id = b.vote_id WHERE b.recorded_by = ?"
                " AND b.community_id = :c ORDER BY b.cast_at",
                p,
            ),
            # The poll book: the votes they cast in (public or anonymous), never how.
            "votes_cast": await rows(
                "SELECT b.vote_id, v.matter_id, v.anonymous FROM poll_book b"
                " JOIN votes v ON v.id = b.vote_id WHERE b.person_id = ? AND b.community_id = :c"
                " ORDER BY b.vote_id",
                p,
            ),
            "votes_opened": await rows(
                "SELECT id, matter_id, opened_at FROM votes WHERE opened_by = ?"
                " AND community_id = :c ORDER BY id",
                p,
            ),
            **await self._paper_ballots(p),
            "votes_closed": await rows(
                "SELECT id, matter_id, closed_at, result FROM votes"
                " WHERE closed_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
        }

    async def _paper_ballots(self, p: int) -> dict[str, Any]:
        """Sittings attended, paper ballots handed in (never what), counts and marks made."""
        rows = self._rows
        return {
            "sittings_attended": await rows(
                "SELECT s.forum, s.starts_at, a.marked_at, a.source FROM sitting_attendance a"
                " JOIN sittings s ON s.id = a.sitting_id WHERE a.person_id = ?"
                " AND a.community_id = :c ORDER BY s.starts_at",
                p,
            ),
            "paper_ballots_handed_in": await rows(
                "SELECT v.vote_id, m.matter_id, v.marked_at FROM paper_voters v"
                " JOIN votes m ON m.id = v.vote_id WHERE v.person_id = ? AND v.community_id = :c"
                " ORDER BY v.id",
                p,
            ),
            "attendance_marked": await rows(
                "SELECT 'present' AS what, sitting_id, CAST(NULL AS INTEGER) AS vote_id,"
                " marked_at AS at"
                " FROM sitting_attendance WHERE marked_by = ? AND community_id = :c"
                " UNION ALL SELECT 'unregistered', sitting_id, NULL, set_at FROM sitting_guests"
                " WHERE set_by = ? AND community_id = :c"
                " UNION ALL SELECT 'paper_voter', sitting_id, vote_id, marked_at"
                " FROM paper_voters WHERE marked_by = ? AND community_id = :c ORDER BY at",
                p,
                p,
                p,
            ),
            "paper_counts": await rows(
                "SELECT vote_id, counts, ballots, counter_id = ? AS counted,"
                " witness_id = ? AS witnessed, entered_by = ? AS entered, entered_at"
                " FROM paper_counts WHERE ? IN (counter_id, witness_id, entered_by)"
                " AND community_id = :c ORDER BY vote_id",
                p,
                p,
                p,
                p,
            ),
        }

    async def _follow_up(self, p: int) -> dict[str, Any]:
        """After the votes: acceptances, referrals, supervision."""
        rows = self._rows
        return {
            "acceptances": await rows(
                "SELECT matter_id, verdict, note, at FROM acceptances"
                " WHERE person_id = ? AND community_id = :c ORDER BY at",
                p,
            ),
            "referrals_made": await rows(
                "SELECT id, matter_id, department, request, referred_at FROM referrals"
                " WHERE referred_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "referral_answers_recorded": await rows(
                "SELECT id, matter_id, answer, answered_at FROM referrals"
                " WHERE recorded_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "supervision": await rows(
                "SELECT t.id AS term_id, t.starts_at, t.ends_at, t.method FROM supervisors s"
                " JOIN supervision_terms t ON t.id = s.term_id WHERE s.person_id = ?"
                " AND s.community_id = :c ORDER BY t.starts_at",
                p,
            ),
            "supervision_terms_created": await rows(
                "SELECT id, starts_at, ends_at, method, created_at FROM supervision_terms"
                " WHERE created_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
        }

    async def _lessons(self, p: int) -> dict[str, Any]:
        """Micro Party lessons they wrote, answered, or ran make-ups of."""
        rows = self._rows
        return {
            "lessons_written": await rows(
                "SELECT id, title, status, created_at FROM lessons"
                " WHERE created_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "quiz_answers": await rows(
                "SELECT lesson_id, question, choice, correct, at FROM lesson_answers"
                " WHERE person_id = ? AND community_id = :c ORDER BY lesson_id, question",
                p,
            ),
            "makeup_slots_created": await rows(
                "SELECT id, lesson_id, starts_at, place, capacity, created_at FROM makeup_slots"
                " WHERE created_by = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "makeup_attendance_recorded": await rows(
                "SELECT lesson_id, attended_at FROM makeup_bookings"
                " WHERE recorded_by = ? AND person_id != ? AND community_id = :c"
                " ORDER BY attended_at",
                p,
                p,
            ),
            "home_deliveries_confirmed": await rows(
                "SELECT lesson_id, confirmed_at FROM home_deliveries"
                " WHERE confirmed_by = ? AND person_id != ? AND community_id = :c"
                " ORDER BY confirmed_at",
                p,
                p,
            ),
        }

    async def _volunteering(self, p: int) -> dict[str, Any]:
        """Volunteering they organised, recorded, or asked for."""
        rows = self._rows
        return {
            "activities_organised": await rows(
                "SELECT id, title, starts_at, ends_at, cancelled_at FROM activities"
                " WHERE organiser_id = ? AND community_id = :c ORDER BY id",
                p,
            ),
            "checkins_recorded": await rows(
                "SELECT activity_id, checked_in_at, method FROM checkins"
                " WHERE recorded_by = ? AND (person_id IS NULL OR person_id != ?)"
                " AND community_id = :c ORDER BY id",
                p,
                p,
            ),
            "checkin_changes": await rows(
                "SELECT c.activity_id, h.at, h.action, h.old_minutes, h.new_minutes, h.reason"
                " FROM checkin_changes h JOIN checkins c ON c.id = h.checkin_id"
                " WHERE c.person_id = ? AND h.community_id = :c ORDER BY h.id",
                p,
            ),
            "checkin_changes_made": await rows(
                "SELECT c.activity_id, h.at, h.action, h.old_minutes, h.new_minutes, h.reason"
                " FROM checkin_changes h JOIN checkins c ON c.id = h.checkin_id"
                " WHERE h.by_id = ? AND h.community_id = :c ORDER BY h.id",
                p,
            ),
            "units_contact": await rows(
                "SELECT id, name FROM vol_units WHERE contact_id = ? AND community_id = :c"
                " ORDER BY id",
                p,
            ),
            "duty_swaps_asked": await rows(
                "SELECT s.duty_id, d.day, s.state, s.asked_at, s.decided_at FROM duty_swaps s"
                " JOIN duties d ON d.id = s.duty_id WHERE s.asked_by = ? AND s.community_id = :c"
                " ORDER BY s.id",
                p,
            ),
        }


def _split_marks(sql: str) -> list[str]:
    """``sql`` cut around each ``?`` (the queries here hold no literal question mark)."""
    parts: list[str] = []
    for piece in sql.split("?"):
        parts += [piece, "?"]
    return parts[:-1]


def _parsed(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """The rows with ``column`` (stored JSON) as data rather than text."""
    for row in rows:
        with contextlib.suppress(TypeError, ValueError):  # else kept as stored
            row[column] = json.loads(row[column])
    return rows
