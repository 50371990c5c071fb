"""Small widgets and the text formatting every pane and screen uses."""
