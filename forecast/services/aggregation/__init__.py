"""The community prediction: values, caches, visibility."""
