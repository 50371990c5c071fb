"""The sample database and its Odoo log go into the wheel with the console.

They live in sample_db/ (generated there, next to their generator); a wheel, pipx or
uv tool install carries only the console package, so building it copies the two files
into console/_sample/, where console/config/sample.py looks when the repository's copy
is not there. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLE_FILES = ("odoo17_sample.sqlite", "odoo17_sample.log")


class BuildWithSample(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "console" / "_sample"
        target.mkdir(parents=True, exist_ok=True)
        for name in SAMPLE_FILES:
            shutil.copyfile(Path(__file__).parent / "sample_db" / name, target / name)


setup(cmdclass={"build_py": BuildWithSample})
