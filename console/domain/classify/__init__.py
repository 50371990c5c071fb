"""Why a mail failed: Odoo's stored failure text turned into a cause, a class and a fix.

Pure and total: `classify(failure_reason, failure_type)` never raises, looks at no more
than the first `MAX_SCAN` characters, and gives every text a stable `signature` so that
the same cause groups together whatever the recipient, the host, the Odoo version or the
language of the user who sent (docs/failures.md, docs/odoo-queue.md).

The package, one job per module:
* `model`: the classes and the `Classification` record;
* `parse`: reading a stored text (wrapper, exception, SMTP and enhanced codes, errno);
* `phrase`: the signature, with addresses, ids, hosts and numbers masked;
* `rule`: what a rule is, and the small matchers rules are built from;
* `rules_odoo`, `rules_session`, `rules_delivery`, `rules_network`: the families;
* `engine`: the first matching rule, else the failure type, else the SMTP class.
"""

from __future__ import annotations

from console.domain.classify.engine import TEXT_RULES, classify
from console.domain.classify.known import KNOWN_TEXTS, classify_known
from console.domain.classify.model import (
    CONFIGURATION,
    KLASS_LABELS,
    KLASSES,
    MAX_SCAN,
    MAX_SIGNATURE,
    PERMANENT,
    TRANSIENT,
    UNRECOGNISED,
    Classification,
    signature_key,
)
from console.domain.classify.phrase import MAX_PHRASE_WORDS, normalise_phrase
from console.domain.classify.rules_odoo import TYPE_RULES

__all__ = [
    "CONFIGURATION",
    "KLASSES",
    "KLASS_LABELS",
    "KNOWN_TEXTS",
    "MAX_PHRASE_WORDS",
    "MAX_SCAN",
    "MAX_SIGNATURE",
    "PERMANENT",
    "TEXT_RULES",
    "TRANSIENT",
    "TYPE_RULES",
    "UNRECOGNISED",
    "Classification",
    "classify",
    "classify_known",
    "families",
    "normalise_phrase",
    "signature_key",
]


def families() -> dict[str, str]:
    """Every family the classifier can name, with its class (for docs and tests)."""
    found = {rule.family: rule.klass for rule in TEXT_RULES}
    found.update({rule.family: rule.klass for rule in TYPE_RULES.values()})
    return found
