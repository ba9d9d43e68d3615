"""PostgreSQL through asyncpg: the engine when one machine is not enough.

``[storage] url = "postgresql://…"`` selects it (storage/backend.py). The
repositories are the same as SQLite's; their SQL is translated where the two
dialects differ (dialect.py) and SQLite's missing functions are defined in the
schema (compat.py). Several ``pavilion run`` processes may share one database.
"""
