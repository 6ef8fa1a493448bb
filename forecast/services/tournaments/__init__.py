"""Tournaments and their summaries."""
