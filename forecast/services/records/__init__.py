"""Leaderboards and track records."""
