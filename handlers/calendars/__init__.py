"""Phone calendar files (.ics) of an activity, a sitting, a make-up slot."""
