"""Storage of deliberation: matters, votes, comments, sittings, carrying out, the ledger."""
