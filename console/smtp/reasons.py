"""The exact ``failure_reason`` / ``failure_type`` text Odoo stores for a failure.

Odoo turns exceptions into text with ``ustr`` / ``exception_to_unicode``:
16/17 (``odoo/loglevels.py``): the exception's args, each through ``ustr`` (bytes are
decoded), joined with newlines; 18+ (``odoo/tools/misc.py``): ``"\\n".join(map(str, args))``.
``send_email`` wraps SMTP errors as ``MailDeliveryException("Mail Delivery Failed",
"Mail delivery failed via SMTP server '<server>'.\\n<Class>: <message>")`` where
``<server>`` is the ``smtp_server`` argument, None when a session is passed (as
``_send`` does); ``<message>`` is ``ustr(e)`` in 16/17 and ``str(e)`` in 18+.

The exceptions given here are the ``smtplib`` / ``socket`` / ``ssl`` exceptions Odoo would
have seen (``console.smtp.sender`` translates aiosmtplib's into those).
"""

from __future__ import annotations

from console.smtp.server_choice import NO_FOUND_FROM, NO_FOUND_SMTP_FROM, NO_VALID_FROM

PLACEHOLDER_REASON = (
    "Error without exception. Probably due to sending an email without computed recipients."
)
NOTIFICATION_PLACEHOLDER_REASON = (
    "Error without exception. Probably due to concurrent access update of notification "
    "records. Please see with an administrator."
)


def ustr(value: object) -> str:
    """``odoo.loglevels.ustr`` (16/17)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).decode("latin-1")
    if isinstance(value, BaseException):
        return exception_to_unicode(value, 16)
    return str(value)


def exception_to_unicode(exc: BaseException, version: int) -> str:
    """``exception_to_unicode`` of the version (16/17 ``ustr`` per arg, 18+ ``str``)."""
    args = getattr(exc, "args", ())
    if args:
        if version <= 17:
            return "\n".join(ustr(a) for a in args)
        return "\n".join(map(str, args))
    try:
        return str(exc)
    except Exception:
        return "Unknown message"


def text_of(exc: BaseException, version: int) -> str:
    """How ``_send`` / ``send`` stringify an exception into ``failure_reason``.

    16/17 write ``tools.ustr(e)`` (or the exception itself into a Text field, which goes
    through ``ustr``); 18+ write ``tools.exception_to_unicode(e)``. Both end up in the
    version's ``exception_to_unicode``.
    """
    return exception_to_unicode(exc, version)


def delivery_failure_reason(
    exc: BaseException, version: int, smtp_server: str | None = None
) -> str:
    """``send_email``'s MailDeliveryException, as ``failure_reason`` stores it."""
    name = type(exc).__name__
    message = ustr(exc) if version <= 17 else str(exc)
    detail = f"Mail delivery failed via SMTP server '{smtp_server}'.\n{name}: {message}"
    return f"Mail Delivery Failed\n{detail}"


def send_failure(
    exc: BaseException,
    version: int,
    *,
    delivery: bool,
    failure_type: str | None = None,
    failure_reason: str | None = None,
) -> tuple[str, str]:
    """(failure_reason, failure_type) ``_send`` stores for an exception of one mail.

    ``delivery``: the exception came out of ``send_email``'s SMTP call, so Odoo wrapped
    it in a MailDeliveryException. ``failure_type`` / ``failure_reason``: what the loop
    had already set for this mail (invalid recipients), which 17+ keep.
    """
    if version <= 16:
        reason = delivery_failure_reason(exc, version) if delivery else text_of(exc, version)
        return reason, "unknown"
    if isinstance(exc, AssertionError) and exc.args:
        error_code = exc.args[0]
        if len(exc.args) > 1 and error_code == NO_VALID_FROM:
            failure_reason = ustr(exc.args[1]) if version <= 17 else str(exc.args[1])
        else:
            failure_reason = error_code if isinstance(error_code, str) else str(error_code)
        if error_code == NO_VALID_FROM:
            failure_type = "mail_from_invalid"
        elif error_code in (NO_FOUND_FROM, NO_FOUND_SMTP_FROM):
            failure_type = "mail_from_missing"
    text = delivery_failure_reason(exc, version) if delivery else text_of(exc, version)
    if version >= 19 and delivery and "OutboundSpamException" in text:
        failure_type = "mail_spam"
    return failure_reason or text, failure_type or "unknown"
