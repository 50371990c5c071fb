"""Send now and the probe refuse, before anything is written or contacted, on a database
that is the console's sample while its SMTP servers are still the fictitious ones
(console.domain.sample_servers says why and how to try for real)."""

from __future__ import annotations

from console.backends.base import MailQueueBackend
from console.domain.sample_servers import FictitiousServers, fictitious_refusal

SEND_NOW = "Send now"
PROBE = "The SMTP probe"


def sample_refusal(backend: MailQueueBackend, action: str) -> str | None:
    """The one-line refusal, or None when ``action`` may talk to the servers."""
    info = backend.info
    if info.over_api or not info.sample:  # the API sends through Odoo's own servers
        return None
    hosts = [str(s.get("smtp_host") or "") for s in backend.mail_servers() if s.get("active")]
    return fictitious_refusal(action, True, hosts)


def refuse_fictitious_servers(backend: MailQueueBackend, action: str) -> None:
    refusal = sample_refusal(backend, action)
    if refusal is not None:
        raise FictitiousServers(refusal)
