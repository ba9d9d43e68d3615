"""What a vote posts: its card (live tally and ballot buttons) and the draft resolution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import spoken
from bot.config import Grid, Language
from bot.deliberation.voting.ballots import Tally
from bot.deliberation.voting.electorate import describe, effective_quorum, turnout
from bot.deliberation.voting.rules import (
    ballot_callback,
    option_labels,
)
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, OutgoingMessage
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow


def vote_card(
    vote: VoteRow,
    matter: MatterRow,
    tally: Tally,
    language: Language,
    tz: Any,
    eligible: int | None = None,
    grids: Sequence[Grid] = (),
) -> OutgoingMessage:
    """A vote's card: the matter, who may vote, the live tally and turnout (against
    ``eligible``, the electorate's size), and a button per option while open."""
    labels = option_labels(vote, language)
    params = {
        "number": matter.number,
        "title": matter.title,
        "lines": tally_lines(tally, labels, language),
        "paper": paper_line(tally, language),
        "voters": tally.voters,
        "turnout": turnout(language, tally.voters, eligible),
        "electorate": describe(
            vote.electorate, vote.electorate_buildings, vote.electorate_grid, grids, language
        ),
        "quorum": effective_quorum(vote.quorum, eligible),
        "closes": spoken.moment(language, vote.closes_at, tz),
        "mode": translate(
            language, "vote.mode.anonymous" if vote.anonymous else "vote.mode.public"
        ),
        "threshold": translate(language, f"vote.threshold.{vote.threshold}"),
        "choice": translate(language, f"vote.kind.{vote.kind}"),
    }
    if not vote.is_open:
        params["result"] = translate(language, f"vote.result.{vote.result}")
        return OutgoingMessage("vote.card_closed", language, params)
    return OutgoingMessage("vote.card", language, params, buttons=ballot_buttons(vote, labels))


def tally_lines(tally: Tally, labels: tuple[str, ...], language: Language) -> str:
    """One line per option; with paper ballots, the online and paper counts beside."""
    if not tally.paper:
        return "\n".join(
            translate(language, "vote.tally_line", label=label, count=count)
            for label, count in zip(labels, tally.counts, strict=True)
        )
    return "\n".join(
        translate(
            language, "vote.tally_line_paper", label=label, count=count, online=online, paper=paper
        )
        for label, count, online, paper in zip(
            labels, tally.counts, tally.online, tally.paper, strict=True
        )
    )


def paper_line(tally: Tally, language: Language) -> str:
    """ "线上 12 · 纸质 5 · 合计 17" after the voters, when paper ballots were counted."""
    if not tally.paper:
        return ""
    return translate(
        language,
        "vote.paper_apart",
        online=tally.online_voters,
        paper=tally.paper_voters,
        total=tally.voters,
    )


def ballot_buttons(vote: VoteRow, labels: tuple[str, ...]) -> tuple[tuple[ButtonSpec, ...], ...]:
    """A row per option, each pressing casts a ballot (on the card, or in a reminder)."""
    return tuple(
        (
            ButtonSpec(
                "vote.option_button",
                callback_data=ballot_callback(vote.id, index),
                label_params={"label": label},
            ),
        )
        for index, label in enumerate(labels)
    )


def draft_resolution(vote: VoteRow, matter: MatterRow, language: Language) -> str:
    """The resolution the bot proposes from the tally (the secretary may accept it)."""
    tally = vote.tally or {"counts": [0] * len(vote.options), "voters": 0}
    eligible = tally.get("eligible")
    labels = option_labels(vote, language)
    counts = translate(language, "list_separator").join(
        translate(language, "vote.count_phrase", label=label, count=count)
        for label, count in zip(labels, tally["counts"], strict=True)
    )
    return translate(
        language,
        f"resolution.draft.{vote.result}",
        title=matter.title,
        counts=counts,
        voters=spoken.count(language, "residents", int(tally["voters"])),
        turnout=turnout(language, int(tally["voters"]), eligible),
        quorum=effective_quorum(vote.quorum, eligible),
        threshold=translate(language, f"vote.threshold.{vote.threshold}"),
    )
