"""The orders of the mail lists, one key for both: newest created first (by id), or, for
the Failed list, newest failure first.

A key is (failure second, id), compared as a tuple and always total: the id breaks every
tie. The failure time is cut to the second because Odoo's external API gives datetimes
to the second, so both backends page on the same key and return the same order.
The id order uses the same shape with a constant time, so one comparison serves both.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.domain.models import MailRow

# Stands for a missing time: it sorts after every real one (oldest), never raises.
NO_TIME = datetime(1970, 1, 1)

ListKey = tuple[datetime, int]


def failure_second(moment: datetime | None) -> datetime:
    """A failure time as the Failed list orders it: to the second, a missing one oldest."""
    return NO_TIME if moment is None else moment.replace(microsecond=0, tzinfo=None)


def list_key(row: MailRow, by_failure: bool) -> ListKey:
    """Where a row sits in its list: larger keys come first (newest first)."""
    return key_of(row.failed_at, row.id, by_failure)


def key_of(failed_at: datetime | None, mail_id: int, by_failure: bool) -> ListKey:
    """The key of a mail failed at `failed_at` (or of a keyset bound)."""
    return (failure_second(failed_at) if by_failure else NO_TIME, mail_id)
