"""Callback data of deliberation's buttons.

Raising, votes and proxies, the desk, discussion, carrying out (prefixes of carrying
out start with "b").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class RaiseConfirm(Callback):
    """Submit the raised matter, or drop it."""

    PREFIX: ClassVar[str] = "rs"
    submit: bool


@dataclass(frozen=True)
class RaiseEdit(Callback):
    """At the confirm step: type the "title" or the "details" again."""

    PREFIX: ClassVar[str] = "re"
    field: str


@dataclass(frozen=True)
class SupportMatter(Callback):
    """附议 on a matter's card (the data is built by bot.deliberation.raising.support_callback)."""

    PREFIX: ClassVar[str] = "ms"
    matter_id: int


@dataclass(frozen=True)
class VoteSetting(Callback):
    """A press on the vote settings screen: move ``field`` to its next value."""

    PREFIX: ClassVar[str] = "vs"
    field: str


@dataclass(frozen=True)
class VoteElectorate(Callback):
    """Who may vote: "all", "buildings", "grid", "households", or "done" (buildings chosen)."""

    PREFIX: ClassVar[str] = "vel"
    kind: str


@dataclass(frozen=True)
class VoteBuilding(Callback):
    """Tick or untick a building (its place in the list the setup keeps)."""

    PREFIX: ClassVar[str] = "vbl"
    index: int


@dataclass(frozen=True)
class VoteGrid(Callback):
    """The grid whose residents may vote."""

    PREFIX: ClassVar[str] = "vgd"
    grid: str


@dataclass(frozen=True)
class VoteOpen(Callback):
    """Open the vote as set up, or drop it."""

    PREFIX: ClassVar[str] = "vx"
    start: bool


@dataclass(frozen=True)
class CastBallot(Callback):
    """An option button on a vote's card (built by voting.rules.ballot_callback)."""

    PREFIX: ClassVar[str] = "vb"
    vote_id: int
    index: int


@dataclass(frozen=True)
class VoteReminders(Callback):
    """🔕 / 🔔 under a reminder to vote (built by voting.rules.reminders_callback)."""

    PREFIX: ClassVar[str] = "vrm"
    on: bool


@dataclass(frozen=True)
class ProxyBallot(Callback):
    """The option a grid worker records for the person chosen in /proxyvote."""

    PREFIX: ClassVar[str] = "vp"
    index: int


@dataclass(frozen=True)
class ProxyPerson(Callback):
    """/proxyvote: the person a ballot is recorded for ("w" paper resident, "p" registered)."""

    PREFIX: ClassVar[str] = "vq"
    kind: str
    subject: int


@dataclass(frozen=True)
class ProxyPage(Callback):
    """/proxyvote: another page of the people a ballot may be recorded for."""

    PREFIX: ClassVar[str] = "vr"
    page: int


# Paper ballots at the pavilion: the attendance list and the paper count ("z" prefixes).


@dataclass(frozen=True)
class AttendanceView(Callback):
    """/attendance: the buildings (``building`` -1) or one building's residents, for
    presence (``vote`` 0) or for that vote's paper voters."""

    PREFIX: ClassVar[str] = "zav"
    sitting: int
    vote: int
    building: int
    page: int


@dataclass(frozen=True)
class AttendanceToggle(Callback):
    """/attendance: mark a member present (``vote`` 0) or a paper voter of ``vote``, or not."""

    PREFIX: ClassVar[str] = "zat"
    sitting: int
    vote: int
    kind: str
    subject: int
    building: int
    page: int


@dataclass(frozen=True)
class AttendanceGuests(Callback):
    """/attendance: −/+ attendees not in the register (``delta`` 0: type the number)."""

    PREFIX: ClassVar[str] = "zag"
    sitting: int
    delta: int


@dataclass(frozen=True)
class AttendanceCode(Callback):
    """/attendance: show the sitting's rotating check-in code and QR (residents check in)."""

    PREFIX: ClassVar[str] = "zcd"
    sitting: int


@dataclass(frozen=True)
class AttendanceCodeStop(Callback):
    """The sitting's code screen: stop replacing it."""

    PREFIX: ClassVar[str] = "zcs"
    sitting: int


@dataclass(frozen=True)
class PaperCountStart(Callback):
    """/attendance for a vote: enter its paper count."""

    PREFIX: ClassVar[str] = "zps"
    vote: int


@dataclass(frozen=True)
class PaperCounter(Callback):
    """The paper count: I counted (计票人)."""

    PREFIX: ClassVar[str] = "zpc"


@dataclass(frozen=True)
class PaperWitness(Callback):
    """The paper count: this registered attendee witnessed (监票人)."""

    PREFIX: ClassVar[str] = "zpw"
    person_id: int


@dataclass(frozen=True)
class PaperCountConfirm(Callback):
    """The paper count's confirm screen: record it, or drop it."""

    PREFIX: ClassVar[str] = "zpk"
    accept: bool


@dataclass(frozen=True)
class PaperSkipDoor(Callback):
    """/addresident: the resident's door (门牌) is not known."""

    PREFIX: ClassVar[str] = "pdk"


@dataclass(frozen=True)
class PaperGrid(Callback):
    """/addresident: a secretary's choice of the resident's grid."""

    PREFIX: ClassVar[str] = "pg"
    grid: str


@dataclass(frozen=True)
class PaperConfirm(Callback):
    """/addresident: the paper consent is signed (enter the resident), or cancel."""

    PREFIX: ClassVar[str] = "pk"
    accept: bool


@dataclass(frozen=True)
class PaperRemove(Callback):
    """/paperresidents: remove this resident (``confirm`` False: ask first)."""

    PREFIX: ClassVar[str] = "pz"
    resident: int
    confirm: bool


@dataclass(frozen=True)
class AskProxy(Callback):
    """/askproxy: ask the grid worker to record my ballots, or withdraw the request."""

    PREFIX: ClassVar[str] = "aq"
    asked: bool


@dataclass(frozen=True)
class AcceptDraftResolution(Callback):
    """Accept the bot's draft resolution (data built in bot.deliberation.voting.closing)."""

    PREFIX: ClassVar[str] = "ra"
    matter_id: int
    vote_id: int


@dataclass(frozen=True)
class WriteResolution(Callback):
    """Type the resolution instead (data built in bot.deliberation.voting.closing)."""

    PREFIX: ClassVar[str] = "rw"
    matter_id: int
    vote_id: int


@dataclass(frozen=True)
class MatterView(Callback):
    """Show a matter with its history (and, for a secretary, its controls)."""

    PREFIX: ClassVar[str] = "xmv"
    matter_id: int


@dataclass(frozen=True)
class MatterOpen(Callback):
    """A matter's button in /matters or under an agenda: its screen, as a new message
    (pressed in a group: the private chat opens with it). Built by raising.open_callback."""

    PREFIX: ClassVar[str] = "xmo"
    matter_id: int


@dataclass(frozen=True)
class MattersPage(Callback):
    """◀ / ▶ of /matters (pressed in a group: the list opens privately)."""

    PREFIX: ClassVar[str] = "xmp"
    page: int


@dataclass(frozen=True)
class RaiseStart(Callback):
    """✏️ 我要提议 under /matters and an agenda: the raise form (from a group, privately)."""

    PREFIX: ClassVar[str] = "xrn"


@dataclass(frozen=True)
class DeskAgenda(Callback):
    """Secretary: put the matter on the agenda of ``forum`` ('session' or 'talk_day')."""

    PREFIX: ClassVar[str] = "xag"
    matter_id: int
    forum: str


@dataclass(frozen=True)
class DeskMergeMenu(Callback):
    """Secretary: choose the matter a duplicate is merged into."""

    PREFIX: ClassVar[str] = "xmm"
    matter_id: int


@dataclass(frozen=True)
class DeskMerge(Callback):
    """Secretary: merge ``matter_id`` into ``into`` (asked to confirm first)."""

    PREFIX: ClassVar[str] = "xmg"
    matter_id: int
    into: int
    confirmed: bool


@dataclass(frozen=True)
class DeskWithdraw(Callback):
    """Secretary: withdraw the matter (a reason is asked next)."""

    PREFIX: ClassVar[str] = "xwd"
    matter_id: int


@dataclass(frozen=True)
class ShowThread(Callback):
    """A page (from 0) of a matter's discussion."""

    PREFIX: ClassVar[str] = "xth"
    matter_id: int
    page: int


@dataclass(frozen=True)
class HideComment(Callback):
    """Secretary: hide a comment (a reason is asked next); ``page`` is shown again after."""

    PREFIX: ClassVar[str] = "xhd"
    comment_id: int
    page: int


@dataclass(frozen=True)
class AgreeComment(Callback):
    """A resident agrees with a comment (👍), or no longer; its thread page is shown again."""

    PREFIX: ClassVar[str] = "xlk"
    comment_id: int


@dataclass(frozen=True)
class MinutesPanel(Callback):
    """Secretary: the minutes' panel of a sitting (chair, recorder, main opinions)."""

    PREFIX: ClassVar[str] = "mnp"
    sitting_id: int


@dataclass(frozen=True)
class MinutesOfficers(Callback):
    """Secretary: choose the sitting's chair or recorder (``role``) from the committee."""

    PREFIX: ClassVar[str] = "mno"
    sitting_id: int
    role: str


@dataclass(frozen=True)
class MinutesOfficer(Callback):
    """Secretary: this person chaired (recorded) the sitting."""

    PREFIX: ClassVar[str] = "mnc"
    sitting_id: int
    role: str
    person_id: int


@dataclass(frozen=True)
class MinutesOfficerName(Callback):
    """Secretary: the chair's (recorder's) name will be typed."""

    PREFIX: ClassVar[str] = "mnt"
    sitting_id: int
    role: str


@dataclass(frozen=True)
class MinutesExcerpts(Callback):
    """Secretary: choose the comments quoted as a matter's main opinions."""

    PREFIX: ClassVar[str] = "mne"
    sitting_id: int
    matter_id: int


@dataclass(frozen=True)
class MinutesExcerpt(Callback):
    """Secretary: quote this comment in the minutes, or no longer."""

    PREFIX: ClassVar[str] = "mnx"
    sitting_id: int
    comment_id: int


@dataclass(frozen=True)
class MinutesSend(Callback):
    """Secretary: the minutes as they stand now, text and Word document, here."""

    PREFIX: ClassVar[str] = "mns"
    sitting_id: int


@dataclass(frozen=True)
class MinutesPublish(Callback):
    """Secretary: post the completed minutes (text and document) to the residents' group."""

    PREFIX: ClassVar[str] = "mnb"
    sitting_id: int


@dataclass(frozen=True)
class AssignOwnerKind(Callback):
    """/assign: who carries the matter out (resident, team, committee, unit)."""

    PREFIX: ClassVar[str] = "bak"
    kind: str


@dataclass(frozen=True)
class AssignPeoplePage(Callback):
    """/assign: another page of residents to choose the owner from."""

    PREFIX: ClassVar[str] = "bap"
    page: int


@dataclass(frozen=True)
class AssignPerson(Callback):
    """/assign: this resident is the owner."""

    PREFIX: ClassVar[str] = "bao"
    person_id: int


@dataclass(frozen=True)
class ChooseDue(Callback):
    """A due-date button of /assign or /refer: days from today (0: no due date)."""

    PREFIX: ClassVar[str] = "bdd"
    flow: str
    days: int


@dataclass(frozen=True)
class ProgressPercent(Callback):
    """/progress: how far along the matter is."""

    PREFIX: ClassVar[str] = "bpc"
    percent: int


@dataclass(frozen=True)
class ReportProgress(Callback):
    """📝 报告进展 under the owner's assignment (built by bot.deliberation.carrying.rules)."""

    PREFIX: ClassVar[str] = "bpg"
    matter_id: int


@dataclass(frozen=True)
class PickReferral(Callback):
    """/answer: the open referral whose answer is recorded."""

    PREFIX: ClassVar[str] = "bra"
    referral_id: int


@dataclass(frozen=True)
class RateMatter(Callback):
    """满意 / 基本满意 / 不满意 (built by bot.deliberation.carrying.rules.rating_callback)."""

    PREFIX: ClassVar[str] = "brt"
    matter_id: int
    rating: str


@dataclass(frozen=True)
class AcceptanceVerdict(Callback):
    """验收通过 / 需要返工 (built by bot.deliberation.carrying.rules.verdict_callback)."""

    PREFIX: ClassVar[str] = "bav"
    matter_id: int
    verdict: str


@dataclass(frozen=True)
class SecretaryVerdict(Callback):
    """A secretary's 验收通过 / 退回返工 / 直接退回 (built by carrying.rules.review_callback)."""

    PREFIX: ClassVar[str] = "bsv"
    matter_id: int
    verdict: str


@dataclass(frozen=True)
class SupervisionMethod(Callback):
    """/supervision: draw by lot (True) or appoint (False)."""

    PREFIX: ClassVar[str] = "bsm"
    lot: bool


@dataclass(frozen=True)
class SupervisionPage(Callback):
    """/supervision, appointing: another page of residents."""

    PREFIX: ClassVar[str] = "bsp"
    page: int


@dataclass(frozen=True)
class SupervisionToggle(Callback):
    """/supervision, appointing: choose or unchoose a resident; stays on ``page``."""

    PREFIX: ClassVar[str] = "bst"
    person_id: int
    page: int


@dataclass(frozen=True)
class SupervisionConfirm(Callback):
    """/supervision, appointing: start the term with the chosen members."""

    PREFIX: ClassVar[str] = "bsc"


@dataclass(frozen=True)
class AssignMatter(Callback):
    """安排办理: a secretary's button under a passed matter; opens /assign privately."""

    PREFIX: ClassVar[str] = "bam"
    matter_id: int


@dataclass(frozen=True)
class StartVote(Callback):
    """发起表决 under /matter N: the vote settings screen for the matter."""

    PREFIX: ClassVar[str] = "vn"
    matter_id: int
