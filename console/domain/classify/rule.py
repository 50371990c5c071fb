"""A rule: how to recognise one family of failures, and what it means for the operator."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from console.domain.classify.parse import Parsed

Matcher = Callable[[Parsed], bool]

RETRY_GROUP = "then retry this group"
RETRY_BATCH = "then retry the batch"


@dataclass(frozen=True, slots=True)
class Rule:
    family: str
    klass: str
    title: str  # "{code}" / "{enh}" are filled in (and dropped when unknown)
    explanation: str
    fix: str
    match: Matcher
    canonical: str | None = None  # a fixed signature (Odoo's own texts)


def has(*needles: str) -> Matcher:
    """Any of these lowercase fragments appears in the text."""
    return lambda p: any(n in p.low for n in needles)


def has_re(pattern: str) -> Matcher:
    compiled = re.compile(pattern)
    return lambda p: compiled.search(p.low) is not None


def enh(*codes: str) -> Matcher:
    return lambda p: p.enhanced in codes


def code(*codes: int) -> Matcher:
    return lambda p: p.code in codes


def errno(*values: int) -> Matcher:
    return lambda p: p.errno in values


def exc(*names: str) -> Matcher:
    return lambda p: p.exception in names


def any_of(*tests: Matcher) -> Matcher:
    return lambda p: any(t(p) for t in tests)


def all_of(*tests: Matcher) -> Matcher:
    return lambda p: all(t(p) for t in tests)


def none_of(*tests: Matcher) -> Matcher:
    return lambda p: not any(t(p) for t in tests)


def temporary(p: Parsed) -> bool:
    """A 4xx reply: the server says the same mail may pass later."""
    return p.code is not None and p.code // 100 == 4


def refusal(p: Parsed) -> bool:
    """No code (a text we recognise) or a 5xx reply: a refusal that repeats as-is."""
    return p.code is None or p.code // 100 == 5
