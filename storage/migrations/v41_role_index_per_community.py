"""Migration 41. A community's roles are found by their community first.

``person_roles_by_role`` covers only the role: in a street of 300,000 people,
counting one community's secretaries (or the residents a vote card counts) read
every role of the street (bench/city.py: 110-170 ms a count). This index serves
``WHERE community_id = ? AND role = ?`` and the per-community counts by role.
"""

from __future__ import annotations

from storage.migrations.step import Migration

#: The same statement on both engines (storage/postgres/migrations.py).
SQL = "CREATE INDEX person_roles_by_community ON person_roles(community_id, role);"

MIGRATION = Migration(41, "person roles indexed by community and role", SQL)
