"""How many SMTP connections "Send now" opens at once, per server, and why that number.

Connections are counted per account on a host (host, login): that is what providers
limit, so two ``ir_mail_server`` rows with the same host and login share one budget.
The number for a server comes from, first match wins:

1. ``--server-concurrency NAME_OR_HOST=N`` (the server's name in Odoo, or its host);
2. ``$ODOO_MAILQ_SERVER_CONCURRENCY`` (``NAME_OR_HOST=N`` items separated by commas);
3. the limit the provider publishes for that host (``PROVIDER_LIMITS``);
4. ``--concurrency N`` (or ``DEFAULT_CONCURRENCY``).

A server that refuses extra connections is not an error: the connections it accepted
carry on with every mail (console.services.send.send_now).

Imports nothing heavy: the CLI validates these options before it connects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from console.domain.errors import UsageError

# Postfix's own default for parallel deliveries to one destination is 20
# (default_destination_concurrency_limit, postconf(5)); 16 stays under it and is enough
# for Send now to be >= 10x Odoo's single-connection loop (BENCHMARKS.md, send now).
DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 32
ENV_SERVER_CONCURRENCY = "ODOO_MAILQ_SERVER_CONCURRENCY"

# Concurrent-connection limits providers publish for SMTP submission, by host. Only
# documented numbers belong here, each with its source.
PROVIDER_LIMITS: dict[str, tuple[int, str]] = {
    # Microsoft 365 / Exchange Online, SMTP AUTH client submission: "Up to three concurrent
    # connections are allowed to send email messages at the same time" (per mailbox); more
    # are refused with "432 4.3.2 Concurrent connections limit exceeded". Source:
    # https://learn.microsoft.com/en-us/exchange/troubleshoot/send-emails/smtp-submission-improvements
    "smtp.office365.com": (3, "Microsoft 365's published limit"),
}


@dataclass(frozen=True, slots=True)
class ConnectionLimit:
    limit: int
    source: str  # said to the operator: "default", "--server-concurrency Main", ...


@dataclass(frozen=True, slots=True)
class ConcurrencyPolicy:
    """The generic number and the per-server overrides (keys lowercased)."""

    default: int = DEFAULT_CONCURRENCY
    default_source: str = "default"
    overrides: Mapping[str, ConnectionLimit] = field(default_factory=dict)

    def limit_for(self, name: str | None, host: str | None) -> ConnectionLimit:
        for key in (name, host):
            found = self.overrides.get(_key(key)) if key else None
            if found is not None:
                return found
        provider = PROVIDER_LIMITS.get(_key(host)) if host else None
        if provider is not None:
            return ConnectionLimit(*provider)
        return ConnectionLimit(self.default, self.default_source)

    def unmatched(self, names_and_hosts: Iterable[str | None]) -> list[str]:
        """Override keys that name no known server (most likely a typo)."""
        known = {_key(value) for value in names_and_hosts if value}
        return [key for key in self.overrides if key not in known]


def _key(value: str | None) -> str:
    return (value or "").strip().lower()


def parse_count(raw: object, origin: str) -> int:
    """A number of connections, 1..MAX_CONCURRENCY, or a one-line UsageError."""
    try:
        count = int(str(raw).strip())
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_CONCURRENCY:
        raise UsageError(
            f"{origin}: the number of connections must be a whole number from 1 to "
            f"{MAX_CONCURRENCY}, not {str(raw).strip()!r}"
        )
    return count


def parse_assignment(raw: str, origin: str) -> tuple[str, int]:
    """``NAME_OR_HOST=N`` -> (lowercased key, N)."""
    key, equals, value = raw.rpartition("=")
    if not equals or not key.strip():
        raise UsageError(
            f"{origin}: expected NAME_OR_HOST=N (e.g. smtp.example.com=4), not {raw!r}"
        )
    return _key(key), parse_count(value, f"{origin} {key.strip()}")


def resolve_policy(
    concurrency: object = None,
    assignments: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> ConcurrencyPolicy:
    """Flags over the environment over the built-in numbers (see the module docstring)."""
    overrides: dict[str, ConnectionLimit] = {}
    env_value = (environ or {}).get(ENV_SERVER_CONCURRENCY, "").strip()
    if env_value:
        origin = f"${ENV_SERVER_CONCURRENCY}"
        for item in (part for part in env_value.split(",") if part.strip()):
            key, count = parse_assignment(item, origin)
            overrides[key] = ConnectionLimit(count, origin)
    for item in assignments:
        key, count = parse_assignment(item, "--server-concurrency")
        overrides[key] = ConnectionLimit(count, "--server-concurrency")
    if concurrency is None:
        return ConcurrencyPolicy(overrides=overrides)
    default = parse_count(concurrency, "--concurrency")
    return ConcurrencyPolicy(default, "--concurrency", overrides)


@dataclass(frozen=True, slots=True)
class ServerConnections:
    """The connections one server (a host and login) got during a send."""

    servers: tuple[str, ...]  # the Odoo names of the servers sharing them
    host: str
    limit: int
    source: str
    opened: int  # most connections open at the same time

    def describe(self) -> str:
        names = ", ".join(f"'{name}'" for name in self.servers)
        plural = "s" if self.opened != 1 else ""
        return (
            f"{names} ({self.host}): {self.opened} connection{plural} at once, "
            f"limit {self.limit} ({self.source})"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "servers": list(self.servers),
            "host": self.host,
            "limit": self.limit,
            "limit_source": self.source,
            "connections": self.opened,
        }
