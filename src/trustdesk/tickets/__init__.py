"""Tickets: the one case model every channel lands in."""
