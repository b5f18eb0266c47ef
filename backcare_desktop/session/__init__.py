"""The session engine: a routine compiled into a timeline, and a player that walks it in time."""
