"""Numbered, described schema migrations, applied in order at start.

Each migration runs once, inside the transaction that records it in
``schema_migrations``; a database newer than this code is refused. Each step is one
module of this package (vNN_<what>.py); add a new one at the end of
:data:`MIGRATIONS`, and never edit one that has shipped.
"""

from __future__ import annotations

from storage.migrations import (
    v01_register,
    v02_scheduling_and_delivery,
    v03_matters,
    v04_deliberation_loop,
    v05_lessons,
    v06_volunteering,
    v07_proxy_ballots,
    v08_outbox_first_due,
    v10_rewrite_file_once,
    v11_vote_reminders,
    v12_vote_electorate,
    v13_paper_ballots,
    v14_leave,
    v15_surveys,
    v16_poll_book,
    v19_sitting_checkin,
    v20_minutes,
    v21_party_birthdays,
    v22_public_board,
    v23_party_commitments,
    v24_appraisal,
    v25_inservice_members,
    v26_needs_and_services,
    v27_households,
    v28_spending,
    v29_communities,
    v30_matter_numbers,
    v32_makeup_codes,
    v33_volunteering_per_community,
    v34_members_board_per_community,
    v35_households_per_community,
    v36_move_requests,
    v37_street_invites,
    v38_street_runtime,
    v39_inbox_claims,
    v40_community_calendar,
    v41_role_index_per_community,
    v42_convention_and_lesson_numbers,
    v43_leave_activity_move_numbers,
    v45_card_refreshes,
)
from storage.migrations.step import Migration

__all__ = ["MIGRATIONS", "Migration"]

#: Every step, in the order they apply.
MIGRATIONS: tuple[Migration, ...] = (
    v01_register.MIGRATION,
    v02_scheduling_and_delivery.MIGRATION,
    v03_matters.MIGRATION,
    v04_deliberation_loop.MIGRATION,
    v05_lessons.MIGRATION,
    v06_volunteering.MIGRATION,
    v07_proxy_ballots.MIGRATION,
    v08_outbox_first_due.MIGRATION,
    v10_rewrite_file_once.MIGRATION,
    v11_vote_reminders.MIGRATION,
    v12_vote_electorate.MIGRATION,
    v13_paper_ballots.MIGRATION,
    v14_leave.MIGRATION,
    v15_surveys.MIGRATION,
    v16_poll_book.MIGRATION,
    v19_sitting_checkin.MIGRATION,
    v20_minutes.MIGRATION,
    v21_party_birthdays.MIGRATION,
    v22_public_board.MIGRATION,
    v23_party_commitments.MIGRATION,
    v24_appraisal.MIGRATION,
    v25_inservice_members.MIGRATION,
    v26_needs_and_services.MIGRATION,
    v27_households.MIGRATION,
    v28_spending.MIGRATION,
    v29_communities.MIGRATION,
    v30_matter_numbers.MIGRATION,
    v32_makeup_codes.MIGRATION,
    v33_volunteering_per_community.MIGRATION,
    v34_members_board_per_community.MIGRATION,
    v35_households_per_community.MIGRATION,
    v36_move_requests.MIGRATION,
    v37_street_invites.MIGRATION,
    v38_street_runtime.MIGRATION,
    v39_inbox_claims.MIGRATION,
    v40_community_calendar.MIGRATION,
    v41_role_index_per_community.MIGRATION,
    v42_convention_and_lesson_numbers.MIGRATION,
    v43_leave_activity_move_numbers.MIGRATION,
    v45_card_refreshes.MIGRATION,
)
