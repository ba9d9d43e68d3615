"""The rules of voting: flows, limits, presets, stages, option labels, button data.

Constants shared by the parts in bot/deliberation/voting/ and the handlers.
"""

from __future__ import annotations

from bot.config import Language
from bot.i18n import translate
from storage.deliberation.votes import VoteRow

SETUP_FLOW = "vote"
PROXY_FLOW = "proxy_vote"
RESOLUTION_FLOW = "resolution"
CLOSE_KIND = "vote.close"
YES_NO = ("yes", "no", "abstain")
MAX_OPTIONS = 8
MAX_OPTION_LENGTH = 24
MAX_RESOLUTION = 1000
#: Why a proxy ballot may be recorded (kept in ``ballots.proxy_reason``).
PROXY_PAPER = "paper"  # a resident without Telegram, entered on paper
PROXY_ASKED = "asked"  # a registered resident who asked for it (/askproxy)
#: Closing presets a secretary cycles through, in hours.
CLOSE_PRESETS_HOURS = (1, 2, 24, 72, 168)
#: The quorum is any whole number in 0..MAX_QUORUM: typed, or stepped with these buttons.
MAX_QUORUM = 100_000
QUORUM_STEPS = {"quorum-10": -10, "quorum-1": -1, "quorum+1": 1, "quorum+10": 10}
#: Stages from which a vote can be opened.
VOTABLE_STAGES = ("raised", "agenda", "no_quorum", "rejected")


def option_labels(vote: VoteRow, language: Language) -> tuple[str, ...]:
    """The options as shown: yes/no/abstain translated, or the secretary's own labels."""
    if vote.kind == "yes_no":
        return tuple(translate(language, f"vote.option.{key}") for key in vote.options)
    return vote.options


def ballot_callback(vote_id: int, index: int) -> str:
    """The callback data of a ballot button (decoded in handlers/callbacks.py)."""
    return f"vb:{vote_id}:{index}"


def reminders_callback(on: bool) -> str:
    """The callback data of 🔕 / 🔔 under a reminder to vote (handlers' VoteReminders)."""
    return f"vrm:{on}"
