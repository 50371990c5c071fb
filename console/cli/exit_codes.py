"""The exit codes every command shares (``help exit-codes`` lists them with the ones of
single commands, from the constants those commands use)."""

from __future__ import annotations

from console.domain.errors import ConsoleError

EXIT_OK = 0
EXIT_USAGE = ConsoleError.exit_code  # usage, configuration or connection: one line on stderr
EXIT_INTERNAL = 3  # a bug: one line unless --debug
EXIT_INTERRUPTED = 130  # ctrl+c, as a shell reports SIGINT
