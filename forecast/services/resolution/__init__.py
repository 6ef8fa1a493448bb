"""Resolving questions and scoring them."""
