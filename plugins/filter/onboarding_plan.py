# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id
from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import is_list

DOCUMENTATION = r"""
name: onboarding_plan
short_description: Turn people as data into the bulk task arguments of the onboarding role
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the people to onboard (C(toggl_onboarding_people) of the role C(trackops.toggl.onboarding)) and the
    organization as M(trackops.toggl.toggl_organization_info) read it (subsets V(users) and V(groups),
    and V(details) for the plan check), and returns the arguments of one bulk
    M(trackops.toggl.toggl_organization_user) task for everyone, one bulk M(trackops.toggl.toggl_workspace_user) task
    per workspace and one M(trackops.toggl.toggl_group) task per group, so that the requests of an onboarding grow with
    the workspaces and groups it touches, not with the number of people.
  - It sends no request. Workspace names are taken from the workspaces the organization's members are in (with
    their ids); a name no member is in yet is listed in RV(_value.unresolved_workspaces) for a lookup, and its id is
    then passed in O(workspace_ids).
  - Newcomers are invited into all their workspaces, with their roles, and into their groups, so that alike
    invitations go in one request; they appear in a workspace task only for settings an invitation cannot carry
    (rates, labor costs, working hours, permissions), and in no group task.
  - Outside check mode, people whose membership, workspace settings and groups the organization info already shows
    as wanted are left out of the tasks, so a converged run costs the organization read alone. In check mode
    every person is compared by the tasks (the audit counts and reports each one).
  - A person who is a member but deactivated is reactivated (C(inactive=false)).
  - Bad input fails the filter, naming it - a person without an e-mail address, a person listed twice, a workspace
    entry without a name, a person in the same workspace twice.
positional: _input, organization
options:
  _input:
    description:
      - The people, each a dict with C(email), and optionally C(admin), C(workspaces) (a list of dicts with C(name),
        the workspace's name or numeric id, and optionally C(role), C(rate), C(rate_change_mode), C(labor_cost),
        C(labor_cost_change_mode), C(working_hours_in_minutes), C(view_edit_billable_rates),
        C(view_edit_labor_costs)) and C(groups) (names or numeric ids).
    type: list
    elements: dict
    required: true
  organization:
    description:
      - The RV(trackops.toggl.toggl_organization_info#module:organization) result of
        M(trackops.toggl.toggl_organization_info) with the subsets V(users) and V(groups).
      - With V(details) too, settings that need a paid plan are reported in RV(_value.paid_plan_refusals) when the
        organization is on the Free plan.
    type: dict
    required: true
  workspace_ids:
    description:
      - Workspace name to id, for names the members' workspaces do not show (see RV(_value.unresolved_workspaces)).
    type: dict
    default: {}
  check_mode:
    description:
      - V(true) when the tasks run in check mode. Newcomers are then left out of the workspace and group tasks,
        which could not find them before the invitation that check mode does not send; the invitation task shows
        them. The reactivation of a deactivated member is left to the organization task, which predicts it.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the organization once
  trackops.toggl.toggl_organization_info:
    organization: Acme
    gather_subset: [users, groups]
  register: acme

- name: Plan the onboarding
  ansible.builtin.set_fact:
    plan: "{{ people | trackops.toggl.onboarding_plan(acme.organization, check_mode=ansible_check_mode) }}"
  vars:
    people:
      - email: dana@example.com
        workspaces:
          - {name: Acme HQ, role: user, rate: 95}
          - {name: Acme Labs}
        groups: [Engineering]

- name: Everyone into the organization, in one bulk task
  trackops.toggl.toggl_organization_user:
    organization: "{{ plan.organization_id }}"
    users: "{{ plan.organization_users }}"

- name: Each workspace, in one bulk task
  trackops.toggl.toggl_workspace_user:
    organization: "{{ plan.organization_id }}"
    workspace: "{{ item.workspace }}"
    users: "{{ item.users }}"
  loop: "{{ plan.workspaces }}"
"""

RETURN = r"""
_value:
  description: The onboarding as task arguments.
  type: dict
  contains:
    organization_id:
      description: The organization's id.
      type: int
    unresolved_workspaces:
      description: Workspace names that no member of the organization is in, so their ids are not known yet.
      type: list
      elements: str
    unknown_groups:
      description: Group names (or ids) the organization does not have.
      type: list
      elements: str
    paid_plan_refusals:
      description:
        - Settings that need a paid plan (C(rate), C(labor_cost), C(working_hours_in_minutes)), each as
          C(<email> in <workspace>) followed by a colon and the setting, when V(details) shows the Free plan; empty
          otherwise.
      type: list
      elements: str
    newcomers:
      description: E-mail addresses of the people who are not members of the organization yet.
      type: list
      elements: str
    organization_users:
      description: The O(trackops.toggl.toggl_organization_user#module:users) of one bulk task for everyone.
      type: list
      elements: dict
    workspaces:
      description:
        - One entry per workspace touched, in order of first mention, with C(workspace) (the id, as a string),
          C(name) (for labels) and C(users) (the O(trackops.toggl.toggl_workspace_user#module:users) of its bulk
          task).
      type: list
      elements: dict
    groups:
      description:
        - One entry per group some listed person is not in yet, with C(id), C(name), C(users) (everyone the data
          puts in it) and C(missing) (those the organization does not show in it yet).
      type: list
      elements: dict
"""

PERSON_KEYS = ("email", "admin", "workspaces", "groups")
WORKSPACE_SETTINGS = (
    "role",
    "rate",
    "rate_change_mode",
    "labor_cost",
    "labor_cost_change_mode",
    "working_hours_in_minutes",
    "view_edit_billable_rates",
    "view_edit_labor_costs",
)
WORKSPACE_KEYS = ("name",) + WORKSPACE_SETTINGS
# The 402 features of toggl_workspace_user (a Free organization refuses them).
PAID_SETTINGS = ("rate", "labor_cost", "working_hours_in_minutes")
OPTION = "toggl_onboarding_people"


def _fail(reason):
    raise AnsibleFilterError("%s: %s" % (OPTION, reason))


def _ref_text(ref):
    return str(ref).strip()


def _email_of(position, person):
    if not isinstance(person, Mapping):
        _fail("entry %d is not a dict with an email" % position)
    unknown = sorted(set(person) - set(PERSON_KEYS))
    if unknown:
        _fail("entry %d has unknown key(s) %s; use %s" % (position, ", ".join(unknown), ", ".join(PERSON_KEYS)))
    email = person.get("email")
    if email is None or not str(email).strip() or "@" not in str(email):
        _fail("entry %d needs an e-mail address in email, got %r" % (position, email))
    return str(email).strip()


def _workspace_entries(email, person):
    entries = person.get("workspaces") or []
    if not is_list(entries):
        _fail("workspaces of %s must be a list" % email)
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("name") is None or not _ref_text(entry["name"]):
            _fail("each workspace of %s needs a name (or id), got %r" % (email, entry))
        unknown = sorted(set(entry) - set(WORKSPACE_KEYS))
        if unknown:
            _fail(
                "workspace %s of %s has unknown key(s) %s; use %s"
                % (entry["name"], email, ", ".join(unknown), ", ".join(WORKSPACE_KEYS))
            )
    return entries


def _group_refs(email, person):
    refs = person.get("groups") or []
    if not is_list(refs):
        _fail("groups of %s must be a list" % email)
    for ref in refs:
        if ref is None or not _ref_text(ref):
            _fail("groups of %s has a blank entry" % email)
    return refs


def _is_free(details):
    plan = str(details.get("pricing_plan_name") or "").strip().lower()
    return plan == "free" or (not plan and details.get("pricing_plan_id") == 0)


class _Organization:
    """What the plan needs from the organization info: members, groups, workspace names."""

    def __init__(self, organization, workspace_ids):
        if not isinstance(organization, Mapping) or organization.get("id") is None:
            raise AnsibleFilterError("onboarding_plan needs the organization of toggl_organization_info")
        for subset in ("users", "groups"):
            if organization.get(subset) is None:
                raise AnsibleFilterError(
                    "onboarding_plan needs toggl_organization_info with gather_subset %s (missing: %s)"
                    % ("[users, groups]", subset)
                )
        self.id = int(organization["id"])
        self.details = organization.get("details")
        self.members = {}
        self.workspace_names = {}  # id -> name, from the members' workspaces
        self.workspace_ids = {}  # name -> id
        for user in organization["users"]:
            if user.get("email"):
                self.members[str(user["email"]).strip().casefold()] = user
            for workspace in user.get("workspaces") or []:
                if workspace.get("name") is not None and workspace.get("workspace_id") is not None:
                    self.workspace_names[int(workspace["workspace_id"])] = workspace["name"]
                    self.workspace_ids[workspace["name"]] = int(workspace["workspace_id"])
        for name, ws_id in (workspace_ids or {}).items():
            self.workspace_ids[str(name)] = int(ws_id)
            self.workspace_names.setdefault(int(ws_id), str(name))
        self.groups = list(organization["groups"])

    def member(self, email):
        return self.members.get(email.casefold())

    def workspace_id(self, ref):
        if is_id(ref):
            return int(ref)
        return self.workspace_ids.get(_ref_text(ref))

    def group(self, ref):
        if is_id(ref):
            found = [group for group in self.groups if group.get("group_id") == int(ref)]
        else:
            found = [group for group in self.groups if group.get("name") == _ref_text(ref)]
        return found[0] if found else None


def _settings(entry):
    return {key: entry[key] for key in WORKSPACE_SETTINGS if entry.get(key) is not None}


# A workspace setting -> its key in a member's workspaces[] of toggl_organization_info.
LISTED_SETTINGS = {
    "role": "role",
    "rate": "rate",
    "labor_cost": "labor_cost",
    "working_hours_in_minutes": "working_hours",
    "view_edit_billable_rates": "view_edit_billable_rates",
    "view_edit_labor_costs": "view_edit_labor_costs",
}


def _same(wanted, shown):
    if isinstance(wanted, bool) or isinstance(shown, bool):
        return wanted is shown
    if isinstance(wanted, (int, float)) and isinstance(shown, (int, float)):
        return float(wanted) == float(shown)
    return str(wanted) == str(shown)


def _membership_differs(member, user):
    """Whether the organization task has something to do for a member: reactivate, or admin."""
    if member.get("status") == "inactive":
        return True
    return user.get("admin") is not None and bool(member.get("admin")) != bool(user["admin"])


def _workspace_differs(member, ws_id, row):
    """Whether the member's workspace row, as the organization info lists it, misses a wanted
    setting. Anything the list does not show (a change mode, a role id) leaves it to the task."""
    shown = [ws for ws in member.get("workspaces") or [] if ws.get("workspace_id") == ws_id]
    if len(shown) != 1 or shown[0].get("status") == "inactive":
        return True
    for key, value in row.items():
        if key in ("user", "inactive"):
            continue
        if key not in LISTED_SETTINGS or LISTED_SETTINGS[key] not in shown[0]:
            return True
        if not _same(value, shown[0][LISTED_SETTINGS[key]]):
            return True
    return False


def onboarding_plan(people, organization, workspace_ids=None, check_mode=False):
    if people is None:
        people = []
    if not is_list(people):
        _fail("must be a list of people")
    org = _Organization(organization, workspace_ids)

    organization_users = []
    newcomers = []
    unresolved = []
    unknown_groups = []
    refusals = []
    workspaces = {}  # id -> {"workspace", "name", "users"}, in order of first mention
    groups = {}  # id -> {"id", "name", "users", "missing"}
    seen = set()

    for position, person in enumerate(people, 1):
        email = _email_of(position, person)
        if email.casefold() in seen:
            _fail("%s is listed more than once" % email)
        seen.add(email.casefold())
        member = org.member(email)
        if member is None:
            newcomers.append(email)
        entries = _workspace_entries(email, person)
        group_refs = _group_refs(email, person)
        # Left out of later tasks in check mode: only the invitation can make them findable.
        in_later_tasks = member is not None or not check_mode

        resolved = []
        for entry in entries:
            ws_id = org.workspace_id(entry["name"])
            if ws_id is None:
                if _ref_text(entry["name"]) not in unresolved:
                    unresolved.append(_ref_text(entry["name"]))
                continue
            resolved.append((ws_id, entry))

        user = {"user": email, "inactive": False}
        if person.get("admin") is not None:
            user["admin"] = person["admin"]
        if member is None and resolved:
            invitation = []
            for ws_id, entry in resolved:
                item = {"workspace": str(ws_id)}
                if entry.get("role"):
                    item["role"] = entry["role"]
                invitation.append(item)
            user["workspaces"] = invitation
            known_groups = [org.group(ref) for ref in group_refs]
            user["groups"] = [str(group["group_id"]) for group in known_groups if group is not None]
        if check_mode or member is None or _membership_differs(member, user):
            organization_users.append(user)

        person_workspaces = set()
        for ws_id, entry in resolved:
            name = org.workspace_names.get(ws_id, _ref_text(entry["name"]))
            if ws_id in person_workspaces:
                _fail("%s is listed in workspace %s twice" % (email, name))
            person_workspaces.add(ws_id)
            for setting in PAID_SETTINGS:
                if entry.get(setting) is not None and org.details is not None and _is_free(org.details):
                    refusals.append("%s in %s: %s" % (email, name, setting))
            if not in_later_tasks:
                continue
            target = workspaces.setdefault(ws_id, {"workspace": str(ws_id), "name": name, "users": []})
            row = dict(_settings(entry), user=email, inactive=False)
            if member is None and not check_mode:
                # The invitation gives the membership and its role; only other settings are left.
                if not set(row) - {"user", "inactive", "role"}:
                    continue
            elif not check_mode and not _workspace_differs(member, ws_id, row):
                continue
            if check_mode and member is not None and member.get("status") == "inactive":
                # Its workspace rows show the organization-wide deactivation, which the
                # organization task ends first in a real run.
                row.pop("inactive")
            target["users"].append(row)

        for ref in group_refs:
            group = org.group(ref)
            if group is None:
                if _ref_text(ref) not in unknown_groups:
                    unknown_groups.append(_ref_text(ref))
                continue
            if not in_later_tasks:
                continue
            entry = groups.setdefault(
                group["group_id"], {"id": str(group["group_id"]), "name": group.get("name"), "users": [], "missing": []}
            )
            if member is None and not check_mode:
                continue  # joins it through the invitation
            if email not in entry["users"]:
                entry["users"].append(email)
            if member is None or group.get("name") not in (member.get("groups") or []):
                entry["missing"].append(email)

    return {
        "organization_id": org.id,
        "unresolved_workspaces": unresolved,
        "unknown_groups": unknown_groups,
        "paid_plan_refusals": refusals,
        "newcomers": newcomers,
        "organization_users": organization_users,
        "workspaces": [entry for entry in workspaces.values() if entry["users"]],
        "groups": [entry for entry in groups.values() if entry["missing"]],
    }


class FilterModule:
    def filters(self):
        return {"onboarding_plan": onboarding_plan}
