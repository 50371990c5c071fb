"""The Textual app through Pilot at 80x24, and on a real pseudo-terminal."""
