"""What the tests share, as plain modules (fixtures are in the conftest.py files):

- ``cli``: the real CLI in a child process (``run_cli``), the one-line error it must give;
- ``db``: plain SQL, ``Db`` (a database a test writes to), the session's generated databases;
- ``mails``: mails written as Odoo writes them (``add_mail``), and read back;
- ``scenario``: the generated on-call scenario and how to make it healthy;
- ``tui``: the App on a real database (``make_app``), waiting for it, reading its screen;
- ``term_screen``: a program on a real pseudo-terminal, and the screen it draws.

What the benchmarks use too (the PostgreSQL cluster, the SMTP server, the generated
databases, a free port) is in the top-level ``testkit`` package.
"""
