"""The panes of the main screen, one module each, and the paged table they share."""
