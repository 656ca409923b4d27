# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl workspace user: one organization member's direct membership of a workspace.

Found by email (case-insensitive) or user id in
``GET /organizations/{org}/workspaces/{ws}/workspace_users``, read once per task (memoised), so
a bulk list costs one read of the workspace whatever its length. That list shows members who
reach the workspace only through a group too (``is_direct: false``, ``group_ids``): this module
manages the direct membership, groups are toggl_group's.

Writes, batched where the API takes lists:

- add: one ``PUT /organizations/{org}/workspaces/{ws}/assignments`` with a list of
  ``{"user_id", "operation": "add"}`` for everyone added. It answers "OK" without the new
  workspace user ids, so settings for new people cost one re-read of the workspace's users
  (for the whole batch), then a PUT per person;
- settings: ``PUT /workspaces/{ws}/workspace_users/{workspace_user_id}`` with the changed keys,
  one per person (the API has no bulk form);
- remove: one ``PATCH /organizations/{org}/workspaces/{ws}/workspace_users`` ``{"delete": [...]}``.

Only people who are members of the organization (pending invitations included) can be added:
adding someone else fails, naming them, before anything is written.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Decision
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import (
    PAID_FEATURES,
    check_unique_users,
    check_user_ref,
    is_caller,
    is_owner,
    matches_user,
    protect_owner_and_caller,
    require_paid_plan,
)

ROLES = ("admin", "user", "projectlead", "teamlead")

# The per-person options of the module (also the keys of a bulk entry besides ``user``/``state``).
SETTINGS = (
    "role",
    "role_id",
    "inactive",
    "rate",
    "rate_change_mode",
    "labor_cost",
    "labor_cost_change_mode",
    "working_hours_in_minutes",
    "view_edit_billable_rates",
    "view_edit_labor_costs",
)


class WorkspaceUser(Resource):
    kind = "workspace_user"
    fields = {
        # Not an option: "present" means a direct member, so it is always desired.
        "is_direct": Field(),
        "role": Field(),
        "role_id": Field(),
        "inactive": Field(),
        "rate": Field(minimum=0),
        "labor_cost": Field(minimum=0),
        "working_hours_in_minutes": Field(minimum=0),
        "view_edit_billable_rates": Field(),
        "view_edit_labor_costs": Field(),
        # Sent with a change of rate / labor_cost only; the API never returns them.
        "rate_change_mode": Field(compare=None),
        "labor_cost_change_mode": Field(compare=None),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.organization_id = None
        self.workspace_id = None
        self.member = None

    # -- local checks --------------------------------------------------------------------

    def validate(self):
        super().validate()
        if self.params.get("user") is None or not str(self.params["user"]).strip():
            raise TogglValidationError("user", "must be an e-mail address or a user id")
        check_user_ref("user", self.params["user"])
        if self.params.get("role") is not None and self.params.get("role_id") is not None:
            raise TogglValidationError("role_id", "give role or role_id, not both")
        if self.params.get("role") is not None and self.params["role"] not in ROLES:
            raise TogglValidationError("role", "must be one of %s, got %r" % (", ".join(ROLES), self.params["role"]))

    @classmethod
    def bulk_extras(cls, params):
        """The ``extra`` hook of the bulk form: refuses a person listed twice and, with
        ``exclusive``, adds a removal for every direct member the list does not name, except
        the organization owner and the token's user, who are kept with a warning."""

        def extras(resolver, resources):
            check_unique_users(resources)
            if not params.get("exclusive"):
                return []
            return cls.unlisted(params, resolver, resources)

        return extras

    @classmethod
    def unlisted(cls, params, resolver, resources):
        organization_id = resolver.organization_id(params["organization"])
        workspace_id = resolver.workspace_id(params["workspace"], params["organization"])
        listed = [resource.params["user"] for resource in resources]
        extra = []
        for row in resolver.workspace_users(organization_id, workspace_id):
            if not row.get("is_direct", True) or any(matches_user(row, ref) for ref in listed):
                continue
            entry = dict(params, user=row.get("email") or row.get("user_id"), state="absent")
            entry.update(dict.fromkeys(SETTINGS))
            entry.pop("users", None)
            owner = is_owner(resolver, organization_id, row)
            if owner or is_caller(resolver, row):
                entry["state"] = "present"
                kept = cls(entry, resolver.client, resolver)
                whom = "the organization owner" if owner else "the token's user"
                kept.warnings.append(
                    "exclusive: kept %s in workspace %s although the list does not name them: they are %s"
                    % (entry["user"], params["workspace"], whom)
                )
                extra.append(kept)
            else:
                extra.append(cls(entry, resolver.client, resolver))
        return extra

    # -- reading and deciding -----------------------------------------------------------------

    def find(self):
        self.organization_id = self.resolver.organization_id(self.params["organization"])
        self.workspace_id = self.resolver.workspace_id(self.params["workspace"], self.params["organization"])
        ref = str(self.params["user"]).strip()
        row = self.resolver.find_workspace_user(self.organization_id, self.workspace_id, ref)
        if self.state == "absent":
            if row is not None and not row.get("is_direct", True):
                self.warnings.append(
                    "%s is not a direct member of workspace %s but reaches it through group(s) %s: "
                    "remove them there with trackops.toggl.toggl_group"
                    % (row.get("email") or ref, self.params["workspace"], row.get("group_ids"))
                )
                return None
            return row
        if row is None:
            self.member = self.resolver.find_organization_user(self.organization_id, ref)
            if self.member is None:
                raise TogglReferenceError(
                    "user %s is not a member of organization %s: invite them with "
                    "trackops.toggl.toggl_organization_user first" % (ref, self.params["organization"])
                )
        return row

    def desired(self):
        desired = super().desired()
        desired["is_direct"] = True
        return desired

    def state_of(self, obj):
        """The diff of a person: email, direct membership and role, then the options set."""
        if obj is None:
            return None
        state = {"email": obj.get("email"), "is_direct": obj.get("is_direct", True)}
        if self.params.get("role_id") is None:
            state["role"] = obj.get("role")
        for option, field in self.compared_fields().items():
            if option not in state and self.params.get(option) is not None:
                state[option] = obj.get(field.key(option))
        return state

    def settings(self, changes):
        """What a settings PUT sends: the changes except the membership itself."""
        return {option: value for option, value in changes.items() if option != "is_direct"}

    def still_needed(self, row, desired):
        """The settings a new member's row does not have yet (the assignment gives none)."""
        return self.settings(self.changes(self.state_of(row), desired))

    def vet(self, decision):
        who = "%s from workspace %s" % (self.who(decision.current), self.params["workspace"])
        if decision.action == "delete":
            protect_owner_and_caller(self.resolver, self.organization_id, decision.current, "remove " + who)
            if decision.current.get("group_ids"):
                self.warnings.append(
                    "%s stays in workspace %s through group(s) %s: remove them there with trackops.toggl.toggl_group"
                    % (self.who(decision.current), self.params["workspace"], decision.current["group_ids"])
                )
            return
        if decision.changes.get("inactive") is True:
            subject = decision.current if decision.current is not None else self.member
            protect_owner_and_caller(
                self.resolver,
                self.organization_id,
                subject,
                "deactivate %s in workspace %s" % (self.who(subject), self.params["workspace"]),
            )

    @classmethod
    def vet_many(cls, decisions):
        """Refuse paid-plan settings on a Free organization before any write - with a read of
        the plan only when a write would come before the first such setting (see ``update_many``
        for the order). When the task's first write is itself a paid setting, the API's 402
        refuses it with nothing written, so the plan need not be read."""
        paid = {}
        for decision in decisions:
            if decision.action in ("create", "update"):
                paid.update((key, value) for key, value in decision.changes.items() if key in PAID_FEATURES)
        if not paid or cls._first_write_is_paid(decisions):
            return
        first = decisions[0].resource
        require_paid_plan(first.resolver, first.organization_id, paid)

    @staticmethod
    def _first_write_is_paid(decisions):
        writing = [decision for decision in decisions if decision.writes]
        if any(d.action != "update" or d.changes.get("is_direct") for d in writing):
            return False  # a removal or an assignment is written first
        first_put = next((d.resource.settings(d.changes) for d in writing if d.resource.settings(d.changes)), {})
        return any(option in PAID_FEATURES for option in first_put)

    def who(self, obj=None):
        return (obj or {}).get("email") or self.params["user"]

    def label(self, obj):
        obj = obj or {}
        ident = " (id %s)" % obj["id"] if obj.get("id") else ""
        return "%s %s in workspace %s%s" % (self.kind, self.who(obj), self.params["workspace"], ident)

    def fresh_row(self):
        """What a new direct membership looks like right after the assignment."""
        member = self.member or {}
        return {
            "id": None,
            "user_id": member.get("user_id"),
            "uid": member.get("user_id"),
            "workspace_id": self.workspace_id,
            "wid": self.workspace_id,
            "email": member.get("email"),
            "name": member.get("name"),
            "role": "user",
            "role_id": None,
            "admin": False,
            "inactive": False,
            "active": bool(member.get("joined", True)),
            "is_direct": True,
            "group_ids": [],
            "rate": None,
            "labor_cost": None,
            "working_hours_in_minutes": None,
            "view_edit_billable_rates": False,
            "view_edit_labor_costs": False,
        }

    def predict_create(self, desired):
        fresh = self.fresh_row()
        return self.predict_update(fresh, self.still_needed(fresh, desired))

    def predict_update(self, current, changes):
        predicted = dict(current)
        predicted.update(self.payload(changes))
        if "role" in changes:
            predicted["admin"] = predicted["workspace_admin"] = changes["role"] == "admin"
            predicted["role_id"] = None  # ids of roles are the server's; it tells them on the next read
        if "role_id" in changes:
            predicted["role"] = None
        return predicted

    # -- writes --------------------------------------------------------------------------------

    def assignments_path(self):
        return "/organizations/%s/workspaces/%s/assignments" % (self.organization_id, self.workspace_id)

    @classmethod
    def assign(cls, decisions):
        """Direct membership for every decision, one assignments request per workspace."""
        for batch in _by_workspace(decisions).values():
            first = batch[0].resource
            users = [(d.current or d.resource.member)["user_id"] for d in batch]
            first.client.put(
                first.assignments_path(),
                body=[{"user_id": user_id, "operation": "add"} for user_id in users],
                what="workspace %s" % first.params["workspace"],
            )

    def put_settings(self, row, settings):
        body = self.payload(settings)
        for value_option, mode_option in (("rate", "rate_change_mode"), ("labor_cost", "labor_cost_change_mode")):
            if value_option in settings and self.params.get(mode_option):
                body[mode_option] = self.params[mode_option]
        return self.client.put(
            "/workspaces/%s/workspace_users/%s" % (self.workspace_id, row["id"]), body=body, what=self.label(row)
        )

    def create(self, desired):
        return self.create_many([Decision(self, "create", changes=desired)])[0]

    @classmethod
    def create_many(cls, decisions):
        """One assignment for everyone added; when someone needs settings the assignment does not
        give, one re-read of the workspace's users (their new ids) and a PUT per such person."""
        cls.assign(decisions)
        results = {id(decision): decision.resource.predict_create(decision.changes) for decision in decisions}
        for batch in _by_workspace(decisions).values():
            if not any(d.resource.still_needed(d.resource.fresh_row(), d.changes) for d in batch):
                continue
            first = batch[0].resource
            first.resolver.forget(("workspace_users", first.organization_id, first.workspace_id))
            rows = first.resolver.workspace_users(first.organization_id, first.workspace_id)
            for decision in batch:
                resource = decision.resource
                row = next((r for r in rows if matches_user(r, resource.member["user_id"])), None)
                if row is None:
                    raise TogglStateError(
                        "%s: the API accepted the assignment but does not list the user" % resource.label(None)
                    )
                settings = resource.still_needed(row, decision.changes)
                answer = resource.put_settings(row, settings) if settings else None
                results[id(decision)] = answer if isinstance(answer, dict) else resource.predict_update(row, settings)
        return [results[id(decision)] for decision in decisions]

    def update(self, current, changes):
        return self.update_many([Decision(self, "update", current, changes=changes)])[0]

    @classmethod
    def update_many(cls, decisions):
        cls.assign([d for d in decisions if d.changes.get("is_direct")])
        results = []
        for decision in decisions:
            settings = decision.resource.settings(decision.changes)
            results.append(decision.resource.put_settings(decision.current, settings) if settings else None)
        return results

    def delete(self, current):
        return self.delete_many([Decision(self, "delete", current)])[0]

    @classmethod
    def delete_many(cls, decisions):
        for batch in _by_workspace(decisions).values():
            first = batch[0].resource
            first.client.patch(
                "/organizations/%s/workspaces/%s/workspace_users" % (first.organization_id, first.workspace_id),
                body={"delete": [decision.current["id"] for decision in batch]},
                what="users of workspace %s" % first.params["workspace"],
            )
        return [None for _unused in decisions]


def _by_workspace(decisions):
    batches = {}
    for decision in decisions:
        resource = decision.resource
        batches.setdefault((resource.organization_id, resource.workspace_id), []).append(decision)
    return batches
