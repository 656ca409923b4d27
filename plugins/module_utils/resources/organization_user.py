# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization user: one person's membership of an organization.

Found by email (case-insensitive) or user id in ``GET /organizations/{id}/users``, read once
per task through every page (the Resolver memoises it), so a bulk list of people costs one
paginated read, not one per person. Pending invitations are members too (``joined: false``):
an invited person is "present" and is not invited again.

Writes, batched where the API takes lists:

- invite: ``POST /organizations/{id}/invitations``, one request for all new people who get the
  same workspaces, groups and ``skip_email``. The answer has user ids, not organization user
  ids, so ``admin`` / ``inactive`` / ``labour_cost`` asked for on invite cost one re-read of
  the member list (for the whole batch) and a PUT per person;
- ``admin``, ``inactive``, ``labour_cost``: ``PUT /organizations/{id}/users/{organization_user_id}``,
  one per person (the API has no bulk form);
- resend a pending invitation: ``PUT /organizations/{id}/invitations/{invitation_id}/resend``;
- remove: one ``PATCH /organizations/{id}/users`` ``{"delete": [...]}`` for everyone removed.

The API shows no organization-level labour cost: ``PUT labour_cost`` sets the member's labor
cost in each of their workspaces, and that is what the list shows (``workspaces[].cost``) and
what is compared.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Decision
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglConfigError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id, membership_status
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource

# 402 texts of the paid-plan features people modules write (the billable-rates one is the
# documented text of POST /workspaces/{id}/rates; the others follow it).
PAID_FEATURES = {
    "rate": "Billable rates are available for Starter and higher plans.",
    "labor_cost": "Labor costs are available for Starter and higher plans.",
    "labour_cost": "Labor costs are available for Starter and higher plans.",
    "working_hours_in_minutes": "Working hours are available for Starter and higher plans.",
}

# What a fresh invitation gives: the follow-up PUT sends only options that differ from it.
INVITED_MEMBER_DEFAULTS = {"admin": False, "inactive": False, "labour_cost": None}


# -- helpers shared by the people descriptions ---------------------------------------------


def normalized_ref(ref):
    """A user reference as compared: an int id, or the email stripped and case-folded."""
    if is_id(ref):
        return int(ref)
    return str(ref).strip().casefold()


def check_user_ref(option, ref):
    """An id, or something that can be an e-mail address; checked before any request."""
    if ref is None or is_id(ref):
        return
    text = str(ref).strip()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        raise TogglValidationError(option, "%r is neither a user id nor an e-mail address" % ref)


def check_unique_users(resources, option="users"):
    """A bulk list names each person once: two entries for one person would contradict."""
    seen = set()
    for resource in resources:
        ref = normalized_ref(resource.params["user"])
        if ref in seen:
            raise TogglValidationError(option, "%s is listed more than once" % resource.params["user"])
        seen.add(ref)


def matches_user(obj, ref):
    """Whether an organization or workspace user object is the person ``ref`` names."""
    wanted = normalized_ref(ref)
    if isinstance(wanted, int):
        return obj.get("user_id", obj.get("uid")) == wanted
    return (obj.get("email") or "").casefold() == wanted


def protect_owner_and_caller(resolver, organization_id, user_obj, what):
    """Refuse ``what`` (e.g. "remove ... from the organization") for the organization owner or
    the token's own user. The owner comes from the member list; the token's user costs one
    ``GET /me``, spent only when such a write is planned."""
    email = user_obj.get("email") or user_obj.get("user_id")
    if is_owner(resolver, organization_id, user_obj):
        raise TogglValidationError(
            "user",
            "refusing to %s: %s is the organization owner, whom this collection never removes or deactivates"
            % (what, email),
        )
    if is_caller(resolver, user_obj):
        raise TogglValidationError(
            "user", "refusing to %s: %s is the user the API token belongs to; use another admin's token" % (what, email)
        )


def is_owner(resolver, organization_id, user_obj):
    if "owner" in user_obj:
        return bool(user_obj["owner"])
    user_id = user_obj.get("user_id", user_obj.get("uid"))
    return any(m.get("owner") and m.get("user_id") == user_id for m in resolver.organization_users(organization_id))


def is_caller(resolver, user_obj):
    return resolver.me().get("id") == user_obj.get("user_id", user_obj.get("uid"))


def require_paid_plan(resolver, organization_id, options):
    """Refuse paid-plan options on a Free organization before anything is written.

    The API would answer the first such write with 402, but by then other writes of the task
    (an invitation, an assignment, earlier people of a bulk list) may have been made. The plan
    comes from /me/organizations when the task read it, else from one GET /organizations/{id}.
    """
    paid = [option for option in options if option in PAID_FEATURES]
    if not paid:
        return
    org = resolver.organization(organization_id)
    plan = str(org.get("pricing_plan_name") or "").strip().lower()
    if plan == "free" or (not plan and org.get("pricing_plan_id") == 0):
        raise TogglConfigError(
            "needs a paid Toggl plan: %s (%s: organization %r is on the Free plan; nothing was written)"
            % (PAID_FEATURES[paid[0]], ", ".join(sorted(paid)), org.get("name") or organization_id)
        )


def group_ids_of(obj):
    """The sorted ids of the groups a member list entry shows the person in."""
    return sorted(group.get("group_id") for group in obj.get("groups") or [])


def with_status(obj):
    """A copy of a member with its ``status``: joined, invited (pending) or inactive."""
    return dict(obj, status=membership_status(obj.get("joined", True), obj.get("inactive")))


def labour_cost_of(obj):
    """The labour cost the member list shows: the cost in each workspace, when they agree."""
    costs = sorted({ws.get("cost") for ws in obj.get("workspaces") or []}, key=repr)
    if not costs:
        return None
    return costs[0] if len(costs) == 1 else costs


class OrganizationUser(Resource):
    kind = "organization_user"
    fields = {
        "admin": Field(),
        "inactive": Field(),
        "labour_cost": Field(minimum=0),
        # Sent with a labour_cost change only; the API never returns it.
        "labour_cost_change_mode": Field(api_name="rate_change_mode", compare=None),
    }
    MEMBER_FIELDS = ("admin", "inactive", "labour_cost")
    # Written in the same PUT as the member fields; not a Field, as its API value is a list of objects.
    PUT_FIELDS = MEMBER_FIELDS + ("groups",)

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.organization_id = None
        self.current = None
        self._invitation = None

    # -- local checks --------------------------------------------------------------------

    def validate(self):
        super().validate()
        if self.params.get("user") is None or not str(self.params["user"]).strip():
            raise TogglValidationError("user", "must be an e-mail address or a user id")
        check_user_ref("user", self.params["user"])
        for entry in self.params.get("workspaces") or []:
            if entry.get("workspace") is None or not str(entry["workspace"]).strip():
                raise TogglValidationError("workspaces", "each entry needs a workspace name or id")

    @classmethod
    def check_entries(cls, resolver, resources):
        """The ``extra`` hook of the bulk form: it adds nothing, it refuses a person listed twice."""
        check_unique_users(resources)
        return []

    @property
    def email(self):
        ref = self.params["user"]
        return None if is_id(ref) else str(ref).strip().lower()

    # -- reading and deciding -----------------------------------------------------------------

    def find(self):
        self.organization_id = self.resolver.organization_id(self.params["organization"])
        found = self.resolver.find_organization_user(self.organization_id, str(self.params["user"]).strip())
        if found is None and self.email is None and self.state == "present":
            raise TogglReferenceError(
                "user %s is not in organization %s: give an e-mail address to invite them"
                % (self.params["user"], self.params["organization"])
            )
        self.current = with_status(found) if found is not None else None
        return self.current

    def state_of(self, obj):
        """The diff of a person: email and status, then the options compared."""
        if obj is None:
            return None
        state = {
            "email": obj.get("email"),
            "status": membership_status(obj.get("joined", True), obj.get("inactive")),
            "admin": obj.get("admin"),
            "inactive": obj.get("inactive"),
        }
        if self.params.get("labour_cost") is not None:
            state["labour_cost"] = labour_cost_of(obj)
        if self.manages_groups():
            state["groups"] = group_ids_of(obj)
        if obj.get("invitation_resent"):
            state["invitation_resent"] = True
        return state

    def manages_groups(self):
        """``groups`` of someone already in the organization is the exact list of their groups
        (an invitation carries them otherwise)."""
        return self.params.get("groups") is not None and self.current is not None

    def desired(self):
        desired = super().desired()
        if self.manages_groups():
            organization_id = self.organization_id
            desired["groups"] = sorted({self.resolver.group_id(organization_id, ref) for ref in self.params["groups"]})
        return desired

    def changes(self, current_state, desired):
        changes = super().changes(current_state, desired)
        if "groups" in desired and sorted(current_state.get("groups") or []) != desired["groups"]:
            changes["groups"] = desired["groups"]
        if "labour_cost" in changes and self.current is not None and not self.current.get("workspaces"):
            # The API shows a labour cost only through the member's workspaces: with none,
            # there is nothing to compare, and sending it every run would never converge.
            changes.pop("labour_cost")
        if (
            self.params.get("resend_invitation")
            and current_state.get("status") == "invited"
            and not current_state.get("invitation_resent")
        ):
            changes["invitation_resent"] = True
        return changes

    def vet(self, decision):
        if decision.action == "create":
            self.invitation()  # resolves workspace and group names now, before any write
            require_paid_plan(self.resolver, self.organization_id, self.follow_up(decision.changes))
            return
        if decision.action == "delete":
            protect_owner_and_caller(
                self.resolver, self.organization_id, decision.current, "remove %s from the organization" % self.who()
            )
            return
        if decision.changes.get("inactive") is True:
            protect_owner_and_caller(
                self.resolver, self.organization_id, decision.current, "deactivate %s" % self.who()
            )
        if decision.changes.get("admin") is False and decision.current.get("owner"):
            raise TogglValidationError(
                "admin", "%s is the organization owner, who is always an organization admin" % self.who()
            )
        require_paid_plan(self.resolver, self.organization_id, decision.changes)

    def who(self):
        return (self.current or {}).get("email") or self.email or self.params["user"]

    def label(self, obj):
        obj = obj or {}
        ident = obj.get("id")
        who = obj.get("email") or self.email or self.params["user"]
        return "%s %s (id %s)" % (self.kind, who, ident) if ident else "%s %s" % (self.kind, who)

    # -- the invitation ------------------------------------------------------------------------

    def invitation(self):
        """The invitation body without ``emails``: workspace and group references resolved."""
        if self._invitation is None:
            entries = self.params.get("workspaces") or []
            if not entries:
                raise TogglValidationError(
                    "workspaces", "is required to invite %s: an invitation names at least one workspace" % self.email
                )
            workspaces = []
            for entry in entries:
                item = {"workspace_id": self.resolver.workspace_id(entry["workspace"], self.params["organization"])}
                if entry.get("role"):
                    item["role"] = entry["role"]
                workspaces.append(item)
            groups = [self.resolver.group_id(self.organization_id, group) for group in self.params.get("groups") or []]
            self._invitation = {
                "workspaces": workspaces,
                "groups": groups,
                "skip_email": bool(self.params["skip_email"]),
            }
        return self._invitation

    def invitation_key(self):
        """People whose invitations are alike go in one request."""
        body = self.invitation()
        workspaces = tuple((item["workspace_id"], item.get("role")) for item in body["workspaces"])
        return (self.organization_id, workspaces, tuple(sorted(body["groups"])), body["skip_email"])

    def follow_up(self, desired):
        """The options an invitation cannot carry and that differ from what it gives."""
        return {
            option: value
            for option, value in desired.items()
            if option in INVITED_MEMBER_DEFAULTS and value != INVITED_MEMBER_DEFAULTS[option]
        }

    def predict_create(self, desired):
        body = self.invitation()
        invited = {
            "id": None,
            "user_id": None,
            "organization_id": self.organization_id,
            "email": self.email,
            "admin": False,
            "owner": False,
            "inactive": False,
            "joined": False,
            "invitation_id": None,
            "groups": [{"group_id": group_id} for group_id in body["groups"]],
            "workspaces": [
                {
                    "workspace_id": item["workspace_id"],
                    "workspace_user_id": None,
                    "role": item.get("role") or "user",
                    "cost": None,
                }
                for item in body["workspaces"]
            ],
        }
        return self.predict_update(invited, self.follow_up(desired))

    def predict_update(self, current, changes):
        predicted = dict(current)
        for option in self.MEMBER_FIELDS:
            if option in changes and option != "labour_cost":
                predicted[option] = changes[option]
        if "labour_cost" in changes:
            predicted["workspaces"] = [dict(ws, cost=changes["labour_cost"]) for ws in current.get("workspaces") or []]
        if "groups" in changes:
            names = {group.get("group_id"): group.get("name") for group in current.get("groups") or []}
            predicted["groups"] = [{"group_id": gid, "name": names.get(gid)} for gid in changes["groups"]]
        if changes.get("invitation_resent"):
            predicted["invitation_resent"] = True
        return with_status(predicted)

    # -- writes --------------------------------------------------------------------------------

    def members_path(self):
        return "/organizations/%s/users" % self.organization_id

    def create(self, desired):
        return self.create_many([Decision(self, "create", changes=desired)])[0]

    @classmethod
    def create_many(cls, decisions):
        """One invitation request per set of alike invitations; then, only if someone asked for
        more than an invitation gives, one re-read of the members and a PUT per such person."""
        first = decisions[0].resource
        batches = {}
        for decision in decisions:
            batches.setdefault(decision.resource.invitation_key(), []).append(decision)
        answered = {}
        for batch in batches.values():
            body = dict(batch[0].resource.invitation())
            body["emails"] = [decision.resource.email for decision in batch]
            answer = first.client.post(
                "/organizations/%s/invitations" % first.organization_id, body=body, what="invitations"
            )
            data = answer.get("data") if isinstance(answer, dict) else None
            for item in data or []:
                answered[(item.get("email") or "").casefold()] = item
        results = []
        for decision in decisions:
            predicted = decision.resource.predict_create(decision.changes)
            item = answered.get(decision.resource.email, {})
            predicted["user_id"] = item.get("recipient_id")
            predicted["invitation_id"] = item.get("invitation_id")
            results.append(predicted)
        follow_ups = [(index, d) for index, d in enumerate(decisions) if d.resource.follow_up(d.changes)]
        if not follow_ups:
            return results
        first.resolver.forget(("organization_users", first.organization_id))
        members = first.resolver.organization_users(first.organization_id)
        for index, decision in enumerate(decisions):
            resource = decision.resource
            member = next((m for m in members if matches_user(m, resource.email)), None)
            if member is None:
                continue  # keep the prediction for someone the list does not show yet
            settings = resource.follow_up(decision.changes)
            if settings:
                resource.put_member(member, settings)
            results[index] = resource.predict_update(member, settings)
        return results

    def put_member(self, member, changes):
        body = self.payload({option: changes[option] for option in self.MEMBER_FIELDS if option in changes})
        if "groups" in changes:
            body["groups"] = changes["groups"]
        if "labour_cost" in changes and self.params.get("labour_cost_change_mode"):
            body["rate_change_mode"] = self.params["labour_cost_change_mode"]
        return self.client.put("%s/%s" % (self.members_path(), member["id"]), body=body, what="%s" % self.label(member))

    def update(self, current, changes):
        if any(option in changes for option in self.PUT_FIELDS):
            self.put_member(current, changes)
        if changes.get("invitation_resent"):
            if not current.get("invitation_id"):
                raise TogglReferenceError(
                    "cannot resend the invitation of %s: the API did not show its invitation_id" % self.who()
                )
            self.client.put(
                "/organizations/%s/invitations/%s/resend" % (self.organization_id, current["invitation_id"]),
                what="the invitation of %s" % self.who(),
            )
        return None  # both answer "OK": the engine's prediction is the result

    def delete(self, current):
        return self.delete_many([Decision(self, "delete", current)])[0]

    @classmethod
    def delete_many(cls, decisions):
        """Everyone removed from the organization, in one bulk PATCH."""
        first = decisions[0].resource
        first.client.patch(
            first.members_path(),
            body={"delete": [decision.current["id"] for decision in decisions]},
            what="users of organization %s" % first.organization_id,
        )
        return [None for _unused in decisions]
