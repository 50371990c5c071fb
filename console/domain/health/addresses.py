"""Checks of the addresses mail is sent as and answered to: the admin's e-mail, the alias domain."""

from __future__ import annotations

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Status,
    Thresholds,
    ok_result,
    unknown_result,
)

PLACEHOLDER_ADMIN_EMAIL = "admin@example.com"


def check_admin_email(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Administrator e-mail"
    if not facts.admin_found:
        return ok_result("admin_email", title, "no admin user", "No base.user_admin user to check")
    email = (facts.admin_email or "").strip().lower()
    if email == PLACEHOLDER_ADMIN_EMAIL or email.endswith("@example.com"):
        return CheckResult(
            "admin_email",
            title,
            Status.WARNING,
            "admin e-mail is a placeholder",
            f"The administrator still has the placeholder e-mail {email} set at database "
            "creation: mail sent as the admin is refused or bounces",
            "Set a real address on the Administrator user (Settings > Users)",
        )
    if not email:
        return CheckResult(
            "admin_email",
            title,
            Status.WARNING,
            "admin has no e-mail",
            "The administrator has no e-mail address: mail authored by the admin fails",
            "Set a real address on the Administrator user (Settings > Users)",
        )
    return ok_result(
        "admin_email", title, "admin e-mail set", f"The administrator's e-mail is {email}"
    )


def check_alias_domain(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Catchall / alias domain"
    fix = (
        "Set the alias domain in Settings > General Settings > Discuss (Alias Domain) to "
        "the domain you send from"
    )
    if facts.version >= 17:
        if facts.alias_domains is None:
            return unknown_result("alias_domain", title, "mail_alias_domain")
        if not facts.alias_domains:
            return CheckResult(
                "alias_domain",
                title,
                Status.WARNING,
                "no alias domain",
                "No alias domain: no bounce or catchall address, replies and bounces "
                "cannot come back, and the default From falls back to odoo.conf email_from",
                fix,
            )
        if facts.companies_without_alias:
            return CheckResult(
                "alias_domain",
                title,
                Status.WARNING,
                f"{facts.companies_without_alias} companies without alias domain",
                f"{facts.companies_without_alias} companies have no alias domain: their mail "
                "has no bounce address or default From",
                fix,
            )
        return ok_result("alias_domain", title, "alias domain set", ", ".join(facts.alias_domains))
    if not facts.catchall_domain:
        return CheckResult(
            "alias_domain",
            title,
            Status.WARNING,
            "no catchall domain",
            "The ICP mail.catchall.domain is not set: no bounce/catchall address and no "
            "default From built from mail.default.from",
            "Set the alias domain in Settings > General Settings (mail.catchall.domain)",
        )
    return ok_result("alias_domain", title, "catchall domain set", facts.catchall_domain)
