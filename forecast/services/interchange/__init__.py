"""The interchange file: import and export."""
