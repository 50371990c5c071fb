"""The data boundary: the SQL backend's reads, its faults, hostile and edge-case data."""
