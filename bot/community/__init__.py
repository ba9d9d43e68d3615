"""The community: its register of people and roles, registration, notices, its calendar."""
