# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import is_list

DOCUMENTATION = r"""
name: offboarding_plan
short_description: Plan the ordered steps of the offboarding role from the organization as it is
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the people to offboard (C(toggl_offboarding_people) of the role C(trackops.toggl.offboarding)) and the
    organization as M(trackops.toggl.toggl_organization_info) read it (subset V(users), plus V(groups) with
    O(mode=remove)), and returns what each step must do, only for what is still to do, plus the report of what the
    steps do.
  - With O(mode=deactivate) there is one step - one bulk M(trackops.toggl.toggl_organization_user) task deactivates
    them in the organization, which deactivates them in every workspace and keeps their time entries, and takes them
    out of every group they are in, one request per person.
  - With O(mode=remove) the steps are, in order - take the people out of every group they are in (one
    M(trackops.toggl.toggl_group) task per group, with the group's other members as the exact list); remove them
    from every workspace (one bulk M(trackops.toggl.toggl_workspace_user) task per workspace) and then from the
    organization (one bulk M(trackops.toggl.toggl_organization_user) task).
  - It sends no request. People who are not members are reported as such and left alone, so a rerun plans nothing.
  - The organization owner can never be offboarded; RV(_value.owners) names them so that the role fails before any
    write.
positional: _input, organization
options:
  _input:
    description: E-mail addresses of the people to offboard (compared case-insensitively).
    type: list
    elements: str
    required: true
  organization:
    description:
      - The RV(trackops.toggl.toggl_organization_info#module:organization) result of
        M(trackops.toggl.toggl_organization_info) with the subset V(users), and V(groups) too with O(mode=remove).
    type: dict
    required: true
  mode:
    description:
      - V(deactivate) keeps people in the organization, deactivated (reversible, time entries kept);
        V(remove) removes them from the workspaces and the organization.
    type: str
    choices: [deactivate, remove]
    default: deactivate
  check_mode:
    description:
      - V(true) when the tasks run in check mode. With O(mode=remove), a person who reaches a workspace through a
        group is then left out of that workspace's removal, because only the group step (not sent in check mode)
        would end that access, and the workspace task would warn about it; the group step shows it.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the organization's members once
  trackops.toggl.toggl_organization_info:
    organization: Acme
    gather_subset: [users]
  register: acme

- name: Plan the offboarding
  ansible.builtin.set_fact:
    plan: "{{ ['mallory@example.com'] | trackops.toggl.offboarding_plan(acme.organization, mode='deactivate') }}"

- name: Deactivate them and take them out of their groups
  trackops.toggl.toggl_organization_user:
    organization: "{{ plan.organization_id }}"
    users: "{{ plan.deactivate }}"
  when: plan.deactivate | length > 0
"""

RETURN = r"""
_value:
  description: The offboarding, step by step.
  type: dict
  contains:
    organization_id:
      description: The organization's id.
      type: int
    owners:
      description: E-mail addresses in the input that belong to the organization owner.
      type: list
      elements: str
    preflight:
      description:
        - The O(trackops.toggl.toggl_organization_user#module:users) of a check-mode task that makes the module refuse
          the owner and the token's own user before the group and workspace steps write anything; empty when no such
          step is planned (the organization step then refuses them itself, before its write).
      type: list
      elements: dict
    groups:
      description:
        - With O(mode=remove), one entry per group that contains someone to offboard, with C(id), C(name), C(users)
          (the user ids of the members who stay, as strings, an exact list) and C(removed) (the e-mail addresses taken
          out). Empty with O(mode=deactivate), whose organization step takes people out of their groups.
      type: list
      elements: dict
    deactivate:
      description:
        - With O(mode=deactivate), the O(trackops.toggl.toggl_organization_user#module:users) that deactivate the
          members who are not deactivated yet and take everyone still in a group out of it (C(groups) V([])).
      type: list
      elements: dict
    workspaces:
      description:
        - With O(mode=remove), one entry per workspace someone to offboard is in, with C(workspace) (the id, as a
          string), C(name) and C(users) (the O(trackops.toggl.toggl_workspace_user#module:users) to remove).
      type: list
      elements: dict
    remove:
      description:
        - With O(mode=remove), the O(trackops.toggl.toggl_organization_user#module:users) to remove from the
          organization.
      type: list
      elements: dict
    report:
      description:
        - Per person, in input order - C(email), C(member) (whether the organization has them), C(status) before the
          run (V(joined), V(invited), V(inactive), or V(absent)), C(groups_removed) (names),
          C(workspaces_deactivated) and C(workspaces_removed) (names), C(organization_deactivated) and
          C(organization_removed).
        - The organization does not show whether a pending invitation is deactivated, so with O(mode=deactivate) a
          person whose status is V(invited) is deactivated (no write when they already are) and reported so on every
          run.
      type: list
      elements: dict
"""

MODES = ("deactivate", "remove")
OPTION = "toggl_offboarding_people"


def _fail(reason):
    raise AnsibleFilterError("%s: %s" % (OPTION, reason))


def _emails(people):
    if people is None:
        return []
    if not is_list(people):
        _fail("must be a list of e-mail addresses")
    emails = []
    seen = set()
    for position, email in enumerate(people, 1):
        if not isinstance(email, str) or "@" not in email or not email.strip():
            _fail("entry %d must be an e-mail address, got %r" % (position, email))
        email = email.strip()
        if email.casefold() in seen:
            _fail("%s is listed more than once" % email)
        seen.add(email.casefold())
        emails.append(email)
    return emails


def _check_organization(organization, mode):
    if not isinstance(organization, Mapping) or organization.get("id") is None:
        raise AnsibleFilterError("offboarding_plan needs the organization of toggl_organization_info")
    needed = ("users", "groups") if mode == "remove" else ("users",)
    for subset in needed:
        if organization.get(subset) is None:
            raise AnsibleFilterError(
                "offboarding_plan with mode=%s needs toggl_organization_info with gather_subset [%s] (missing: %s)"
                % (mode, ", ".join(needed), subset)
            )


def offboarding_plan(people, organization, mode="deactivate", check_mode=False):
    if mode not in MODES:
        raise AnsibleFilterError("toggl_offboarding_mode: must be deactivate or remove, got %r" % (mode,))
    emails = _emails(people)
    _check_organization(organization, mode)
    members = {str(user.get("email") or "").casefold(): user for user in organization["users"] if user.get("email")}
    leavers = {}  # user id -> email as the input gives it
    report = []
    for email in emails:
        member = members.get(email.casefold())
        entry = {
            "email": email,
            "member": member is not None,
            "status": member.get("status") if member else "absent",
            "groups_removed": [],
            "workspaces_deactivated": [],
            "workspaces_removed": [],
            "organization_deactivated": False,
            "organization_removed": False,
        }
        report.append(entry)
        if member is not None:
            leavers[member["user_id"]] = (email, member, entry)

    owners = [email for email, member, _entry in leavers.values() if member.get("owner")]

    groups = []
    for group in organization["groups"] if mode == "remove" else []:
        member_ids = [user.get("user_id") for user in group.get("users") or []]
        leaving = [user_id for user_id in member_ids if user_id in leavers]
        if not leaving:
            continue
        removed = [leavers[user_id][0] for user_id in leaving]
        groups.append(
            {
                "id": str(group["group_id"]),
                "name": group.get("name"),
                "users": [str(user_id) for user_id in member_ids if user_id not in leavers],
                "removed": removed,
            }
        )
        for user_id in leaving:
            leavers[user_id][2]["groups_removed"].append(group.get("name"))

    deactivate, remove, preflight = [], [], []
    workspaces = {}  # id -> {"workspace", "name", "users"}
    for email, member, entry in leavers.values():
        names = [workspace.get("name") for workspace in member.get("workspaces") or []]
        if mode == "deactivate":
            # Deactivation and leaving the groups are one request per person, so there is no earlier
            # write to guard with a preflight: the organization step refuses the owner and the caller first.
            entry["groups_removed"] = list(member.get("groups") or [])
            if member.get("status") != "inactive":
                entry["organization_deactivated"] = True
                entry["workspaces_deactivated"] = names
            if entry["organization_deactivated"] or entry["groups_removed"]:
                change = {"user": email, "inactive": True}
                if entry["groups_removed"]:
                    change["groups"] = []
                deactivate.append(change)
            continue
        for workspace in member.get("workspaces") or []:
            if check_mode and workspace.get("groups"):
                continue
            target = workspaces.setdefault(
                workspace["workspace_id"],
                {"workspace": str(workspace["workspace_id"]), "name": workspace.get("name"), "users": []},
            )
            target["users"].append({"user": email})
        remove.append({"user": email})
        preflight.append({"user": email, "state": "absent"})
        entry["workspaces_removed"] = names
        entry["organization_removed"] = True

    # Only a write before the organization step needs the check; that step checks for itself.
    if not groups and not workspaces:
        preflight = []
    return {
        "organization_id": int(organization["id"]),
        "owners": owners,
        "preflight": preflight,
        "groups": groups,
        "deactivate": deactivate,
        "workspaces": list(workspaces.values()),
        "remove": remove,
        "report": report,
    }


class FilterModule:
    def filters(self):
        return {"offboarding_plan": offboarding_plan}
