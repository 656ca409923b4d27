"""The benchmark's scenario: a Starter organization with 200 members and 5 workspaces, the people
onboarded and offboarded, and the fewest requests each phase could do with (R_min).

Deterministic: everything follows from member and newcomer numbers, so the seed, the vars files
and R_min are the same on every run. The simulator is the only source of truth about requests;
this module only describes the scenario and derives R_min from it (no request is sent here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

ORGANIZATION_ID = 10
ORGANIZATION = "Benchmark Co"
OWNER_ID = 1
OWNER_TOKEN = "tok-owner"
MEMBERS = 200
WORKSPACES = {100 + index: "Bench %d" % (index + 1) for index in range(5)}
GROUPS = {70 + index: "Team %s" % letter for index, letter in enumerate("ABCDEF")}
NEWCOMERS = 20
# Newcomers come in teams that share workspaces, roles and groups; each has their own rate.
TEAM_SIZE = 5
OFFBOARDED = 10
# GET /organizations/{id}/users pages with per_page; 200 is the most the client asks for.
MEMBERS_PER_PAGE = 200


def email_of(user_id: int) -> str:
    return "owner@bench.example" if user_id == OWNER_ID else "member%03d@bench.example" % user_id


def member_workspaces(user_id: int) -> dict[int, str]:
    """{workspace id: role} of an existing member's direct memberships."""
    if user_id == OWNER_ID:
        return dict.fromkeys(WORKSPACES, "admin")
    found = {100 + user_id % 5: "user"}
    if user_id % 3 == 0:
        found[100 + (user_id + 1) % 5] = "projectlead" if user_id % 9 == 0 else "user"
    return found


def member_groups(user_id: int) -> list[int]:
    return [70 + user_id % 6] if user_id != OWNER_ID and user_id % 2 == 0 else []


def newcomer_email(index: int) -> str:
    return "new%02d@bench.example" % index


def newcomer_team(index: int) -> int:
    return index // TEAM_SIZE


def newcomer(index: int) -> dict:
    """The onboarding role's entry for newcomer ``index``: two workspaces with role (a billable
    rate in the first), three groups - the same workspaces, roles and groups for a whole team."""
    team = newcomer_team(index)
    first, second = 100 + team % 5, 100 + (team + 1) % 5
    return {
        "email": newcomer_email(index),
        "workspaces": [
            {"name": WORKSPACES[first], "role": "user", "rate": 60 + index},
            {"name": WORKSPACES[second], "role": "projectlead"},
        ],
        "groups": [GROUPS[70 + (team + offset) % 6] for offset in range(3)],
    }


def offboarded_ids() -> list[int]:
    """Every 20th member: all of them are in a group, none is the owner."""
    return [20 * step for step in range(1, OFFBOARDED + 1)]


def seed() -> dict:
    """The simulator seed (tests/simulator seed format)."""
    users = [
        {"id": user_id, "email": email_of(user_id), "fullname": "Member %03d" % user_id, "api_token": "tok-%d" % n}
        for n, user_id in enumerate(range(1, MEMBERS + 1), 1)
    ]
    users[0].update(fullname="Olive Owner", api_token=OWNER_TOKEN)
    workspaces = [
        {
            "id": ws_id,
            "name": name,
            "users": [
                {"user_id": user_id, "role": member_workspaces(user_id)[ws_id]}
                for user_id in range(1, MEMBERS + 1)
                if ws_id in member_workspaces(user_id)
            ],
        }
        for ws_id, name in WORKSPACES.items()
    ]
    groups = [
        {
            "id": group_id,
            "name": name,
            "users": [user_id for user_id in range(1, MEMBERS + 1) if group_id in member_groups(user_id)],
            "workspaces": [],
        }
        for group_id, name in GROUPS.items()
    ]
    organization = {
        "id": ORGANIZATION_ID,
        "name": ORGANIZATION,
        "plan": "starter",
        "owner": OWNER_ID,
        "users": [{"user_id": OWNER_ID, "admin": True}] + [{"user_id": n} for n in range(2, MEMBERS + 1)],
        "workspaces": workspaces,
        "groups": groups,
    }
    return {"users": users, "organizations": [organization]}


def onboarding_vars() -> dict:
    return {
        "toggl_organization": ORGANIZATION,
        "toggl_onboarding_people": [newcomer(index) for index in range(NEWCOMERS)],
        "toggl_onboarding_skip_email": True,
    }


def offboarding_vars() -> dict:
    return {
        "toggl_organization": ORGANIZATION,
        "toggl_offboarding_people": [email_of(user_id) for user_id in offboarded_ids()],
        "toggl_offboarding_mode": "deactivate",
    }


def access_review_vars() -> dict:
    return {"toggl_organization": ORGANIZATION}


# --- R_min -------------------------------------------------------------------------------------


@dataclass
class Minimum:
    """R_min of one phase: the reads and writes it cannot do without, each with why."""

    reads: dict[str, int] = field(default_factory=dict)
    writes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.reads.values()) + sum(self.writes.values())

    @property
    def write_total(self) -> int:
        return sum(self.writes.values())

    def as_dict(self) -> dict:
        return {"reads": dict(self.reads), "writes": dict(self.writes), "total": self.total}


def pages(count: int, per_page: int = MEMBERS_PER_PAGE) -> int:
    return max(1, math.ceil(count / per_page))


def onboarding_minimum(people: list[dict], members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of onboarding ``people`` into an organization whose members are ``members``
    (email -> {"workspaces": {workspace id: {"role", "rate"}}, "groups": [group ids]}).

    Reads - one per collection that must be inspected:
      * ``/me/organizations`` when the organization is given by name (its id is needed for every
        other path);
      * the organization's member list, one request per 200 members (who is a member already,
        in which workspaces with which role, and the workspace names' ids);
      * the organization's groups (group ids by name, and who is in them).
      No read after the invitations: their answer (``data[].workspaces[]``, invitation.Info in
      the Swagger) names each newcomer's workspace user ids, which is all a rate PUT needs.
    Writes - one per real change, as bulk as the API allows:
      * one ``POST /organizations/{id}/invitations`` per distinct invitation (the body takes a
        list of e-mails but one set of workspaces with roles and one set of groups), so
        newcomers alike in workspaces, roles and groups share one request;
      * one ``PUT /workspaces/{wid}/workspace_users/{id}`` per workspace user whose rate (or
        role, for an existing member) changes: the API has no bulk form for them;
      * for existing members only: one write per group they join (a group's members are set in
        one PUT/PATCH) - newcomers join their groups through the invitation.
    A converged rerun needs the reads that prove convergence (no invitation, so no workspace
    user read) and no write.
    Reads that issue 11 requires of every run that writes (the live API's eventual consistency and
    the admin right), also counted:
      * one ``/me/organizations`` per task that writes (the admin right, checked before any write;
        each Ansible task runs in a process of its own, so no task reuses another's read): the
        organization users task when it invites someone, each workspace task with a
        workspace user PUT, each group task with members to add;
      * the member list again after the invitations (per 200 members, the newcomers included),
        so that a rerun right after them sees them;
      * the workspace's users again after its workspace user PUTs (Swagger: the PUT answers a
        string, so only a read shows that the rate or role took), one per such workspace.
    """
    minimum = Minimum()
    if by_name:
        minimum.reads["GET /me/organizations (organization by name)"] = 1
    minimum.reads["GET organization users (per 200 members)"] = pages(len(members))
    minimum.reads["GET organization groups"] = 1
    invitations = set()
    rate_puts = 0
    put_workspaces = set()
    joined_groups = set()
    for person in people:
        email = person["email"].casefold()
        current = members.get(email)
        wanted = [(ws["name"], ws.get("role") or "user") for ws in person.get("workspaces") or []]
        if current is None:
            invitations.add((tuple(wanted), tuple(sorted(person.get("groups") or []))))
            for ws in person.get("workspaces") or []:
                if ws.get("rate") is not None:
                    rate_puts += 1
                    put_workspaces.add(ws["name"])
            continue
        for ws in person.get("workspaces") or []:
            have = current["workspaces"].get(ws["name"])
            if (
                have is None
                or (ws.get("role") and have.get("role") != ws["role"])
                or (ws.get("rate") is not None and have.get("rate") != ws["rate"])
            ):
                rate_puts += 1
                put_workspaces.add(ws["name"])
        for group in person.get("groups") or []:
            if group not in current["groups"]:
                joined_groups.add(group)
    if invitations:
        minimum.writes["POST invitations (one per distinct invitation)"] = len(invitations)
    if rate_puts:
        minimum.writes["PUT workspace user (rate/role, no bulk form)"] = rate_puts
    if joined_groups:
        minimum.writes["PUT group (members of existing groups)"] = len(joined_groups)
    writing_tasks = (1 if invitations else 0) + len(put_workspaces) + len(joined_groups)
    if writing_tasks:
        minimum.reads["GET /me/organizations (admin right, per task that writes)"] = writing_tasks
    if invitations:
        newcomers = sum(1 for person in people if person["email"].casefold() not in members)
        minimum.reads["GET organization users after the invitations (per 200 members)"] = pages(
            len(members) + newcomers
        )
    if put_workspaces:
        minimum.reads["GET workspace users after its PUTs (Swagger: a string answer)"] = len(put_workspaces)
    return minimum


def audit_minimum(members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the check-mode audit of the onboarded people: the same reads as a converged
    onboarding run (organization by name, members per 200, groups) and no write."""
    return onboarding_minimum([], members, by_name)


def access_review_minimum(members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the access review: the organization (by name), every member (per 200, with
    their workspaces, roles, rates and groups) and the group list, read once each."""
    minimum = Minimum()
    if by_name:
        minimum.reads["GET /me/organizations (organization by name)"] = 1
    minimum.reads["GET organization users (per 200 members)"] = pages(len(members))
    minimum.reads["GET organization groups"] = 1
    return minimum


def offboarding_minimum(emails: list[str], members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of deactivating ``emails``.

    Reads: ``/me/organizations`` when given by name; the member list per 200 members (who is a
    member, active or not, their organization user ids and the groups each is in); and ``GET /me``
    once when someone is to be deactivated - the token's own user must never be deactivated, and
    only /me says who that is. The group list is not needed: the member list names each person's
    groups.
    Writes: one ``PUT /organizations/{id}/users/{org_user_id}`` per person who is active or still
    in a group - its body takes ``inactive`` and ``groups`` (the exact list, ``[]`` for none)
    together (organization_user.Payload in the Swagger), and the API has no bulk form (the bulk
    PATCH deletes only). Writing each group instead would cost at least as much whenever people
    outnumber the groups they share, and never less than one request per person to deactivate.
    A rerun finds everyone inactive and in no group: the reads without /me, no write.
    Reads that issue 11 requires of a run that writes, also counted: one ``/me/organizations`` by
    the deactivation task (the admin right before any write; a task is a process of its own); the
    member list again right before the PUTs that carry ``groups`` (the Swagger's ``groups``
    replaces the person's whole set, so they are written from a fresh read, one for all of them),
    and once after the writes (until they show: nothing another admin added was lost, and a rerun
    right after sees them), per 200 members each.
    """
    minimum = Minimum()
    if by_name:
        minimum.reads["GET /me/organizations (organization by name)"] = 1
    minimum.reads["GET organization users (per 200 members)"] = pages(len(members))
    puts = 0
    grouped = 0
    for email in emails:
        current = members.get(email.casefold())
        if current is None:
            continue
        if not current.get("inactive") or current["groups"]:
            puts += 1
        grouped += 1 if current["groups"] else 0
    if puts:
        minimum.reads["GET /me (never deactivate the token's user)"] = 1
        minimum.writes["PUT organization user (inactive + groups, no bulk form)"] = puts
        minimum.reads["GET /me/organizations (admin right, per task that writes)"] = 1
        if grouped:
            minimum.reads["GET organization users right before the groups PUTs (per 200 members)"] = pages(len(members))
        minimum.reads["GET organization users after the writes (per 200 members)"] = pages(len(members))
    return minimum


def members_at_start() -> dict[str, dict]:
    """The seeded members as the R_min functions take them."""
    names = WORKSPACES
    return {
        email_of(user_id): {
            "workspaces": {names[ws]: {"role": role} for ws, role in member_workspaces(user_id).items()},
            "groups": [GROUPS[group] for group in member_groups(user_id)],
        }
        for user_id in range(1, MEMBERS + 1)
    }


def members_after_onboarding() -> dict[str, dict]:
    members = members_at_start()
    for index in range(NEWCOMERS):
        person = newcomer(index)
        members[person["email"]] = {
            "workspaces": {ws["name"]: {"role": ws["role"], "rate": ws.get("rate")} for ws in person["workspaces"]},
            "groups": list(person["groups"]),
        }
    return members


def members_after_offboarding() -> dict[str, dict]:
    members = members_after_onboarding()
    for user_id in offboarded_ids():
        members[email_of(user_id)] = dict(members[email_of(user_id)], inactive=True, groups=[])
    return members


def phases() -> list[dict]:
    """The phases in order: name, playbook, vars, check mode, R_min, and which targets apply:
    ``converged`` (a rerun: no write, ratio <= 1.0), ``read_only`` (no write; the audit and the
    access review), else a first run that changes things (ratio <= 1.2)."""
    onboarding = onboarding_vars()
    offboarding = offboarding_vars()
    return [
        {
            "name": "onboard",
            "playbook": "playbooks/onboard.yml",
            "vars": onboarding,
            "check": False,
            "minimum": onboarding_minimum(onboarding["toggl_onboarding_people"], members_at_start()),
        },
        {
            "name": "onboard rerun",
            "playbook": "playbooks/onboard.yml",
            "vars": onboarding,
            "check": False,
            "converged": True,
            "minimum": onboarding_minimum(onboarding["toggl_onboarding_people"], members_after_onboarding()),
        },
        {
            "name": "audit (check)",
            "playbook": "playbooks/audit.yml",
            "vars": onboarding,
            "check": True,
            "read_only": True,
            "minimum": audit_minimum(members_after_onboarding()),
        },
        {
            "name": "access review",
            "playbook": "playbooks/access_review.yml",
            "vars": access_review_vars(),
            "check": False,
            "read_only": True,
            "minimum": access_review_minimum(members_after_onboarding()),
        },
        {
            "name": "offboard",
            "playbook": "playbooks/offboard.yml",
            "vars": offboarding,
            "check": False,
            "minimum": offboarding_minimum(offboarding["toggl_offboarding_people"], members_after_onboarding()),
        },
        {
            "name": "offboard rerun",
            "playbook": "playbooks/offboard.yml",
            "vars": offboarding,
            "check": False,
            "converged": True,
            "minimum": offboarding_minimum(offboarding["toggl_offboarding_people"], members_after_offboarding()),
        },
    ]
