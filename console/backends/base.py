"""The data boundary: everything the services, the CLI and the TUI may read or write of
an Odoo database. ``console.backends.sql`` implements it on SQLAlchemy Core,
``console.backends.api`` over Odoo's external API; nothing above knows which one it holds
(what the API cannot do raises ``NotAvailable`` with the reason).

Calls are synchronous and may be slow: the TUI runs them in thread workers. What any
method may raise (all ``console.domain.errors``, each with a one-line message the CLI
prints as is): ``ConnectionFailed`` (the database went away), ``QueryFailed`` (a read or
write failed: timeout, odd data), ``ReadOnlyRefused`` (a write in a read-only session).
Opening a backend (``console.backends.connect.open_backend``) may also raise
``NotOdooDatabase`` and ``UnsupportedOdooVersion``. Texts read through the interface
(failure reasons, server settings) have the database's secrets masked already.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from console.backends.base_writes import MailWriter as MailWriter  # part of the boundary
from console.backends.send_session import SendSession as SendSession  # part of the boundary

if TYPE_CHECKING:  # typing only: the TUI's first frame imports this module
    from pathlib import Path

    from console.config.odoo_conf import OdooConf
    from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
    from console.domain.bounces import BounceCounter, BounceOverview, BouncePage
    from console.domain.causes import FailedRow, TextGroup
    from console.domain.envelopes import EnvelopeCounts, EnvelopePage, PartnerFailures
    from console.domain.health import HealthFacts
    from console.domain.history import History
    from console.domain.inbound import RoutingSetup, Verdict
    from console.domain.models import (
        CampaignRow,
        CronRow,
        DatabaseInfo,
        MailDetail,
        MailPage,
        QueueStatus,
    )
    from console.domain.pause import PauseState
    from console.domain.queue_index import QueueIndexFacts
    from console.domain.secrets import Credential, SecretMask
    from console.domain.shape import QueueShape
    from console.smtp.prepare import MailAsSent
    from console.smtp.rows import DbSettings
    from console.smtp.server_choice import ConfSmtp


@dataclass(frozen=True, slots=True)
class MailQuery:
    """Which mails a list shows.

    states: mail_mail.state values; empty means every state.
    text: free-text filter matched (case-insensitively) against addresses, subject,
        document name and failure reason; a number also matches the mail id.
    before_id / after_id: keyset bounds (exclusive); pages are always newest first.
    by_failure: newest failure first, on the key (failure second, id) of
        console.domain.mail_order; ``before_at``/``after_at``: the bounds' seconds.
    """

    states: tuple[str, ...] = ()
    text: str = ""
    before_id: int | None = None
    after_id: int | None = None
    limit: int = 200
    by_failure: bool = False
    before_at: datetime | None = None
    after_at: datetime | None = None


class MailQueueBackend(Protocol):
    @property
    def info(self) -> DatabaseInfo:
        """What this database is (name, Odoo version, neutralized, read-only session), read
        once when the backend opens."""
        ...

    @property
    def acting_uid(self) -> int | None:
        """The Odoo user every write is made as when the connection decides it (over
        Odoo's API: the user who logged in); None: the console chooses (--odoo-user)."""
        ...

    def status(self) -> QueueStatus:
        """The queue's counts per state, the oldest outgoing mail that is due, how many
        are scheduled for later: the header line."""
        ...

    def mail_page(self, query: MailQuery) -> MailPage:
        """One page of mails, newest first, at most ``query.limit`` rows (keyset paging,
        see MailQuery), with recipients, document names and servers (``MailRow.server``)."""
        ...

    def count_mails(self, query: MailQuery) -> int:
        """How many mails match ``query`` (its states and text)."""
        ...

    def mail_ids(self, query: MailQuery, cap: int) -> list[int]:
        """The ids of every mail matching ``query``, newest first, at most ``cap``: what a
        select-all acts on, without reading the rows."""
        ...

    def scheduled_later(self, ids: Sequence[int]) -> list[datetime]:
        """When each of these mails falls due, earliest first, for the outgoing ones
        scheduled after now (Send now leaves them queued unless asked)."""
        ...

    def already_delivered(self, ids: Sequence[int]) -> tuple[int, int]:
        """Of these mails, how many already reached at least one recipient, and how many
        recipients in all: Retry (Odoo's too) sends to every recipient again."""
        ...

    def mail_detail(self, mail_id: int) -> MailDetail | None:
        """One mail with everything the detail view shows (None: no such mail)."""
        ...

    def failure_groups(self, *, with_ids: bool = False) -> list[TextGroup]:
        """The failed mails grouped by failure type, reason prefix and server (named),
        newest group first, reasons masked (console.domain.causes merges them)."""
        ...

    def failed_mails(self, page_size: int = 2000) -> Iterator[FailedRow]:
        """Every failed mail, newest first, read `page_size` at a time, reasons masked."""
        ...

    def routing_setup(self) -> RoutingSetup:
        """Where incoming mail can land: alias domains (17+), 16's catchall settings, and
        every alias with its model and contact policy."""
        ...

    def inbound_check(
        self, address: str, *, in_reply_to: str | None = None, sender: str | None = None
    ) -> Verdict:
        """What Odoo's mail gateway would do with a mail to ``address`` (a reply to
        ``in_reply_to``, from ``sender``): accepted for which record, bounced, rejected."""
        ...

    def health_facts(self, *, now: datetime | None = None) -> HealthFacts:
        """What the health checks judge (console.domain.health), each fact read on its own:
        one that cannot be read is None and named in ``unreadable``, never an error; what
        this connection cannot read at all (over Odoo's API) is in ``not_available``."""
        ...

    def queue_index_facts(self, *, min_rows: int, now: datetime | None = None) -> QueueIndexFacts:
        """What an index on ``mail_mail.state`` would save Odoo's queue search, measured
        reading only (PostgreSQL; SQLite says so), on a table of at least ``min_rows``."""
        ...

    def default_from_address(self) -> str | None:
        """The From Odoo puts on notifications by default (None when none is set)."""
        ...

    def envelope_counts(self) -> EnvelopeCounts:
        """How many chatter messages have a failed e-mail notification (red envelopes), as
        Odoo's systray counts them, with the failed recipients, bounces and authors."""
        ...

    def envelopes(self, *, before_id: int | None = None, limit: int = 200) -> EnvelopePage:
        """The red envelopes, newest message first, keyset-paged on the message id; each
        with its failed recipients (reasons masked) and their mail rows, if any remain."""
        ...

    def partner_failures(self, partner_id: int) -> PartnerFailures | None:
        """A partner's name and address, and the newest messages whose e-mail to it
        failed (None: no such partner): the resend wizard's recipient line."""
        ...

    def messages_of_mails(self, mail_ids: Sequence[int]) -> list[int]:
        """The chatter messages of these mails (those that still exist), in their order."""
        ...

    def blacklist(self, query: BlacklistQuery) -> BlacklistPage:
        """Odoo's e-mail blacklist, newest entry first, keyset-paged on the id, searched on
        the address, each with its newest chatter line and who carries the address."""
        ...

    def blacklist_entries(self, emails: Sequence[str]) -> dict[str, BlacklistEntry]:
        """The entries of these normalized addresses, active or not (missing: none)."""
        ...

    # -- bounces (docs/odoo-bounces.md) --
    def bounce_overview(
        self, *, days: int = 14, limit: int = 20, now: datetime | None = None
    ) -> BounceOverview:
        """The bounce rates over the last 24 hours and 7 days, per day for ``days`` days
        and for the newest ``limit`` campaigns (Odoo's ratio), and the ``limit`` partners
        and mailing contacts with the most bounces."""
        ...

    def bounced_notifications(
        self, *, before_id: int | None = None, limit: int = 200
    ) -> BouncePage:
        """The bounced e-mail notifications, newest first (keyset on their id)."""
        ...

    def bounced_traces(self, *, before_id: int | None = None, limit: int = 200) -> BouncePage:
        """The bounced mass-mailing traces, newest first (keyset on their id)."""
        ...

    def bounce_counters(
        self, model: str, *, after: tuple[int, int] | None = None, limit: int = 200
    ) -> list[BounceCounter]:
        """Records of ``model`` (res.partner, mailing.contact) with bounces, most first,
        keyset after (bounces, id); empty when the model's table is missing."""
        ...

    def queue_shape(
        self, *, by: str = "domain", state: str = "outgoing", limit: int = 10,
        now: datetime | None = None,
    ) -> QueueShape:  # fmt: skip
        """Mails of a state by domain/server/model/cause and age (console.domain.shape)."""
        ...

    def throughput(self, *, days: int = 3, now: datetime | None = None) -> History:
        """Sent, failed and bounced per hour over the last ``days`` (docs/odoo-history.md)."""
        ...

    def crons(self) -> list[CronRow]:
        """Every scheduled action, with whether Odoo's runner holds it now (None when that
        cannot be told: SQLite, Odoo's API)."""
        ...

    def status_and_volume(self, *, now: datetime | None = None) -> tuple[QueueStatus, int]:
        """``status()``, and the mails sent or attempted in the 24 hours before ``now``
        that left a trace (a lower bound: auto-deleted mails leave none, campaign mails
        leave their trace; what the daily-limit check counts), read together (one scan
        of mail_mail over SQL): what the exporter reads."""
        ...

    def campaigns(self, *, outgoing_counts: bool = True) -> list[CampaignRow]:
        """The queued and sending mass mailings, in the order Odoo's cron takes them;
        ``outgoing_counts=False``: without counting each one's outgoing mails (left at
        0), for a reader that needs only the order and the traces."""
        ...

    def pause_state(self) -> PauseState | None:
        """The console's pause of Odoo's queue (the ``odoo_mailq.pause`` parameter), if any."""
        ...

    def held_ids(self) -> list[int]:
        """The mails the console holds (the ``odoo_mailq.held`` parameter), newest first."""
        ...

    def secret_mask(self) -> SecretMask:
        """Masks the secrets this database knows (SMTP and database passwords) in any
        text before it is shown or written; reasons read through this interface are
        already masked."""
        ...

    def mail_servers(self) -> list[dict[str, object]]:
        """The outgoing mail servers as configured, in Odoo's order; password columns are
        never read."""
        ...

    def oca_modules(self) -> frozenset[str]:
        """The OCA mail modules installed (console.domain.oca_modules)."""
        ...

    def mail_parameters(self) -> dict[str, str]:
        """The system parameters that steer mail (``mail.*``, ``mass_mailing.*``, the base
        URL, neutralization, the size limit, where attachments live)."""
        ...

    def odoo_conf(self) -> OdooConf | None:
        """The odoo.conf this connection was told about (None: none given)."""
        ...

    def bundled_log(self) -> Path | None:
        """Odoo's log that ships with this database: the bundled sample's (None otherwise)."""
        ...

    def known_credentials(self) -> list[Credential]:
        """Every secret of this database and connection, read now, for a redactor to find
        wherever it appears; never to be shown."""
        ...

    def user_id(self, login: str) -> int | None:
        """The id of the Odoo user with this login (None: no such user)."""
        ...

    def writing(self) -> AbstractContextManager[MailWriter]:
        """One transaction for the writes of one action: committed when the block ends,
        rolled back if it raises. ReadOnlyRefused when the console does not write."""
        ...

    def send_session(self, uid: int, max_message_mb: float) -> SendSession:
        """A Send now run acting as user ``uid``; mails bigger than ``max_message_mb`` are
        left to Odoo. Raises ReadOnlyRefused when the console does not write."""
        ...

    def mail_settings(self, uid: int) -> tuple[DbSettings, ConfSmtp | None]:
        """The outgoing mail servers and mail parameters as user ``uid`` sees them, and
        odoo.conf's SMTP fallback (None: no odoo.conf given); UsageError when odoo.conf
        holds a value Odoo would refuse to start with."""
        ...

    def mail_as_sent(
        self, mail_id: int, *, uid: int, max_message_mb: float, max_recipients: int
    ) -> MailAsSent | None:
        """The mail as Send now would hand it to SMTP, read without a lock or a write
        (None: no such mail); SkipMail (TooBig, TooManyRecipients...) when it would not be
        built, past ``max_message_mb`` or ``max_recipients`` recipient partners."""
        ...

    def replaced(self) -> bool:
        """The database file was swapped under the console: reconnect to see the new one."""
        ...

    def close(self) -> None:
        """Release the connections; the backend is not used afterwards."""
        ...
