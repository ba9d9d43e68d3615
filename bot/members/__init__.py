"""The Party members' own systems (党员): Party birthdays (政治生日) and commitments
(党员承诺制) so far; issue 14 adds in-service members reporting in, and households here."""
