"""The machinery under the services: database, SQLite, clock, migrations."""
