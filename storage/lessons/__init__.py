"""Storage of micro Party lessons (微党课)."""
