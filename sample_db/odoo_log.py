"""Odoo 17's log of the sample's mails, as its workers would have written it.

The format is ``odoo/netsvc.py``'s, ``%(asctime)s %(pid)s %(levelname)s %(dbname)s
%(name)s: %(message)s %(perf_info)s``; ``perf_info`` is empty outside werkzeug, so every
record ends with a space, and a traceback follows on the next lines. The wording is 17.0's:

* ``addons/mail/models/mail_mail.py``: "Mail with ID %r and Message-Id %r successfully
  sent", "failed sending mail (id: %s) due to %s" (the mail's failure_reason, then the
  traceback), "Ignoring invalid recipients for mail.mail %s: %s" (a Message-Id, not an
  id), "Exception while processing mail with ID %r and Msg-Id %r." (a dropped session),
  and "Sent batch %s emails via mail server ID #%s" after each SMTP session;
* ``odoo/addons/base/models/ir_mail_server.py``: "Mail delivery failed via SMTP server
  '%s'.\\n%s: %s" before a refused reply is raised again as MailDeliveryException;
* ``odoo/addons/base/models/ir_cron.py``: "Starting job `%s`." and "Job done: `%s` (%.3fs).".

Odoo 17 writes **no** line when it cannot open the SMTP session (login refused, TLS
mismatch, nothing listening, a 421 greeting): ``send()`` marks the batch failed and moves
on. Those mails have no line here either; their reason is in the database only.

Tracebacks carry the frames of Odoo 17.0's sources (their line numbers, the tree installed
under /opt/odoo) and of Python 3.11's smtplib, as 3.11 prints them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sample_db.log_runs import LoggedMail, batches, cron_runs, logged_mail, partners
from sample_db.mails import MailSpec
from sample_db.vocab import DATABASE
from sample_db.world import World

MAIL = "odoo.addons.mail.models.mail_mail"
SERVER = "odoo.addons.base.models.ir_mail_server"
CRON = "odoo.addons.base.models.ir_cron"
QUEUE_JOB = "Mail: Email Queue Manager"
CRON_PID = 2817  # the cron worker (workers = 4, max_cron_threads = 1)
HTTP_PIDS = (2809, 2810, 2811, 2812)
ODOO_MAIL = "/opt/odoo/odoo/addons/mail/models/mail_mail.py"
ODOO_SERVER = "/opt/odoo/odoo/odoo/addons/base/models/ir_mail_server.py"
SMTPLIB = "/usr/lib/python3.11/smtplib.py"
Frame = tuple[str, int, str, str, str | None]  # file, line, function, code, the call shown

_SEND: Frame = (
    ODOO_MAIL,
    665,
    "_send",
    "res = SendIrMailServer.send_email(",
    "SendIrMailServer.send_email(",
)
_SEND_EMAIL: Frame = (
    ODOO_SERVER,
    715,
    "send_email",
    "smtp.send_message(message, smtp_from, smtp_to_list)",
    None,
)
_SEND_MESSAGE: Frame = (
    SMTPLIB,
    986,
    "send_message",
    "return self.sendmail(from_addr, to_addrs, flatmsg, mail_options,",
    "self.sendmail(from_addr, to_addrs, flatmsg, mail_options,",
)
_RAISED_IN: dict[str, tuple[Frame, ...]] = {  # where smtplib raises each refusal
    "SMTPRecipientsRefused": (
        (SMTPLIB, 901, "sendmail", "raise SMTPRecipientsRefused(senderrs)", None),
    ),
    "SMTPSenderRefused": (
        (SMTPLIB, 887, "sendmail", "raise SMTPSenderRefused(code, resp, from_addr)", None),
    ),
    "SMTPDataError": ((SMTPLIB, 908, "sendmail", "raise SMTPDataError(code, resp)", None),),
    "SMTPServerDisconnected": (
        (SMTPLIB, 881, "sendmail", "(code, resp) = self.mail(from_addr, esmtp_opts)",
         "self.mail(from_addr, esmtp_opts)"),
        (SMTPLIB, 546, "mail", "return self.getreply()", "self.getreply()"),
        (SMTPLIB, 405, "getreply",
         'raise SMTPServerDisconnected("Connection unexpectedly closed")', None),
    ),
}  # fmt: skip
_RERAISED: Frame = (
    ODOO_SERVER, 726, "send_email",
    'raise MailDeliveryException(_("Mail Delivery Failed"), msg)', None,
)  # fmt: skip
CHAINED = "\n\nDuring handling of the above exception, another exception occurred:\n\n"


@dataclass(frozen=True, slots=True)
class Record:
    at: datetime
    pid: int
    level: str
    logger: str
    message: str
    traceback: str = ""

    def text(self) -> str:
        stamp = f"{self.at:%Y-%m-%d %H:%M:%S},{self.at.microsecond // 1000:03d}"
        line = f"{stamp} {self.pid} {self.level} {DATABASE} {self.logger}: {self.message} "
        return f"{line}\n{self.traceback}" if self.traceback else line


class OdooLog:
    """Collects the sample's mails as they are generated, then writes their log."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.people = partners(world)
        self.rng = random.Random(f"{seed}-log")
        self.mails: list[LoggedMail] = []

    def add(self, spec: MailSpec, mail_id: int, message_id: str) -> None:
        mail = logged_mail(self.people, spec, mail_id, message_id)
        if mail is not None:
            self.mails.append(mail)

    def write(self, path: Path) -> None:
        records = sorted(self.records(), key=lambda r: r.at)  # stable: same time, same order
        path.write_text("".join(f"{r.text()}\n" for r in records), encoding="utf-8")

    def records(self) -> list[Record]:
        out: list[Record] = []
        for mail in self.mails:
            if not mail.by_cron:  # an HTTP worker sends it once the post is committed
                pid = HTTP_PIDS[self.rng.randrange(len(HTTP_PIDS))]
                out += self._session([mail], pid, mail.done)
        for run in cron_runs(self.mails, self.world.anchor):
            start = run.start + self._ms(5, 60)
            out.append(Record(start, CRON_PID, "INFO", CRON, f"Starting job `{QUEUE_JOB}`."))
            if not run.finished:
                continue
            last = start
            for batch in batches(run.mails):
                session = self._session(batch, CRON_PID, start)
                out += session
                last = max([last, *(r.at for r in session)])
            end = last + self._ms(6, 45 if not run.mails else 300)
            seconds = (end - start).total_seconds()
            done = f"Job done: `{QUEUE_JOB}` ({seconds:.3f}s)."
            out.append(Record(end, CRON_PID, "INFO", CRON, done))
        return out

    def _ms(self, low: int, high: int) -> timedelta:
        return timedelta(milliseconds=self.rng.randint(low, high))

    def _session(self, batch: list[LoggedMail], pid: int, after: datetime) -> list[Record]:
        """One ``send()`` session: each mail's lines, then the batch line if it connected."""
        out: list[Record] = []
        at = after
        for mail in batch:
            at = max(at, mail.done) + self._ms(80, 900)
            for level, logger, message, trace in mail_lines(mail):
                out.append(Record(at, pid, level, logger, message, trace))
                at += self._ms(1, 9)
            if mail.failure is not None and mail.failure.kind == "raw":
                return out  # re-raised: the rest of the batch and its batch line never come
        if batch[0].connected:
            line = f"Sent batch {len(batch)} emails via mail server ID #{batch[0].server_id}"
            out.append(Record(at + self._ms(2, 30), pid, "INFO", MAIL, line))
        return out


def mail_lines(mail: LoggedMail) -> list[tuple[str, str, str, str]]:
    """(level, logger, message, traceback) of what ``_send`` logs for this mail."""
    lines = [
        ("INFO", MAIL, f"Ignoring invalid recipients for mail.mail {mail.message_id}: {[to]}", "")
        for to in mail.invalid_to
    ]
    failure = mail.failure
    if failure is None:
        sent = f"Mail with ID {mail.mail_id!r} and Message-Id {mail.message_id!r} successfully sent"
        return [*lines, ("INFO", MAIL, sent, "")]
    if failure.kind == "wrapped":
        headline, detail = failure.reason.split("\n", 1)
        name, _, text = detail.split("\n", 1)[1].partition(": ")
        inner = traceback(
            (_SEND_EMAIL, _SEND_MESSAGE, *_RAISED_IN[name]), f"smtplib.{name}: {text}"
        )
        outer = traceback(
            (_SEND, _RERAISED),
            f"odoo.addons.base.models.ir_mail_server.MailDeliveryException: {(headline, detail)}",
        )
        failed = f"failed sending mail (id: {mail.mail_id}) due to {failure.reason}"
        return [
            *lines,
            ("INFO", SERVER, detail, ""),
            ("ERROR", MAIL, failed, inner + CHAINED + outer),
        ]
    if failure.kind == "raw":  # the session dropped: re-raised, the batch stops here
        frames = (_SEND, _SEND_EMAIL, _SEND_MESSAGE, *_RAISED_IN["SMTPServerDisconnected"])
        trace = traceback(frames, "smtplib.SMTPServerDisconnected: Connection unexpectedly closed")
        message = (
            f"Exception while processing mail with ID {mail.mail_id!r} "
            f"and Msg-Id {mail.message_id!r}."
        )
        return [*lines, ("ERROR", MAIL, message, trace)]
    return lines  # no valid recipient: only the ignored ones; a failed connection: nothing


def traceback(frames: tuple[Frame, ...], last: str) -> str:
    """A traceback as Python 3.11 prints it (the call underlined when it is not the whole
    line)."""
    out = ["Traceback (most recent call last):"]
    for path, number, function, code, call in frames:
        out.append(f'  File "{path}", line {number}, in {function}')
        out.append(f"    {code}")
        if call is not None:
            out.append("    " + " " * code.index(call) + "^" * len(call))
    out.append(last)
    return "\n".join(out)
