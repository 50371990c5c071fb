"""Data used by the tests: corpora gathered from public sources."""
