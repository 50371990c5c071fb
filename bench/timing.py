"""Interleaved timing: candidate and baseline alternate so machine drift hits both alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class Samples:
    """Seconds per repetition of a candidate and its baseline, taken in alternation."""

    candidate: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)

    @property
    def candidate_median(self) -> float:
        return statistics.median(self.candidate)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)


def timed(work: Callable[[], object]) -> float:
    """Seconds one call of ``work`` takes (its result is discarded)."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def interleaved(
    candidate: Callable[[], float],
    baseline: Callable[[], float],
    reps: int,
    warmup: int = 0,
) -> Samples:
    """Run each measuring function ``reps`` times in alternation; each returns seconds.

    The order flips every repetition (C B, B C, C B, ...) so that neither side always runs
    right after the other's cache effects. ``warmup`` rounds are run and dropped.
    """
    samples = Samples()
    for _ in range(warmup):
        candidate()
        baseline()
    for rep in range(reps):
        if rep % 2 == 0:
            samples.candidate.append(candidate())
            samples.baseline.append(baseline())
        else:
            samples.baseline.append(baseline())
            samples.candidate.append(candidate())
    return samples
