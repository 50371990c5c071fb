"""Putting it together: the first matching rule, else the failure type, else the SMTP class."""

from __future__ import annotations

import re

from console.domain.classify.model import (
    PERMANENT,
    TRANSIENT,
    UNRECOGNISED,
    Classification,
)
from console.domain.classify.parse import Parsed, parse
from console.domain.classify.phrase import signature
from console.domain.classify.rule import Rule
from console.domain.classify.rules_delivery import DELIVERY_RULES
from console.domain.classify.rules_network import NETWORK_RULES
from console.domain.classify.rules_odoo import ODOO_RULES, RECIPIENT_TYPES, TYPE_RULES
from console.domain.classify.rules_session import SESSION_RULES
from console.domain.sanitize import strip_controls

# Most specific first: Odoo's own texts, the session and sender, delivery, the network.
TEXT_RULES: tuple[Rule, ...] = ODOO_RULES + SESSION_RULES + DELIVERY_RULES + NETWORK_RULES

_SUBJECTS = {
    "1": "addressing", "2": "mailbox", "3": "mail system", "4": "network or routing",
    "5": "protocol", "6": "content", "7": "security or policy",
}  # fmt: skip


def classify(failure_reason: str | None, failure_type: str | None) -> Classification:
    """The cause of one failure; never raises."""
    try:
        return _classify(failure_reason, failure_type)
    except Exception:  # a safety net: a display must never die on odd text
        return Classification(
            signature="unparsable failure text",
            klass=UNRECOGNISED,
            title="unreadable reason",
            explanation="The stored reason could not be read",
            fix="Read the raw reason in the detail view and the Odoo log",
        )


def _classify(failure_reason: str | None, failure_type: str | None) -> Classification:
    reason = failure_reason if isinstance(failure_reason, str) else ""
    ftype = failure_type if isinstance(failure_type, str) else ""
    ftype = " ".join(strip_controls(ftype[:64], replacement=" ").split())[:40]
    parsed = parse(reason) if reason.strip() else None
    if parsed is not None and parsed.text:
        rule = next((r for r in TEXT_RULES if r.match(parsed)), None)
        generic_placeholder = rule is not None and rule.family in ("no_recipient", "send_cut_off")
        if rule is not None and not (generic_placeholder and ftype in RECIPIENT_TYPES):
            return _build(rule, parsed)
        if ftype in TYPE_RULES:
            return _build_type(ftype, parsed)
        if rule is not None:
            return _build(rule, parsed)
        if parsed.code is not None:
            return _by_code_class(parsed)
        return _unrecognised(parsed, ftype)
    if ftype in TYPE_RULES:
        return _build_type(ftype, None)
    return Classification(
        signature=f"Odoo {ftype} (no reason)" if ftype else "Odoo no reason",
        klass=UNRECOGNISED,
        title="no reason stored",
        explanation="Odoo stored no failure text" + (f" (failure type {ftype})" if ftype else ""),
        fix="Look in the Odoo server log around the failure time; retry one mail to see",
        family="no_reason",
    )


def _title(template: str, parsed: Parsed | None) -> str:
    code = str(parsed.code) if parsed and parsed.code is not None else ""
    enhanced = parsed.enhanced if parsed and parsed.enhanced else ""
    title = template.replace("{code}", code).replace("{enh}", enhanced)
    return re.sub(r"\s+", " ", title).strip()


def _build(rule: Rule, parsed: Parsed) -> Classification:
    klass = rule.klass
    if rule.family == "mailbox_full" and parsed.code is not None and parsed.code // 100 == 4:
        klass = TRANSIENT  # 452 4.2.2: the mailbox may have room again later
    return Classification(
        signature=rule.canonical or signature(parsed),
        klass=klass,
        title=_title(rule.title, parsed),
        explanation=rule.explanation,
        fix=rule.fix,
        smtp_code=parsed.code,
        enhanced_code=parsed.enhanced,
        family=rule.family,
        exception=parsed.exception,
    )


def _build_type(ftype: str, parsed: Parsed | None) -> Classification:
    rule = TYPE_RULES[ftype]
    return Classification(
        signature=f"Odoo {ftype}",
        klass=rule.klass,
        title=rule.title,
        explanation=rule.explanation,
        fix=rule.fix,
        smtp_code=parsed.code if parsed else None,
        enhanced_code=parsed.enhanced if parsed else None,
        family=rule.family,
        exception=parsed.exception if parsed else None,
    )


def _by_code_class(parsed: Parsed) -> Classification:
    code = parsed.code or 0
    subject = _SUBJECTS.get((parsed.enhanced or "x.x").split(".")[1], "")
    about = f" ({subject})" if subject else ""
    if code // 100 == 4:
        return Classification(
            signature=signature(parsed),
            klass=TRANSIENT,
            title=_title("{code} {enh} temporary refusal", parsed),
            explanation=f"The server refused for now{about}; the same mail may pass later",
            fix="Retry after a pause; if it repeats, read the provider's text",
            smtp_code=parsed.code,
            enhanced_code=parsed.enhanced,
            family="smtp_4xx",
            exception=parsed.exception,
        )
    if code // 100 == 5:
        return Classification(
            signature=signature(parsed),
            klass=PERMANENT,
            title=_title("{code} {enh} refused", parsed),
            explanation=f"The server refused permanently{about}; retrying as-is repeats it",
            fix="Read the provider's text and change what it names before retrying",
            smtp_code=parsed.code,
            enhanced_code=parsed.enhanced,
            family="smtp_5xx",
            exception=parsed.exception,
        )
    return _unrecognised(parsed, "")


def _unrecognised(parsed: Parsed, ftype: str) -> Classification:
    lines = [line.strip() for line in (parsed.message or parsed.text).split("\n")]
    headline = next((line for line in lines if line), "") or parsed.exception or "?"
    headline = re.sub(r"\s+", " ", headline)
    title = headline if len(headline) <= 30 else headline[:29] + "…"
    return Classification(
        signature=signature(parsed),
        klass=UNRECOGNISED,
        title=title,
        explanation="A failure this console does not recognise"
        + (f" (failure type {ftype})" if ftype else ""),
        fix="Read the raw reason in the detail view and the Odoo log; retry one mail first",
        smtp_code=parsed.code,
        enhanced_code=parsed.enhanced,
        family="unrecognised",
        exception=parsed.exception,
    )
