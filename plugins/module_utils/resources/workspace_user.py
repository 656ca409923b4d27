# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl workspace user: one organization member's direct membership of a workspace.

Found by email (case-insensitive) or user id in
``GET /organizations/{org}/workspaces/{ws}/workspace_users``, read once per task (memoised), so
a bulk list costs one read of the workspace whatever its length. That list shows members who
reach the workspace only through a group too (``is_direct: false``, ``group_ids``): this module
manages the direct membership, groups are toggl_group's.

Writes, batched where the API takes lists (each request follows the 2026 Swagger):

- add: the Swagger's way to put an existing organization member into a workspace is
  ``PUT /organizations/{org}/users/{organization_user_id}`` with ``workspaces``
  (models.OrgUserWorkspace items), which REPLACES the person's direct workspace memberships. So
  the member list is read again right before (one read for the whole task), each person's PUT
  carries the direct memberships that read shows plus this workspace (nothing else of them: only
  ``workspace_id``, so another admin's role or rate change stays), and a read after the writes
  (repeated while the API does not show them yet) checks that no membership was lost; a lost
  one is written again once. The older pages' ``PUT /organizations/{org}/workspaces/{ws}/assignments``
  (one request for everyone) is used only when the Swagger's way answers 404/405 (it does not
  exist). New people's settings cost one re-read of the workspace's users (their new ids), then
  a PUT per person;
- settings: ``PUT /workspaces/{ws}/workspace_users/{workspace_user_id}`` with the changed keys
  (Swagger: workspace_user.Payload), one per person (the API has no bulk form);
- remove: one ``PATCH /organizations/{org}/workspaces/{ws}/workspace_users`` ``{"delete": [...]}``
  (Swagger: workspace_users.PatchParams).

Every write needs the organization admin right: a token whose user is not an admin fails before
any write, in check mode too, naming the organization (engine: ``admin_needed_for``).

Only people who are members of the organization (pending invitations included) can be added:
adding someone else fails, naming them, before anything is written.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Decision, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import reference_label
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import (
    CHANGE_MODES,
    PAID_FEATURES,
    check_unique_users,
    check_user_ref,
    matches_user,
    member_of,
    protect_owner_and_caller,
    protected_as,
    require_paid_plan,
    reread_members,
    settle_members,
)

ROLES = ("admin", "user", "projectlead", "teamlead")


class WorkspaceUser(Resource):
    kind = "workspace_user"
    entries_option = "users"
    references = {"organization_id": ("organization", "organization"), "workspace_id": ("workspace", "workspace")}
    # The per-person options, declared once: the module's argument spec (``argument_spec``), the
    # keys of a bulk entry besides ``user`` / ``state``, the comparison and the local checks.
    fields = {
        # Not an option: "present" means a direct member, so it is always desired.
        "is_direct": Field(),
        "role": Field(kind="str", choices=ROLES),
        "role_id": Field(kind="int"),
        "inactive": Field(kind="bool"),
        "rate": Field(minimum=0, kind="float"),
        # Aliases in the spelling toggl_organization_user uses (labour_cost).
        "labor_cost": Field(minimum=0, kind="float", aliases=["labour_cost"]),
        "working_hours_in_minutes": Field(minimum=0, kind="int"),
        "view_edit_billable_rates": Field(kind="bool"),
        "view_edit_labor_costs": Field(kind="bool"),
        # Sent with a change of rate / labor_cost only; the API never returns them.
        "rate_change_mode": Field(compare=None, kind="str", choices=CHANGE_MODES),
        "labor_cost_change_mode": Field(
            compare=None, kind="str", choices=CHANGE_MODES, aliases=["labour_cost_change_mode"]
        ),
    }

    def admin_need(self, decision):
        verb = {"create": "add", "delete": "remove"}.get(decision.action, "change")
        return "%s %s in workspace %s" % (verb, self.who(decision.current), self.workspace_label)

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
            if not resources:
                # An authoritative empty list would remove every direct member at once: that
                # is far likelier an empty variable than an intent.
                raise TogglValidationError(
                    "users",
                    "is empty with exclusive: true, which would remove every direct member of workspace %s;"
                    " list the people to keep, or remove people with state: absent"
                    % reference_label("workspace", params["workspace"]),
                )
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
            entry.update(dict.fromkeys(cls.argument_spec()))
            entry.pop("users", None)
            whom = protected_as(resolver, organization_id, row)
            if whom is not None:
                entry["state"] = "present"
                kept = cls(entry, resolver.client, resolver)
                kept.warnings.append(
                    "exclusive: kept %s in workspace %s although the list does not name them: they are %s"
                    % (entry["user"], reference_label("workspace", params["workspace"]), whom)
                )
                extra.append(kept)
            else:
                extra.append(cls(entry, resolver.client, resolver))
        return extra

    # -- reading and deciding -----------------------------------------------------------------

    def find(self):
        ref = str(self.params["user"]).strip()
        row = self.resolver.find_workspace_user(self.organization_id, self.workspace_id, ref)
        if self.state == "absent":
            if row is not None and not row.get("is_direct", True):
                self.warnings.append(
                    "%s is not a direct member of workspace %s but reaches it through group(s) %s: "
                    "remove them there with trackops.toggl.toggl_group"
                    % (row.get("email") or ref, self.workspace_label, row.get("group_ids"))
                )
                return None
            return row
        if row is None and self.member is None:
            raise TogglReferenceError(
                "user %s is not a member of organization %s: invite them with "
                "trackops.toggl.toggl_organization_user first" % (ref, self.params["organization"])
            )
        return row

    @property
    def workspace_label(self):
        return reference_label("workspace", self.params["workspace"])

    @property
    def member(self):
        """The person in the organization's member list, for one not in the workspace yet (the
        Resolver reads the list once, only when some entry needs it)."""
        return self.resolver.find_organization_user(self.organization_id, str(self.params["user"]).strip())

    def resolve_names(self):
        """Also the person, who must be in the workspace or the organization to stay or join."""
        super().resolve_names()
        if self.state == "present":
            self.find()

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
        who = "%s from workspace %s" % (self.who(decision.current), self.workspace_label)
        if decision.action == "delete":
            protect_owner_and_caller(self.resolver, self.organization_id, decision.current, "remove " + who)
            if decision.current.get("group_ids"):
                self.warnings.append(
                    "%s stays in workspace %s through group(s) %s: remove them there with trackops.toggl.toggl_group"
                    % (self.who(decision.current), self.workspace_label, decision.current["group_ids"])
                )
            return
        if decision.changes.get("inactive") is True:
            subject = decision.current if decision.current is not None else self.member
            protect_owner_and_caller(
                self.resolver,
                self.organization_id,
                subject,
                "deactivate %s in workspace %s" % (self.who(subject), self.workspace_label),
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
        return "%s %s in workspace %s%s" % (self.kind, self.who(obj), self.workspace_label, ident)

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

    # -- the quota the writes need (engine.plan_quota) ------------------------------------------

    @classmethod
    def writes_needed_many(cls, decisions):
        """The least the batch methods below send: for the people added, the members read
        again, a PUT per person and the read after (``assign_by_member_put``); per workspace
        where a new member needs settings, one re-read of its users and a PUT per such person;
        a settings PUT per update; one PATCH per workspace with removals; ``confirm``'s re-read
        per workspace written."""
        added = [d for d in decisions if d.action == "create" or (d.action == "update" and d.changes.get("is_direct"))]
        needed = 0
        if added:
            needed += 2 + len({(d.current or d.resource.member)["user_id"] for d in added})
        creates = [d for d in decisions if d.action == "create"]
        for batch in _by_workspace(creates).values():
            settled = [d for d in batch if d.resource.still_needed(d.resource.fresh_row(), d.changes)]
            needed += 1 + len(settled) if settled else 0
        needed += sum(1 for d in decisions if d.action == "update" and d.resource.settings(d.changes))
        needed += len(_by_workspace([d for d in decisions if d.action == "delete"]))
        needed += len(_by_workspace([d for d in decisions if d.writes]))
        return needed

    # -- writes --------------------------------------------------------------------------------

    def assignments_path(self):
        return "/organizations/%s/workspaces/%s/assignments" % (self.organization_id, self.workspace_id)

    # Request cost of adding N existing organization members to one workspace, measured against
    # the simulator without read lag (tests/integration/test_workspace_user.py::
    # test_cost_of_adding_existing_members), whole task, reads included:
    #   Swagger's org-user PUT: N + 6 requests, N writes (N=1: 7, N=5: 11, N=20: 26): the
    #     workspace's users, the members, the admin right, the members again right before the
    #     writes, one PUT per person (the API has no bulk form), the members after them (the check
    #     that nothing was lost), the workspace's users (confirm);
    #   pages' assignments: 6 requests, 1 write, whatever N (5 without the refused Swagger attempt).
    # Chosen: the Swagger's way, although it costs one write per person: the 2026 API does not
    # list `assignments` (the live API may stop serving it), and `assignments` stays the fallback
    # when the Swagger's way answers 404/405. A read lag adds repeated reads to both.
    @classmethod
    def assign(cls, decisions):
        """Direct membership for every decision: the Swagger's org-user PUT, or (fallback) the
        pages' assignments."""
        if not decisions:
            return
        try:
            cls.assign_by_member_put(decisions)
        except _NoSuchEndpoint as missing:
            # pages: PUT .../assignments, only because the Swagger's way answered that it does not exist.
            try:
                cls.assign_by_assignments(decisions)
            except TogglApiError as error:
                if error.status in (404, 405):
                    raise missing.error from None
                raise

    @classmethod
    def assign_by_member_put(cls, decisions):
        """Swagger: PUT /organizations/{org}/users/{organization_user_id} {"workspaces": [...]} per
        person, from a fresh read of the members, then a read that checks nothing was lost."""
        first = decisions[0].resource
        resolver, organization_id = first.resolver, first.organization_id
        adding = {}
        for decision in decisions:
            user_id = (decision.current or decision.resource.member)["user_id"]
            adding.setdefault(user_id, set()).add(decision.resource.workspace_id)
        members = reread_members(resolver, organization_id)
        kept = {}
        written = 0
        for user_id, workspace_ids in sorted(adding.items()):
            member = member_of(members, user_id)
            if member is None:
                raise TogglReferenceError(
                    "user %s is no longer a member of organization %s" % (user_id, first.params["organization"])
                )
            kept[user_id] = direct_workspaces(resolver, organization_id, member)
            try:
                cls.put_workspaces(first, member, kept[user_id] | workspace_ids)
            except TogglApiError as error:
                if written == 0 and error.status in (404, 405) and not error.quota_exhausted:
                    raise _NoSuchEndpoint(error) from None
                raise
            written += 1

        def shows(found):
            return all(ids <= workspaces_shown(member_of(found, uid)) for uid, ids in adding.items())

        after = settle_members(
            resolver,
            organization_id,
            shows,
            "workspace %s: the API accepted the membership of user(s) %s but does not list it"
            % (first.workspace_label, ", ".join(str(uid) for uid in sorted(adding))),
        )
        for user_id, workspace_ids in sorted(adding.items()):
            member = member_of(after, user_id)
            lost = kept[user_id] - workspaces_shown(member)
            if lost:
                # Someone else's whole-list write crossed this one: write the lost memberships back, once.
                certain = {w["workspace_id"] for w in member.get("workspaces") or [] if not w.get("groups")}
                cls.put_workspaces(first, member, certain | kept[user_id] | workspace_ids)

    @staticmethod
    def put_workspaces(resource, member, workspace_ids):
        """Only ``workspace_id`` per item: a membership kept is not otherwise touched."""
        resource.client.put(
            "/organizations/%s/users/%s" % (resource.organization_id, member["id"]),
            body={"workspaces": [{"workspace_id": ws_id} for ws_id in sorted(workspace_ids)]},
            what="workspaces of %s" % (member.get("email") or member.get("user_id")),
        )

    @classmethod
    def assign_by_assignments(cls, decisions):
        """pages: one PUT .../assignments per workspace for everyone added (fallback only)."""
        for batch in _by_workspace(decisions).values():
            first = batch[0].resource
            users = [(d.current or d.resource.member)["user_id"] for d in batch]
            first.client.put(
                first.assignments_path(),
                body=[{"user_id": user_id, "operation": "add"} for user_id in users],
                what="workspace %s" % first.workspace_label,
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
            key = ("workspace_users", first.organization_id, first.workspace_id)

            def read(first=first, key=key):
                first.resolver.forget(key)
                return first.resolver.workspace_users(first.organization_id, first.workspace_id)

            def listed(rows, batch=batch):
                return all(direct_row(rows, d.resource.member["user_id"]) for d in batch)

            rows = settle(
                read,
                listed,
                "workspace %s: the API accepted the membership but does not list the user(s)" % first.workspace_label,
            )
            for decision in batch:
                resource = decision.resource
                row = direct_row(rows, resource.member["user_id"])
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

    @classmethod
    def confirm(cls, decisions, outcomes):
        """One re-read of each written workspace's users (repeated while it lags) that shows every
        write of the task: removed people gone, added ones direct, settings as predicted."""
        written = [(d, o) for d, o in zip(decisions, outcomes) if d.writes]
        by_workspace = {}
        for decision, outcome in written:
            key = (decision.resource.organization_id, decision.resource.workspace_id)
            by_workspace.setdefault(key, []).append((decision, outcome))
        for (organization_id, workspace_id), batch in by_workspace.items():
            first = batch[0][0].resource

            def read(first=first, organization_id=organization_id, workspace_id=workspace_id):
                first.resolver.forget(("workspace_users", organization_id, workspace_id))
                return first.resolver.workspace_users(organization_id, workspace_id)

            def shows(rows, batch=batch):
                for decision, outcome in batch:
                    row = direct_row(rows, decision.resource.user_id_of(decision))
                    if decision.action == "delete":
                        if row is not None:
                            return False
                        continue
                    if row is None:
                        return False
                    state = decision.resource.state_of(row)
                    if any(state.get(k) != outcome.after.get(k) for k in decision.changes if k in state):
                        return False
                return True

            settle(
                read,
                shows,
                "workspace %s: the API accepted the changes but does not list them" % first.workspace_label,
            )

    def user_id_of(self, decision):
        return (decision.current or self.member or {}).get("user_id", (decision.current or {}).get("uid"))

    def delete(self, current):
        return self.delete_many([Decision(self, "delete", current)])[0]

    @classmethod
    def delete_many(cls, decisions):
        for batch in _by_workspace(decisions).values():
            first = batch[0].resource
            first.client.patch(
                "/organizations/%s/workspaces/%s/workspace_users" % (first.organization_id, first.workspace_id),
                body={"delete": [decision.current["id"] for decision in batch]},
                what="users of workspace %s" % first.workspace_label,
            )
        return [None for _unused in decisions]


class _NoSuchEndpoint(Exception):
    """The Swagger's way answered 404/405 before anything was written (internal)."""

    def __init__(self, error):
        self.error = error
        super().__init__(str(error))


def direct_row(rows, user_id):
    return next((r for r in rows if matches_user(r, user_id) and r.get("is_direct", True)), None)


def workspaces_shown(member):
    """The ids of every workspace the member list shows the person in (direct or not)."""
    return {ws.get("workspace_id") for ws in (member or {}).get("workspaces") or []}


def direct_workspaces(resolver, organization_id, member):
    """The workspaces the person is a DIRECT member of, from their member list entry: an entry
    without groups is direct; one also reached through a group (``groups``, Swagger:
    models.OrgUserWorkspace) is direct only if that workspace's users say so (one read per such
    workspace, memoised), as a whole-list write must neither drop nor add a direct membership."""
    direct = set()
    for ws in member.get("workspaces") or []:
        ws_id = ws.get("workspace_id")
        if not ws.get("groups") or direct_row(resolver.workspace_users(organization_id, ws_id), member["user_id"]):
            direct.add(ws_id)
    return direct


def _by_workspace(decisions):
    batches = {}
    for decision in decisions:
        resource = decision.resource
        batches.setdefault((resource.organization_id, resource.workspace_id), []).append(decision)
    return batches
