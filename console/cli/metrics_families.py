"""The exporter's series: every name, its help and labels, built from one scrape's readings
(console.services.metrics_targets) as prometheus_client metric families.

Every series carries the ``database`` label. A database that did not answer has only
``odoo_mailq_up 0``, its scrape duration and its error counter; a value this connection
cannot read at all (the red envelopes or the bounce windows over Odoo's API, whether the
queue cron runs on SQLite) is left out rather than reported as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from console.services.metrics import QueueSnapshot
from console.services.metrics_targets import TargetReading

PREFIX = "odoo_mailq_"


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # without PREFIX (and without _total for a counter)
    help: str
    labels: tuple[str, ...] = ()  # besides "database"
    counter: bool = False

    @property
    def exposed(self) -> str:
        """The name as a scrape shows it (a counter's samples end in _total)."""
        return PREFIX + self.name + ("_total" if self.counter else "")


UP = Series("up", "1 if the last scrape read this database, 0 if it could not")
DURATION = Series("scrape_duration_seconds", "How long the last scrape of this database took")
ERRORS = Series("scrape_errors", "Scrapes of this database that failed", counter=True)
INFO = Series("info", "The database's Odoo version (always 1)", ("odoo_version",))
MAILS = Series("mails", "Mails in mail_mail per state", ("state",))
OLDEST_DUE = Series(
    "oldest_due_mail_age_seconds",
    "Age of the oldest outgoing mail already due (0: none waiting)",
)
SCHEDULED = Series("scheduled_mails", "Outgoing mails scheduled for later")
BY_CLASS = Series(
    "failed_mails_by_class",
    "Failed mails (state exception) per cause class: transient, permanent-recipient, "
    "configuration, unrecognised",
    ("class",),
)
BY_CAUSE = Series(
    "failed_mails_by_cause",
    "Failed mails per cause (key as `odoo-mailq causes` shows it); the smaller causes "
    "summed under key other",
    ("key", "class", "title"),
)
ENVELOPES = Series("red_envelopes", "Chatter messages with a failed e-mail (red envelopes)")
ENVELOPE_RECIPIENTS = Series(
    "red_envelope_recipients", "Failed e-mail notifications of the red envelopes"
)
ENVELOPE_BOUNCED = Series("red_envelope_bounced", "Of those notifications, the ones in bounce")
BOUNCED = Series(
    "bounced_mails",
    "Mails that bounced, of those accepted in the window (24h or 7d)",
    ("window",),
)
ACCEPTED = Series(
    "accepted_mails",
    "Mails the receiving servers accepted in the window (24h or 7d): the bounce rate's base",
    ("window",),
)
CRON_ACTIVE = Series("queue_cron_active", "1 if the Email Queue Manager cron is active")
CRON_LATE = Series(
    "queue_cron_late_seconds",
    "How long ago the Email Queue Manager's next call was due (0: not yet due)",
)
CRON_RUNNING = Series("queue_cron_running", "1 if a worker runs the Email Queue Manager right now")
HEAD_STUCK = Series(
    "campaign_head_stuck_seconds",
    "How long the campaign at the head of the mass-mailing queue has sent nothing new "
    "(0: none sending)",
)
VOLUME = Series(
    "sent_mails_24h",
    "Mails sent or attempted in the last 24 hours that left a trace (a lower bound)",
)
DAILY_LIMIT = Series("daily_limit_mails", "The daily sending limit given with --daily-limit")

SERIES = (
    UP, DURATION, ERRORS, INFO, MAILS, OLDEST_DUE, SCHEDULED, BY_CLASS, BY_CAUSE, ENVELOPES,
    ENVELOPE_RECIPIENTS, ENVELOPE_BOUNCED, BOUNCED, ACCEPTED, CRON_ACTIVE, CRON_LATE,
    CRON_RUNNING, HEAD_STUCK, VOLUME, DAILY_LIMIT,
)  # fmt: skip
Sample = tuple[Series, tuple[str, ...], float]  # series, its extra label values, value


def metric_families(readings: Sequence[TargetReading]) -> list[Metric]:
    """Every series of these readings, each family once, databases in the given order."""
    families: dict[str, GaugeMetricFamily | CounterMetricFamily] = {}
    for series in SERIES:
        labels = ["database", *series.labels]
        family = CounterMetricFamily if series.counter else GaugeMetricFamily
        families[series.name] = family(PREFIX + series.name, series.help, labels=labels)
    for reading in readings:
        database = reading.target.label
        for series, values, value in reading_samples(reading):
            families[series.name].add_metric([database, *values], value)
    return [f for f in families.values() if f.samples]


def reading_samples(reading: TargetReading) -> list[Sample]:
    samples: list[Sample] = [
        (UP, (), 1.0 if reading.snapshot is not None else 0.0),
        (DURATION, (), reading.duration_seconds),
        (ERRORS, (), float(reading.errors_total)),
    ]
    if reading.snapshot is not None:
        samples += snapshot_samples(reading.snapshot)
        if reading.target.daily_limit is not None:
            samples.append((DAILY_LIMIT, (), float(reading.target.daily_limit)))
    return samples


def snapshot_samples(snap: QueueSnapshot) -> list[Sample]:
    samples: list[Sample] = [(INFO, (snap.odoo_version,), 1.0)]
    samples += [(MAILS, (state,), float(n)) for state, n in snap.counts.items()]
    samples += [
        (OLDEST_DUE, (), snap.oldest_due_age_seconds),
        (SCHEDULED, (), float(snap.scheduled_future)),
        (HEAD_STUCK, (), snap.campaign_head_stuck_seconds),
    ]
    samples += [(BY_CLASS, (klass,), float(n)) for klass, n in snap.failed_by_class.items()]
    samples += [(BY_CAUSE, (c.key, c.klass, c.title), float(c.count)) for c in snap.causes]
    if snap.envelopes is not None:
        samples += [
            (ENVELOPES, (), float(snap.envelopes.messages)),
            (ENVELOPE_RECIPIENTS, (), float(snap.envelopes.notifications)),
            (ENVELOPE_BOUNCED, (), float(snap.envelopes.bounced)),
        ]
    for window in snap.bounces or ():
        samples += [
            (BOUNCED, (window.label,), float(window.bounced)),
            (ACCEPTED, (window.label,), float(window.sent)),
        ]
    cron = snap.queue_cron
    samples.append((CRON_ACTIVE, (), 1.0 if cron is not None and cron.active else 0.0))
    if cron is not None:
        samples.append((CRON_LATE, (), cron.late_seconds))
        if cron.running is not None:
            samples.append((CRON_RUNNING, (), 1.0 if cron.running else 0.0))
    samples.append((VOLUME, (), float(snap.volume_24h)))
    return samples


class QueueMetrics(Collector):
    """A prometheus_client collector: each collect() is one scrape of every target."""

    def __init__(self, scrape: Callable[[], Sequence[TargetReading]]) -> None:
        self._scrape = scrape

    def collect(self) -> Iterable[Metric]:
        return metric_families(self._scrape())
