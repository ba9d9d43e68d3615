"""The runtime: everything that talks to Telegram or runs on its own clock.

Ingress (store each update, then acknowledge it), the HTTP client, flood control,
the durable outbox and its sender, the scheduler and its JobQueue alarms.
"""
