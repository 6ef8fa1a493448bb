"""Resolving questions: parsing a resolution, resolving and un-resolving (their scores are
written by forecast.services.scoring)."""
