"""Turn a description of one mail into the rows Odoo would hold for it.

A ``MailSpec`` says what happened (who wrote what to whom, when it was sent or how it
failed); ``MailFactory.emit`` writes the matching ``mail_message``, ``mail_mail``,
recipient, attachment, ``mail_notification`` and ``mailing_trace`` rows with the value
vocabulary of the chosen Odoo version.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sample_db.failures import Failure
from sample_db.sinks import RowSink
from sample_db.vocab import BOUNCE, COMPANY, DOMAIN, HOSTNAME, WEBMAIL

EPOCH = datetime(1970, 1, 1)
REPLY_TO = f'"{COMPANY}" <catchall@{DOMAIN}>'
LAYOUT = (
    '<div style="margin:0px;padding:0px;font-size:13px;">{body}'
    '<div style="font-size:13px;"><br/>--<br/>{company}<br/>'
    '<a href="https://www.{domain}">www.{domain}</a></div></div>'
)


def default_auto_delete(state: str, failure: Failure | None) -> bool:
    """Chatter notifications are created with auto_delete; the ones still in the table
    are those not sent yet, failed for a reason that keeps them, or configured to stay."""
    return state != "sent" and (failure is None or failure.kind != "recipients")


@dataclass(frozen=True, slots=True)
class NotifOverride:
    """A recipient whose notification did not follow the mail's fate."""

    status: str
    failure_type: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True, slots=True)
class TraceSpec:
    mailing_id: int
    contact_id: int
    email: str | None
    status: str | None = None  # None: derived from the mail state
    failure_type: str | None = None
    failure_reason: str | None = None  # 17+ only
    open_at: datetime | None = None
    reply_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AttachmentSpec:
    name: str
    data: bytes
    mimetype: str = "application/pdf"


@dataclass(slots=True)
class MailSpec:
    at: datetime  # creation of the message and the mail
    kind: str  # chatter | note | direct | campaign | incoming
    state: str  # outgoing | sent | received | exception | cancel
    subject: str | None
    body: str
    email_from: str
    author_id: int | None
    create_uid: int
    model: str | None = None
    res_id: int | None = None
    record_name: str | None = None
    partner_ids: tuple[int, ...] = ()
    email_to: str | None = None
    email_cc: str | None = None
    failure: Failure | None = None
    mail_failure_type: str | None = None  # e.g. mail_bl on a cancelled campaign mail
    done_at: datetime | None = None  # sent / failed / cancelled at
    done_uid: int = 1
    scheduled_date: datetime | None = None
    auto_delete: bool = False
    mail_server_id: int | None = None
    mailing_id: int | None = None
    trace: TraceSpec | None = None
    attachments: tuple[AttachmentSpec, ...] = ()
    notif_overrides: dict[int, NotifOverride] = field(default_factory=dict)
    inbox_partner_ids: tuple[int, ...] = ()
    fetchmail_server_id: int | None = None
    parent_msgid: str | None = None
    deleted: bool = False  # auto-deleted after sending: only the trace remains
    tag: str | None = None  # scenario label, collected in MailFactory.tags


class MailFactory:
    def __init__(self, sink: RowSink, version: int, rng: random.Random) -> None:
        self.sink = sink
        self.version = version
        self.rng = rng
        self._next: dict[str, int] = defaultdict(lambda: 1)
        self.tags: dict[str, list[int]] = defaultdict(list)
        self.mail_ids_by_state: dict[str, int] = defaultdict(int)
        self.last_message_id = ""  # the Message-Id of the mail emit() wrote last (the log's)

    def next_id(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def tracking_message_id(self, at: datetime, tag: str) -> str:
        """``tools.generate_tracking_message_id``: <rnd.time-openerp-tag@host>."""
        seconds = (at - EPOCH).total_seconds() + self.rng.random()
        rnd = self.rng.randrange(10**14, 10**15)
        return f"<{rnd}.{seconds:.15f}-openerp-{tag}@{HOSTNAME}>"

    def emit(self, spec: MailSpec) -> int:
        """Write every row of one mail; return the mail_mail id."""
        message_id = self.next_id("mail_message")
        mail_id = self.next_id("mail_mail")
        if spec.tag:
            self.tags[spec.tag].append(mail_id)
        if spec.kind == "incoming":
            msgid = f"<CAF{self.rng.randrange(10**20, 10**21)}@mail.{WEBMAIL}>"
        elif spec.model and spec.res_id:
            msgid = self.tracking_message_id(spec.at, f"{spec.res_id}-{spec.model}")
        else:
            msgid = self.tracking_message_id(spec.at, "private")
        self.last_message_id = msgid
        if spec.deleted:
            if spec.trace is not None:
                self._trace(spec, None, mail_id, msgid)
            return mail_id
        self.mail_ids_by_state[spec.state] += 1
        self._message(spec, message_id, msgid)
        self._mail(spec, message_id, mail_id, msgid)
        if spec.kind in ("chatter", "note"):
            self._notifications(spec, message_id, mail_id)
        if spec.trace is not None:
            self._trace(spec, mail_id, mail_id, msgid)
        return mail_id

    def _message_type(self, kind: str) -> str:
        if kind == "chatter":
            return "comment"
        if kind == "note":
            return "notification"
        if kind == "incoming" or self.version <= 16:
            return "email"
        return "email_outgoing"

    def _message(self, spec: MailSpec, message_id: int, msgid: str) -> None:
        add = self.sink.add
        outgoing_to = spec.email_to if spec.kind not in ("incoming",) else None
        add(
            "mail_message",
            {
                "id": message_id,
                "subject": spec.subject,
                "date": spec.at,
                "body": spec.body,
                "model": spec.model,
                "res_id": spec.res_id,
                "record_name": spec.record_name,
                "record_alias_domain_id": 1,
                "record_company_id": 1,
                "message_type": self._message_type(spec.kind),
                "subtype_id": 1 if spec.kind == "chatter" else None,
                "is_internal": False,
                "email_from": spec.email_from,
                "author_id": spec.author_id,
                "reply_to_force_new": False,
                "message_id": msgid,
                "reply_to": REPLY_TO if spec.kind != "incoming" else None,
                "mail_server_id": spec.mail_server_id,
                "email_layout_xmlid": "mail.mail_notification_layout"
                if spec.kind == "chatter"
                else None,
                "email_add_signature": spec.kind == "chatter",
                "incoming_email_to": spec.email_to if spec.kind == "incoming" else None,
                "incoming_email_cc": spec.email_cc if spec.kind == "incoming" else None,
                "outgoing_email_to": outgoing_to,
                "create_uid": spec.create_uid,
                "create_date": spec.at,
                "write_uid": spec.create_uid,
                "write_date": spec.at,
            },
        )
        if spec.kind == "chatter":
            for pid in spec.partner_ids:
                add(
                    "mail_message_res_partner_rel",
                    {"mail_message_id": message_id, "res_partner_id": pid},
                )
        for att in spec.attachments:
            att_id = self.next_id("ir_attachment")
            add(
                "ir_attachment",
                {
                    "id": att_id,
                    "name": att.name,
                    "res_model": spec.model,
                    "res_id": spec.res_id,
                    "company_id": 1,
                    "type": "binary",
                    "public": False,
                    "db_datas": att.data,
                    "file_size": len(att.data),
                    "checksum": hashlib.sha1(att.data).hexdigest(),
                    "mimetype": att.mimetype,
                    "create_uid": spec.create_uid,
                    "create_date": spec.at,
                    "write_uid": spec.create_uid,
                    "write_date": spec.at,
                },
            )
            add("message_attachment_rel", {"message_id": message_id, "attachment_id": att_id})

    def _mail(self, spec: MailSpec, message_id: int, mail_id: int, msgid: str) -> None:
        failure = spec.failure
        failure_type = spec.mail_failure_type
        if failure is not None and failure_type is None:
            failure_type = failure.mail_failure_type(self.version)
        if spec.kind in ("chatter", "note"):
            headers: str | None = repr(
                {"X-Odoo-Objects": f"{spec.model}-{spec.res_id}", "Return-Path": BOUNCE}
            )
            body_html = LAYOUT.format(body=spec.body, company=COMPANY, domain=DOMAIN)
        elif spec.kind == "campaign":
            headers = repr({"Return-Path": BOUNCE})
            body_html = spec.body
        else:
            headers = None
            body_html = spec.body
        references = f"{spec.parent_msgid} {msgid}" if spec.parent_msgid else msgid
        self.sink.add(
            "mail_mail",
            {
                "id": mail_id,
                "mail_message_id": message_id,
                "body_html": body_html,
                "references": references if spec.kind != "incoming" else None,
                "headers": headers,
                "is_notification": spec.kind in ("chatter", "note"),
                "email_to": spec.email_to,
                "email_cc": spec.email_cc,
                "state": spec.state,
                "failure_type": failure_type,
                "failure_reason": failure.reason if failure is not None else None,
                "auto_delete": spec.auto_delete,
                "scheduled_date": spec.scheduled_date,
                "fetchmail_server_id": spec.fetchmail_server_id,
                "mailing_id": spec.mailing_id,
                "to_delete": False,
                "create_uid": spec.create_uid,
                "create_date": spec.at,
                "write_uid": spec.done_uid if spec.done_at else spec.create_uid,
                "write_date": spec.done_at or spec.at,
            },
        )
        if spec.kind not in ("campaign", "incoming"):
            for pid in spec.partner_ids:
                self.sink.add(
                    "mail_mail_res_partner_rel", {"mail_mail_id": mail_id, "res_partner_id": pid}
                )

    def _notif_values(self, spec: MailSpec) -> tuple[str, str | None, str | None]:
        if spec.state == "sent":
            return "sent", None, ""
        if spec.state == "exception" and spec.failure is not None:
            return "exception", spec.failure.notif_type, spec.failure.notif_reason
        return "ready", None, None  # outgoing, or cancelled by hand (notifications untouched)

    def _notifications(self, spec: MailSpec, message_id: int, mail_id: int) -> None:
        default = self._notif_values(spec)
        for pid in spec.partner_ids:
            override = spec.notif_overrides.get(pid)
            if override is not None:
                status, ftype, reason = (
                    override.status,
                    override.failure_type,
                    override.failure_reason,
                )
            else:
                status, ftype, reason = default
            self.sink.add(
                "mail_notification",
                {
                    "id": self.next_id("mail_notification"),
                    "author_id": spec.author_id,
                    "mail_message_id": message_id,
                    "mail_mail_id": mail_id,
                    "res_partner_id": pid,
                    "notification_type": "email",
                    "notification_status": status,
                    "is_read": True,
                    "read_date": spec.at,
                    "failure_type": ftype,
                    "failure_reason": reason,
                },
            )
        for pid in spec.inbox_partner_ids:
            self.sink.add(
                "mail_notification",
                {
                    "id": self.next_id("mail_notification"),
                    "author_id": spec.author_id,
                    "mail_message_id": message_id,
                    "res_partner_id": pid,
                    "notification_type": "inbox",
                    "notification_status": "sent",
                    "is_read": self.rng.random() < 0.7,
                },
            )

    def _trace(self, spec: MailSpec, mail_id: int | None, mail_id_int: int, msgid: str) -> None:
        trace = spec.trace
        assert trace is not None
        status = trace.status
        ftype = trace.failure_type
        reason = trace.failure_reason
        if status is None:
            status = {"outgoing": "outgoing", "sent": "sent", "exception": "error"}.get(
                spec.state, "cancel"
            )
            if spec.state == "exception" and spec.failure is not None:
                ftype = spec.failure.trace_failure_type
            elif spec.state == "cancel":
                ftype = spec.mail_failure_type
        sent_at = spec.done_at if status in ("sent", "open", "reply", "bounce") else None
        self.sink.add(
            "mailing_trace",
            {
                "id": self.next_id("mailing_trace"),
                "trace_type": "mail",
                "mail_mail_id": mail_id,
                "mail_mail_id_int": mail_id_int,
                "email": trace.email,
                "message_id": msgid,
                "model": "mailing.contact",
                "res_id": trace.contact_id,
                "mass_mailing_id": trace.mailing_id,
                "sent_datetime": sent_at,
                "open_datetime": trace.open_at,
                "reply_datetime": trace.reply_at,
                "trace_status": status,
                "failure_type": ftype,
                "failure_reason": reason,
                "links_click_datetime": trace.open_at + timedelta(minutes=1)
                if trace.open_at and status in ("open", "reply")
                else None,
                "create_uid": spec.create_uid,
                "create_date": spec.at,
                "write_uid": spec.done_uid if spec.done_at else spec.create_uid,
                "write_date": spec.done_at or spec.at,
            },
        )
