"""One interface to the data, whatever the database engine."""
