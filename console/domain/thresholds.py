"""The health checks' thresholds, apart from the checks (console.domain.health) so the
command line can show their defaults in --help without loading every check."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    warn_failed: int = 10
    crit_failed: int = 50
    max_oldest_outgoing_min: float | None = None  # CRITICAL above; default 2 intervals
    cron_grace_min: float = 5.0  # Odoo's runner polls every minute; allow a few
    min_interval_min: float = 5.0
    max_interval_min: float = 60.0
    recommended_interval_min: float = 15.0
    cron_running_long_min: float = 60.0
    spike_min_count: int = 5
    spike_factor: float = 3.0
    spike_crit_count: int = 20
    spike_crit_factor: float = 10.0
    campaign_stall_floor_min: float = 15.0
    campaign_stall_cap_min: float = 60.0
    daily_warn_ratio: float = 0.8
    warn_envelopes: int = 1  # any red envelope is a failure an Odoo user sees
    # Bounce rate (README "Bounces"): ESPs call under 2% fine and act from 5%.
    warn_bounce_rate: float = 0.02
    crit_bounce_rate: float = 0.05
    bounce_min_sent: int = 100  # fewer mails in a window: too few to judge, never a page
