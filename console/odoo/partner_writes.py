"""Fix a partner's e-mail address as the resend wizard's recipient line does.

The wizard's ``email`` is a related field on the partner (``related_sudo=False``): saving
it is ``res.partner.write({'email': ...})`` as the user. The ORM then stores the
recomputed ``email_normalized`` (``mail.thread.blacklist``), and because mail tracks the
field (``email = fields.Char(tracking=1)``) it logs the change in the partner's chatter
(console.odoo.tracking). Inside the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.mailtools import email_normalize
from console.odoo import tracking
from console.odoo.schema import OdooSchema

CHANGED = "its address changed meanwhile (it is {now!r} now)"
NO_PARTNER = "no such partner"
SAME = "it already has this address"


def fix_partner_email(
    connection: Connection,
    schema: OdooSchema,
    partner_id: int,
    *,
    email: str,
    expected: str | None,
    version: int,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """Set the partner's address to ``email`` if it is still ``expected``."""
    partner = schema.t("res_partner")
    query: Any = select(partner.c.email).where(partner.c.id == partner_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    row = connection.execute(query).first()
    skipped = None
    if row is None:
        skipped = NO_PARTNER
    elif (row.email or None) != (expected or None):
        skipped = CHANGED.format(now=row.email or "")
    elif row.email == email:
        skipped = SAME
    if row is None or skipped is not None:
        return WriteOutcome(
            action="fix-address",
            requested=(partner_id,),
            skipped={partner_id: skipped or NO_PARTNER},
            noun="partner",
        )
    values: dict[str, Any] = {"email": email or None, "write_uid": uid, "write_date": now}
    if "email_normalized" in partner.c:
        values["email_normalized"] = email_normalize(email, strict=False)
    connection.execute(update(partner).where(partner.c.id == partner_id).values(values))
    note = ""
    try:
        log = tracking.prepare_log(
            connection,
            schema,
            version=version,
            uid=uid,
            model="res.partner",
            specs=tracking.PARTNER_FIELDS,
        )
    except tracking.ChatterUnavailable as exc:
        note = f"no chatter line logged: {exc}"
        chatter: dict[int, int] = {}
    else:
        change = tracking.FieldChange("email", row.email or None, email)
        chatter = {
            partner_id: tracking.log_tracking(
                connection,
                schema,
                log,
                model="res.partner",
                res_id=partner_id,
                changes=[change],
                now=now,
            )
        }
    return WriteOutcome(
        action="fix-address",
        requested=(partner_id,),
        applied=(partner_id,),
        chatter=chatter,
        note=note,
        details={"previous_email": row.email, "email": email},
        noun="partner",
    )
