# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine: the one place that decides create / update / delete.

A resource description (``resources/<thing>.py``) says how to read, create, update and
delete one kind of Toggl object and how its fields compare. The engine takes the current
object and the desired options, computes the keys that differ, writes only those (never in
check mode), predicts the result in check mode, builds the before/after diff, and decides
``changed`` from what the server answered, not from what was asked.
"""

import time

from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglError,
    TogglQuotaError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Pending

# Pauses between re-reads after a write whose answer is not the object: the live API may
# list an object only seconds after writing it (eventual consistency); about 6 s in all.
SETTLE_DELAYS = (0.2, 0.4, 0.8, 1.6, 3.2)


def settle(read, is_visible, what, delays=SETTLE_DELAYS, sleep=time.sleep):
    """Read until ``is_visible(result)``; return that result, or raise TogglStateError.

    ``read`` is called once, then again after each of ``delays`` while the write does not
    show; every call is a request of its own (and counted as one by the client). ``what``
    completes the failure: "<what> (re-read N times over S s)"."""
    result = read()
    if is_visible(result):
        return result
    for delay in delays:
        sleep(delay)
        result = read()
        if is_visible(result):
            return result
    raise TogglStateError("%s (re-read %d times over %.1f s)" % (what, len(delays) + 1, sum(delays)))


# Keys never returned to the user: the workspace object still carries a (deprecated) token.
SECRET_KEYS = frozenset(["api_token"])


class ObjectExists(TogglError):
    """Raised by a description's ``create`` when the API says the object already exists
    (another run created it between this task's read and its write). It carries that object,
    read again, and the engine updates it instead of failing (see ``Reconciler.adopt``)."""

    def __init__(self, current, message="the object already exists"):
        self.current = current
        super().__init__(message)


class Outcome:
    """What ensuring one object did (or, in check mode, would do)."""

    def __init__(self, changed, obj, before, after, label, action):
        self.changed = changed
        self.obj = obj
        self.before = before
        self.after = after
        self.label = label
        self.action = action  # created, updated, deleted, unchanged, absent

    @property
    def diff(self):
        return {
            "before": self.before if self.before is not None else {},
            "after": self.after if self.after is not None else {},
            "before_header": self.label,
            "after_header": self.label,
        }


class Decision:
    """What the engine decided for one object, before any write."""

    def __init__(self, resource, action, current=None, before=None, changes=None):
        self.resource = resource
        self.action = action  # create, update, delete, none
        self.current = current
        self.before = before
        self.changes = changes or {}

    @property
    def writes(self):
        return self.action != "none"


class Reconciler:
    """Decides for every object first, then writes: all reads and local checks of a task
    happen before its first write, so a bad entry in a list fails with nothing written."""

    def __init__(self, check_mode=False):
        self.check_mode = check_mode

    def ensure(self, resource, state=None):
        """Bring one object to ``state`` (default: the resource's own); returns an Outcome."""
        resource.resolve_references()
        decision = self.decide(resource, state)
        self.vet([decision])
        return self.apply(decision)

    def ensure_all(self, resources, state=None):
        """Bring many objects of one kind to their states: decide all, vet all, then write.

        A description can write several decisions in one request by implementing
        ``create_many`` / ``update_many`` / ``delete_many`` (a class method taking the list of
        decisions and returning the API objects in order, or None for each).
        """
        # Every reference first (one step, before any decision), then the decisions.
        for resource in resources:
            resource.resolve_references()
        decisions = [self.decide(resource, state) for resource in resources]
        refuse_two_entries_for_one_object(decisions)
        self.vet(decisions)
        plan_quota(decisions, self.check_mode)
        if self.check_mode or not decisions:
            return [self._predicted(decision) for decision in decisions]
        description = type(decisions[0].resource)
        written = {}
        for action in ("delete", "create", "update"):
            batch = [d for d in decisions if d.action == action]
            many = getattr(description, action + "_many", None)
            if batch and many is not None:
                for decision, obj in zip(batch, many(batch)):
                    written[id(decision)] = obj
        outcomes = [
            self._finish(decision, written[id(decision)]) if id(decision) in written else self.apply(decision)
            for decision in decisions
        ]
        if any(decision.writes for decision in decisions):
            description.confirm(decisions, outcomes)
        return outcomes

    @staticmethod
    def vet(decisions):
        """Every decision, then the task's decisions together (``vet_many``), before any write.

        First the rights: every decision that writes needs its organization's admin right when
        its description says so (``admin_needed_for``), checked in check mode too, so a token
        that cannot see an object never predicts creating it."""
        for decision in decisions:
            require_rights(decision)
        for decision in decisions:
            decision.resource.vet(decision)
        if decisions:
            type(decisions[0].resource).vet_many(decisions)

    def decide(self, resource, state=None):
        state = state or resource.state
        current = resource.find()
        before = resource.state_of(current) if current is not None else None
        if state == "absent":
            return Decision(resource, "delete" if current is not None else "none", current, before)
        if current is None:
            return Decision(resource, "create", changes=resource.desired())
        changes = resource.changes(before, resource.desired())
        return Decision(resource, "update" if changes else "none", current, before, changes)

    def apply(self, decision):
        if self.check_mode:
            return self._predicted(decision)
        resource = decision.resource
        if decision.action == "delete":
            written = resource.delete(decision.current)
        elif decision.action == "create":
            try:
                written = resource.create(decision.changes)
            except ObjectExists as exists:
                return self.adopt(decision, exists.current)
        elif decision.action == "update":
            written = resource.update(decision.current, decision.changes)
        else:
            written = None
        return self._finish(decision, written)

    def adopt(self, decision, current):
        """A create met the object someone else made meanwhile: decide again against it, then
        vet and write as for any update, so the outcome shows what this task really changed."""
        resource = decision.resource
        before = resource.state_of(current)
        changes = resource.changes(before, resource.desired())
        adopted = Decision(resource, "update" if changes else "none", current, before, changes)
        self.vet([adopted])
        return self.apply(adopted)

    def _predicted(self, decision):
        resource = decision.resource
        if decision.action == "none":
            return self._unchanged(decision)
        if decision.action == "delete":
            return Outcome(True, None, decision.before, None, resource.label(decision.current), "deleted")
        if decision.action == "create":
            predicted = resource.predict_create(decision.changes)
            return Outcome(
                True, scrub(predicted), None, scrub(resource.state_of(predicted)), resource.label(predicted), "created"
            )
        predicted = resource.predict_update(decision.current, decision.changes)
        return Outcome(
            True,
            scrub(predicted),
            decision.before,
            scrub(resource.state_of(predicted)),  # a workspace to be created (Pending) shows as null
            resource.label(decision.current),
            "updated",
        )

    def _unchanged(self, decision):
        resource = decision.resource
        if decision.current is None:
            return Outcome(False, None, None, None, resource.label(None), "absent")
        return Outcome(
            False,
            scrub(decision.current),
            decision.before,
            decision.before,
            resource.label(decision.current),
            "unchanged",
        )

    def _finish(self, decision, written):
        """The outcome of a write, from the API's answer (or the prediction for "OK")."""
        resource = decision.resource
        if decision.action in ("none", "delete"):
            return self._predicted(decision)
        predicted = self._predicted(decision)
        obj = written if isinstance(written, dict) else predicted.obj
        after = resource.state_of(obj)
        if decision.action == "create":
            return Outcome(True, scrub(obj), None, after, resource.label(obj), "created")
        not_applied = resource.changes(after, decision.changes)
        if not_applied:
            raise TogglStateError(
                "%s: the API accepted the update but still shows %s"
                % (
                    resource.label(obj),
                    ", ".join(
                        "%s=%r (wanted %r)" % (key, after.get(key), decision.changes[key])
                        for key in sorted(not_applied)
                    ),
                )
            )
        changed = after != decision.before
        return Outcome(
            changed, scrub(obj), decision.before, after, resource.label(obj), "updated" if changed else "unchanged"
        )


def refuse_two_entries_for_one_object(decisions):
    """Two entries of one task that find the same object would contradict each other (or, if
    alike, say it twice): refused before any write. Entries are compared by the object they
    found, not by how they named it, so one person given once by id and once by email is caught.
    (A module's local check catches the same reference twice before any request.)"""
    seen = {}
    for number, decision in enumerate(decisions, start=1):
        resource, current = decision.resource, decision.current
        ident = (current or {}).get(resource.id_key) if isinstance(current, dict) else None
        if ident is None:
            continue
        if ident in seen:
            raise TogglValidationError(
                resource.entries_option or resource.kind + "s",
                "entries %d and %d both name %s: list each once" % (seen[ident], number, resource.label(current)),
            )
        seen[ident] = number


def plan_quota(decisions, check_mode=False):
    """Before the task's first write: refuse writes the hourly quota cannot carry to their end.

    README facts: the API counts requests in an hourly window per user per organization, tells
    what is left in X-Toggl-Quota-Remaining / X-Toggl-Quota-Resets-In (seconds), and answers 402
    beyond it. A task stopped by a 402 halfway leaves half its writes applied; refused here,
    nothing was written. The need is the description's ``writes_needed_many`` (the least the
    write phase sends), the quota what the task's last read outside /me... showed (the client's
    ``quota_left``; no header, no plan). With ``quota_wait`` covering the reset, the task waits
    for it instead (client.wait_for_quota), and a 402 later in the run waits too (client).
    In check mode nothing is written, so nothing is refused: a shortage is a warning."""
    writing = [decision for decision in decisions if decision.writes]
    if not writing:
        return
    first = writing[0].resource
    quota_left = getattr(first.client, "quota_left", None)
    if quota_left is None:  # a test double without a transport
        return
    remaining, resets_in = quota_left()
    if remaining is None:
        return
    needed = type(first).writes_needed_many(writing)
    if needed <= remaining:
        return
    resets = "?" if resets_in is None else resets_in
    shortage = "needs %d request%s, %d left, resets in %s s" % (needed, "" if needed == 1 else "s", remaining, resets)
    if check_mode:
        first.warnings.append("Toggl API quota: a real run of this task %s" % shortage)
        return
    if first.client.wait_for_quota(resets_in, "before the first write: " + shortage):
        return
    raise TogglQuotaError(
        "Toggl API quota too low to finish this task: %s; nothing was written "
        "(rerun after the reset, or set quota_wait, env TOGGL_QUOTA_WAIT, to wait for it)" % shortage
    )


def require_rights(decision):
    """The admin right a decision that writes needs, when its description names one: of the
    organization (Resolver.require_admin) or, for workspace-level objects, of the workspace."""
    resource = decision.resource
    if not decision.writes:
        return
    needed_for = resource.admin_need(decision)
    if not needed_for:
        return
    if resource.admin_scope == "workspace":
        resource.resolver.require_workspace_admin(resource.workspace_id, needed_for)
        return
    organization_id = resource.admin_organization_id()
    if organization_id is not None:
        resource.resolver.require_admin(organization_id, needed_for)


def scrub(obj):
    """A copy of an API object without secrets, safe to return and log; the id of an object an
    earlier task would create (check mode: references.Pending) is not known yet: null."""
    if isinstance(obj, Pending):
        return None
    if isinstance(obj, dict):
        return {key: scrub(value) for key, value in obj.items() if key not in SECRET_KEYS}
    if isinstance(obj, list):
        return [scrub(item) for item in obj]
    return obj
