# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl alert: "tell these roles and users when a project (or the workspace) reaches these
thresholds".

An alert has no name. It is identified by ``alert_id``, or else by the tuple (project,
``source_kind``, ``threshold_type``); an unset project means "no project". Thresholds and
receivers are updated with PUT. One read of ``GET /workspaces/{ws}/alerts`` (Swagger) finds
every alert of a task.

Without a natural key, two runs creating the same alert at once leave two copies. When several
alerts match the identity and are copies (the same thresholds and receivers), the task keeps
the lowest id, deletes the others and reports them (``removed_duplicates``); alerts that match
the identity but differ cannot be told apart, and the task asks for ``alert_id``. A POST whose
answer was lost (the API may have created the alert) is followed by a re-read that adopts it.

Neither the reference pages nor the Swagger list the values ``source_kind``,
``threshold_type`` or ``receiver_roles`` accept, so none are invented here: they are passed
through, and the API's documented 400 texts become failures that name the option (REFUSALS).
What can be checked locally (thresholds not empty, at least one receiver) is.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import check_workspace_reference
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set

IDENTITY = ("project", "source_kind", "threshold_type")
SETTINGS = ("thresholds", "receiver_roles", "receiver_users")
RECEIVERS = ("receiver_roles", "receiver_users")

# The documented 400 texts of POST/PUT /workspaces/{ws}/alerts, as "option: what to fix".
# Each template is filled with the request body.
REFUSALS = {
    "invalid workspace ID": "workspace: Toggl does not know this workspace",
    "source kind can't be blank": "source_kind: is required",
    "source kind out of range": "source_kind: Toggl does not accept %(source_kind)r",
    "project can't be blank": "project: source_kind %(source_kind)r needs a project of this workspace",
    "project not supported for this source kind": "project: source_kind %(source_kind)r takes no project",
    "threshold type can't be blank": "threshold_type: is required",
    "threshold type out of range": "threshold_type: Toggl does not accept %(threshold_type)r",
    "thresholds can't be blank": "thresholds: give at least one threshold",
    "threshold out of range": "thresholds: Toggl does not accept one of %(thresholds)s",
    "receivers can't be blank": "receiver_roles/receiver_users: give at least one receiver",
    "receiver role out of range": "receiver_roles: Toggl does not accept one of %(receiver_roles)s",
    "receiver type out of range": "receiver_users: Toggl refused a receiver of %(receiver_users)s",
    "alert type out of range": (
        "source_kind/threshold_type: Toggl does not accept this kind of alert (%(source_kind)r, %(threshold_type)r)"
    ),
}
# The alert's keys in the body of POST and PUT /workspaces/{ws}/alerts (Swagger: the same body
# for both). The Swagger does not say that PUT keeps a key it is not given, so every update
# sends all of them (see Alert.update). receiver_groups is not among them, though GET and the
# answers (models.AlertWithMeta) carry it.
API_FIELDS = (
    "project_id",
    "source_kind",
    "threshold_type",
    "thresholds",
    "receiver_roles",
    "receiver_users",
)
# Everything of an alert that a copy made by a concurrent run has too (all but its id).
COPY_FIELDS = API_FIELDS + ("receiver_groups",)
# The settings an update may change; any other one another admin set must survive it.
KEPT_SETTINGS = ("thresholds", "receiver_roles", "receiver_users", "receiver_groups")
# The pseudo-option under which the diff shows the copies a task removes.
DUPLICATES = "duplicates"


def explain_refusal(error, body):
    """A TogglApiError naming the option, for a documented 400 of the alerts endpoints."""
    if not isinstance(error, TogglApiError) or error.status != 400:
        return None
    template = REFUSALS.get((error.api_message or "").strip())
    if template is None:
        return None
    values = {key: body.get(key) for key in API_FIELDS}
    return TogglApiError(error.method, error.path, error.status, error.api_message, summary=template % values)


def same_items(current, desired):
    return sorted(current or [], key=repr) == sorted(desired or [], key=repr)


class WithoutNaturalKey:
    """What alerts and track reminders share, having no name the API keeps unique.

    A subclass sets ``id_key`` and implements ``list_path()``, ``matching(objects)`` (the objects
    of the task's identity), ``copy_view(obj)`` (everything but the id) and ``ambiguous(found)``
    (the failure when several objects match and differ). It calls ``pick`` in ``find``.
    """

    def init_copies(self):
        self.duplicates = []  # the other copies of the object ``find`` returned
        self.removed_duplicates = []  # their ids, once deleted
        self._found = None

    # -- reading ----------------------------------------------------------------------------

    def read_all(self, fresh=False):
        """The workspace's objects: memoised for the task, or ``fresh`` (one more GET)."""
        path = self.list_path()

        def load():
            return self.client.get_list(path, what="%ss of workspace %s" % (self.kind, self.workspace_id))

        if fresh:
            return load()
        return self.resolver.memo((self.kind + "s", self.workspace_id), load)

    def pick(self, found):
        """The object of the identity: the lowest id; the others are copies to remove.

        Two runs that create the same object at once leave two identical ones. Identical ones
        are merged (the lowest id kept, the others deleted when the task writes) so the next
        run resolves it without a person; objects of one identity that differ in anything are
        not copies of each other, and the task fails asking for the id."""
        found = sorted(found, key=lambda obj: obj.get(self.id_key) or 0)
        if len(found) > 1 and any(self.copy_view(obj) != self.copy_view(found[0]) for obj in found[1:]):
            raise self.ambiguous(found)
        self._found = found[0] if found else None
        self.duplicates = found[1:]
        return self._found

    def duplicates_view(self, obj):
        """The ids of the copies as the diff shows them: listed before, none after."""
        if obj is not None and obj is self._found:
            return sorted(dup.get(self.id_key) for dup in self.duplicates)
        return []

    def with_duplicates(self, view, obj):
        if self.duplicates:
            view[DUPLICATES] = self.duplicates_view(obj)
        return view

    def desired_duplicates(self, desired):
        if self.duplicates:
            desired[DUPLICATES] = []
        return desired

    def duplicates_changed(self, current_state, changes):
        if self.duplicates and (current_state or {}).get(DUPLICATES):
            changes[DUPLICATES] = []
        return changes

    # -- writing ----------------------------------------------------------------------------

    # The copies are part of the compared state (they are to go), never of what is written.
    def changes(self, current_state, desired):
        settings = {option: value for option, value in desired.items() if option != DUPLICATES}
        return self.duplicates_changed(current_state, super().changes(current_state, settings))

    def payload(self, values):
        return super().payload({option: value for option, value in values.items() if option != DUPLICATES})

    def delete(self, current):
        self.delete_one(current)
        self.remove_duplicates()
        return None

    def _reread(self, current):
        """The object as the API lists it now; a failure when someone else deleted it meanwhile."""
        for obj in self.read_all(fresh=True):
            if obj.get(self.id_key) == current[self.id_key]:
                return obj
        raise TogglStateError("%s was deleted by someone else after this task read it" % self.label(current))

    def remove_duplicates(self):
        for dup in self.duplicates:
            if dup.get(self.id_key) not in self.removed_duplicates:
                self.delete_one(dup)
                self.removed_duplicates.append(dup.get(self.id_key))

    def delete_one(self, obj):
        """DELETE one object; gone already counts as deleted.

        Swagger: DELETE answers 403 for an alert or reminder that does not exist (alerts: "Alert
        not found or not accessible"); the pages' simulator answers 404. A resent DELETE whose
        first answer was lost gets that answer (the client counts it as success, ``gone``); a
        403/404 on the first attempt (another admin deleted it meanwhile, or the right is
        missing) is confirmed by a re-read: gone is success, still listed is the refusal."""
        ident = obj.get(self.id_key)
        path = "%s/%s" % (self.list_path(), ident)
        failure = None
        try:
            return self.client.delete(path, what=self.label(obj), gone=(403, 404))
        except TogglApiError as error:
            if error.status not in (403, 404):
                raise
            failure = error
        try:
            settle(
                lambda: self.read_all(fresh=True),
                lambda objects: all(o.get(self.id_key) != ident for o in objects),
                "%s is still listed" % self.label(obj),
            )
        except TogglStateError:
            raise failure from None
        return None

    def adopt_lost(self, lost, is_ours):
        """After a POST whose answer was lost (the API may have created the object): re-read
        (with backoff, as a new object may be listed only seconds later) and adopt the lowest
        id among the objects ``is_ours`` recognises; none means it was not created."""
        try:
            objects = settle(
                lambda: self.read_all(fresh=True),
                lambda objects: any(is_ours(o) for o in objects),
                "%s: the answer to %s %s was lost and the workspace does not list the %s"
                % (self.label(None), lost.method, lost.path, self.kind.replace("_", " ")),
            )
        except TogglStateError as missing:
            raise TogglStateError("%s; it was probably not created: run the task again" % missing) from None
        return min((o for o in objects if is_ours(o)), key=lambda o: o.get(self.id_key) or 0)


def reporting_removed_duplicates(module, resource_class):
    """``resource_class`` for ``module.run``/``run_many``, with ``removed_duplicates`` (the ids of
    the copies the task deleted; in check mode, the ones it would delete) added to the result."""
    made = []

    class Reporting(resource_class):
        def __init__(self, params, client, resolver):
            super().__init__(params, client, resolver)
            made.append(self)

    exit_json = module.exit_json

    def exit_with_removed(**result):
        removed = []
        for resource in made:
            if module.check_mode:
                removed.extend(dup.get(resource.id_key) for dup in resource.duplicates)
            else:
                removed.extend(resource.removed_duplicates)
        result["removed_duplicates"] = sorted(removed)
        exit_json(**result)

    module.exit_json = exit_with_removed
    Reporting.__name__ = resource_class.__name__
    return Reporting


class Alert(WithoutNaturalKey, Resource):
    kind = "alert"
    entries_option = "alerts"
    # Swagger: POST/PUT/DELETE /workspaces/{ws}/alerts answer 403 to a user without the right.
    admin_needed_for = "create, change or delete alerts"
    admin_scope = "workspace"
    references = {
        "workspace_id": ("workspace", "workspace"),
        "project_id": ("project", "project"),
        "receiver_user_ids": ("workspace_users", "receiver_users"),
    }
    # Declared once: the module's options (argument_spec), the comparison and the payload key.
    fields = {
        "project": Field(api_name="project_id", kind="str"),
        "source_kind": Field(kind="str"),
        "threshold_type": Field(kind="str"),
        "thresholds": Field(compare=same_set, kind="list", elements="int"),
        "receiver_roles": Field(compare=same_set, kind="list", elements="str"),
        "receiver_users": Field(compare=same_set, kind="list", elements="str"),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.init_copies()

    @property
    def by_id(self):
        return self.params.get("alert_id") is not None

    # -- local checks -----------------------------------------------------------------

    def validate(self):
        super().validate()
        p = self.params
        check_workspace_reference(p)
        if not self.by_id:
            for option in ("source_kind", "threshold_type"):
                if not (p.get(option) or "").strip():
                    raise TogglValidationError(
                        option,
                        "is required: an alert without alert_id is identified by project, source_kind and "
                        "threshold_type",
                    )
        for option in ("source_kind", "threshold_type"):
            if p.get(option) is not None and not p[option].strip():
                raise TogglValidationError(option, "must contain non-space characters")
        if p.get("thresholds") is not None:
            if not p["thresholds"]:
                raise TogglValidationError("thresholds", "give at least one threshold")
            if any(isinstance(value, bool) or not isinstance(value, int) for value in p["thresholds"]):
                raise TogglValidationError("thresholds", "must be whole numbers, got %s" % p["thresholds"])
        if all(p.get(option) is not None for option in RECEIVERS) and not any(p[option] for option in RECEIVERS):
            raise TogglValidationError("receiver_roles/receiver_users", "give at least one receiver")

    # -- reading ------------------------------------------------------------------------

    def list_path(self):
        return "/workspaces/%s/alerts" % self.workspace_id

    def find(self):
        p = self.params
        alerts = self.read_all()
        if self.by_id:
            found = [alert for alert in alerts if alert.get("id") == p["alert_id"]]
            if not found and self.state == "present":
                raise TogglReferenceError("alert %s not found in workspace %s" % (p["alert_id"], self.workspace_id))
        else:
            found = self.matching(alerts)
        current = self.pick(found)
        self._claim(current)
        return current

    def matching(self, alerts):
        p = self.params
        return [
            alert
            for alert in alerts
            if (alert.get("project_id") or None) == self.project_id
            and alert.get("source_kind") == p["source_kind"]
            and alert.get("threshold_type") == p["threshold_type"]
        ]

    def copy_view(self, obj):
        view = {key: obj.get(key) for key in COPY_FIELDS}
        view["project_id"] = view["project_id"] or None
        for key in KEPT_SETTINGS:
            view[key] = sorted(view[key] or [], key=repr)
        return view

    def ambiguous(self, found):
        return TogglReferenceError(
            "expected 1 alert for %s, found %d that differ (alert_id %s): give alert_id"
            % (self._identity_text(), len(found), ", ".join(str(alert.get("id")) for alert in found))
        )

    def _claim(self, current):
        """Two entries of one task for the same alert would undo each other: refuse them."""
        claims = self.resolver.memo(("claimed", self.kind), dict)
        if current is not None:
            key = (self.workspace_id, current.get("id"))
        else:
            key = (
                self.workspace_id,
                self.project_id,
                self.params.get("source_kind"),
                self.params.get("threshold_type"),
            )
        if key in claims and claims[key] is not self:
            raise TogglValidationError("alerts", "two entries name the same %s" % self.label(current))
        claims[key] = self

    # -- desired state and the diff ------------------------------------------------------

    def desired(self):
        p = self.params
        desired = {}
        if self.project_id is not None:
            desired["project"] = self.project_id
        for option in ("source_kind", "threshold_type", "thresholds", "receiver_roles"):
            if p.get(option) is not None:
                desired[option] = p[option]
        if self.receiver_user_ids is not None:
            desired["receiver_users"] = self.receiver_user_ids
        return self.desired_duplicates(desired)

    def state_of(self, obj):
        """The identity and the settings the task sets (all fields when it deletes), and the
        copies of the alert the task removes."""
        if obj is None:
            return None
        view = {
            "project": obj.get("project_id") or None,
            "source_kind": obj.get("source_kind"),
            "threshold_type": obj.get("threshold_type"),
            "thresholds": sorted(obj.get("thresholds") or []),
            "receiver_roles": sorted(obj.get("receiver_roles") or []),
            "receiver_users": sorted(obj.get("receiver_users") or []),
        }
        if self.state != "absent":
            shown = set(IDENTITY) | {option for option in SETTINGS if self.params.get(option) is not None}
            view = {option: value for option, value in view.items() if option in shown}
        return self.with_duplicates(view, obj)

    def vet(self, decision):
        if decision.action == "create":
            if not self.params.get("thresholds"):
                raise TogglValidationError("thresholds", "is required to create an alert")
            if not any(self.params.get(option) for option in RECEIVERS):
                raise TogglValidationError(
                    "receiver_roles/receiver_users", "an alert needs at least one receiver to be created"
                )
        if decision.action == "update":
            body = self._full_body(decision.current, decision.changes)
            if not any(body.get(key) for key in RECEIVERS) and not decision.current.get("receiver_groups"):
                raise TogglValidationError("receiver_roles/receiver_users", "an alert needs at least one receiver")

    # -- writing ------------------------------------------------------------------------

    def create(self, desired):
        body = self.payload(desired)
        for key in RECEIVERS:
            body.setdefault(key, [])
        lost = None
        try:
            # Swagger: POST answers the alert (models.AlertWithMeta).
            answer = self._send(self.client.post, self.list_path(), body, None)
        except TogglAnswerLostError as error:
            lost = error
        if lost is None and isinstance(answer, dict) and answer.get("id"):
            return answer
        lost = lost or TogglAnswerLostError("POST", self.list_path(), "the answer was not the alert", body=body)
        return self.adopt_lost(lost, lambda alert: self.matching([alert]) and self._carries(alert, body))

    def update(self, current, changes):
        """Removes the alert's copies, then writes the changed settings.

        The Swagger gives PUT the body of POST and does not say that a key left out is kept,
        so the body carries every key of it: the ones the task changes, the others as a re-read
        made right before the PUT shows them (never as the task's first read did, so what
        another admin set since is sent back as it is now). Receiver groups (set in the web app)
        have no key in that body: when the alert has some, they go under the answer's key
        ``receiver_groups`` (models.AlertWithMeta), the one way to keep them through a PUT that
        replaces. After the PUT the answer must still show every setting the task left alone."""
        self.remove_duplicates()
        settings = {option: value for option, value in changes.items() if option != DUPLICATES}
        if not settings:
            return dict(current)
        fresh = self._reread(current)
        body = self._full_body(fresh, settings)
        if fresh.get("receiver_groups"):
            body["receiver_groups"] = list(fresh["receiver_groups"])
        answer = self._put("%s/%s" % (self.list_path(), current["id"]), body, current, settings)
        dropped = self._dropped(fresh, answer, settings)
        if dropped:
            raise TogglStateError(
                "%s: the API's answer to the update no longer shows %s as the alert had %s before it"
                % (
                    self.label(current),
                    ", ".join(sorted(dropped)),
                    ", ".join("%s=%r" % (key, fresh.get(key)) for key in sorted(dropped)),
                )
            )
        return answer

    def _put(self, path, body, current, settings):
        answer = self._send(self.client.put, path, body, current)
        if isinstance(answer, dict) and answer.get("id"):
            return answer
        # Not the alert: read until the write shows (the live API lists changes late).
        return settle(
            lambda: self._reread(current),
            lambda alert: not self.changes(self.state_of(alert), settings),
            "%s: the API accepted the update but does not show it" % self.label(current),
        )

    @staticmethod
    def _dropped(fresh, answer, settings):
        return [key for key in KEPT_SETTINGS if key not in settings and not same_items(answer.get(key), fresh.get(key))]

    @staticmethod
    def _carries(alert, body):
        return all(same_items(alert.get(key), body.get(key)) for key in ("thresholds",) + RECEIVERS)

    def _send(self, method, path, body, current):
        failure = None
        try:
            return method(path, body=body, what=self.label(current))
        except TogglAnswerLostError:
            raise
        except TogglApiError as error:
            failure = explain_refusal(error, body) or error
        raise failure

    def _full_body(self, current, changes):
        body = {key: current[key] for key in API_FIELDS if current.get(key) is not None}
        if not body.get("project_id"):
            body.pop("project_id", None)  # "no project" reads as null (or 0): send none
        body.update(self.payload(changes))
        return body

    # -- predictions and names ----------------------------------------------------------------

    def predict_create(self, desired):
        predicted = {"id": None, "wid": self.workspace_id, "project_id": None, "receiver_groups": []}
        predicted.update(self.payload(desired))
        for key in RECEIVERS:
            predicted.setdefault(key, [])
        return predicted

    def predict_update(self, current, changes):
        predicted = dict(current)
        predicted.update(self.payload(changes))
        return predicted

    def _identity_text(self):
        project = self.project_id if self.project_id is not None else self.params.get("project")
        return "%s, source_kind %r, threshold_type %r" % (
            "project %s" % project if project is not None else "no project",
            self.params.get("source_kind"),
            self.params.get("threshold_type"),
        )

    def label(self, obj):
        alert_id = (obj or {}).get("id") or self.params.get("alert_id")
        if alert_id:
            return "alert %s" % alert_id
        return "alert for %s" % self._identity_text()
