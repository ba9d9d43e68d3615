"""The street level: invites that appoint a community's first secretary, and the few
counts the street view needs that no feature repository answers."""
