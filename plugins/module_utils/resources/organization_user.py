# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization user: one person's membership of an organization.

Found by email (case-insensitive) or user id in ``GET /organizations/{id}/users``, read once
per task through every page (the Resolver memoises it), so a bulk list of people costs one
paginated read, not one per person. Pending invitations are members too (``joined: false``):
an invited person is "present" and is not invited again.

Writes, batched where the API takes lists (each request follows the 2026 Swagger):

- invite: ``POST /organizations/{id}/invitations`` (Swagger: invitation.Post), one request for all
  new people who get the same workspaces, groups and ``skip_email``. The answer has user ids, not
  organization user ids, so ``admin`` / ``inactive`` / ``labour_cost`` asked for on invite cost one
  re-read of the member list (for the whole batch, repeated while the API does not list the new
  people yet, see engine.settle) and a PUT per person. An invitation whose answer was lost is
  looked up and adopted, not sent twice; one the API refuses because the person was invited
  meanwhile (another run) is adopted too;
- ``admin``, ``inactive``, ``groups``: ``PUT /organizations/{id}/users/{organization_user_id}``
  (Swagger: organization_user.Payload, whose admin flag is ``organization_admin``; the older pages
  called it ``admin``, which the 2026 API drops unseen), one per person (no bulk form).
  ``groups`` there replaces the person's whole set of groups, so the person is read again right
  before the PUT, the PUT carries what that read shows plus this task's change, and a read after
  it checks that a group another admin added meanwhile is still there (written again once if not);
  a bulk task does that with one read before all its group PUTs and one after them;
- ``labour_cost``: the Swagger's organization user payload has no labour cost (only the older pages
  have one), so it is set per workspace of the person: ``PUT /workspaces/{ws}/workspace_users/{id}``
  ``{"labor_cost"}`` (Swagger: workspace_user.Payload, with ``labor_cost_change_mode``), one per
  workspace whose cost differs; nothing else of the membership is sent;
- resend a pending invitation: ``PUT /organizations/{id}/invitations/{invitation_id}/resend``;
- remove: one ``PATCH /organizations/{id}/users`` ``{"delete": [...]}`` for everyone removed.

The API shows no organization-level labour cost: the cost of the member in each of their
workspaces is what the list shows (``workspaces[].cost``) and what is compared.

Every write needs the organization admin right: a token whose user is not an admin fails before
any write, in check mode too, naming the organization (engine: ``admin_needed_for``).
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Decision, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglConfigError,
    TogglReferenceError,
    TogglStateError,
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

# Swagger: how a labour cost change applies to existing time entries (workspace_user.Payload).
CHANGE_MODES = ("start-today", "override-current", "override-all")

# What a fresh invitation gives: the follow-up PUT sends only options that differ from it.
INVITED_MEMBER_DEFAULTS = {"admin": False, "inactive": False, "labour_cost": None}


# -- helpers shared by the people descriptions ---------------------------------------------


# A value not read yet (None is an answer: the person is not there).
NOT_READ = object()


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


def protected_as(resolver, organization_id, user_obj):
    """THE rule "never the owner or the token's user": "the organization owner", "the token's
    user" or None. The owner comes from the member list; the token's user costs one ``GET /me``
    (memoised), so callers ask only when a write that the rule forbids is planned. Used by
    ``protect_owner_and_caller`` (refusals) and by the exclusive lists that spare them."""
    if is_owner(resolver, organization_id, user_obj):
        return "the organization owner"
    if is_caller(resolver, user_obj):
        return "the token's user"
    return None


def protect_owner_and_caller(resolver, organization_id, user_obj, what, option="user"):
    """Refuse ``what`` (e.g. "remove ... from the organization") for the organization owner or
    the token's own user (``protected_as``), before any write."""
    email = user_obj.get("email") or user_obj.get("user_id")
    whom = protected_as(resolver, organization_id, user_obj)
    if whom == "the organization owner":
        raise TogglValidationError(
            option,
            "refusing to %s: %s is the organization owner, whom this collection never removes or deactivates;"
            " nothing was written" % (what, email),
        )
    if whom is not None:
        raise TogglValidationError(
            option,
            "refusing to %s: %s is the user the API token belongs to; use another admin's token; nothing was written"
            % (what, email),
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


def reread_members(resolver, organization_id):
    """The member list read again (one paginated read), after or right before a write."""
    resolver.forget(("organization_users", organization_id))
    return resolver.organization_users(organization_id)


def settle_members(resolver, organization_id, is_visible, what):
    """Re-read the member list until ``is_visible(members)`` (the live API lists a write only
    after a while), see engine.settle."""
    return settle(lambda: reread_members(resolver, organization_id), is_visible, what)


def member_of(members, ref):
    return next((m for m in members if matches_user(m, ref)), None)


def send_invitations(client, resolver, organization_id, body, reread=None):
    """POST the invitations of ``body``; an answer lost on the way back, or a refusal because the
    people are members by now (another run invited them meanwhile), ends with the people looked
    up and adopted: one invitation per person. ``reread(emails)`` reads the members again (default:
    every page of the member list); it returns the members it read."""
    path = "/organizations/%s/invitations" % organization_id
    emails = body["emails"]
    if reread is None:

        def reread(_emails):
            return reread_members(resolver, organization_id)

    def listed(members):
        return all(member_of(members, email) for email in emails)

    try:
        return client.post(path, body=body, what="invitations")
    except TogglAnswerLostError:
        pass  # the server may have applied it: look before inviting again
    except TogglApiError as error:
        if error.status != 400:
            raise
        members = reread(emails)
        if not listed(members):
            raise
        return adopted_invitations(members, emails)
    members = []
    try:
        members = settle(lambda: reread(emails), listed, "invitations not listed")
    except TogglStateError:
        members = reread(emails)
        missing = [email for email in emails if not member_of(members, email)]
        # Not recorded by the server: the first POST never arrived, so this one is the only one.
        answer = client.post(path, body=dict(body, emails=missing), what="invitations")
        adopted = adopted_invitations(members, [email for email in emails if email not in missing])
        if isinstance(answer, dict):
            adopted["data"].extend(answer.get("data") or [])
        return adopted
    return adopted_invitations(members, emails)


def adopted_invitations(members, emails):
    """An invitation answer (``data``) made from the member list, for invitations adopted."""
    data = []
    for email in emails:
        found = member_of(members, email)
        if found is not None:
            data.append(
                {"email": email, "recipient_id": found.get("user_id"), "invitation_id": found.get("invitation_id")}
            )
    return {"data": data}


class OrganizationUser(Resource):
    kind = "organization_user"
    entries_option = "users"
    references = {"organization_id": ("organization", "organization")}
    # Declared once: the module's per-person options (argument_spec), the comparison, the checks.
    fields = {
        "admin": Field(kind="bool"),
        "inactive": Field(kind="bool"),
        "labour_cost": Field(minimum=0, kind="float", aliases=["labor_cost"]),
        # Sent with a labour_cost change only (as labor_cost_change_mode); the API never returns it.
        "labour_cost_change_mode": Field(
            compare=None, kind="str", choices=CHANGE_MODES, aliases=["labor_cost_change_mode"]
        ),
    }
    MEMBER_FIELDS = ("admin", "inactive", "labour_cost")
    # Swagger: organization_user.Payload names the organization admin flag `organization_admin`.
    PAYLOAD_KEYS = {"admin": "organization_admin", "inactive": "inactive"}
    # Written in the same PUT as the member fields; not a Field, as its API value is a list of objects.
    PUT_FIELDS = MEMBER_FIELDS + ("groups",)

    def admin_need(self, decision):
        verb = {"create": "invite", "delete": "remove"}.get(decision.action, "change")
        return "%s %s in organization %s" % (verb, self.who(), self.organization_id)

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self._current = NOT_READ
        self._invitation = None
        # The member list as read after the task's last write (put_groups_many), for confirm().
        self.members_after_writes = None

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

    @property
    def current(self):
        """The person as the task's read of the member list shows them (with status), or None:
        read by whichever method asks first (the Resolver reads the list once)."""
        if self._current is NOT_READ:
            found = self.resolver.find_organization_user(self.organization_id, str(self.params["user"]).strip())
            self._current = with_status(found) if found is not None else None
        return self._current

    def seen_as(self, member):
        """The person as a later read shows them (an invitation just sent, reread)."""
        self._current = with_status(member)

    def find(self):
        if self.current is None and self.email is None and self.state == "present":
            raise TogglReferenceError(
                "user %s is not in organization %s: give an e-mail address to invite them"
                % (self.params["user"], self.params["organization"])
            )
        return self.current

    def resolve_names(self):
        """Also the names an invitation or a group change would need (workspaces, groups)."""
        super().resolve_names()
        if self.state == "present":
            self.find()
            for entry in self.params.get("workspaces") or []:
                self.resolver.workspace_id(entry["workspace"], self.params["organization"])
            for ref in self.params.get("groups") or []:
                self.resolver.group_id(self.organization_id, ref)

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

    # -- the quota the writes need (engine.plan_quota) ------------------------------------------

    @classmethod
    def writes_needed_many(cls, decisions):
        """The least the batch methods below send: one PATCH for all removals; an invitation
        POST per set of alike invitations and, when someone asked for more than an invitation
        gives, one re-read of the members plus their writes (``member_writes``); each update's
        writes; for changed groups one read before their PUTs and one after, which then also
        serves ``confirm``; otherwise ``confirm``'s one re-read."""
        creates = [d for d in decisions if d.action == "create"]
        updates = [d for d in decisions if d.action == "update"]
        needed = 1 if any(d.action == "delete" for d in decisions) else 0
        needed += len({d.resource.invitation_key() for d in creates})
        follow_ups = [d for d in creates if d.resource.follow_up(d.changes)]
        if follow_ups:
            needed += 1
        for decision in follow_ups:
            resource = decision.resource
            invited = {"workspaces": [dict(item, cost=None) for item in resource.invitation()["workspaces"]]}
            needed += resource.member_writes(invited, resource.follow_up(decision.changes))
        needed += sum(d.resource.member_writes(d.current, d.changes) for d in updates)
        needed += 2 if any("groups" in d.changes for d in updates) else 1
        return needed

    def member_writes(self, member, changes):
        """The PUTs ``put_member`` and ``update`` send for ``changes``: one for the member fields
        and groups together, one per workspace whose labour cost differs, one to resend the
        invitation."""
        writes = 1 if "groups" in changes or any(option in changes for option in self.PAYLOAD_KEYS) else 0
        if "labour_cost" in changes:
            cost = changes["labour_cost"]
            writes += sum(1 for ws in (member or {}).get("workspaces") or [] if ws.get("cost") != cost)
        if changes.get("invitation_resent"):
            writes += 1
        return writes

    # -- writes --------------------------------------------------------------------------------

    def members_path(self):
        return "/organizations/%s/users" % self.organization_id

    def create(self, desired):
        return self.create_many([Decision(self, "create", changes=desired)])[0]

    @classmethod
    def create_many(cls, decisions):
        """One invitation request per set of alike invitations; then, only if someone asked for
        more than an invitation gives, one re-read of the members (repeated until it lists the new
        people) and a PUT per such person."""
        first = decisions[0].resource
        batches = {}
        for decision in decisions:
            batches.setdefault(decision.resource.invitation_key(), []).append(decision)
        answered = {}
        for batch in batches.values():
            body = dict(batch[0].resource.invitation())
            body["emails"] = [decision.resource.email for decision in batch]
            answer = first.invite(body)
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
        follow_ups = [d for d in decisions if d.resource.follow_up(d.changes)]
        if not follow_ups:
            return results
        members = settle_members(
            first.resolver,
            first.organization_id,
            lambda found: all(member_of(found, d.resource.email) for d in follow_ups),
            "the API accepted the invitation of %s but does not list them"
            % ", ".join(d.resource.email for d in follow_ups),
        )
        for index, decision in enumerate(decisions):
            resource = decision.resource
            member = member_of(members, resource.email)
            settings = resource.follow_up(decision.changes)
            if member is None:
                continue
            if settings:
                resource.seen_as(member)
                resource.put_member(member, settings)
            results[index] = resource.predict_update(member, settings)
        return results

    def invite(self, body):
        """POST the invitations (see ``send_invitations``)."""
        return send_invitations(self.client, self.resolver, self.organization_id, body)

    def put_member(self, member, changes):
        """The member fields and groups in one PUT; the labour cost per workspace (see the module
        docstring). ``groups`` replaces the person's set, so it is written from a fresh read."""
        body = {self.PAYLOAD_KEYS[option]: changes[option] for option in self.PAYLOAD_KEYS if option in changes}
        path = "%s/%s" % (self.members_path(), member["id"])
        if "groups" in changes:
            self.put_groups(member, changes["groups"], body)
        elif body:
            self.client.put(path, body=body, what=self.label(member))
        if "labour_cost" in changes:
            self.put_labour_cost(member, changes["labour_cost"])

    @classmethod
    def update_many(cls, decisions):
        """The updates of a bulk task. Everything but ``groups`` as ``update`` does, person by
        person; then everyone whose groups change from ONE fresh read of the members (their
        groups as it shows them plus this task's change), one PUT each, and ONE read after the
        last PUT (repeated while it lags) that must show every person's change - instead of a
        read before and after each person's PUT (2 x people member-list reads). The window
        between the fresh read and a PUT grows only by the PUTs before it; a group another admin
        added meanwhile and a PUT dropped is written back once, as ``put_groups`` does."""
        grouped = []
        for decision in decisions:
            resource, changes = decision.resource, decision.changes
            if "groups" in changes:
                grouped.append(decision)
                rest = {key: value for key, value in changes.items() if key != "groups"}
                if "labour_cost" in rest:
                    resource.put_labour_cost(decision.current, rest["labour_cost"])
                if rest.get("invitation_resent"):
                    resource.update(decision.current, {"invitation_resent": True})
            else:
                resource.update(decision.current, changes)
        if grouped:
            cls.put_groups_many(grouped)
        return [None for _unused in decisions]

    @classmethod
    def put_groups_many(cls, decisions):
        """One fresh read, a PUT per person, one read after (see update_many)."""
        first = decisions[0].resource
        fresh = reread_members(first.resolver, first.organization_id)
        plans = []
        for decision in decisions:
            resource, member = decision.resource, decision.current
            body = {cls.PAYLOAD_KEYS[o]: decision.changes[o] for o in cls.PAYLOAD_KEYS if o in decision.changes}
            before = set(group_ids_of(resource.current or member))
            add, drop = set(decision.changes["groups"]) - before, before - set(decision.changes["groups"])
            now = set(group_ids_of(member_of(fresh, member["user_id"]) or member))
            theirs = now - before - drop  # added by someone else since the task's read
            path = "%s/%s" % (resource.members_path(), member["id"])
            resource.client.put(path, body=dict(body, groups=sorted((now | add) - drop)), what=resource.label(member))
            plans.append((resource, member, path, add, drop, theirs))

        def shows(members):
            for _resource, member, _path, add, drop, _theirs in plans:
                groups = set(group_ids_of(member_of(members, member["user_id"]) or {}))
                if not add <= groups or groups & drop:
                    return False
            return True

        after = settle_members(
            first.resolver,
            first.organization_id,
            shows,
            "organization %s: the API accepted the groups of %s but does not show them"
            % (first.params["organization"], ", ".join(resource.who() for resource, *_rest in plans)),
        )
        rewritten = False
        for resource, member, path, _add, drop, theirs in plans:
            shown = set(group_ids_of(member_of(after, member["user_id"]) or {}))
            lost = theirs - shown
            if lost:
                resource.client.put(path, body={"groups": sorted((shown | lost) - drop)}, what=resource.label(member))
                rewritten = True
        # Updates are the engine's last batch, so this read followed the task's last write (unless
        # a group was written back): confirm() may take it as its own.
        if not rewritten:
            for resource, *_rest in plans:
                resource.members_after_writes = after

    def put_groups(self, member, wanted, body):
        """``groups`` of organization_user.Payload replaces the whole set (Swagger), so: read the
        person again right before the PUT and send what that read shows plus this task's change
        (the groups to add and to drop, against the task's first read), then read after the write
        until it shows, and write once more if a group someone else added meanwhile is missing."""
        path = "%s/%s" % (self.members_path(), member["id"])
        first = set(group_ids_of(self.current or member))
        add, drop = set(wanted) - first, first - set(wanted)
        fresh = member_of(reread_members(self.resolver, self.organization_id), member["user_id"]) or member
        theirs = set(group_ids_of(fresh)) - first - drop  # added by someone else since the task's read
        sent = sorted((set(group_ids_of(fresh)) | add) - drop)
        self.client.put(path, body=dict(body, groups=sent), what=self.label(member))

        def shows(members):
            groups = set(group_ids_of(member_of(members, member["user_id"]) or {}))
            return add <= groups and not groups & drop

        after = settle_members(
            self.resolver,
            self.organization_id,
            shows,
            "%s: the API accepted the groups but does not show them" % self.label(member),
        )
        lost = theirs - set(group_ids_of(member_of(after, member["user_id"]) or {}))
        if lost:
            shown = set(group_ids_of(member_of(after, member["user_id"]) or {}))
            self.client.put(path, body={"groups": sorted((shown | lost) - drop)}, what=self.label(member))

    def workspace_user_id(self, workspace_id, member):
        """The workspace user id when the member list does not show it: one read of the
        workspace's users (memoised)."""
        rows = self.resolver.workspace_users(self.organization_id, workspace_id)
        row = next((r for r in rows if matches_user(r, member["user_id"])), None)
        if row is None:
            raise TogglStateError(
                "%s: workspace %s does not list the person, so their labour cost there cannot be set"
                % (self.label(member), workspace_id)
            )
        return row["id"]

    def put_labour_cost(self, member, cost):
        """Swagger: PUT /workspaces/{ws}/workspace_users/{id} {"labor_cost"} in each workspace whose
        cost differs (the organization user payload has no labour cost)."""
        for ws in member.get("workspaces") or []:
            if ws.get("cost") == cost:
                continue
            ws_user_id = ws.get("workspace_user_id") or self.workspace_user_id(ws["workspace_id"], member)
            body = {"labor_cost": cost}
            if self.params.get("labour_cost_change_mode"):
                body["labor_cost_change_mode"] = self.params["labour_cost_change_mode"]
            self.client.put(
                "/workspaces/%s/workspace_users/%s" % (ws["workspace_id"], ws_user_id),
                body=body,
                what="%s in workspace %s" % (self.label(member), ws["workspace_id"]),
            )

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

    @classmethod
    def confirm(cls, decisions, outcomes):
        """One re-read of the members (repeated while it lags) that shows every write of the task:
        removed people gone, invited ones listed, changed options as predicted."""
        first = decisions[0].resource
        written = [(d, o) for d, o in zip(decisions, outcomes) if d.writes]

        def shows(members):
            for decision, outcome in written:
                found = member_of(members, decision.resource.params["user"])
                if decision.action == "delete":
                    if found is not None:
                        return False
                    continue
                if found is None:
                    return False
                state = decision.resource.state_of(with_status(found))
                # groups: put_groups waited for them already, and kept groups others added meanwhile
                compared = [key for key in decision.changes if key in state and key != "groups"]
                if any(state.get(key) != outcome.after.get(key) for key in compared):
                    return False
            return True

        # The groups' read-back (update_many) came after the task's last write: when it shows
        # everything already, a second read of the same list right after it adds nothing.
        after = next((d.resource.members_after_writes for d, _o in written if d.resource.members_after_writes), None)
        if after is not None and shows(after):
            return
        settle_members(
            first.resolver,
            first.organization_id,
            shows,
            "organization %s: the API accepted the changes but does not list them" % first.params["organization"],
        )

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
