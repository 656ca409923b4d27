# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl track reminder: "remind these users and groups when they tracked less than N hours
in a day (frequency 1) or a week (frequency 7)".

A reminder has no name. It is identified by ``reminder_id``, or else by its recipient set:
the user ids plus the group ids, compared as sets (order and duplicates do not matter, and
an unset ``users`` or ``groups`` is the empty set). Everything else (frequency, threshold,
the e-mail and Slack flags) is updated in place with PUT. Two reminders with the same
recipient set cannot be told apart: the task fails and asks for ``reminder_id``.

One read of ``GET /workspaces/{ws}/track_reminders`` finds every reminder of a task, however
many it names. ``email_reminder_enabled`` / ``slack_reminder_enabled`` are not on the reference
pages; the Swagger's TrackReminder and its POST/PUT payloads have them.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglReferenceError, TogglValidationError
from ansible_collections.trackops.toggl.plugins.module_utils.references import check_workspace_reference, is_id, require
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set

FREQUENCIES = (1, 7)
RECIPIENTS = ("users", "groups")
SETTINGS = ("frequency", "threshold", "email_reminder_enabled", "slack_reminder_enabled")
# The reminder's documented fields, all sent with every PUT: the reference does not say
# whether PUT merges or replaces, and a full body is right either way (same single request).
API_FIELDS = ("user_ids", "group_ids", "frequency", "threshold", "email_reminder_enabled", "slack_reminder_enabled")


class TrackReminder(Resource):
    kind = "track_reminder"
    fields = {
        "users": Field(api_name="user_ids", compare=same_set),
        "groups": Field(api_name="group_ids", compare=same_set),
        "frequency": Field(),
        "threshold": Field(),
        "email_reminder_enabled": Field(),
        "slack_reminder_enabled": Field(),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.workspace_id = None
        self.user_ids = None
        self.group_ids = None

    @property
    def by_id(self):
        return self.params.get("reminder_id") is not None

    # -- local checks -----------------------------------------------------------------

    def validate(self):
        super().validate()
        p = self.params
        check_workspace_reference(p)
        if p.get("frequency") is not None and p["frequency"] not in FREQUENCIES:
            raise TogglValidationError("frequency", "must be 1 (daily) or 7 (weekly), got %s" % p["frequency"])
        if p.get("threshold") is not None and not p["threshold"] > 0:
            raise TogglValidationError("threshold", "must be greater than 0 hours, got %s" % p["threshold"])
        given = [option for option in RECIPIENTS if p.get(option) is not None]
        if not self.by_id and not any(p.get(option) for option in RECIPIENTS):
            raise TogglValidationError(
                "users/groups",
                "a reminder without reminder_id is identified by its recipients: give at least one user or group",
            )
        if self.by_id and len(given) == 2 and not p["users"] and not p["groups"]:
            raise TogglValidationError("users/groups", "a track reminder needs at least one user or group")

    # -- reading ------------------------------------------------------------------------

    def find(self):
        p = self.params
        self.workspace_id = self.resolver.workspace_id(p["workspace"], p.get("organization"))
        reminders = self.resolver.memo(
            ("track_reminders", self.workspace_id),
            lambda: self.client.get_list(
                "/workspaces/%s/track_reminders" % self.workspace_id,
                what="track reminders of workspace %s" % self.workspace_id,
            ),
        )
        # Unset recipients are the empty set when they identify the reminder, "leave alone" otherwise.
        if p.get("users") is not None or not self.by_id:
            self.user_ids = sorted({self._user_id(ref) for ref in p.get("users") or []})
        if p.get("groups") is not None or not self.by_id:
            self.group_ids = sorted({self._group_id(ref) for ref in p.get("groups") or []})
        if self.by_id:
            found = [r for r in reminders if r.get("reminder_id") == p["reminder_id"]]
            if not found and self.state == "present":
                raise TogglReferenceError(
                    "track reminder %s not found in workspace %s" % (p["reminder_id"], self.workspace_id)
                )
        else:
            found = [
                r
                for r in reminders
                if same_set(r.get("user_ids"), self.user_ids) and same_set(r.get("group_ids"), self.group_ids)
            ]
            if len(found) > 1:
                raise TogglReferenceError(
                    "expected 1 track reminder for users %s and groups %s, found %d (reminder_id %s): "
                    "give reminder_id"
                    % (
                        self.user_ids,
                        self.group_ids,
                        len(found),
                        ", ".join(str(r.get("reminder_id")) for r in found),
                    )
                )
        current = found[0] if found else None
        self._claim(current)
        return current

    def _organization_id(self):
        return self.resolver.organization_of_workspace(self.workspace_id, self.params.get("organization"))

    def _user_id(self, ref):
        if is_id(ref):
            return int(ref)
        row = self.resolver.find_workspace_user(self._organization_id(), self.workspace_id, ref)
        return require("user", ref, row, " in workspace %s" % self.workspace_id)["user_id"]

    def _group_id(self, ref):
        return self.resolver.group_id(self._organization_id(), ref)

    def _claim(self, current):
        """Two entries of one task for the same reminder would undo each other: refuse them."""
        claims = self.resolver.memo(("claimed", self.kind), dict)
        if current is not None:
            key = (self.workspace_id, current.get("reminder_id"))
        else:
            key = (self.workspace_id, tuple(self.user_ids or ()), tuple(self.group_ids or ()))
        if key in claims and claims[key] is not self:
            raise TogglValidationError("reminders", "two entries name the same %s" % self.label(current))
        claims[key] = self

    # -- desired state and the diff ------------------------------------------------------

    def desired(self):
        desired = {option: self.params[option] for option in SETTINGS if self.params.get(option) is not None}
        if self.user_ids is not None:
            desired["users"] = self.user_ids
        if self.group_ids is not None:
            desired["groups"] = self.group_ids
        return desired

    def state_of(self, obj):
        """The recipients and the settings the task sets (all fields when it deletes)."""
        if obj is None:
            return None
        view = {
            "users": sorted(obj.get("user_ids") or []),
            "groups": sorted(obj.get("group_ids") or []),
        }
        view.update((option, obj.get(option)) for option in SETTINGS)
        if self.state == "absent":
            return view
        shown = set(RECIPIENTS) | {option for option in SETTINGS if self.params.get(option) is not None}
        return {option: value for option, value in view.items() if option in shown}

    def vet(self, decision):
        if decision.action == "create":
            for option in ("frequency", "threshold"):
                if self.params.get(option) is None:
                    raise TogglValidationError(option, "is required to create a %s" % self.label(None))
        if decision.action == "update":
            merged = self._full_body(decision.current, decision.changes)
            if not merged.get("user_ids") and not merged.get("group_ids"):
                raise TogglValidationError("users/groups", "a track reminder needs at least one user or group")

    # -- writing ------------------------------------------------------------------------

    def create(self, desired):
        return self.client.post(
            "/workspaces/%s/track_reminders" % self.workspace_id, body=self.payload(desired), what=self.label(None)
        )

    def update(self, current, changes):
        return self.client.put(
            "/workspaces/%s/track_reminders/%s" % (self.workspace_id, current["reminder_id"]),
            body=self._full_body(current, changes),
            what=self.label(current),
        )

    def delete(self, current):
        return self.client.delete(
            "/workspaces/%s/track_reminders/%s" % (self.workspace_id, current["reminder_id"]),
            what=self.label(current),
        )

    def _full_body(self, current, changes):
        body = {key: current[key] for key in API_FIELDS if current.get(key) is not None}
        body.update(self.payload(changes))
        return body

    # -- predictions and names ----------------------------------------------------------------

    def predict_create(self, desired):
        predicted = {"reminder_id": None, "workspace_id": self.workspace_id}
        predicted.update(self.payload(desired))
        return predicted

    def predict_update(self, current, changes):
        predicted = dict(current)
        predicted.update(self.payload(changes))
        return predicted

    def label(self, obj):
        reminder_id = (obj or {}).get("reminder_id") or self.params.get("reminder_id")
        if reminder_id:
            return "track reminder %s" % reminder_id
        return "track reminder for users %s and groups %s" % (
            self.user_ids if self.user_ids is not None else self.params.get("users") or [],
            self.group_ids if self.group_ids is not None else self.params.get("groups") or [],
        )
