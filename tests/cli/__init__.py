"""The commands, their options, their output and their exit codes."""
