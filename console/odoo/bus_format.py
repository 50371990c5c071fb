"""What Odoo puts in the bus message that refreshes a chatter's envelopes, per version.

``mail.message._notify_message_notification_update()`` sends each partner one bus message
about the messages it may see; this module builds that message from rows already read
(console.odoo.bus reads them). The facts relied on are in docs/odoo-bus.md §2-§3:

* 16/17: ``mail.message/notification_update`` with ``{"elements": [...]}``
  (``_message_notification_format``; 17 adds ``author`` and ``body`` and names the
  recipient ``persona`` instead of 16's ``res_partner_id`` pair);
* 18/19: ``mail.record/insert`` with a Store (``_message_notifications_to_store``): one list
  per model, keys sorted, each record once, in the order first added.

Pure functions: no database, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# docs/odoo-bus.md §2: a notification in one of these states is always shown.
ALWAYS_SHOWN = ("bounce", "exception", "canceled")


@dataclass(frozen=True, slots=True)
class Recipient:
    """The partner a notification is for (res.partner columns)."""

    id: int
    name: str | None
    display_name: str | None  # 16: display_name column; 17+: complete_name
    email: str | None
    share: bool  # partner_share: no internal user


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    message_id: int
    type: str | None
    status: str | None
    failure_type: str | None
    email_address: str | None  # 19's mail_email_address (a recipient without a partner)
    partner: Recipient | None
    subtype_tracks: bool  # the message has no subtype, or its subtype tracks recipients


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    model: str
    res_id: int
    date: datetime | str | None
    message_type: str | None
    body: str | None
    author_id: int | None
    author_guest_id: int | None
    model_name: str | None  # ir.model's name in the acting user's language
    thread_name: str | None  # 19: the record's display name
    notifications: tuple[Notification, ...] = ()


def shown_in_web_client(notif: Notification, version: int) -> bool:
    """``mail.notification._filtered_for_web_client`` (docs/odoo-bus.md §2)."""
    if notif.status in ALWAYS_SHOWN:
        return True
    if notif.partner is not None and notif.partner.share:
        return True
    if version >= 19 and notif.email_address:
        return True
    return notif.subtype_tracks


def odoo_datetime(value: datetime | str | None) -> str | bool:
    """``fields.Datetime.to_string``: seconds, no fraction (False when empty)."""
    if value is None:
        return False
    if isinstance(value, str):  # SQLite hands the text back
        value = datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _or_false(value: Any) -> Any:
    """An empty Odoo field reads as False."""
    return value if value not in (None, "") else False


def bus_message(version: int, messages: list[Message]) -> tuple[str, dict[str, Any]]:
    """(type, payload) of the one bus message a partner gets about these messages."""
    shown = [(m, [n for n in m.notifications if shown_in_web_client(n, version)]) for m in messages]
    if version <= 17:
        elements = [_element(version, m, notes) for m, notes in shown]
        return "mail.message/notification_update", {"elements": elements}
    return "mail.record/insert", _store(version, shown)


def _element(version: int, m: Message, notes: list[Notification]) -> dict[str, Any]:
    """16/17 ``_message_notification_format`` for one message."""
    element: dict[str, Any] = {}
    if version >= 17:
        element["author"] = {"id": m.author_id, "type": "partner"} if m.author_id else False
    element.update(
        id=m.id,
        res_id=m.res_id,
        model=m.model,
        res_model_name=_or_false(m.model_name),
        date=odoo_datetime(m.date),
        message_type=_or_false(m.message_type),
    )
    if version >= 17:
        element["body"] = _or_false(m.body)
    element["notifications"] = [_notification_16_17(version, n) for n in notes]
    return element


def _notification_16_17(version: int, n: Notification) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": n.id,
        "notification_type": _or_false(n.type),
        "notification_status": _or_false(n.status),
        "failure_type": _or_false(n.failure_type),
    }
    p = n.partner
    if version <= 16:
        base["res_partner_id"] = [p.id, _or_false(p.display_name)] if p else False
    else:
        base["persona"] = (
            {"id": p.id, "displayName": _or_false(p.display_name), "type": "partner"}
            if p
            else False
        )
    return base


class _Store:
    """Odoo's ``Store.get_result()``: per model a list of records, each added once."""

    def __init__(self) -> None:
        self.data: dict[str, dict[Any, dict[str, Any]]] = {}

    def add(self, model: str, key: Any, values: dict[str, Any]) -> None:
        self.data.setdefault(model, {}).setdefault(key, {}).update(values)

    def result(self) -> dict[str, Any]:
        return {
            model: [dict(sorted(record.items())) for record in records.values()]
            for model, records in sorted(self.data.items())
        }


def _store(version: int, shown: list[tuple[Message, list[Notification]]]) -> dict[str, Any]:
    store = _Store()
    for m, notes in shown:
        thread = {"id": m.res_id, "model": m.model}
        if version == 18:
            _notifications_18(store, notes)
            author = {"id": m.author_id, "type": "partner"} if m.author_id else False
            values: dict[str, Any] = {
                "author": author,
                "body": _or_false(m.body),
                "notifications": [n.id for n in notes],
            }
            store.add("mail.thread", (m.model, m.res_id), {**thread, "modelName": m.model_name})
        else:
            values = {
                "author_id": _or_false(m.author_id),
                "author_guest_id": _or_false(m.author_guest_id),
                "body": ["markup", m.body] if m.body else False,
                "notification_ids": [n.id for n in notes],
            }
            _notifications_19(store, notes)
            store.add(
                "mail.thread",
                (m.model, m.res_id),
                {**thread, "modelName": m.model_name, "display_name": _or_false(m.thread_name)},
            )
        values.update(
            id=m.id,
            date=odoo_datetime(m.date),
            message_type=_or_false(m.message_type),
            thread=thread,
        )
        store.add("mail.message", m.id, values)
    return store.result()


def _notifications_18(store: _Store, notes: list[Notification]) -> None:
    for n in notes:
        p = n.partner
        if p is not None:
            store.add("res.partner", p.id, {"id": p.id, "name": _or_false(p.name)})
        store.add(
            "mail.notification",
            n.id,
            {
                "id": n.id,
                "failure_type": _or_false(n.failure_type),
                "notification_status": _or_false(n.status),
                "notification_type": _or_false(n.type),
                "message": n.message_id,
                "persona": {"id": p.id, "type": "partner"} if p else False,
            },
        )


def _notifications_19(store: _Store, notes: list[Notification]) -> None:
    for n in notes:
        p = n.partner
        store.add(
            "mail.notification",
            n.id,
            {
                "id": n.id,
                "mail_email_address": _or_false(n.email_address),
                "failure_type": _or_false(n.failure_type),
                "mail_message_id": n.message_id,
                "notification_status": _or_false(n.status),
                "notification_type": _or_false(n.type),
                "res_partner_id": p.id if p else False,
            },
        )
        if p is not None:
            values: dict[str, Any] = {"id": p.id, "name": _or_false(p.name)}
            values["email"] = _or_false(p.email)
            if not p.name:  # 19 adds the display name only for a partner without a name
                values["display_name"] = _or_false(p.display_name)
            store.add("res.partner", p.id, values)
