"""Conditional questions: linking a condition and an outcome, and following their resolutions."""
