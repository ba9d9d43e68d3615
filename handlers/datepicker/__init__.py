"""The one date-and-time picker: buttons for the day (今天, 明天, 本周四, 下周 ▶ …), then the
time (上午9点 … 晚上7点半) and, where a flow needs one, the end; typing stays possible.

A flow registers a :class:`~handlers.datepicker.picker.Target` (its dialog's flow and
step, what it needs, and what to do with the choice, given as the text a secretary
would have typed) and shows :func:`~handlers.datepicker.picker.keyboard` at its step.
"""
