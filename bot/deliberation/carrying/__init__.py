"""Carrying out decided matters (民办) and looking back on them.

- A secretary gives a passed matter an owner (a registered resident, a
  volunteer team, the committee or an outside unit) and a due date; the
  matter moves from 'passed' to 'in_progress' and a resident owner is told.
- The owner (or a secretary on behalf of a team, the committee or a unit)
  reports progress: percent, a few words, an optional photo. The residents'
  group gets a short note. At 100 % the matter waits for acceptance
  ('acceptance', 待验收): a secretary other than its owner accepts an ordinary
  matter (✅ 验收通过 makes it 'done') or sends it back with a reason (🔁 退回返工);
  the supervision group signs a major project off.
- A secretary refers a matter to an outside department (社区吹哨、部门报到);
  the referral stays open until the department's answer is recorded.
- Every day at a configured time, owners and secretaries are reminded of
  in-progress matters and referrals past their due date, once a day each.
- The supervision group: a term of configurable length and size, drawn by
  lot from the volunteers (unpredictably, with SystemRandom) or appointed.
  Members hold the ``supervisor`` role for the term. More than half of the
  term's members accepting a major project makes it 'done'; one 'rework'
  verdict sends it back to 'in_progress'.
- When a matter is done, whoever raised and supported it is asked to rate it
  (民意测评), once each; never its owner, nor whoever accepted it. The
  history records that someone rated, not how: the choice is private and
  only the counts are shown.

Every step is written to the matter's history (``matter_events``); every
message the bot pushes goes through the outbox in the same unit of work.
Guided forms keep their state in the ``dialogs`` table.

Where each part lives: service.py (``Carrying``, what ``services.carrying``
is), context.py (the shared context and helpers), rules.py (flows, choices,
limits, result types), owners.py, progress.py, review.py (a secretary's
acceptance), acceptance.py (the supervisors'), ratings.py,
referrals.py, overdue.py, supervision.py.
"""
