"""Run a command and report its peak memory, measured from a small parent.

    python -m bench.rss RESULT_FILE COMMAND...

Writes the command's max RSS in KiB (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) to
RESULT_FILE and exits with the command's exit code. The measuring parent must be small:
on Linux a child's ``ru_maxrss`` starts from its parent's RSS at exec time (vfork), so
measuring straight from the benchmark process would report the benchmark's own size.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    result_file, command = argv[0], argv[1:]
    code = subprocess.call(command)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(result_file).write_text(f"{peak_kib}\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
