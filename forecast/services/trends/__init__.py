"""Trend baselines: series attached to questions, their fits and reference forecasts."""
