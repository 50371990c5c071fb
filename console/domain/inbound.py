"""Would Odoo accept an incoming mail sent to this address? Odoo's routing rules, per version.

Pure rules over a snapshot of the database (``RoutingSetup``) and two look-ups
(``Lookups``: does a record exist, who follows it), following
``mail.thread.message_route`` / ``_routing_check_route`` / ``_alias_get_error``:

* 16 (ShaheenHossain/eagle_odoo_c16 @ 2371f5b): ICPs ``mail.bounce.alias``,
  ``mail.catchall.alias``, ``mail.catchall.domain`` (+ ``.allowed``); aliases match on
  ``alias_name`` (the local part) only, whatever the domain.
* 17/18/19 (GG-Hung/Ticket @ 211c5b7, sajjatdev/odoo-docker @ 1e96389,
  jnvdx6/skymedic-odoo @ 85dffc0): alias domains (``mail_alias_domain``: bounce and
  catchall per domain), aliases match on ``alias_full_name`` (``name@domain``), or on the
  local part when ``alias_incoming_local`` is set.

Order: bounce address or MAILER-DAEMON sender -> bounce processing; reply (a Message-Id in
References/In-Reply-To known in ``mail_message``) -> that document, unless the address is
an alias of another model (then a forward); catchall written to directly -> bounced;
matching aliases -> their model (new record, or ``alias_force_thread_id``), subject to
``alias_contact`` (everyone / partners / followers); else the incoming server's
"create a new record" model, else no route (Odoo raises: the mail is not processed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

ACCEPTED = "accepted"
DEPENDS = "depends-on-sender"
BOUNCE_REPORT = "bounce-report"
BOUNCED = "bounced"
REJECTED = "rejected"
_LABELS = {
    ACCEPTED: "ACCEPTED",
    DEPENDS: "DEPENDS ON SENDER",
    BOUNCE_REPORT: "BOUNCE REPORT",
    BOUNCED: "BOUNCED",
    REJECTED: "REJECTED",
}


@dataclass(frozen=True, slots=True)
class Alias:
    id: int
    name: str | None  # alias_name (local part)
    full_name: str | None  # alias_full_name (17+)
    domain: str | None  # the alias domain (17+) or mail.catchall.domain (16), for display
    model: str | None  # alias_model_id.model
    force_thread_id: int | None = None
    parent_model: str | None = None
    parent_thread_id: int | None = None
    contact: str = "everyone"
    incoming_local: bool = False
    status: str | None = None
    defaults: str | None = None

    @property
    def address(self) -> str:
        if self.full_name and "@" in self.full_name:
            return self.full_name
        if self.name and self.domain:
            return f"{self.name}@{self.domain}"
        return self.name or f"(alias #{self.id} without a name)"


@dataclass(frozen=True, slots=True)
class AliasDomain:
    id: int
    name: str
    bounce_alias: str | None
    catchall_alias: str | None
    default_from: str | None = None

    @property
    def bounce_email(self) -> str | None:
        return f"{self.bounce_alias}@{self.name}".lower() if self.bounce_alias else None

    @property
    def catchall_email(self) -> str | None:
        return f"{self.catchall_alias}@{self.name}".lower() if self.catchall_alias else None


@dataclass(frozen=True, slots=True)
class RoutingSetup:
    version: int
    aliases: tuple[Alias, ...] = ()
    domains: tuple[AliasDomain, ...] = ()  # 17+
    catchall_domain: str | None = None  # 16: ICP mail.catchall.domain
    bounce_alias: str | None = None  # 16: ICP mail.bounce.alias
    catchall_alias: str | None = None  # 16: ICP mail.catchall.alias
    domains_allowed: tuple[str, ...] = ()  # ICP mail.catchall.domain.allowed
    fallbacks: tuple[tuple[str, str], ...] = ()  # (incoming server, model to create)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """The newest mail_message whose message_id is in the incoming References."""

    found: bool
    model: str | None = None
    res_id: int | None = None
    record_exists: bool | None = None  # None: cannot tell


@dataclass(frozen=True, slots=True)
class Sender:
    address: str
    partner_ids: tuple[int, ...] = ()  # active partners with this address


class Lookups(Protocol):
    def record_exists(self, model: str, res_id: int) -> bool | None: ...

    def followers(self, model: str, res_id: int) -> frozenset[int] | None: ...


@dataclass(frozen=True, slots=True)
class Route:
    model: str
    res_id: int | None  # None: a new record is created
    alias: Alias | None


@dataclass(frozen=True, slots=True)
class Verdict:
    address: str
    version: int
    outcome: str  # ACCEPTED | DEPENDS | BOUNCE_REPORT | BOUNCED | REJECTED
    reason: str
    routes: tuple[Route, ...] = ()
    steps: tuple[str, ...] = ()
    bounced: bool = False  # Odoo mails a bounce back to the sender

    @property
    def accepted(self) -> bool | None:
        if self.outcome == ACCEPTED:
            return True
        return None if self.outcome == DEPENDS else False

    def line(self) -> str:
        return f"{_LABELS.get(self.outcome, self.outcome.upper())}: {self.address}: {self.reason}"


@dataclass(slots=True)
class _Run:
    setup: RoutingSetup
    lookups: Lookups
    sender: Sender | None
    address: str
    steps: list[str] = field(default_factory=list)

    def verdict(self, outcome: str, reason: str, routes: tuple[Route, ...] = ()) -> Verdict:
        return Verdict(
            self.address,
            self.setup.version,
            outcome,
            reason,
            routes,
            tuple(self.steps),
            bounced=outcome == BOUNCED,
        )


def check_incoming(
    setup: RoutingSetup,
    address: str,
    lookups: Lookups,
    *,
    reply: ReplyTarget | None = None,
    sender: Sender | None = None,
) -> Verdict:
    """What Odoo does with a mail delivered to `address` (one recipient)."""
    rcpt = address.strip().lower()
    run = _Run(setup, lookups, sender, rcpt)
    local, _at, domain = rcpt.rpartition("@")
    if not local or not domain:
        return run.verdict(REJECTED, "not an e-mail address")
    bounce = _bounce_rule(setup, rcpt, local, sender)
    if bounce:
        run.steps.append(bounce)
        return run.verdict(
            BOUNCE_REPORT,
            f"{bounce}: Odoo reads it as a delivery report (marks the bounced recipient), "
            "no document gets it",
        )
    rcpt_local = _allowed_local(setup, local, domain)
    if rcpt_local is None:
        run.steps.append(
            f"{domain} is not in mail.catchall.domain.allowed: aliases by local part ignored"
        )
    to_local = local if setup.version <= 16 else rcpt_local
    valid = {rcpt}
    valid_local = {rcpt_local} if rcpt_local else set()
    if reply is not None:
        verdict = _reply(run, reply, rcpt, to_local, rcpt_local)
        if verdict is not None:
            return verdict
    catchall = _catchall_rule(setup, rcpt, to_local)
    if catchall:
        run.steps.append(catchall)
        return run.verdict(
            BOUNCED, f"{catchall}: Odoo bounces mail written to the catchall directly"
        )
    aliases = [a for a in setup.aliases if _alias_matches(setup, a, valid, valid_local)]
    if aliases:
        return _alias_routes(run, aliases)
    return _no_alias(run)


def _bounce_rule(setup: RoutingSetup, rcpt: str, local: str, sender: Sender | None) -> str:
    if setup.version <= 16:
        if setup.bounce_alias and local == setup.bounce_alias.strip().lower():
            return f"the local part is the bounce alias (mail.bounce.alias = {setup.bounce_alias})"
    elif rcpt in {d.bounce_email for d in setup.domains if d.bounce_email}:
        return "it is the bounce address of an alias domain"
    if sender is not None and sender.address.strip().lower().partition("@")[0] == "mailer-daemon":
        return "the sender is MAILER-DAEMON"
    return ""


def _allowed_local(setup: RoutingSetup, local: str, domain: str) -> str | None:
    """``_filter_excluded_local_part`` (17+) / the rcpt_tos filter (16)."""
    allowed = [d.strip().lower() for d in setup.domains_allowed if d.strip()]
    if setup.version <= 16:
        if not (setup.catchall_domain and allowed):
            return local
        allowed.append(setup.catchall_domain.strip().lower())
    elif allowed:
        allowed += [d.name.lower() for d in setup.domains]
    return local if not allowed or domain in allowed else None


def _catchall_rule(setup: RoutingSetup, rcpt: str, to_local: str | None) -> str:
    if setup.version <= 16:
        alias = (setup.catchall_alias or "").strip().lower()
        if alias and to_local == alias:
            return f"the local part is the catchall alias (mail.catchall.alias = {alias})"
        return ""
    if rcpt in {d.catchall_email for d in setup.domains if d.catchall_email}:
        return "it is the catchall address of an alias domain"
    return ""


def _alias_matches(setup: RoutingSetup, alias: Alias, full: set[str], local: set[str]) -> bool:
    name = (alias.name or "").lower()
    if setup.version <= 16:
        return bool(name) and name in local
    if alias.full_name and alias.full_name.lower() in full:
        return True
    return alias.incoming_local and bool(name) and name in local


def _reply(
    run: _Run,
    reply: ReplyTarget,
    rcpt: str,
    to_local: str | None,
    rcpt_local: str | None,
) -> Verdict | None:
    setup = run.setup
    if not reply.found:
        run.steps.append("no mail_message has that Message-Id: not a reply for Odoo")
        return None
    if not (reply.model and reply.res_id):
        run.steps.append("it answers a message attached to no document: routed by address")
        return None
    to_full = {rcpt}
    to_locals = {to_local} if to_local else set()
    others = [
        a
        for a in setup.aliases
        if a.model != reply.model and _alias_matches(setup, a, to_full, to_locals)
    ]
    target = f"{reply.model},{reply.res_id}"
    if others:
        run.steps.append(
            f"it answers {target} but is addressed to an alias of {others[0].model}: "
            "Odoo treats it as a forward, not a reply"
        )
        return None
    rcpt_locals = {rcpt_local} if rcpt_local else set()
    dest = next(
        (
            a
            for a in setup.aliases
            if a.model == reply.model and _alias_matches(setup, a, to_full, rcpt_locals)
        ),
        None,
    )
    run.steps.append(f"Message-Id found: a reply to {target}")
    res_id: int | None = reply.res_id
    if reply.record_exists is False:
        run.steps.append(f"{target} no longer exists: Odoo creates a new {reply.model} instead")
        res_id = None
    route = Route(reply.model, res_id, dest)
    if dest is not None:
        problem = _contact(run, dest, reply.model, res_id)
        if problem is not None:
            return problem
    action = f"posted on {target}" if res_id else f"a new {reply.model}"
    outcome = DEPENDS if _pending_condition(run) else ACCEPTED
    return run.verdict(outcome, f"reply: {action}" + _condition(run), (route,))


def _alias_routes(run: _Run, aliases: list[Alias]) -> Verdict:
    routes: list[Route] = []
    refused: list[Verdict] = []
    for alias in aliases:
        run.steps.append(
            f"alias {alias.address} -> {alias.model or '?'} (contact: {alias.contact})"
        )
        if not alias.model:
            return run.verdict(REJECTED, f"alias {alias.address} has no target model")
        res_id = alias.force_thread_id or None
        if res_id and run.lookups.record_exists(alias.model, res_id) is False:
            run.steps.append(f"{alias.model},{res_id} no longer exists: a new record instead")
            res_id = None
        problem = _contact(run, alias, alias.model, res_id)
        if problem is not None:
            refused.append(problem)
            continue
        routes.append(Route(alias.model, res_id, alias))
    if not routes:
        return refused[0]
    first = routes[0]
    action = f"posted on {first.model},{first.res_id}" if first.res_id else f"a new {first.model}"
    extra = f" (and {len(routes) - 1} more route(s))" if len(routes) > 1 else ""
    status = (
        " (alias marked invalid in Odoo)" if first.alias and first.alias.status == "invalid" else ""
    )
    outcome = DEPENDS if _pending_condition(run) else ACCEPTED
    return run.verdict(
        outcome,
        f"alias {first.alias.address if first.alias else '?'}: {action}{extra}{status}"
        + _condition(run),
        tuple(routes),
    )


def _no_alias(run: _Run) -> Verdict:
    run.steps.append("no alias matches the address")
    fallbacks = [f"{server} -> {model}" for server, model in run.setup.fallbacks]
    if fallbacks:
        return run.verdict(
            DEPENDS,
            "no alias matches; only an incoming mail server set to create records takes it "
            f"({'; '.join(fallbacks)}); otherwise Odoo finds no route and does not process it",
        )
    return run.verdict(
        REJECTED,
        "no alias, reply or catchall matches: Odoo finds no route (ValueError 'No possible "
        "route found'), the mail is not processed (fetchmail logs it; the mail gateway "
        "script makes the MTA bounce it)",
    )


# -- alias_contact ------------------------------------------------------------------------
def _contact(run: _Run, alias: Alias, model: str, res_id: int | None) -> Verdict | None:
    """``_alias_get_error``: a Verdict when the mail is refused (and bounced)."""
    sender = run.sender
    who = "the sender" if sender is None else sender.address
    if alias.contact == "everyone":
        return None
    if alias.contact == "partners":
        if sender is None:
            run.steps.append("condition: only senders known as a contact (res.partner)")
            return None
        if not sender.partner_ids:
            return _refused(
                run, alias, f"{who} is not a known contact (restricted to known authors)"
            )
        return None
    if alias.contact == "followers":
        if res_id:
            obj: tuple[str, int] | None = (model, res_id)
        elif alias.parent_model and alias.parent_thread_id:
            obj = (alias.parent_model, alias.parent_thread_id)
        else:
            obj = None
        if obj is None:
            return _refused(
                run,
                alias,
                "incorrectly configured alias (followers only, but no reference record): "
                "Odoo bounces and marks the alias invalid",
            )
        where = f"{obj[0]},{obj[1]}"
        if sender is None:
            run.steps.append(f"condition: only followers of {where}")
            return None
        followers = run.lookups.followers(*obj)
        if followers is None:
            run.steps.append(f"condition: only followers of {where} (followers not readable)")
            return None
        if not sender.partner_ids or not followers.intersection(sender.partner_ids):
            return _refused(run, alias, f"{who} does not follow {where} (restricted to followers)")
        return None
    run.steps.append(f"condition: alias_contact {alias.contact!r} (a module's own rule)")
    return None


def _refused(run: _Run, alias: Alias, why: str) -> Verdict:
    run.steps.append(f"alias {alias.address}: {why}")
    return run.verdict(BOUNCED, f"alias {alias.address}: {why}; Odoo bounces it to the sender")


def _pending_condition(run: _Run) -> bool:
    return any(step.startswith("condition:") for step in run.steps)


def _condition(run: _Run) -> str:
    conditions = [s.removeprefix("condition: ") for s in run.steps if s.startswith("condition:")]
    return f" ({'; '.join(conditions)}; give --from to check)" if conditions else ""
