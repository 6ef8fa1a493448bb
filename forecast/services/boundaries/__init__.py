"""Decision boundaries: drafts, commits, the report, alerts."""
