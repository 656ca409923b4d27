# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl track reminder: "remind these users and groups when they tracked less than N hours
in a day (frequency 1) or a week (frequency 7)".

A reminder has no name. It is identified by ``reminder_id``, or else by its recipient set:
the user ids plus the group ids, compared as sets (order and duplicates do not matter, and
an unset ``users`` or ``groups`` is the empty set). Everything else (frequency, threshold,
the e-mail and Slack flags) is updated in place with PUT. Two reminders with the same
recipient set that differ cannot be told apart: the task fails and asks for ``reminder_id``.
Two that are copies of each other (what two runs creating the same reminder at once leave)
are merged: the lowest id is kept, the others are deleted and reported (``removed_duplicates``).
A POST whose answer was lost is followed by a re-read that adopts the reminder it created.

One read of ``GET /workspaces/{ws}/track_reminders`` finds every reminder of a task, however
many it names. ``email_reminder_enabled`` / ``slack_reminder_enabled`` are not on the reference
pages; the Swagger's TrackReminder and its POST/PUT payloads have them.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import check_workspace_reference
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set
from ansible_collections.trackops.toggl.plugins.module_utils.resources.alert import DUPLICATES, WithoutNaturalKey

FREQUENCIES = (1, 7)
RECIPIENTS = ("users", "groups")
SETTINGS = ("frequency", "threshold", "email_reminder_enabled", "slack_reminder_enabled")
# The reminder's fields in the Swagger's reminders.Payload (POST and PUT). Every key of it is
# optional there ("can be omitted"), so a PUT sends only the keys the task changes, and what
# another admin set in any other key survives it.
API_FIELDS = ("user_ids", "group_ids", "frequency", "threshold", "email_reminder_enabled", "slack_reminder_enabled")


class TrackReminder(WithoutNaturalKey, Resource):
    kind = "track_reminder"
    entries_option = "reminders"
    references = {
        "workspace_id": ("workspace", "workspace"),
        "listed_user_ids": ("workspace_users", "users"),
        "listed_group_ids": ("groups", "groups"),
    }
    id_key = "reminder_id"
    # Swagger: POST/PUT/DELETE /workspaces/{ws}/track_reminders answer 403 to a user without the right.
    admin_needed_for = "create, change or delete track reminders"
    admin_scope = "workspace"
    # Declared once: the module's options (argument_spec), the comparison and the payload key.
    fields = {
        "users": Field(api_name="user_ids", compare=same_set, kind="list", elements="str"),
        "groups": Field(api_name="group_ids", compare=same_set, kind="list", elements="str"),
        "frequency": Field(kind="int", choices=(1, 7)),
        "threshold": Field(kind="int"),
        "email_reminder_enabled": Field(kind="bool"),
        "slack_reminder_enabled": Field(kind="bool"),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.init_copies()

    @property
    def by_id(self):
        return self.params.get("reminder_id") is not None

    # Unset recipients are the empty set when they identify the reminder, "leave alone" (None)
    # when reminder_id does.
    @property
    def user_ids(self):
        return self.listed_user_ids if self.listed_user_ids is not None or self.by_id else []

    @property
    def group_ids(self):
        return self.listed_group_ids if self.listed_group_ids is not None or self.by_id else []

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

    def list_path(self):
        return "/workspaces/%s/track_reminders" % self.workspace_id

    def find(self):
        p = self.params
        reminders = self.read_all()
        if self.by_id:
            found = [r for r in reminders if r.get("reminder_id") == p["reminder_id"]]
            if not found and self.state == "present":
                raise TogglReferenceError(
                    "track reminder %s not found in workspace %s" % (p["reminder_id"], self.workspace_id)
                )
        else:
            found = self.matching(reminders)
        current = self.pick(found)
        self._claim(current)
        return current

    def matching(self, reminders):
        return [
            r
            for r in reminders
            if same_set(r.get("user_ids"), self.user_ids) and same_set(r.get("group_ids"), self.group_ids)
        ]

    def copy_view(self, obj):
        view = {key: obj.get(key) for key in API_FIELDS}
        view["user_ids"] = sorted(view["user_ids"] or [])
        view["group_ids"] = sorted(view["group_ids"] or [])
        return view

    def ambiguous(self, found):
        return TogglReferenceError(
            "expected 1 track reminder for users %s and groups %s, found %d that differ (reminder_id %s): "
            "give reminder_id"
            % (self.user_ids, self.group_ids, len(found), ", ".join(str(r.get("reminder_id")) for r in found))
        )

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
        return self.desired_duplicates(desired)

    def state_of(self, obj):
        """The recipients and the settings the task sets (all fields when it deletes), and the
        copies of the reminder the task removes."""
        if obj is None:
            return None
        view = {
            "users": sorted(obj.get("user_ids") or []),
            "groups": sorted(obj.get("group_ids") or []),
        }
        view.update((option, obj.get(option)) for option in SETTINGS)
        if self.state != "absent":
            shown = set(RECIPIENTS) | {option for option in SETTINGS if self.params.get(option) is not None}
            view = {option: value for option, value in view.items() if option in shown}
        return self.with_duplicates(view, obj)

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
        body = self.payload(desired)
        lost = None
        try:
            # Swagger: POST answers the reminder (models.TrackReminder).
            answer = self.client.post(self.list_path(), body=body, what=self.label(None))
        except TogglAnswerLostError as error:
            lost = error
        if lost is None and isinstance(answer, dict) and answer.get("reminder_id"):
            return answer
        lost = lost or TogglAnswerLostError("POST", self.list_path(), "the answer was not the reminder", body=body)
        return self.adopt_lost(lost, lambda reminder: self.matching([reminder]) and self._carries(reminder, body))

    def update(self, current, changes):
        """Removes the reminder's copies, then PUTs only the changed keys (see API_FIELDS)."""
        self.remove_duplicates()
        settings = {option: value for option, value in changes.items() if option != DUPLICATES}
        if not settings:
            return dict(current)
        path = "%s/%s" % (self.list_path(), current["reminder_id"])
        # Swagger: PUT answers the reminder (models.TrackReminder).
        answer = self.client.put(path, body=self.payload(settings), what=self.label(current))
        if isinstance(answer, dict) and answer.get("reminder_id"):
            return answer
        return settle(
            lambda: self._reread(current),
            lambda reminder: reminder is not None and not self.changes(self.state_of(reminder), settings),
            "%s: the API accepted the update but does not show it" % self.label(current),
        )

    @staticmethod
    def _carries(reminder, body):
        return all(reminder.get(key) == value for key, value in body.items() if key not in ("user_ids", "group_ids"))

    def _full_body(self, current, changes):
        """The reminder as it would be after the changes (for the local checks)."""
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
