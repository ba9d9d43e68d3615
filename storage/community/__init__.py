"""Storage of the community register: people, roles, bound chats."""
