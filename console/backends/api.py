"""The data boundary over Odoo's external API (console.backends.api_transport), for an
Odoo without database access (Odoo Online on a Custom plan, or a server whose
PostgreSQL is out of reach).

Reads page at the server (``search_read`` with a limit, keyset on the id; counts with
``search_count`` and the version's group-by); writes call Odoo's own methods, so they
are Odoo-exact by construction. What the API cannot offer (Odoo has no method for it,
or it lives in PostgreSQL) raises ``NotAvailableOverApi`` with the reason, in one line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from console.backends.api_health_reads import ApiHealthReads
from console.backends.api_transport import OdooApi
from console.backends.api_values import moment
from console.backends.api_writes import ApiWriter, NotAvailableOverApi
from console.domain.errors import ReadOnlyRefused
from console.domain.history import HISTORY_OVER_API
from console.domain.models import (
    CronRow,
    DatabaseInfo,
    MailPage,
    QueueStatus,
)
from console.domain.secrets import Credential, SecretMask
from console.domain.shape import SHAPE_OVER_API
from console.domain.timefmt import utcnow_naive
from console.odoo.secrets import MaskCache
from console.odoo.server_use import ServerNamer

if TYPE_CHECKING:
    from console.backends.base import MailQuery
    from console.domain.envelopes import EnvelopeCounts, EnvelopePage
    from console.smtp.rows import DbSettings

if TYPE_CHECKING:
    from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
    from console.domain.bounces import BounceCounter, BounceOverview, BouncePage
    from console.domain.causes import FailedRow, TextGroup
    from console.domain.envelopes import PartnerFailures
    from console.domain.models import CampaignRow, MailDetail
    from console.domain.pause import PauseState
    from console.smtp.prepare import MailAsSent


class ApiBackend(ApiHealthReads):
    """``console.backends.base.MailQueueBackend`` over Odoo's external API."""

    def __init__(self, api: OdooApi, *, read_only: bool) -> None:
        self.api = api
        self._read_only = read_only
        self._info: DatabaseInfo | None = None
        self._secrets = MaskCache(self._own_credentials)
        # odoo.conf is out of reach over the API: its SMTP host is not named
        self._servers = ServerNamer(api.version.major, lambda: (self._naming_settings(), None))

    def _naming_settings(self) -> DbSettings:
        """The settings each mail's server is named from, as the queue's cron user sees
        them (console.odoo.server_use)."""
        from console.backends.api_settings import api_mail_settings
        from console.domain.actions import SUPERUSER_ID

        return api_mail_settings(self.api, SUPERUSER_ID)

    @property
    def info(self) -> DatabaseInfo:
        if self._info is None:
            api = self.api
            self._info = DatabaseInfo(
                name=api.database,
                dialect=f"Odoo API over {api.protocol}",
                display_url=f"{api.url} ({api.protocol}, as {api.login})",
                odoo_version=api.version.major,
                odoo_version_label=api.version.label,
                read_only=self._read_only,
                has_mass_mailing=self._installed("mass_mailing"),
                neutralized=False,
                over_api=True,
                notes=(f"over Odoo's external API ({api.protocol}): actions are Odoo's own "
                       "methods; a cron's run, the index advice and Odoo's log are out of "
                       "reach",),
            )  # fmt: skip
        return self._info

    @property
    def acting_uid(self) -> int | None:
        return self.api.uid

    def _installed(self, module: str) -> bool:
        found = self.api.call(
            "ir.module.module",
            "search_count",
            domain=[("name", "=", module), ("state", "=", "installed")],
        )
        return bool(found)

    # -- reads ------------------------------------------------------------------------
    def status(self) -> QueueStatus:
        now = utcnow_naive().strftime("%Y-%m-%d %H:%M:%S")
        due = [("state", "=", "outgoing"), "|", ("scheduled_date", "=", False),
               ("scheduled_date", "<=", now)]  # fmt: skip
        later = [("state", "=", "outgoing"), ("scheduled_date", ">", now)]
        counts, oldest, later_count = self.api.gather(
            self._counts_by_state,
            lambda: self.api.call(
                "mail.mail", "search_read", domain=due, fields=["create_date"], order="id",
                limit=1,
            ),
            lambda: self.api.call("mail.mail", "search_count", domain=later),
        )  # fmt: skip
        return QueueStatus(
            counts=counts,
            oldest_due_outgoing=moment(oldest[0]["create_date"]) if oldest else None,
            scheduled_future=int(later_count),
        )

    def _counts_by_state(self) -> dict[str, int]:
        from console.backends.api_groups import grouped

        groups = grouped(self.api, "mail.mail", [], ["state"])
        return {str(g["state"]): g["__count"] for g in groups if g["state"]}

    def mail_page(self, query: MailQuery) -> MailPage:
        from console.backends.api_mails import api_mail_page

        mailing = self.info.has_mass_mailing
        page = api_mail_page(self.api, query, mailing=mailing, mask=self.secret_mask)
        return replace(page, rows=tuple(self._servers.rows(page.rows)))

    def count_mails(self, query: MailQuery) -> int:
        from console.backends.api_mails import api_count_mails

        return api_count_mails(self.api, query)

    def mail_ids(self, query: MailQuery, cap: int) -> list[int]:
        from console.backends.api_mails import api_mail_ids

        return api_mail_ids(self.api, query, cap)

    def envelope_counts(self) -> EnvelopeCounts:
        from console.backends.api_envelopes import api_envelope_counts

        return api_envelope_counts(self.api)

    def envelopes(self, *, before_id: int | None = None, limit: int = 200) -> EnvelopePage:
        from console.backends.api_envelopes import api_envelope_page

        size = max(1, min(limit, 1000))
        return api_envelope_page(self.api, before_id=before_id, limit=size, mask=self.secret_mask())

    def queue_shape(self, **_options: object) -> NoReturn:
        raise NotAvailableOverApi(SHAPE_OVER_API)

    def throughput(self, **_options: object) -> NoReturn:
        raise NotAvailableOverApi(HISTORY_OVER_API)

    def crons(self) -> list[CronRow]:
        from console.backends.api_crons import api_crons

        return api_crons(self.api)

    def secret_mask(self) -> SecretMask:
        """The API key and the database's mail secrets, read again every minute."""
        from console.backends.api_secrets import api_stored_credentials

        return self._secrets.get(lambda: api_stored_credentials(self.api))

    def known_credentials(self) -> list[Credential]:
        from console.backends.api_secrets import api_stored_credentials

        return [*self._own_credentials(), *api_stored_credentials(self.api)]

    def _own_credentials(self) -> list[Credential]:
        return [Credential(self.api._key, self.api.login)]

    def user_id(self, login: str) -> int | None:
        found = self.api.call("res.users", "search", domain=[("login", "=", login)], limit=1)
        return int(found[0]) if found else None

    def odoo_conf(self) -> None:
        return None

    def bundled_log(self) -> None:
        return None

    # -- failures, details, campaigns, bounces, the blacklist ------------------------------
    def failure_groups(self, *, with_ids: bool = False) -> list[TextGroup]:
        from console.backends.api_causes import api_failure_groups

        groups = api_failure_groups(self.api, self.secret_mask(), with_ids=with_ids)
        return self._servers.rows(groups)

    def failed_mails(self, page_size: int = 2000) -> Iterator[FailedRow]:
        from console.backends.api_causes import api_failed_page
        from console.odoo.causes import iter_pages

        mask = self.secret_mask()
        return iter_pages(
            lambda before, size: self._servers.rows(api_failed_page(self.api, mask, before, size)),
            page_size,
        )

    def mail_detail(self, mail_id: int) -> MailDetail | None:
        from console.backends.api_detail import api_mail_detail
        from console.backends.api_mails import mail_row

        mask = self.secret_mask()
        found = api_mail_detail(
            self.api, mail_id, mask, mailing=self.info.has_mass_mailing,
            row_of=lambda row, partners: mail_row(row, partners, mask, whole=True),
        )  # fmt: skip
        if found is None:
            return None
        return replace(found, mail=self._servers.rows([found.mail])[0])

    def campaigns(self, *, outgoing_counts: bool = True) -> list[CampaignRow]:
        from console.backends.api_campaigns import api_campaigns

        if not self.info.has_mass_mailing:
            return []
        return api_campaigns(self.api, utcnow_naive())

    def pause_state(self) -> PauseState | None:
        """The console's pause as a console on the database recorded it (the parameter is
        readable by Odoo administrators only; None when this user cannot read it)."""
        from console.domain.errors import ConsoleError
        from console.domain.pause import PAUSE_KEY
        from console.domain.pause import PauseState as State

        try:
            rows = self.api.call(
                "ir.config_parameter", "search_read", [[("key", "=", PAUSE_KEY)]], fields=["value"]
            )
        except ConsoleError:
            return None
        return State.from_json(str(rows[0]["value"])) if rows else None

    def held_ids(self) -> list[int]:
        return []  # holding needs a database connection (console.backends.api_writes)

    def blacklist(self, query: BlacklistQuery) -> BlacklistPage:
        from dataclasses import replace

        from console.backends.api_blacklist import api_blacklist_page

        bounded = replace(query, limit=max(1, min(query.limit, 1000)))
        return api_blacklist_page(self.api, bounded, contacts=self.info.has_mass_mailing)

    def blacklist_entries(self, emails: Sequence[str]) -> dict[str, BlacklistEntry]:
        from console.backends.api_blacklist import api_blacklist_entries

        return api_blacklist_entries(self.api, emails, contacts=self.info.has_mass_mailing)

    def bounce_overview(
        self, *, days: int = 14, limit: int = 20, now: datetime | None = None
    ) -> BounceOverview:
        from console.backends.api_bounces import api_bounce_overview

        return api_bounce_overview(
            self.api, days_back=days, limit=limit, now=now or utcnow_naive(),
            mailing=self.info.has_mass_mailing,
        )  # fmt: skip

    def bounced_notifications(
        self, *, before_id: int | None = None, limit: int = 200
    ) -> BouncePage:
        from console.backends.api_bounces import api_bounced_notifications

        return api_bounced_notifications(
            self.api, before_id=before_id, limit=limit, mask=self.secret_mask()
        )

    def bounced_traces(self, *, before_id: int | None = None, limit: int = 200) -> BouncePage:
        from console.backends.api_bounces import api_bounced_traces
        from console.domain.bounces import BouncePage

        if not self.info.has_mass_mailing:
            return BouncePage((), False)
        return api_bounced_traces(
            self.api, before_id=before_id, limit=limit, mask=self.secret_mask()
        )

    def bounce_counters(
        self, model: str, *, after: tuple[int, int] | None = None, limit: int = 200
    ) -> list[BounceCounter]:
        from console.backends.api_bounces import api_bounce_counters

        if model != "res.partner" and not self.info.has_mass_mailing:
            return []
        return api_bounce_counters(self.api, model, after=after, limit=limit)

    def messages_of_mails(self, mail_ids: Sequence[int]) -> list[int]:
        from console.backends.api_records import api_messages_of_mails

        return api_messages_of_mails(self.api, mail_ids)

    def scheduled_later(self, ids: Sequence[int]) -> list[datetime]:
        from console.backends.api_records import api_scheduled_later

        return api_scheduled_later(self.api, ids, utcnow_naive())

    def already_delivered(self, ids: Sequence[int]) -> tuple[int, int]:
        from console.backends.api_records import api_already_delivered

        return api_already_delivered(self.api, ids)

    def partner_failures(self, partner_id: int) -> PartnerFailures | None:
        from console.backends.api_records import api_partner_failures

        return api_partner_failures(self.api, partner_id)

    def mail_as_sent(
        self, mail_id: int, *, uid: int, max_message_mb: float, max_recipients: int
    ) -> MailAsSent | None:
        from console.backends.api_eml import api_mail_as_sent

        return api_mail_as_sent(
            self.api, mail_id, uid=uid, mailing=self.info.has_mass_mailing,
            max_message_mb=max_message_mb, max_recipients=max_recipients,
        )  # fmt: skip

    # -- writes -----------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[ApiWriter]:
        if self._read_only:
            raise ReadOnlyRefused("Read-only session: this console does not write (--read-only)")
        yield ApiWriter(self.api, has_mass_mailing=self.info.has_mass_mailing)

    def replaced(self) -> bool:
        return False  # a server: nothing under the console to be swapped

    def close(self) -> None:
        self.api.close()

    def send_session(self, uid: int, max_message_mb: float) -> NoReturn:
        """The console's own SMTP path: not over the API (Send now is Odoo's own there)."""
        raise NotAvailableOverApi(
            "The console's own Send now holds the queue's lock in the database: over "
            "Odoo's API, Send now is Odoo's own (mail.mail.send)"
        )


def open_api_backend(
    url: str, database: str, login: str, key: str, *, read_only: bool
) -> ApiBackend:
    api = OdooApi(url, database, login, key)
    try:
        api.open()
    except BaseException:
        api.close()
        raise
    return ApiBackend(api, read_only=read_only)
