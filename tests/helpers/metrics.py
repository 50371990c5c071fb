"""The exporter as Prometheus sees it: `odoo-mailq metrics --listen` in a child process,
scraped over HTTP and read by prometheus_client's own parsers (the text format and
OpenMetrics)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from testkit.net import free_port
from tests.helpers.cli import ROOT

OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass
class Exporter:
    process: subprocess.Popen[str]
    url: str
    stderr: str = ""  # what it said, once stopped

    def scrape(self, *, openmetrics: bool = False) -> tuple[str, str]:
        """(content type, body) of one GET /metrics."""
        request = urllib.request.Request(self.url)
        if openmetrics:
            request.add_header("Accept", OPENMETRICS)
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.headers["Content-Type"], response.read().decode("utf-8")

    def samples(self, *, openmetrics: bool = False) -> Samples:
        _type, body = self.scrape(openmetrics=openmetrics)
        return parse(body, openmetrics=openmetrics)


def parse(body: str, *, openmetrics: bool = False) -> Samples:
    """Every sample by (name, labels), through the parser Prometheus' Python client ships."""
    reader = openmetrics_families if openmetrics else text_string_to_metric_families
    found: Samples = {}
    for family in reader(body):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = float(sample.value)
    return found


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """The sample of this name whose labels include these (None: none)."""
    wanted = set(labels.items())
    matching = [v for (n, ls), v in samples.items() if n == name and wanted <= ls]
    assert len(matching) <= 1, (name, labels, matching)
    return matching[0] if matching else None


def names(samples: Samples) -> set[str]:
    return {name for name, _labels in samples}


@contextmanager
def exporter(*args: str, timeout: float = 60) -> Iterator[Exporter]:
    """`python -m console metrics --listen 127.0.0.1:PORT ARGS`, once /metrics answers;
    stopped with SIGTERM at the end (it must exit 0)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "ODOO_MAILQ_DB"}
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "metrics", "--listen", f"127.0.0.1:{port}", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Exporter(process, f"http://127.0.0.1:{port}/metrics")
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, process.communicate()
            try:
                running.scrape()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the exporter never answered"
                time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        running.stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 0, running.stderr
