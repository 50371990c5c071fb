"""Health checks as data: pure rules over `HealthFacts`, each saying status, why and what to do.

Nothing here reads a database or the network: `console.services.health` gathers the facts.
A fact that could not be read is None, and the checks that need it answer UNKNOWN.
Datetimes are naive UTC, as Odoo stores them.

The package, one check family per module:
* `model`: Status, Perf, CheckResult, the facts, the thresholds and the shared helpers;
* `neutralization`: a neutralized copy, a test mail catcher;
* `servers`: the outgoing server, the default From against the servers' from_filter;
* `queue_cron`: the Email Queue Manager cron, its interval and its failures;
* `queue_age`: the oldest mail waiting, the mails scheduled for later;
* `volume`: failed mails, a failure spike, the daily volume;
* `envelopes`: the chatter's red envelopes (failed e-mail notifications);
* `bounces`: the bounce rate over the last day and week;
* `campaigns`: the mass-mailing queue's head;
* `addresses`: the administrator's e-mail, the alias (catchall) domain;
* `runner`: every check in report order, and `evaluate`;
* `report`: the overall status, the header summary, the Nagios plugin line.
"""

from __future__ import annotations

from console.domain.health.addresses import (
    PLACEHOLDER_ADMIN_EMAIL,
    check_admin_email,
    check_alias_domain,
)
from console.domain.health.bounces import check_bounces
from console.domain.health.campaigns import check_campaign_head
from console.domain.health.envelopes import check_envelopes
from console.domain.health.model import (
    CheckResult,
    ConfFact,
    HealthFacts,
    Perf,
    ServerFact,
    Status,
    Thresholds,
    cron_interval,
    worst,
)
from console.domain.health.neutralization import (
    TEST_CATCHER_NAMES,
    TEST_CATCHER_PORTS,
    check_neutralized,
    check_test_catcher,
)
from console.domain.health.queue_age import check_oldest_outgoing, check_scheduled
from console.domain.health.queue_cron import (
    check_queue_cron,
    check_queue_cron_failures,
    check_queue_cron_interval,
)
from console.domain.health.report import check_line, health_summary, overall
from console.domain.health.runner import CHECKS, evaluate
from console.domain.health.servers import check_default_from, check_outgoing_server
from console.domain.health.volume import check_daily_volume, check_failed, check_failure_spike

__all__ = [
    "CHECKS",
    "PLACEHOLDER_ADMIN_EMAIL",
    "TEST_CATCHER_NAMES",
    "TEST_CATCHER_PORTS",
    "CheckResult",
    "ConfFact",
    "HealthFacts",
    "Perf",
    "ServerFact",
    "Status",
    "Thresholds",
    "check_admin_email",
    "check_alias_domain",
    "check_bounces",
    "check_campaign_head",
    "check_daily_volume",
    "check_default_from",
    "check_envelopes",
    "check_failed",
    "check_failure_spike",
    "check_line",
    "check_neutralized",
    "check_oldest_outgoing",
    "check_outgoing_server",
    "check_queue_cron",
    "check_queue_cron_failures",
    "check_queue_cron_interval",
    "check_scheduled",
    "check_test_catcher",
    "cron_interval",
    "evaluate",
    "health_summary",
    "overall",
    "worst",
]
