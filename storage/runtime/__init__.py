"""Storage of the runtime: the inbox of updates, the outbox of pushes, schedules."""
