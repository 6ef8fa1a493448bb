"""Decision boundaries: events, verdicts, state paths and changes."""
