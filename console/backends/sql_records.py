"""The SQL backend's reads of Odoo's records around the mails: the red envelopes, the
blacklist and the bounces (a mixin of ``console.backends.sql.SqlBackend``, which runs
each read on its engine)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from console.domain.timefmt import utcnow_naive
from console.odoo import bounces as bounce_sql
from console.odoo import envelopes as envelope_sql

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
    from console.domain.bounces import BounceCounter, BounceOverview, BouncePage
    from console.domain.envelopes import EnvelopeCounts, EnvelopePage, PartnerFailures
    from console.domain.models import DatabaseInfo
    from console.domain.secrets import SecretMask
    from console.odoo.schema import OdooSchema

T = TypeVar("T")


class RecordReads:
    if TYPE_CHECKING:  # provided by SqlBackend
        schema: OdooSchema
        _info: DatabaseInfo

        def _run(self, work: Callable[[Connection], T]) -> T: ...

        def secret_mask(self) -> SecretMask: ...

    # -- red envelopes ------------------------------------------------------------
    def envelope_counts(self) -> EnvelopeCounts:
        return self._run(lambda c: envelope_sql.envelope_counts(c, self.schema))

    def already_delivered(self, ids: Sequence[int]) -> tuple[int, int]:
        if not envelope_sql.readable(self.schema):
            return 0, 0
        wanted = list(dict.fromkeys(int(i) for i in ids))
        mails = recipients = 0
        for start in range(0, len(wanted), 5000):  # bounded statements for a select-all
            chunk = wanted[start : start + 5000]
            found = self._run(partial(envelope_sql.already_delivered, mail_ids=chunk))
            mails, recipients = mails + found[0], recipients + found[1]
        return mails, recipients

    def envelopes(self, *, before_id: int | None = None, limit: int = 200) -> EnvelopePage:
        mask = self.secret_mask()
        size = max(1, min(limit, 1000))
        return self._run(
            lambda c: envelope_sql.envelope_page(
                c, self.schema, before_id=before_id, limit=size, mask=mask
            )
        )

    def partner_failures(self, partner_id: int) -> PartnerFailures | None:
        return self._run(lambda c: envelope_sql.partner_failures(c, self.schema, partner_id))

    def messages_of_mails(self, mail_ids: Sequence[int]) -> list[int]:
        from console.odoo.notification_writes import messages_of

        wanted = list(dict.fromkeys(int(i) for i in mail_ids))
        found = self._run(lambda c: messages_of(c, self.schema, wanted))
        return list(dict.fromkeys(found[i] for i in wanted if i in found))

    # -- the e-mail blacklist (console.odoo.blacklist) ---------------------------
    def blacklist(self, query: BlacklistQuery) -> BlacklistPage:
        from console.odoo import blacklist

        bounded = replace(query, limit=max(1, min(query.limit, 1000)))
        return self._run(lambda c: blacklist.blacklist_page(c, self.schema, bounded))

    def blacklist_entries(self, emails: Sequence[str]) -> dict[str, BlacklistEntry]:
        from console.odoo import blacklist

        return self._run(lambda c: blacklist.entries_by_email(c, self.schema, list(emails)))

    # -- bounces (docs/odoo-bounces.md) ---------------------------------------
    def bounce_overview(
        self, *, days: int = 14, limit: int = 20, now: datetime | None = None
    ) -> BounceOverview:
        moment = now or utcnow_naive()
        version = self._info.odoo_version
        return self._run(
            lambda c: bounce_sql.overview(
                c, self.schema, version, days_back=days, limit=limit, now=moment
            )
        )

    def bounced_notifications(
        self, *, before_id: int | None = None, limit: int = 200
    ) -> BouncePage:
        mask = self.secret_mask()
        return self._run(
            lambda c: bounce_sql.bounced_notifications(
                c, self.schema, before_id=before_id, limit=limit, mask=mask
            )
        )

    def bounced_traces(self, *, before_id: int | None = None, limit: int = 200) -> BouncePage:
        mask = self.secret_mask()
        return self._run(
            lambda c: bounce_sql.bounced_traces(
                c, self.schema, before_id=before_id, limit=limit, mask=mask
            )
        )

    def bounce_counters(
        self, model: str, *, after: tuple[int, int] | None = None, limit: int = 200
    ) -> list[BounceCounter]:
        return self._run(
            lambda c: bounce_sql.bounce_counters(c, self.schema, model, after=after, limit=limit)
        )
