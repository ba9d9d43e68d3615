"""The Party members' own systems (党员): Party birthdays (政治生日) so far; issue 14
adds commitments, in-service members reporting in, and households here."""
