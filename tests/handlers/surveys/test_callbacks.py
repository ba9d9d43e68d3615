"""The buttons bot/surveys builds (sent through the outbox) decode to the handlers' kinds."""

from __future__ import annotations

from bot.surveys import rules
from handlers.surveys import callbacks as cb


def test_outbox_buttons_decode_to_their_kinds() -> None:
    assert cb.SurveyPick.decode(rules.pick_callback(7, 2, 4)) == cb.SurveyPick(7, 2, 4)
    assert cb.SurveyToggle.decode(rules.toggle_callback(7, 1, 5, 3)) == cb.SurveyToggle(7, 1, 5, 3)
    assert cb.SurveySubmit.decode(rules.submit_callback(7, 1, 5)) == cb.SurveySubmit(7, 1, 5)
    assert cb.SurveyWrite.decode(rules.write_callback(7, 9)) == cb.SurveyWrite(7, 9)
    assert cb.SurveyReminders.decode(rules.reminders_callback(False)) == cb.SurveyReminders(False)
    assert cb.SurveyResend.decode(rules.resend_callback(7)) == cb.SurveyResend(7)
    assert cb.SurveyView.decode(rules.view_callback(7)) == cb.SurveyView(7)


def test_the_builders_values_fit_one_field() -> None:
    # The audience's value names a building by its index: a typed name could hold ":".
    data = cb.SurveyBuild("audience", "b12").encode()
    assert cb.SurveyBuild.decode(data) == cb.SurveyBuild("audience", "b12")
