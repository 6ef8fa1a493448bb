"""The community prediction's math: each method, histories, bootstrap intervals."""
