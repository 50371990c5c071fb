"""Failures before any SMTP reply: TLS, name resolution, the TCP connection itself
(the socket and ssl exceptions Python raises; docs/failures.md)."""

from __future__ import annotations

from console.domain.classify.model import CONFIGURATION, TRANSIENT
from console.domain.classify.rule import Rule, any_of, errno, exc, has

NETWORK_RULES: tuple[Rule, ...] = (
    Rule(
        "tls_mismatch",
        CONFIGURATION,
        "TLS mode/port mismatch",
        "The encryption mode does not match the port: implicit TLS on a STARTTLS port or the "
        "reverse",
        "465 = SSL/TLS, 587 = STARTTLS, 25 = usually STARTTLS: fix the encryption or the port; "
        "then retry the batch",
        has(
            "wrong_version_number",
            "wrong version number",
            "unknown_protocol",
            "unknown protocol",
            "http_request",
            "record layer failure",
            "eof occurred in violation of protocol",
            "unexpected_eof_while_reading",
            "tlsv1 alert protocol version",
            "packet length too long",
        ),
    ),
    Rule(
        "tls_certificate",
        CONFIGURATION,
        "TLS certificate rejected",
        "The server's certificate did not verify (hostname, chain or self-signed)",
        "Use the hostname the certificate names and fix the chain (or the Odoo host's CA "
        "bundle) rather than disabling checks; then retry the batch",
        has(
            "certificate_verify_failed",
            "certificate verify failed",
            "hostname mismatch",
            "self signed certificate",
            "self-signed certificate",
            "doesn't match",
        ),
    ),
    Rule(
        "disconnected",
        TRANSIENT,
        "server disconnected",
        "The server dropped the session (idle timeout, TLS mismatch, throttling)",
        "Usually transient: retry; if it repeats check the encryption/port and throttling",
        any_of(
            exc("SMTPServerDisconnected", "ConnectionResetError"),
            errno(104, 10054),
            has(
                "connection unexpectedly closed",
                "please run connect() first",
                "server not connected",
                "connection reset by peer",
                "forcibly closed by the remote host",
            ),
        ),
    ),
    Rule(
        "refused",
        CONFIGURATION,
        "connection refused",
        "Nothing listens on that host and port (with no server Odoo uses localhost:25)",
        "Configure an outgoing server, probe host:port from the Odoo host, open egress or use "
        "587/465; then retry the batch",
        any_of(errno(111, 61, 10061), has("connection refused"), exc("ConnectionRefusedError")),
    ),
    Rule(
        "dns",
        CONFIGURATION,
        "unknown SMTP host",
        "The SMTP host name does not resolve",
        "Fix the outgoing server's host name (or the Odoo host's DNS); then retry the batch",
        any_of(
            errno(-2, -3, -5, -9, 11001),
            exc("gaierror"),
            has(
                "name or service not known",
                "temporary failure in name resolution",
                "nodename nor servname",
                "getaddrinfo failed",
                "no address associated",
            ),
        ),
    ),
    Rule(
        "unreachable",
        CONFIGURATION,
        "SMTP host unreachable",
        "No route from the Odoo host to the SMTP server (or no usable local address for it)",
        "Check egress firewall and routing from the Odoo host (IPv6 vs IPv4, container "
        "network); then retry the batch",
        any_of(
            errno(101, 113, 65, 99),
            has("network is unreachable", "no route to host", "cannot assign requested address"),
        ),
    ),
    Rule(
        "timeout",
        CONFIGURATION,
        "connect timed out",
        "The SMTP server did not answer in time (egress blocked, often port 25)",
        "Probe host:port from the Odoo host; open egress or use 587/465; then retry",
        any_of(
            errno(110, 60, 10060),
            exc("TimeoutError", "timeout"),
            has("timed out", "timeout", "did not properly respond after a period of time"),
        ),
    ),
)
