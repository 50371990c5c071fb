"""Running a confirmed action (in a worker thread) and what its toast says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.domain.actions import WriteOutcome
from console.domain.classify.known import classify_known
from console.domain.errors import JournalUnwritable
from console.domain.sample_servers import FictitiousServers
from console.tui.controllers.action_request import ActionRequest, Severity
from console.tui.widgets.cli_to_keys import in_keys
from console.tui.widgets.formatting import ellipsize, failure_headline, one_line

if TYPE_CHECKING:  # the TUI imports console.services.operations (and SQLAlchemy) only in workers
    from console.services.operations import Operator


def outcome_severity(outcome: WriteOutcome) -> Severity:
    """Toast severity: information when complete, warning when some were skipped or failed."""
    if outcome.complete and (outcome.applied or not outcome.requested):
        return "information"
    return "warning"


def trigger_severity(message: str) -> Severity:
    lowered = message.lower()
    return "warning" if ("inactive" in lowered or "could not" in lowered) else "information"


JOURNAL_CHANGED = (
    "The journal changed since you pressed u (another action or another console): "
    "nothing was undone. Press u again to see what would be undone now."
)


def perform(operator: Operator, request: ActionRequest) -> tuple[str, Severity, tuple[int, ...]]:
    """Run a confirmed request (in a worker thread): the toast's text, its severity and the
    mail ids the action changed. Errors propagate (ReadOnlyRefused, ConsoleError, ...)."""
    ids = list(request.ids)
    action = request.action
    if action == "trigger":
        text = operator.trigger(ids[0])
        return text, trigger_severity(text), ()
    if action in ("pause", "resume", "hold", "release"):
        return perform_pause_action(operator, request)
    if action == "reset-bounce":
        done = operator.reset_bounces(list(request.addresses))
        return done.message(), outcome_severity(done), ()
    if action in ("cancel-campaign", "set-interval"):
        if action == "cancel-campaign":
            done = operator.cancel_campaigns(ids)
        else:
            number, unit = request.interval or (0, "")
            done = operator.set_cron_interval(ids[0], number, unit)
        return done.message(), outcome_severity(done), ()
    if action == "unblacklist":
        done = operator.unblacklist(ids, request.reason)
        return done.message(), outcome_severity(done), ()
    if action == "retry":
        outcome = operator.retry(ids, include_cancelled=request.include_cancelled)
    elif action == "cancel":
        outcome = operator.cancel(ids)
    elif action == "ignore":
        outcome = operator.ignore(ids)
    elif action == "ignore-messages":
        done = operator.ignore_messages(ids)
        return done.message(), outcome_severity(done), ()
    elif action in ("resend", "resend-mails", "fix-address"):
        return perform_envelope_action(operator, request)
    elif action == "send":
        outcome = operator.send(ids, include_scheduled=request.include_scheduled)
    elif action == "undo":
        entry = operator.journal.last_undoable(operator.backend.info.display_url)
        if entry is None or entry.id != request.journal_entry:
            return JOURNAL_CHANGED, "warning", ()
        outcome = operator.undo()
    else:
        raise ValueError(f"unknown action {action!r}")
    text = outcome.message()
    if outcome.failed:  # say why, for the first one (every reason is in the journal)
        first_id, reason = next(iter(outcome.failed.items()))
        text += f". #{first_id}: {failure_summary(reason)}"
    return text, outcome_severity(outcome), tuple(outcome.applied)


def failure_summary(reason: str) -> str:
    """A failure reason in one short line, as the detail classifies it: the cause and
    what to do ("DNS lookup failed: check the host name ..."); an unrecognised reason by
    its headline, or all of it when that says little (Odoo stores a DNS failure as
    "-2\nName or service not known")."""
    classification = classify_known(reason, None)
    if classification.klass != "unrecognised":
        return ellipsize(f"{classification.title}: {in_keys(one_line(classification.fix))}", 160)
    headline = failure_headline(reason)
    if not any(ch.isalpha() for ch in headline):
        headline = one_line(reason)
    return ellipsize(headline, 100)


def not_applied(request: ActionRequest, exc: BaseException) -> str:
    """What an action's error means for the database, said after the error itself."""
    if isinstance(exc, JournalUnwritable | FictitiousServers):  # its sentence says it all
        return ""
    if request.action == "send":
        return (
            "Mails sent before the error stay sent; the others were not: R shows where "
            "each one is, the journal has the details."
        )
    return "Not applied: nothing was changed (the change is one transaction, rolled back)."


def perform_envelope_action(
    operator: Operator, request: ActionRequest
) -> tuple[str, Severity, tuple[int, ...]]:
    """The chatter wizard's Send & close and its address fix (then, if asked, resend)."""
    ids = list(request.ids)
    if request.action == "fix-address":
        fixed = operator.fix_address(ids[0], request.email, request.expected_email)
        if not (fixed.applied and request.then_resend):
            return fixed.message(), outcome_severity(fixed), ()
        resent = operator.resend(list(request.then_resend))
        worst = min((outcome_severity(fixed), outcome_severity(resent)), key=SEVERITY_ORDER.index)
        return f"{fixed.message()}\n{resent.message()}", worst, ()
    if request.action == "resend-mails":
        ids = operator.backend.messages_of_mails(ids)
    done = operator.resend(ids)
    return done.message(), outcome_severity(done), ()


SEVERITY_ORDER: tuple[Severity, ...] = ("error", "warning", "information")


def perform_pause_action(
    operator: Operator, request: ActionRequest
) -> tuple[str, Severity, tuple[int, ...]]:
    """W (pause or resume Odoo's queue) and h (hold or release mails)."""
    if request.action == "pause":
        done = operator.pause(campaigns=request.campaigns)
    elif request.action == "resume":
        done = operator.resume()
    elif request.action == "hold":
        done = operator.hold(list(request.ids))
    else:
        done = operator.release(list(request.ids))
    mails = request.action in ("hold", "release")
    return done.message(), outcome_severity(done), tuple(done.applied) if mails else ()
