"""Use cases: gather rows, call the pure core, write results, commit once."""
