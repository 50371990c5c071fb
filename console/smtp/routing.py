"""Per database and per mail: the server, the SMTP from and the context Odoo would use.

``mail.mail._split_by_mail_configuration`` groups mails by (mail_server_id, alias domain
[17+], email_from) and calls ``_find_mail_server`` for the groups without a server (with
the alias domain's notifications address in context, 17+); ``connect`` then opens the
server, or odoo.conf's settings. The default addresses come from the ICPs in 16
(``mail.default.from``, ``mail.catchall.domain``, ``mail.bounce.alias``) and from the
user's company alias domain in 17+ (``res.company.default_from_email`` / ``bounce_email``),
with odoo.conf's ``email_from`` as the last resort.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.mailtools import email_normalize, email_split_and_format
from console.domain.mailtools import email_split_and_format_normalize as split_format_normalize
from console.smtp.rows import AliasDomain, DbSettings, PlanRow
from console.smtp.server_choice import (
    ConfSmtp,
    Endpoint,
    MailServer,
    archived_refusal,
    choose_mail_server,
    find_mail_server,
    resolve_endpoint,
)

# One message is built whole in memory (as smtplib and Odoo do): a mail whose messages
# would be bigger is left to Odoo (Send now) or refused (export); see console.smtp.prepare.
MAX_MESSAGE_MB = 100.0
SET_ON_MAIL = "set on the mail"
ARCHIVED = "set on the mail, but archived: Odoo refuses to send through it"


@dataclass(frozen=True, slots=True)
class Route:
    """How one mail leaves: the connection, and the session's smtp_from."""

    endpoint: Endpoint
    smtp_from: str | None
    alias: AliasDomain | None
    server: MailServer | None
    why: str = SET_ON_MAIL  # which rule chose the server (console.smtp.server_choice)


@dataclass(frozen=True, slots=True)
class SendContext:
    version: int
    settings: DbSettings
    conf: ConfSmtp
    data_dir: str
    dbname: str
    max_message_mb: float = MAX_MESSAGE_MB

    def param(self, key: str) -> str | None:
        value = self.settings.params.get(key)
        return value or None

    def default_from_address(self) -> str | None:
        """``IrMailServer._get_default_from_address`` (with mail's override in 17+)."""
        if self.version <= 16:
            default_from = self.param("mail.default.from")
            if default_from and "@" in default_from:
                return default_from
            domain = self.param("mail.catchall.domain")
            if default_from and domain:
                return f"{default_from}@{domain}"
            return self.conf.email_from
        company = self.settings.company_alias
        if company is not None and company.default_from_email:
            return company.default_from_email
        return self.conf.email_from

    def default_bounce_address(self) -> str | None:
        """``_get_default_bounce_address``: ICPs (16), company alias domain (17+)."""
        if self.version <= 16:
            alias, domain = self.param("mail.bounce.alias"), self.param("mail.catchall.domain")
            return f"{alias}@{domain}" if alias and domain else None
        company = self.settings.company_alias
        if company is not None and company.bounce_email:
            return company.bounce_email
        return self.conf.email_from

    def return_path(self, alias: AliasDomain | None) -> str | None:
        """The Return-Path header ``_send`` (16) / ``_prepare_outgoing_list`` (17+) add."""
        if self.version <= 16:
            return self.default_bounce_address()
        if alias is not None and alias.bounce_email:
            return alias.bounce_email
        company = self.settings.company_alias
        return company.bounce_email if company is not None else None

    def default_from_filter(self) -> str | None:
        return self.param("mail.default.from_filter") or self.conf.from_filter

    def notifications_email(self, alias: AliasDomain | None) -> str | None:
        """ctx ``domain_notifications_email`` (17+, alias domain) or the default address."""
        if self.version >= 17 and alias is not None and alias.default_from_email:
            return alias.default_from_email
        return self.default_from_address()

    def group_email_from(self, raw: str | None) -> str | None:
        """The email_from key of ``_split_by_mail_configuration`` (formatted in 18+)."""
        if self.version <= 17:
            return raw
        split = split_format_normalize(raw) if self.version >= 19 else email_split_and_format(raw)
        return split[0] if split else raw

    def route(self, row: PlanRow) -> Route:
        alias = None
        if self.version >= 17 and row.alias_domain_id:
            alias = self.settings.alias_domains.get(int(row.alias_domain_id))
        email_from = self.group_email_from(row.email_from)
        servers = {s.id: s for s in self.settings.servers}
        explicit = servers.get(int(row.mail_server_id)) if row.mail_server_id else None
        if explicit is not None:
            endpoint = resolve_endpoint(explicit, self.conf, self.default_from_filter())
            if not explicit.active:
                endpoint = _with_refusal(endpoint, archived_refusal(explicit))
                return Route(endpoint, email_from, alias, explicit, ARCHIVED)
            return Route(endpoint, email_from, alias, explicit)
        # ctx domain_notifications_email (raw), else the normalized default from address
        find_notifications = (alias.default_from_email if alias is not None else None) or (
            email_normalize(self.default_from_address())
        )
        choice = choose_mail_server(
            email_from,
            [s for s in self.settings.servers if s.active],
            version=self.version,
            notifications_email=find_notifications,
            default_from_filter=self.default_from_filter(),
        )
        server, smtp_from = choice.server, choice.smtp_from
        if server is None:
            # connect(mail_server_id=False, smtp_from=...) runs _find_mail_server again,
            # without the alias domain context
            _none, smtp_from = find_mail_server(
                smtp_from,
                [],
                version=self.version,
                notifications_email=email_normalize(self.default_from_address()),
                default_from_filter=self.default_from_filter(),
            )
        endpoint = resolve_endpoint(server, self.conf, self.default_from_filter())
        return Route(endpoint, smtp_from, alias, server, choice.why)


def _with_refusal(endpoint: Endpoint, refusal: str) -> Endpoint:
    return Endpoint(
        key=f"{endpoint.key}:refused",
        label=endpoint.label,
        host=endpoint.host,
        port=endpoint.port,
        encryption=endpoint.encryption,
        user=endpoint.user,
        password=endpoint.password,
        from_filter=endpoint.from_filter,
        refusal=refusal,
        unsupported=None,
    )
