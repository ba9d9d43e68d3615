"""Storage of the Party members' own systems (党员): Party birthdays, commitments."""
