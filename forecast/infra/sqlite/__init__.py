"""SQLite's own machinery (one writer lock, checkpoints, kept lookups), behind forecast.infra.db."""
