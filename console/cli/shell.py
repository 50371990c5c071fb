"""The commands about the command line itself: ``completion bash|zsh`` (the shell code that
completes odoo-mailq's commands and options) and ``help [TOPIC]``.

Completion goes through argcomplete, which keeps argparse: the shell runs ``odoo-mailq``
with ``_ARGCOMPLETE`` in its environment, and only then is argcomplete imported and the
whole parser built (``complete``); every other run pays nothing for it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

SHELLS = ("bash", "zsh")
SHELL_COMMANDS = frozenset({"completion", "help"})
EXIT_OK = 0


def complete(build: Callable[[], argparse.ArgumentParser]) -> None:
    """Answer the shell's completion request (argcomplete writes the candidates to fd 8
    and ends the process); called only when ``_ARGCOMPLETE`` is set."""
    import argcomplete

    argcomplete.autocomplete(build())


def add_shell_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    from console.cli.help_topics import TOPICS

    text = "print the shell code that completes odoo-mailq's commands and options"
    completion = subparsers.add_parser(
        "completion",
        help=f"{text} ({', '.join(SHELLS)})",
        description=f'{text}: eval "$(odoo-mailq completion bash)" in ~/.bashrc, '
        'or eval "$(odoo-mailq completion zsh)" in ~/.zshrc',
    )
    completion.add_argument("shell", choices=SHELLS)
    topics = subparsers.add_parser(
        "help", help="a topic: " + ", ".join(TOPICS), description="Help on a topic."
    )
    topics.add_argument("topic", nargs="?", choices=TOPICS, metavar="TOPIC", help=", ".join(TOPICS))


def dispatch_shell(args: argparse.Namespace) -> int:
    if args.command == "completion":
        from argcomplete.shell_integration import shellcode

        print(shellcode(["odoo-mailq"], shell=args.shell), end="")
        return EXIT_OK
    from console.cli.help_topics import topic_text

    print(topic_text(args.topic))
    return EXIT_OK
