"""The API backend's health, routing and mail settings (a mixin of
``console.backends.api.ApiBackend``), each read by its own module (console.backends
.api_health, api_routing, api_settings, api_oca); what the API cannot read says "not
available over the API"."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    from console.backends.api_transport import OdooApi
    from console.domain.health import HealthFacts
    from console.domain.inbound import RoutingSetup, Verdict
    from console.domain.models import CampaignRow, CronRow, DatabaseInfo, QueueStatus
    from console.domain.queue_index import QueueIndexFacts
    from console.smtp.rows import DbSettings
    from console.smtp.server_choice import ConfSmtp


class ApiHealthReads:
    if TYPE_CHECKING:  # provided by ApiBackend
        api: OdooApi

        @property
        def info(self) -> DatabaseInfo: ...

        def status(self) -> QueueStatus: ...

        def crons(self) -> list[CronRow]: ...

        def campaigns(self, *, outgoing_counts: bool = True) -> list[CampaignRow]: ...

    def health_facts(self, *, now: datetime | None = None) -> HealthFacts:
        from console.backends.api_health import api_health_facts
        from console.backends.api_oca import api_oca_facts

        mass_mailing = self.info.has_mass_mailing
        return api_health_facts(
            self.api,
            now=now,
            has_mass_mailing=mass_mailing,
            crons=self.crons,
            campaigns=lambda: self.campaigns() if mass_mailing else [],
            oca=lambda at: api_oca_facts(self.api, at),
        )

    def status_and_volume(self, *, now: datetime | None = None) -> tuple[QueueStatus, int]:
        from console.backends.api_health import ApiFacts

        moment = now or utcnow_naive()
        return self.status(), ApiFacts(self.api, moment, self.info.has_mass_mailing).volume()

    def queue_index_facts(self, *, min_rows: int, now: datetime | None = None) -> QueueIndexFacts:
        from console.backends.api_health import api_index_facts

        return api_index_facts()

    def default_from_address(self) -> str | None:
        from console.backends.api_health import api_default_from

        return api_default_from(self.api)

    def routing_setup(self) -> RoutingSetup:
        from console.backends.api_routing import api_routing_setup

        return api_routing_setup(self.api)

    def inbound_check(
        self, address: str, *, in_reply_to: str | None = None, sender: str | None = None
    ) -> Verdict:
        from console.backends.api_routing import api_inbound_check

        return api_inbound_check(self.api, address, in_reply_to=in_reply_to, sender=sender)

    def mail_servers(self) -> list[dict[str, object]]:
        from console.backends.api_settings import api_mail_servers

        return api_mail_servers(self.api)

    def oca_modules(self) -> frozenset[str]:
        from console.backends.api_oca import api_installed_modules

        return api_installed_modules(self.api)

    def mail_parameters(self) -> dict[str, str]:
        from console.backends.api_settings import api_mail_parameters

        return api_mail_parameters(self.api)

    def mail_settings(self, uid: int) -> tuple[DbSettings, ConfSmtp | None]:
        """The servers and parameters as ``uid`` sees them; odoo.conf is out of reach."""
        from console.backends.api_settings import api_mail_settings

        return api_mail_settings(self.api, uid), None
