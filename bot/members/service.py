"""The Party members' own systems, gathered as ``services.members``.

- ``.birthdays``: Party birthdays (政治生日): joining dates, the anniversary cards,
  the secretaries' monthly list (bot/members/birthdays.py).
- ``.commitments``: the commitment system (党员承诺制): proposing, the secretary's
  decision, the signed pledge card, progress, the reminder, the review
  (bot/members/commitments.py).
- ``.appraisal``: the yearly democratic appraisal (民主评诺): self, peer, residents'
  ratings of pledges, the branch's grade (bot/members/appraisal.py), the table and its
  columns (bot/members/appraisal_table.py).
- ``.inservice``: in-service members reporting in (在职党员报到): registering, 包楼栋 (a
  commitment), the contact card and its relayed messages (bot/members/inservice.py);
  ``.inservice.yearly``, the yearly feedback (bot/members/inservice_feedback.py).

The pictures the parts draw at send time are handed to the outbox sender by the
composition root (:meth:`Members.card_renderers`).
"""

from __future__ import annotations

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.deliberation.ledger import LedgerService
from bot.members.appraisal import AppraisalService
from bot.members.birthdays import BirthdayService
from bot.members.cards import (
    BIRTHDAY_CARD,
    CONTACT_CARD,
    PLEDGE_CARD,
    birthday_card,
    contact_card,
    pledge_card,
)
from bot.members.commitments import CommitmentService
from bot.members.inservice import InserviceService
from bot.runtime.outbox import Renderer
from bot.runtime.scheduler import SchedulerService
from storage import Storage


class Members:
    """The Party members' systems: one part per practice."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
        ledger: LedgerService | None = None,
    ) -> None:
        self._settings = settings
        # Registers the daily schedule of the anniversary cards and the monthly list.
        self.birthdays = BirthdayService(db, settings, scheduler, clock)
        # Registers the daily schedule of the reminders before a commitment's deadline.
        self.commitments = CommitmentService(db, settings, scheduler, clock)
        self.appraisal = AppraisalService(db, settings, clock)
        if ledger is not None:  # the 政治生日, 党员承诺 and 民主评议 sheets of the 台账
            ledger.add_section(self.birthdays.ledger_section)
            ledger.add_section(self.commitments.ledger_section)
            ledger.add_section(self.appraisal.ledger_section)
        # 在职党员报到: adds its sheet to the ledger (台账); registers the daily schedule
        # that asks the secretaries for the yearly feedback on 20 December.
        self.inservice = InserviceService(db, settings, self.commitments, scheduler, clock, ledger)

    def card_renderers(self) -> dict[str, Renderer]:
        """The cards the sender draws for these parts' messages, by renderer name."""
        font_path = self._settings.charts.font_path or None
        return {
            BIRTHDAY_CARD: lambda spec: birthday_card(spec, font_path=font_path).png,
            PLEDGE_CARD: lambda spec: pledge_card(spec, font_path=font_path).png,
            CONTACT_CARD: lambda spec: contact_card(spec, font_path=font_path).png,
        }
