"""Deliberation: raising matters, the desk, discussion, voting, sittings, carrying out.

Also the ballot keys of anonymous votes and the committee ledger (台账).
"""
