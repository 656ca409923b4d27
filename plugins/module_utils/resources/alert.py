# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl alert: "tell these roles and users when a project (or the workspace) reaches these
thresholds".

An alert has no name. It is identified by ``alert_id``, or else by the tuple (project,
``source_kind``, ``threshold_type``); an unset project means "no project". Thresholds and
receivers are updated with PUT; two alerts with the same tuple cannot be told apart, so the
task fails and asks for ``alert_id``. One read of ``GET /workspaces/{ws}/alerts`` (a Swagger
endpoint) finds every alert of a task.

Neither the reference pages nor the Swagger list the values ``source_kind``,
``threshold_type`` or ``receiver_roles`` accept, so none are invented here: they are passed
through, and the API's documented 400 texts become failures that name the option (REFUSALS).
What can be checked locally (thresholds not empty, at least one receiver) is.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import check_workspace_reference, is_id, require
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
# The alert's writable fields; PUT gets all of them (the Swagger gives PUT the same body as
# POST, so leaving one out may clear it). receiver_groups is not in that body, but GET returns
# it and it is sent back unchanged so that groups set in the web app survive an update.
API_FIELDS = (
    "project_id",
    "source_kind",
    "threshold_type",
    "thresholds",
    "receiver_roles",
    "receiver_users",
    "receiver_groups",
)


def explain_refusal(error, body):
    """A TogglApiError naming the option, for a documented 400 of the alerts endpoints."""
    if not isinstance(error, TogglApiError) or error.status != 400:
        return None
    template = REFUSALS.get((error.api_message or "").strip())
    if template is None:
        return None
    values = {key: body.get(key) for key in API_FIELDS}
    return TogglApiError(error.method, error.path, error.status, error.api_message, summary=template % values)


class Alert(Resource):
    kind = "alert"
    fields = {
        "project": Field(api_name="project_id"),
        "source_kind": Field(),
        "threshold_type": Field(),
        "thresholds": Field(compare=same_set),
        "receiver_roles": Field(compare=same_set),
        "receiver_users": Field(compare=same_set),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.workspace_id = None
        self.project_id = None
        self.receiver_user_ids = None

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

    def find(self):
        p = self.params
        self.workspace_id = self.resolver.workspace_id(p["workspace"], p.get("organization"))
        alerts = self.resolver.memo(
            ("alerts", self.workspace_id),
            lambda: self.client.get_list(
                "/workspaces/%s/alerts" % self.workspace_id, what="alerts of workspace %s" % self.workspace_id
            ),
        )
        if p.get("project") is not None:
            self.project_id = self.resolver.project_id(self.workspace_id, p["project"])
        if p.get("receiver_users") is not None:
            self.receiver_user_ids = sorted({self._user_id(ref) for ref in p["receiver_users"]})
        if self.by_id:
            found = [alert for alert in alerts if alert.get("id") == p["alert_id"]]
            if not found and self.state == "present":
                raise TogglReferenceError("alert %s not found in workspace %s" % (p["alert_id"], self.workspace_id))
        else:
            found = [
                alert
                for alert in alerts
                if (alert.get("project_id") or None) == self.project_id
                and alert.get("source_kind") == p["source_kind"]
                and alert.get("threshold_type") == p["threshold_type"]
            ]
            if len(found) > 1:
                raise TogglReferenceError(
                    "expected 1 alert for %s, found %d (alert_id %s): give alert_id"
                    % (self._identity_text(), len(found), ", ".join(str(alert.get("id")) for alert in found))
                )
        current = found[0] if found else None
        self._claim(current)
        return current

    def _user_id(self, ref):
        if is_id(ref):
            return int(ref)
        organization_id = self.resolver.organization_of_workspace(self.workspace_id, self.params.get("organization"))
        row = self.resolver.find_workspace_user(organization_id, self.workspace_id, ref)
        return require("user", ref, row, " in workspace %s" % self.workspace_id)["user_id"]

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
        return desired

    def state_of(self, obj):
        """The identity and the settings the task sets (all fields when it deletes)."""
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
        if self.state == "absent":
            return view
        shown = set(IDENTITY) | {option for option in SETTINGS if self.params.get(option) is not None}
        return {option: value for option, value in view.items() if option in shown}

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
            if not any(body.get(key) for key in ("receiver_roles", "receiver_users", "receiver_groups")):
                raise TogglValidationError("receiver_roles/receiver_users", "an alert needs at least one receiver")

    # -- writing ------------------------------------------------------------------------

    def create(self, desired):
        body = self.payload(desired)
        for key in RECEIVERS:
            body.setdefault(key, [])
        return self._send(self.client.post, "/workspaces/%s/alerts" % self.workspace_id, body, None)

    def update(self, current, changes):
        return self._send(
            self.client.put,
            "/workspaces/%s/alerts/%s" % (self.workspace_id, current["id"]),
            self._full_body(current, changes),
            current,
        )

    def delete(self, current):
        return self.client.delete(
            "/workspaces/%s/alerts/%s" % (self.workspace_id, current["id"]), what=self.label(current)
        )

    def _send(self, method, path, body, current):
        failure = None
        try:
            return method(path, body=body, what=self.label(current))
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
