"""Pure math: numpy and the standard library only; no database, no web."""
