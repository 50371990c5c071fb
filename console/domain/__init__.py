"""Plain data and rules about the mail queue: no I/O, no Textual, no SQL."""
