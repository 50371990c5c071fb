"""What the generated mails refer to: people, documents, campaign recipients."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Person:
    partner_id: int
    name: str
    email: str | None
    valid: bool  # the address normalizes (Odoo would send to it)
    uid: int | None = None  # internal user id

    @property
    def formatted(self) -> str:
        """``"Name" <email>`` as Odoo formats a sender."""
        return f'"{self.name}" <{self.email}>'


@dataclass(frozen=True, slots=True)
class Document:
    model: str
    res_id: int
    name: str
    customer: Person


@dataclass(frozen=True, slots=True)
class Contact:
    contact_id: int
    name: str
    email: str


@dataclass(slots=True)
class World:
    version: int
    anchor: datetime
    odoobot: Person
    admin: Person
    claire: Person
    thomas: Person
    sophie: Person
    customers: list[Person]
    documents: dict[str, list[Document]]
    model_ids: dict[str, int]
    contacts: list[Contact] = field(default_factory=list)
    list_members: dict[int, list[Contact]] = field(default_factory=dict)
    opted_out: dict[int, set[int]] = field(default_factory=dict)  # list id -> contact ids
    mailings: dict[str, int] = field(default_factory=dict)
    crons: dict[str, int] = field(default_factory=dict)
    next_subscription_id: int = 1

    @property
    def staff(self) -> list[Person]:
        return [self.claire, self.thomas, self.sophie]

    def customer(self, name: str) -> Person:
        return next(p for p in self.customers if p.name == name)
