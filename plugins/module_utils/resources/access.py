# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Access: who has which access to one organization, as one declaration (toggl_access).

One ``PersonAccess`` per person of the task (by email), plus one per leaver when the list is
authoritative (``exclusive``). All of them are decided by the engine in one pass:

- reads, each once, before any decision (``prepare``): ``/me/organizations`` (the organization,
  its plan, the admin right and its ``user_count``), the members the task needs - either every
  page of the member list (``GET /organizations/{id}/users``, 200 per page) or one filtered lookup
  per person (the same list with ``filter=<email>``, a contains-match on name and email of which
  the exact email is kept), whichever costs fewer requests (``lookup_plan``); an authoritative list
  needs every page to know the leavers - the groups when a group is named, and ``/me/workspaces``
  only for a workspace that none of the members read is in;
- every reference (workspaces, groups) is resolved there, so an unknown one fails naming it
  before the first write, as do the same person twice and the same workspace twice in one person;
- writes, with the fewest requests the 2026 Swagger allows: alike invitations in one
  ``POST /organizations/{id}/invitations``; for each person who changes, ONE
  ``PUT /organizations/{id}/users/{organization_user_id}`` (organization_user.Payload:
  ``organization_admin``, ``inactive``, ``groups`` - the whole set - and ``workspaces``, which
  replaces the person's direct memberships and carries each one's role and settings as
  models.OrgUserWorkspace: ``rate``, ``cost``, ``working_hours``, ``view_edit_*``); a rate or labor
  cost with a change mode goes through ``PUT /workspaces/{ws}/workspace_users/{id}``, the only
  payload with one; removals in one ``PATCH /organizations/{id}/users`` ``{"delete": [...]}``;
- one read after the writes (repeated while the API lags, engine.settle) that must show them.

The per-workspace settings are declared once, in ``WORKSPACE_SETTINGS``: it gives the module's
argument spec, the comparison, the key in the member list and in the payload, the local bounds
and the paid-plan gating.
"""

import datetime
import fnmatch
import math
from collections.abc import Mapping

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Decision, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import (
    Pending,
    is_id,
    membership_status,
    pick_one,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import (
    PATCH_MAX_OPERATIONS,
    PATCH_MAX_VALUES,
    chunks,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import (
    CHANGE_MODES,
    check_user_ref,
    protect_owner_and_caller,
    protected_as,
    require_paid_plan,
    send_invitations,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace_user import (
    ROLES,
    direct_workspaces,
)

# Swagger: GET /organizations/{id}/users pages with per_page at most 200.
MEMBERS_PER_PAGE = 200


class Setting(Field):
    """A per-workspace setting of a person: its option (argument spec, bounds), its key in
    models.OrgUserWorkspace (read in the member list, written in the member PUT), the paid-plan
    feature it is and, for the rate and the labor cost, the change mode that only the workspace
    user payload takes."""

    def __init__(self, api_name, kind, paid=False, change_mode=None, **options):
        super().__init__(api_name=api_name, kind=kind, **options)
        self.paid = paid  # a paid-plan feature (organization_user.PAID_FEATURES names it by the option)
        self.change_mode = change_mode


WORKSPACE_SETTINGS = {
    "role": Setting("role", "str", choices=ROLES),
    "rate": Setting("rate", "float", minimum=0, paid=True, change_mode="rate_change_mode"),
    "labor_cost": Setting(
        "cost", "float", minimum=0, aliases=["labour_cost"], paid=True, change_mode="labor_cost_change_mode"
    ),
    # Minutes in a day.
    "working_hours_in_minutes": Setting("working_hours", "int", minimum=0, maximum=1440, paid=True),
    "view_edit_billable_rates": Setting("view_edit_billable_rates", "bool"),
    "view_edit_labor_costs": Setting("view_edit_labor_costs", "bool"),
}
# Sent with a change of their setting only, through the workspace user payload; never read back.
CHANGE_MODE_OPTIONS = {
    setting.change_mode: option for option, setting in WORKSPACE_SETTINGS.items() if setting.change_mode
}
PERSON_STATES = ("active", "inactive", "absent")
LEAVER_MODES = ("deactivate", "remove", "report")
MEMBERSHIP_MODES = ("add", "exact")


def argument_spec():
    """The options of toggl_access, from the declarations above (documented in the module)."""
    workspace = dict(
        name=dict(type="raw", aliases=["workspace"], required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        expires=dict(type="raw"),
        **{option: setting.spec() for option, setting in WORKSPACE_SETTINGS.items()},
    )
    workspace.update((mode, dict(type="str", choices=list(CHANGE_MODES))) for mode in CHANGE_MODE_OPTIONS)
    person = dict(
        email=dict(type="str", required=True),
        state=dict(type="str", choices=list(PERSON_STATES)),
        admin=dict(type="bool"),
        workspaces=dict(type="list", elements="dict", options=workspace),
        groups=dict(type="list", elements="raw"),
        expires=dict(type="raw"),
        memberships=dict(type="str", choices=list(MEMBERSHIP_MODES)),
    )
    return dict(
        organization=dict(type="str", required=True),
        people=dict(type="list", elements="dict", options=person, required=True),
        state=dict(type="str", choices=list(PERSON_STATES), default="active"),
        exclusive=dict(type="bool", default=False),
        leavers=dict(type="str", choices=list(LEAVER_MODES), default="deactivate"),
        keep=dict(type="list", elements="str", default=[]),
        max_leavers=dict(type="int", default=10),
        expires_warning_days=dict(type="int", default=14),
        memberships=dict(type="str", choices=list(MEMBERSHIP_MODES)),
        skip_email=dict(type="bool", default=False),
    )


# -- local checks (no request) ---------------------------------------------------------------


def parse_date(option, value):
    """A date (YAML gives date objects for unquoted 2026-12-31), or a failure naming the option."""
    if value is None or isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise TogglValidationError(option, "must be a date such as 2026-12-31, got %r" % (value,)) from None


def check_task(params):
    """The whole declaration, before any request: types and bounds, the same person twice, the
    same workspace twice in one person, dates, guards."""
    if params["max_leavers"] < 0:
        raise TogglValidationError("max_leavers", "must be 0 or more, got %s" % params["max_leavers"])
    if params["expires_warning_days"] < 0:
        raise TogglValidationError("expires_warning_days", "must be 0 or more, got %s" % params["expires_warning_days"])
    if params["exclusive"] and not params["people"]:
        raise TogglValidationError(
            "people",
            "is empty with exclusive: true, which would make every member a leaver; list the people who keep"
            " their access",
        )
    seen = {}
    for number, person in enumerate(params["people"], start=1):
        where = "people[%d]" % number
        email = str(person.get("email") or "").strip()
        if is_id(email):
            raise TogglValidationError(where + ".email", "must be an e-mail address, got %r" % email)
        check_user_ref(where + ".email", email)
        key = email.casefold()
        if key in seen:
            raise TogglValidationError(
                "people", "entries %d and %d both name %s: list each person once" % (seen[key], number, email)
            )
        seen[key] = number
        parse_date(where + ".expires", person.get("expires"))
        names = {}
        for index, entry in enumerate(person.get("workspaces") or [], start=1):
            at = "%s.workspaces[%d]" % (where, index)
            ref = entry.get("name")
            if ref is None or not str(ref).strip():
                raise TogglValidationError(at + ".name", "each entry needs a workspace name or id")
            if isinstance(ref, Mapping):  # a registered result: its object's name
                ref = (ref.get("workspace") if isinstance(ref.get("workspace"), Mapping) else ref).get("name") or ref
            ref_key = str(ref).strip().casefold()
            if ref_key in names:
                raise TogglValidationError(
                    where + ".workspaces",
                    "entries %d and %d both name workspace %s: list each workspace once" % (names[ref_key], index, ref),
                )
            names[ref_key] = index
            for option, setting in WORKSPACE_SETTINGS.items():
                setting.check("%s.%s" % (at, option), entry.get(option))
            parse_date(at + ".expires", entry.get("expires"))
        groups = [str(group).strip().casefold() for group in person.get("groups") or []]
        for group in person.get("groups") or []:
            if group is None or not str(group).strip():
                raise TogglValidationError(where + ".groups", "a group needs a name or id")
        twice = sorted({group for group in groups if groups.count(group) > 1})
        if twice:
            raise TogglValidationError(where + ".groups", "lists %s more than once" % ", ".join(twice))
        state = person.get("state") or params.get("state") or "active"
        if state != "active" and (person.get("workspaces") or person.get("groups")):
            raise TogglValidationError(where, "state %s takes no workspaces or groups (%s)" % (state, email))


def kept(email, patterns):
    """Whether ``keep`` (emails or fnmatch patterns, case-insensitive) leaves this leaver alone."""
    email = (email or "").casefold()
    return any(fnmatch.fnmatchcase(email, pattern.strip().casefold()) for pattern in patterns)


# -- reading: the members the task needs, the cheaper way -------------------------------------


def lookup_plan(user_count, people, everyone_needed):
    """``all`` pages or one ``filtered`` lookup per person: the fewer requests. Every page costs
    ceil(members / 200) (at least 1), filtered lookups one per person. An authoritative list
    (leavers) needs every page. R_min of a task takes the same choice (tests/benchmark)."""
    if everyone_needed:
        return "all"
    pages = max(1, int(math.ceil((user_count or 0) / float(MEMBERS_PER_PAGE))))
    return "filtered" if len(people) < pages else "all"


class Directory:
    """The organization's members this task reads, by email (casefolded)."""

    def __init__(self, resolver, organization_id, mode, emails):
        self.resolver = resolver
        self.organization_id = organization_id
        self.mode = mode
        self.emails = [email.casefold() for email in emails]
        self.members = {}
        self.everyone = None
        self.read(self.emails)

    def path(self):
        return "/organizations/%s/users" % self.organization_id

    def read(self, emails):
        """Read (again) the members ``emails`` name: every page once, or one filtered lookup each.
        Returns the members read (a list)."""
        client = self.resolver.client
        if self.mode == "all":
            self.resolver.forget(("organization_users", self.organization_id))
            self.everyone = self.resolver.organization_users(self.organization_id)
            self.members = {(m.get("email") or "").casefold(): m for m in self.everyone}
            return self.everyone
        found = []
        for email in emails:
            email = email.casefold()
            matches = client.paginate(
                self.path(),
                params={"filter": email},
                per_page=MEMBERS_PER_PAGE,
                what="user %s of organization %s" % (email, self.organization_id),
            )
            member = pick_one(
                "user", email, [m for m in matches if (m.get("email") or "").casefold() == email], "with email"
            )
            self.members[email] = member
            if member is not None:
                found.append(member)
        return found

    def get(self, email):
        return self.members.get((email or "").casefold())

    def listed(self):
        """Everyone read: the whole organization with ``all``, the people looked up otherwise."""
        if self.everyone is not None:
            return self.everyone
        return [member for member in self.members.values() if member is not None]


class Catalog:
    """Names and ids of the workspaces and groups the task names or shows, resolved once."""

    def __init__(self, resolver, organization_id, directory):
        self.resolver = resolver
        self.organization_id = organization_id
        self.workspace_names = {}
        for member in directory.listed():
            for ws in member.get("workspaces") or []:
                self.workspace_names.setdefault(ws.get("workspace_id"), ws.get("workspace_name"))
        self.group_names = {}
        for member in directory.listed():
            for group in member.get("groups") or []:
                self.group_names.setdefault(group.get("group_id"), group.get("name"))

    def workspace_id(self, ref):
        """The id of a workspace of the organization: from the members read when it is among
        theirs, else from /me/workspaces (one request, user-level quota; memoised). A registered
        result of the task that manages it gives its id, or in check mode a Pending one."""
        if isinstance(ref, Mapping):
            found = self.resolver.workspace_id(ref)
            if isinstance(found, Pending):
                self.workspace_names[found] = found.name
                return found
            ref = found
        if isinstance(ref, int) or is_id(ref):
            wanted = int(ref)
            if wanted in self.workspace_names:
                return wanted
            workspace = next(
                (
                    ws
                    for ws in self.resolver.my_workspaces()
                    if ws.get("id") == wanted and ws.get("organization_id") == self.organization_id
                ),
                None,
            )
            if workspace is None:
                raise TogglReferenceError("workspace %s not found in organization %s" % (wanted, self.organization_id))
            self.workspace_names[wanted] = workspace.get("name")
            return wanted
        name = str(ref).strip()
        known = [ws_id for ws_id, ws_name in self.workspace_names.items() if ws_name == name]
        if len(known) == 1:
            return known[0]
        workspace = self.resolver.named_workspace(name, self.organization_id)
        self.workspace_names[workspace["id"]] = workspace.get("name")
        return workspace["id"]

    def group_id(self, ref):
        """A group of the organization by name or id (one read of the groups, memoised), or of a
        registered result (Pending in check mode, when that task would create it)."""
        if isinstance(ref, Mapping):
            found = self.resolver.group_id(self.organization_id, ref)
            if isinstance(found, Pending):
                self.group_names[found] = found.name
                return found
            ref = found
        groups = self.resolver.groups(self.organization_id)
        for group in groups:
            self.group_names.setdefault(group.get("group_id"), group.get("name"))
        if isinstance(ref, int) and not isinstance(ref, bool):
            if not any(group.get("group_id") == ref for group in groups):
                raise TogglReferenceError("group %s not found in organization %s" % (ref, self.organization_id))
            return ref
        return self.resolver.group_id(self.organization_id, ref)

    def workspace_label(self, workspace_id):
        name = self.workspace_names.get(workspace_id)
        twins = [ws_id for ws_id, ws_name in self.workspace_names.items() if ws_name == name]
        if name is None or len(twins) > 1:
            return "%s (id %s)" % (name or "workspace", workspace_id)
        return name

    def group_label(self, group_id):
        name = self.group_names.get(group_id)
        return name if name is not None else "group %s" % group_id

    def workspace_by_label(self, label):
        return next(ws_id for ws_id in self.workspace_names if self.workspace_label(ws_id) == label)

    def group_by_label(self, label):
        return next(group_id for group_id in self.group_names if self.group_label(group_id) == label)


class Task:
    """What every person of one task shares: the organization, the members read, the names
    resolved, the API's date. Made by ``prepare`` before any decision; read-only after."""

    def __init__(self, params, resolver):
        self.params = params
        self.resolver = resolver
        self.organization_id = resolver.organization_id(params["organization"])
        resolver.my_organizations()  # the admin right, the plan and user_count: one /me request
        organization = resolver.organization(self.organization_id)
        emails = [person["email"].strip() for person in params["people"]]
        self.lookup = lookup_plan(organization.get("user_count"), emails, params["exclusive"])
        self.directory = Directory(resolver, self.organization_id, self.lookup, emails)
        self.catalog = Catalog(resolver, self.organization_id, self.directory)
        # The API's clock (Date header of the answers read so far) decides what has expired.
        self.today = resolver.client.server_now().date()

    def expired(self, expires):
        return expires is not None and expires <= self.today

    def expiring(self, expires):
        if expires is None or self.expired(expires):
            return False
        return (expires - self.today).days <= self.params["expires_warning_days"]


# -- one person ------------------------------------------------------------------------------


def workspace_settings(ws):
    """A member list workspace entry (models.OrgUserWorkspace) as the settings compared."""
    return {option: ws.get(setting.key(option)) for option, setting in WORKSPACE_SETTINGS.items()}


class PersonAccess(Resource):
    """One person's access (a listed person, or a leaver of an authoritative list)."""

    kind = "person"
    entries_option = "people"
    result_key = "people"
    admin_needed_for = "change access in the organization"

    def __init__(self, params, client, resolver, task=None, leaver=None):
        super().__init__(params, client, resolver)
        self.task = task
        # A member the list does not name (exclusive): the member list entry.
        self.leaver = leaver

    # -- what the task says of this person ----------------------------------------------------

    @property
    def email(self):
        if self.leaver is not None:
            return (self.leaver.get("email") or "").casefold()
        return self.params["email"].strip().casefold()

    def memberships(self):
        mode = self.params.get("memberships") or self.task.params.get("memberships")
        return mode or ("exact" if self.task.params["exclusive"] else "add")

    def gone(self):
        """Why this person loses access (and so is handled as ``leavers`` says), or None."""
        if self.leaver is not None:
            return "not in the list"
        if self.task.expired(parse_date("expires", self.params.get("expires"))):
            return "expired on %s" % self.params["expires"]
        return None

    def wanted_state(self):
        """active, inactive or absent, after ``expires`` and ``leavers``; ``report`` leavers are
        left as they are (None)."""
        if self.gone():
            mode = self.task.params["leavers"]
            return {"deactivate": "inactive", "remove": "absent"}.get(mode)
        return self.params.get("state") or "active"

    @property
    def state(self):
        """The engine's state: absent removes. A deactivation of a pending invitation withdraws
        it (the API shows no deactivated invitation), and nobody is invited to be inactive."""
        wanted = self.wanted_state()
        current = self.find()
        if wanted == "absent":
            return "absent"
        if wanted == "inactive" and (current is None or not current.get("joined", True)):
            return "absent"
        return "present"

    # -- reading and deciding -------------------------------------------------------------------

    def find(self):
        return self.leaver if self.leaver is not None else self.task.directory.get(self.email)

    def entries(self):
        """The workspace entries that still hold: (id, entry) with expired ones as absent."""
        resolved = []
        for entry in self.params.get("workspaces") or []:
            ws_id = self.task.catalog.workspace_id(entry["name"])
            expired = self.task.expired(parse_date("expires", entry.get("expires")))
            resolved.append((ws_id, dict(entry, state="absent" if expired else entry.get("state") or "present")))
        return resolved

    def state_of(self, obj):
        """The person as compared and shown (names, never bare ids)."""
        if obj is None:
            return None
        catalog = self.task.catalog
        workspaces = {}
        for ws in obj.get("workspaces") or []:
            settings = workspace_settings(ws)
            if ws.get("groups"):
                settings["through_groups"] = sorted(catalog.group_label(g.get("group_id")) for g in ws["groups"])
            workspaces[catalog.workspace_label(ws.get("workspace_id"))] = settings
        return {
            "email": obj.get("email"),
            "name": obj.get("name"),
            "status": membership_status(obj.get("joined", True), obj.get("inactive")),
            "admin": bool(obj.get("admin") or obj.get("owner")),
            "workspaces": workspaces,
            "groups": sorted(catalog.group_label(g.get("group_id")) for g in obj.get("groups") or []),
        }

    def desired(self):
        """The managed part of the person's state: their status, the admin flag when given, the
        workspaces (each with the settings given) and groups the task decides."""
        current = self.find()
        before = self.state_of(current) or {"status": None, "workspaces": {}, "groups": []}
        catalog = self.task.catalog
        wanted = self.wanted_state()
        desired = {}
        if wanted == "inactive":
            desired["status"] = "inactive"
            desired["groups"] = []  # offboarding: out of every group (reversible, time entries kept)
            return desired
        if wanted is None:  # a leaver reported only
            return desired
        desired["status"] = before["status"] if before["status"] in ("joined", "invited") else "joined"
        if self.params.get("admin") is not None:
            desired["admin"] = self.params["admin"]
        entries = self.entries()
        if entries or self.memberships() == "exact" and self.params.get("workspaces") is not None:
            listed = {}
            for ws_id, entry in entries:
                if entry["state"] == "present":
                    listed[catalog.workspace_label(ws_id)] = {
                        option: entry[option] for option in WORKSPACE_SETTINGS if entry.get(option) is not None
                    }
            dropped = {catalog.workspace_label(ws_id) for ws_id, entry in entries if entry["state"] == "absent"}
            workspaces = {}
            for label, settings in before["workspaces"].items():
                through_groups = "through_groups" in settings
                if label in listed or label in dropped and not through_groups:
                    continue
                if self.memberships() == "add" or through_groups:
                    # Left alone; one reached through a group stays while the group gives it.
                    workspaces[label] = {}
            workspaces.update(listed)
            desired["workspaces"] = workspaces
        if self.params.get("groups") is not None:
            groups = {catalog.group_label(catalog.group_id(ref)) for ref in self.params["groups"]}
            if self.memberships() == "add":
                groups |= set(before["groups"])
            desired["groups"] = sorted(groups)
        return desired

    def changes(self, current_state, desired):
        current_state = current_state or {"workspaces": {}, "groups": []}
        changes = {}
        for key in ("status", "admin"):
            if key in desired and current_state.get(key) != desired[key]:
                changes[key] = desired[key]
        if "groups" in desired and sorted(current_state.get("groups") or []) != sorted(desired["groups"]):
            changes["groups"] = desired["groups"]
        if "workspaces" in desired and not same_workspaces(
            current_state.get("workspaces") or {}, desired["workspaces"]
        ):
            changes["workspaces"] = desired["workspaces"]
        return changes

    def vet(self, decision):
        """Guards of this person, before any write of the task: the owner and the token's user
        are never deactivated, removed or demoted (the token's user costs one GET /me, sent only
        when such a write is planned)."""
        current = decision.current
        if current is None or not decision.writes:
            return
        organization_id = self.task.organization_id
        if decision.action == "delete":
            protect_owner_and_caller(self.resolver, organization_id, current, "remove %s" % self.email, "people")
        elif decision.changes.get("status") == "inactive":
            protect_owner_and_caller(self.resolver, organization_id, current, "deactivate %s" % self.email, "people")
        elif decision.changes.get("admin") is False:
            protect_owner_and_caller(
                self.resolver, organization_id, current, "take the admin right of %s" % self.email, "people"
            )

    @classmethod
    def vet_many(cls, decisions):
        """The task as a whole: paid-plan settings on a Free organization, and ``max_leavers``."""
        if not decisions:
            return
        first = decisions[0].resource
        task = first.task
        paid = set()
        for decision in decisions:
            if decision.resource.leaver is not None:
                continue
            for _ws_id, entry in decision.resource.entries():
                paid |= {o for o, setting in WORKSPACE_SETTINGS.items() if setting.paid and entry.get(o) is not None}
        require_paid_plan(first.resolver, task.organization_id, sorted(paid))
        losing = [
            d.resource.email
            for d in decisions
            if d.action == "delete" or d.changes.get("status") == "inactive" and d.current is not None
        ]
        limit = task.params["max_leavers"]
        if len(losing) > limit:
            raise TogglValidationError(
                "max_leavers",
                "this run would deactivate or remove %d people (%s), more than max_leavers (%d); nothing was written."
                " Raise max_leavers if that is meant" % (len(losing), ", ".join(sorted(losing)), limit),
            )

    def admin_organization_id(self):
        """Every write needs the organization's admin right (engine.require_rights)."""
        return self.task.organization_id

    def expiries(self):
        """("", date) for the person, ("in workspace W ", date) for each workspace entry."""
        if self.leaver is not None:
            return []
        found = [("", parse_date("expires", self.params.get("expires")))]
        for entry in self.params.get("workspaces") or []:
            found.append(("in workspace %s " % entry["name"], parse_date("expires", entry.get("expires"))))
        return [(what, expires) for what, expires in found if expires is not None]

    def label(self, obj):
        return "person %s" % ((obj or {}).get("email") or self.email)

    @classmethod
    def summary(cls, resources, outcomes):
        return summarize(resources, outcomes)

    @classmethod
    def validate_many(cls, resources, params):
        check_task(params)

    # -- predictions ----------------------------------------------------------------------------

    def predict_update(self, current, changes):
        predicted = dict(current)
        catalog = self.task.catalog
        if "status" in changes:
            predicted["inactive"] = changes["status"] == "inactive"
        if "admin" in changes:
            predicted["admin"] = changes["admin"]
        if "groups" in changes:
            predicted["groups"] = [
                {"group_id": catalog.group_by_label(label), "name": label} for label in changes["groups"]
            ]
        if "workspaces" in changes:
            shown = {catalog.workspace_label(ws.get("workspace_id")): ws for ws in current.get("workspaces") or []}
            workspaces = []
            for label, settings in sorted(changes["workspaces"].items()):
                ws = dict(shown.get(label) or {"workspace_id": catalog.workspace_by_label(label), "role": "user"})
                ws.setdefault("workspace_name", catalog.workspace_names.get(ws["workspace_id"]))
                for option, value in settings.items():
                    ws[WORKSPACE_SETTINGS[option].key(option)] = value
                workspaces.append(ws)
            predicted["workspaces"] = workspaces
        return predicted

    def predict_create(self, desired):
        invited = {
            "id": None,
            "user_id": None,
            "email": self.params["email"].strip(),
            "name": None,  # the person's own, once they accept
            "admin": False,
            "owner": False,
            "inactive": False,
            "joined": False,
            "groups": [],
            "workspaces": [],
        }
        return self.predict_update(invited, {key: value for key, value in desired.items() if key != "status"})

    # -- writing --------------------------------------------------------------------------------

    def invitation(self, desired):
        """The invitation of a newcomer: workspaces with their role, groups (ids)."""
        catalog = self.task.catalog
        workspaces = []
        for label, settings in sorted((desired.get("workspaces") or {}).items()):
            item = {"workspace_id": catalog.workspace_by_label(label)}
            if settings.get("role"):
                item["role"] = settings["role"]
            workspaces.append(item)
        return {
            "workspaces": workspaces,
            "groups": sorted(catalog.group_by_label(label) for label in desired.get("groups") or []),
            "skip_email": bool(self.task.params["skip_email"]),
        }

    def follow_up(self, desired):
        """What an invitation cannot carry: the admin flag and workspace settings besides role."""
        rest = {}
        if desired.get("admin"):
            rest["admin"] = True
        if any(set(settings) - {"role"} for settings in (desired.get("workspaces") or {}).values()):
            rest["workspaces"] = desired["workspaces"]
        return rest

    def put_body(self, member, changes, direct=None):
        """ONE member PUT for all of a person's changes (organization_user.Payload), and the
        settings that need a change mode (workspace user payload), as (body, per-workspace)."""
        catalog = self.task.catalog
        body = {}
        if "status" in changes:
            body["inactive"] = changes["status"] == "inactive"
        if "admin" in changes:
            body["organization_admin"] = changes["admin"]
        if "groups" in changes and puts_member(changes):
            # In the PUT the person gets anyway (its groups replace the whole set, from this
            # task's read); a change of groups alone goes through the groups' PATCH (update_many).
            body["groups"] = sorted(catalog.group_by_label(label) for label in changes["groups"])
        with_mode = []
        if "workspaces" in changes:
            shown = {catalog.workspace_label(ws.get("workspace_id")): ws for ws in member.get("workspaces") or []}
            ambiguous = [ws for ws in shown.values() if ws.get("groups")]
            if direct is None and ambiguous:
                direct = direct_workspaces(self.resolver, self.task.organization_id, member)
            elif direct is None:
                direct = {ws.get("workspace_id") for ws in shown.values()}
            modes = self.change_modes()
            items = []
            for label, settings in sorted(changes["workspaces"].items()):
                current = shown.get(label)
                ws_id = catalog.workspace_by_label(label)
                if current is not None and not settings and ws_id not in direct:
                    continue  # reached through a group only: the group gives it, not this PUT
                item = {"workspace_id": ws_id}
                before = workspace_settings(current) if current is not None else {}
                for option, value in settings.items():
                    if before.get(option) == value and current is not None:
                        continue
                    setting = WORKSPACE_SETTINGS[option]
                    mode = modes.get((ws_id, setting.change_mode))
                    if mode and current is not None:
                        with_mode.append((ws_id, current, option, value, mode))
                        continue
                    item[setting.key(option)] = value
                items.append(item)
            body["workspaces"] = items
        return body, with_mode

    def change_modes(self):
        modes = {}
        if self.leaver is not None:
            return modes
        for ws_id, entry in self.entries():
            for mode_option in CHANGE_MODE_OPTIONS:
                if entry.get(mode_option):
                    modes[(ws_id, mode_option)] = entry[mode_option]
        return modes

    def write_member(self, member, changes, direct=None):
        """``direct``: the ids of the person's direct workspaces when the task knows them (a
        newcomer's are the invitation's), else found from the member entry (put_body)."""
        body, with_mode = self.put_body(member, changes, direct)
        if body:
            self.client.put(
                "/organizations/%s/users/%s" % (self.task.organization_id, member["id"]),
                body=body,
                what=self.label(member),
            )
        for ws_id, current, option, value, mode in with_mode:
            # Swagger: workspace_user.Payload names them rate / labor_cost, with their change modes.
            self.client.put(
                "/workspaces/%s/workspace_users/%s" % (ws_id, current["workspace_user_id"]),
                body={option: value, WORKSPACE_SETTINGS[option].change_mode: mode},
                what="%s in workspace %s" % (self.label(member), self.task.catalog.workspace_label(ws_id)),
            )

    def writes_for(self, member, changes):
        body, with_mode = self.put_body(member or {}, changes) if changes else ({}, [])
        return (1 if body else 0) + len(with_mode)

    def group_moves(self, decision):
        """(group id, "add" or "remove") of this person's group changes that go through the
        groups' PATCH (everyone's at once): when only their groups change (else their PUT
        carries them)."""
        changes = decision.changes
        if "groups" not in changes or puts_member(changes) or decision.current is None:
            return []
        catalog = self.task.catalog
        before = set((decision.before or {}).get("groups") or [])
        after = set(changes["groups"])
        moves = [(catalog.group_by_label(label), "add") for label in sorted(after - before)]
        return moves + [(catalog.group_by_label(label), "remove") for label in sorted(before - after)]

    def create(self, desired):
        return self.create_many([Decision(self, "create", changes=desired)])[0]

    def update(self, current, changes):
        self.update_many([Decision(self, "update", current, self.state_of(current), changes)])

    @classmethod
    def update_many(cls, decisions):
        """Group changes of everyone in one PATCH per group touched (Swagger: PATCH
        /organizations/{id}/groups/{id}, add / remove operations on /users, which leave the
        group's other members alone), then one member PUT per person for the rest."""
        first = decisions[0].resource
        operations = {}
        for decision in decisions:
            for group_id, op in decision.resource.group_moves(decision):
                operations.setdefault(group_id, {}).setdefault(op, []).append(decision.current["user_id"])
        for group_id, ops in sorted(operations.items()):
            batch = [
                {"op": op, "path": "/users", "value": chunk}
                for op in ("add", "remove")
                for chunk in chunks(sorted(ops.get(op) or []), PATCH_MAX_VALUES)
            ]
            for part in chunks(batch, PATCH_MAX_OPERATIONS):
                first.client.patch(
                    "/organizations/%s/groups/%s" % (first.task.organization_id, group_id),
                    body=part,
                    what="group %s" % first.task.catalog.group_label(group_id),
                )
        for decision in decisions:
            decision.resource.write_member(decision.current, decision.changes)
        return [None for _unused in decisions]

    def delete(self, current):
        return self.delete_many([Decision(self, "delete", current)])[0]

    @classmethod
    def create_many(cls, decisions):
        """Alike invitations in one request; then, for newcomers who need more than an invitation
        gives, one re-read until they are listed and a member PUT each."""
        first = decisions[0].resource
        task = first.task
        batches = {}
        for decision in decisions:
            body = decision.resource.invitation(decision.changes)
            batches.setdefault(invitation_key(body), (body, []))[1].append(decision)
        for body, batch in batches.values():
            emails = [decision.resource.params["email"].strip() for decision in batch]
            send_invitations(
                first.client,
                first.resolver,
                task.organization_id,
                dict(body, emails=emails),
                reread=task.directory.read,
            )
        follow_ups = [d for d in decisions if d.resource.follow_up(d.changes)]
        if follow_ups:
            emails = [d.resource.email for d in follow_ups]
            settle(
                lambda: task.directory.read(emails),
                lambda _found: all(task.directory.get(email) for email in emails),
                "the API accepted the invitation of %s but does not list them" % ", ".join(emails),
            )
            for decision in follow_ups:
                resource = decision.resource
                member = task.directory.get(resource.email)
                invited = {item["workspace_id"] for item in resource.invitation(decision.changes)["workspaces"]}
                resource.write_member(member, resource.follow_up(decision.changes), direct=invited)
        return [None for _unused in decisions]

    @classmethod
    def delete_many(cls, decisions):
        """Everyone removed (and pending invitations withdrawn) in one bulk PATCH."""
        first = decisions[0].resource
        first.client.patch(
            "/organizations/%s/users" % first.task.organization_id,
            body={"delete": [decision.current["id"] for decision in decisions]},
            what="users of organization %s" % first.task.organization_id,
        )
        return [None for _unused in decisions]

    @classmethod
    def writes_needed_many(cls, decisions):
        """Invitation POSTs (one per alike set), one re-read and a PUT per newcomer needing more,
        the PUTs of the people who change, one PATCH for all removals, and the read after."""
        creates = [d for d in decisions if d.action == "create"]
        needed = 1 if any(d.action == "delete" for d in decisions) else 0
        needed += len({invitation_key(d.resource.invitation(d.changes)) for d in creates})
        follow_ups = [d for d in creates if d.resource.follow_up(d.changes)]
        if follow_ups:
            needed += 1 + len(follow_ups)
        updates = [d for d in decisions if d.action == "update"]
        needed += sum(d.resource.writes_for(d.current, d.changes) for d in updates)
        needed += len({group_id for d in updates for group_id, _op in d.resource.group_moves(d)})
        return needed + first_confirm_cost(decisions)

    @classmethod
    def confirm(cls, decisions, outcomes):
        """One re-read of the people written (all pages, or a lookup each) that shows every write."""
        task = decisions[0].resource.task
        written = [d for d in decisions if d.writes]
        emails = [d.resource.email for d in written]

        def shows(_found):
            for decision in written:
                member = task.directory.get(decision.resource.email)
                if decision.action == "delete":
                    if member is not None:
                        return False
                    continue
                if member is None:
                    return False
                resource = decision.resource
                wanted = decision.changes
                if decision.action == "create":  # invited: pending until they accept
                    wanted = {key: value for key, value in wanted.items() if key != "status"}
                if resource.changes(resource.state_of(member), wanted):
                    return False
            return True

        settle(
            lambda: task.directory.read(emails),
            shows,
            "organization %s: the API accepted the changes but does not show them" % task.params["organization"],
        )


def puts_member(changes):
    """Whether a person's changes need their member PUT (one request, whatever it carries)."""
    return any(key in changes for key in ("status", "admin", "workspaces"))


def invitation_key(body):
    """Invitations alike (workspaces with roles, groups) go in one request."""
    return (tuple((item["workspace_id"], item.get("role")) for item in body["workspaces"]), tuple(body["groups"]))


def first_confirm_cost(decisions):
    """The read after the writes: every page (at least one request) or a lookup per person."""
    writing = [d for d in decisions if d.writes]
    if not writing:
        return 0
    task = writing[0].resource.task
    return 1 if task.lookup == "all" else len(writing)


def same_workspaces(current, desired):
    """Every desired workspace is there with the settings given, and no other direct one is (one
    reached through a group only is the group's: an invitation's groups may give it)."""
    others = {label for label, settings in current.items() if "through_groups" not in settings}
    if set(desired) - set(current) or others - set(desired):
        return False
    for label, settings in desired.items():
        shown = current[label]
        if any(shown.get(option) != value for option, value in settings.items()):
            return False
    return True


def prepare(params):
    """The ``extra`` hook of toggl_access, after the local checks (``validate_many``): reads once,
    resolves every reference, and adds a PersonAccess for each leaver of an authoritative list."""

    def extras(resolver, resources):
        task = Task(params, resolver)
        for resource in resources:
            resource.task = task
        for resource in resources:
            resource.entries()  # resolves workspace names now: an unknown one fails before any decision
            for ref in resource.params.get("groups") or []:
                task.catalog.group_id(ref)
        for resource in resources:
            for what, expires in resource.expiries():
                if task.expiring(expires):
                    resource.warnings.append("access of %s %sexpires on %s" % (resource.email, what, expires))
        if not params["exclusive"]:
            return []
        listed = {resource.email for resource in resources}
        leavers = []
        for member in task.directory.listed():
            email = (member.get("email") or "").casefold()
            if email in listed or kept(email, params["keep"]):
                continue
            if member.get("inactive") and member.get("joined", True) and params["leavers"] == "deactivate":
                continue  # already done
            leavers.append(member)
        # Never the owner or the token's user (the one rule: one GET /me, only with leavers).
        return [
            PersonAccess(dict(params, email=member.get("email")), resolver.client, resolver, task=task, leaver=member)
            for member in leavers
            if protected_as(resolver, task.organization_id, member) is None
        ]

    return extras


# How the result names what happened to a person (the engine's outcome, in access words).
ACTIONS = {"created": "invited", "deleted": "removed"}


def person_action(resource, outcome):
    if outcome.action == "deleted" and (outcome.before or {}).get("status") == "invited":
        return "invitation withdrawn"
    if outcome.action == "updated":
        before, after = (outcome.before or {}).get("status"), (outcome.after or {}).get("status")
        if after == "inactive" and before != "inactive":
            return "deactivated"
        if before == "inactive" and after != "inactive":
            return "reactivated"
        return "updated"
    if resource.leaver is not None and resource.task.params["leavers"] == "report":
        return "reported"
    return ACTIONS.get(outcome.action, outcome.action)


def summarize(resources, outcomes):
    """toggl_access's result: per person what was (or would be) done and their access after;
    the leavers; what expires within expires_warning_days; how the members were read."""
    if not resources:
        return {"people": [], "leavers": [], "expiring": []}
    task = resources[0].task
    people, leavers = [], []
    for resource, outcome in zip(resources, outcomes):
        entry = dict(outcome.after or {"email": resource.email, "status": "absent"})
        entry["email"] = entry.get("email") or resource.email
        entry["action"] = person_action(resource, outcome)
        entry["before"] = outcome.before
        people.append(entry)
        if resource.gone() is not None:
            leavers.append({"email": entry["email"], "why": resource.gone(), "action": entry["action"]})
    expiring = []
    for resource in resources:
        for what, expires in resource.expiries():
            if task.expiring(expires):
                entry = {"email": resource.email, "expires": expires.isoformat()}
                if what:
                    entry["workspace"] = what[len("in workspace ") : -1]
                expiring.append(entry)
    return {"people": people, "leavers": leavers, "expiring": expiring, "member_lookup": task.lookup}
