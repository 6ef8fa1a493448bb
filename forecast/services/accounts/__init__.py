"""Users, logins, API tokens, permissions, one's own data."""
