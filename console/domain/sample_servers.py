"""The bundled sample's SMTP servers are fictitious: the rule that keeps Send now and the
probe off the network there.

The sample generator names every host with a reserved name (RFC 2606 / RFC 6761:
``.example``, ``.invalid``, ``example.com``) and marks the database with the system
parameter ``odoo_mailq.sample``. A marker in the database, not the file's path: it travels
with every copy (``cp``, a dump restored elsewhere), so a copy is still known to be the
sample. The refusal holds while a server is still fictitious: point a copy's servers at a
real (test) SMTP server and Send now works there as anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.domain.errors import ConsoleError

SAMPLE_MARKER = "odoo_mailq.sample"  # ir_config_parameter key (sample_db/settings.py)

# Names that exist nowhere, or only for documentation: never an SMTP server of anyone's.
# (.test and .localhost are reserved too, but a developer may point them at a local server.)
_FICTITIOUS_TLDS = ("example", "invalid")
_FICTITIOUS_DOMAINS = ("example.com", "example.net", "example.org")


class FictitiousServers(ConsoleError):
    """Send now or the probe on the sample, whose SMTP servers do not exist."""


def is_fictitious_host(host: str | None) -> bool:
    name = (host or "").strip().rstrip(".").lower()
    if not name:
        return False
    if name.rsplit(".", 1)[-1] in _FICTITIOUS_TLDS:
        return True
    return any(name == d or name.endswith(f".{d}") for d in _FICTITIOUS_DOMAINS)


def fictitious_refusal(action: str, is_sample: bool, hosts: Iterable[str | None]) -> str | None:
    """Why ``action`` ("Send now", "The SMTP probe") must not run here, or None.

    ``hosts`` are the active outgoing servers' hosts; ``is_sample`` says the database
    carries the sample's marker."""
    if not is_sample:
        return None
    fictitious = sorted({str(h).strip() for h in hosts if is_fictitious_host(h)})
    if not fictitious:
        return None
    done = (
        "nothing was sent and no mail was changed"
        if action == "Send now"
        else ("nothing was contacted")
    )
    # What happened first: a toast keeps about two lines.
    return (
        f"{action} is off on the bundled sample, {done}: its SMTP servers are fictitious "
        f"({', '.join(fictitious)}, reserved names that exist nowhere). To try it "
        "for real, copy the sample, point its servers at a test SMTP server and open the "
        "copy with --db (README: Send now on a copy of the sample)"
    )
