"""Questions: their life, input, lists and views."""
