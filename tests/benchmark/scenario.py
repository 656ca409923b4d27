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


def seed(members: int = MEMBERS) -> dict:
    """The simulator seed (tests/simulator seed format), with ``members`` members."""
    users = [
        {"id": user_id, "email": email_of(user_id), "fullname": "Member %03d" % user_id, "api_token": "tok-%d" % n}
        for n, user_id in enumerate(range(1, members + 1), 1)
    ]
    users[0].update(fullname="Olive Owner", api_token=OWNER_TOKEN)
    workspaces = [
        {
            "id": ws_id,
            "name": name,
            "users": [
                {"user_id": user_id, "role": member_workspaces(user_id)[ws_id]}
                for user_id in range(1, members + 1)
                if ws_id in member_workspaces(user_id)
            ],
        }
        for ws_id, name in WORKSPACES.items()
    ]
    groups = [
        {
            "id": group_id,
            "name": name,
            "users": [user_id for user_id in range(1, members + 1) if group_id in member_groups(user_id)],
            "workspaces": [],
        }
        for group_id, name in GROUPS.items()
    ]
    organization = {
        "id": ORGANIZATION_ID,
        "name": ORGANIZATION,
        "plan": "starter",
        "owner": OWNER_ID,
        "users": [{"user_id": OWNER_ID, "admin": True}] + [{"user_id": n} for n in range(2, members + 1)],
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


# Joiners, movers and leavers in the organization of 200 as it is after the offboarding: the
# whole organization as one authoritative declaration (playbooks/access.yml, exclusive).
JML_NEWCOMERS = 5
JML_MOVERS = [3, 5, 7, 9, 11]  # odd: in no group; each moves to another workspace and into Team B
JML_LEAVERS = [13, 15, 17, 19, 21]


def jml_mover(user_id: int) -> dict:
    current = member_workspaces(user_id)
    target = next(ws for ws in sorted(WORKSPACES) if ws not in current)
    return {
        "email": email_of(user_id),
        "memberships": "exact",
        "workspaces": [{"name": WORKSPACES[target], "role": "user"}],
        "groups": [GROUPS[71]],
    }


def jml_people() -> list[dict]:
    people = []
    for user_id in range(1, MEMBERS + 1):
        if user_id in JML_LEAVERS or user_id in offboarded_ids():
            continue
        people.append(jml_mover(user_id) if user_id in JML_MOVERS else {"email": email_of(user_id)})
    people.extend({"email": newcomer_email(index)} for index in range(NEWCOMERS))
    people.extend(
        {
            "email": "jml%02d@bench.example" % n,
            "workspaces": [{"name": WORKSPACES[100], "role": "user"}],
            "groups": [GROUPS[70]],
        }
        for n in range(JML_NEWCOMERS)
    )
    return people


def jml_vars() -> dict:
    return {
        "toggl_organization": ORGANIZATION,
        "toggl_access_people": jml_people(),
        "toggl_access_exclusive": True,
        "toggl_access_skip_email": True,
    }


def members_after_jml() -> dict[str, dict]:
    members = members_after_offboarding()
    for user_id in JML_MOVERS:
        mover = jml_mover(user_id)
        members[email_of(user_id)] = {
            "workspaces": {ws["name"]: {"role": "user"} for ws in mover["workspaces"]},
            "groups": list(mover["groups"]),
        }
    for user_id in JML_LEAVERS:
        members[email_of(user_id)] = dict(members[email_of(user_id)], inactive=True, groups=[])
    for n in range(JML_NEWCOMERS):
        members["jml%02d@bench.example" % n] = {
            "workspaces": {WORKSPACES[100]: {"role": "user"}},
            "groups": [GROUPS[70]],
            "invited": True,
        }
    return members


# A large organization: 5,000 members; a few existing members into a workspace and groups, by
# filtered lookups (R_min: the cheaper way), and the access review of everyone.
LARGE_MEMBERS = 5000
LARGE_MOVERS = [4001, 4003]
ACCESS_REVIEW_SECONDS = 8.0


def large_people() -> list[dict]:
    taken = set().union(*(member_workspaces(user_id) for user_id in LARGE_MOVERS))
    target = next(ws for ws in sorted(WORKSPACES) if ws not in taken)
    return [
        {"email": email_of(user_id), "workspaces": [{"name": WORKSPACES[target]}], "groups": [GROUPS[72], GROUPS[73]]}
        for user_id in LARGE_MOVERS
    ]


def large_vars() -> dict:
    return {"toggl_organization": ORGANIZATION, "toggl_access_people": large_people()}


def members_at_start_large() -> dict[str, dict]:
    return members_at_start(LARGE_MEMBERS)


def members_after_large() -> dict[str, dict]:
    members = members_at_start_large()
    for person in large_people():
        current = members[person["email"]]
        members[person["email"]] = {
            "workspaces": dict(current["workspaces"], **{ws["name"]: {"role": "user"} for ws in person["workspaces"]}),
            "groups": sorted(set(current["groups"]) | set(person["groups"])),
        }
    return members


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


def member_reads(people_count: int, member_count: int, everyone: bool = False) -> int:
    """The cheaper way to learn who the people are (plugins/module_utils/resources/access.py,
    lookup_plan): every page of the member list (per 200 members), or one filtered lookup
    (``filter=<email>``) per person when that is fewer; an authoritative list reads every page."""
    if everyone:
        return pages(member_count)
    return min(pages(member_count), max(people_count, 1))


def _wanted_workspaces(person: dict) -> dict[str, dict]:
    return {ws["name"]: ws for ws in person.get("workspaces") or []}


def _settings_differ(wanted: dict, have: dict | None) -> bool:
    if have is None:
        return True
    return any(wanted.get(key) is not None and have.get(key) != wanted[key] for key in ("role", "rate"))


def access_minimum(
    people: list[dict], members: dict[str, dict], by_name: bool = True, everyone: bool = False
) -> Minimum:
    """R_min of one toggl_access task declaring ``people`` in an organization whose members are
    ``members`` (email -> {"workspaces": {name: {"role", "rate"}}, "groups": [names],
    "inactive": bool, "invited": bool}); with ``everyone`` (exclusive) the members not listed are
    leavers, deactivated.

    R_min = reads + writes + reads after writes, where
      reads   = 1 (GET /me/organizations: the organization's id by name, its member count, plan
                and the admin right every write needs - one request for all of them)
              + member_reads(people, members, everyone)
              + 1 for the groups when a group is named
              + 1 (GET /me/workspaces) when a workspace named is in none of the members read
              + 1 (GET /me) when someone is deactivated or removed (never the token's user)
      writes  = 1 POST invitations per distinct invitation (workspaces with roles, groups)
              + 1 member PUT per newcomer who needs more than an invitation (a rate, the admin
                flag), after 1 read until they are listed (per 200 members, or a lookup each)
              + 1 member PUT per existing person whose admin flag, status or workspaces change
                (organization_user.Payload takes them and the groups at once; no bulk form)
              + 1 group PATCH per group whose members change otherwise (everyone at once)
              + 1 PATCH for all removals
      after   = 1 read that shows the writes (per 200 members, or a lookup per person written),
                so that a rerun right after sees them (the live API lags).
    A converged rerun is the reads without GET /me.
    """
    minimum = Minimum()
    listed = {person["email"].casefold() for person in people}
    minimum.reads["GET /me/organizations (id, member count, plan, admin right)"] = 1
    filtered = not everyone and member_reads(len(people), len(members)) < pages(len(members))
    minimum.reads["GET organization users (per 200 members, or a lookup per person)"] = member_reads(
        len(people), len(members), everyone
    )
    if any(person.get("groups") for person in people):
        minimum.reads["GET organization groups"] = 1
    seen = {
        name for email, member in members.items() if not filtered or email in listed for name in member["workspaces"]
    }
    if any(name not in seen for person in people for name in _wanted_workspaces(person)):
        minimum.reads["GET /me/workspaces (a workspace none of the members read is in)"] = 1
    invitations, follow_ups, puts, patched_groups, removals, written = set(), 0, 0, set(), 0, 0
    leaving = 0
    for person in people:
        email = person["email"].casefold()
        current = members.get(email)
        state = person.get("state", "active")
        if current is None:
            if state != "active":
                continue
            wanted = tuple((ws["name"], ws.get("role")) for ws in person.get("workspaces") or [])
            invitations.add((wanted, tuple(sorted(person.get("groups") or []))))
            written += 1
            if person.get("admin") or any(ws.get("rate") is not None for ws in person.get("workspaces") or []):
                follow_ups += 1
            continue
        if state == "inactive":
            if current.get("invited"):
                removals += 1
                leaving += 1
                written += 1
            elif not current.get("inactive") or current["groups"]:
                puts += 1
                leaving += 1
                written += 1
            continue
        changed_workspaces = any(
            _settings_differ(ws, current["workspaces"].get(name)) for name, ws in _wanted_workspaces(person).items()
        )
        if person.get("memberships") == "exact" and person.get("workspaces") is not None:
            changed_workspaces |= set(current["workspaces"]) != set(_wanted_workspaces(person))
        groups = set(person.get("groups") or [])
        if person.get("memberships") != "exact":
            groups |= set(current["groups"])
        changed_groups = person.get("groups") is not None and groups != set(current["groups"])
        reactivated = bool(current.get("inactive"))
        admin = person.get("admin") is not None and person["admin"] != current.get("admin", False)
        if changed_workspaces or reactivated or admin:
            puts += 1
            written += 1
        elif changed_groups:
            patched_groups |= groups ^ set(current["groups"])
            written += 1
    if everyone:
        for email, member in members.items():
            if email in listed or member.get("owner") or (member.get("inactive") and not member.get("invited")):
                continue
            leaving += 1
            written += 1
            if member.get("invited"):
                removals += 1
            else:
                puts += 1
    if leaving:
        minimum.reads["GET /me (never deactivate the token's user)"] = 1
    if invitations:
        minimum.writes["POST invitations (one per distinct invitation)"] = len(invitations)
    if follow_ups:
        minimum.reads["GET organization users until the newcomers are listed"] = (
            follow_ups
            if filtered
            else pages(len(members) + sum(1 for p in people if p["email"].casefold() not in members))
        )
        minimum.writes["PUT organization user of a newcomer (rate, admin)"] = follow_ups
    if puts:
        minimum.writes["PUT organization user (admin, status, workspaces with settings, groups)"] = puts
    if patched_groups:
        minimum.writes["PATCH group (members added or removed, everyone at once)"] = len(patched_groups)
    if removals:
        minimum.writes["PATCH organization users (every removal at once)"] = 1
    if written:
        newcomers = sum(1 for person in people if person["email"].casefold() not in members)
        minimum.reads["GET organization users after the writes"] = (
            written if filtered else pages(len(members) + newcomers)
        )
    return minimum


def onboarding_minimum(people: list[dict], members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the onboarding role: one toggl_access task (memberships add), see access_minimum."""
    return access_minimum(people, members, by_name)


def audit_minimum(people: list[dict], members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the check-mode audit of the onboarded people: the reads of a converged onboarding
    run (/me/organizations, the members the cheaper way, the groups) and no write."""
    return access_minimum(people, members, by_name)


def access_review_minimum(members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the access review: the organization (by name), every member (per 200, with
    their workspaces, roles, rates and groups), the group list and the token's user (/me: who
    read it, for the evidence), read once each."""
    minimum = Minimum()
    if by_name:
        minimum.reads["GET /me/organizations (organization by name)"] = 1
    minimum.reads["GET organization users (per 200 members)"] = pages(len(members))
    minimum.reads["GET organization groups"] = 1
    minimum.reads["GET /me (the token's user, for the evidence)"] = 1
    return minimum


def offboarding_minimum(emails: list[str], members: dict[str, dict], by_name: bool = True) -> Minimum:
    """R_min of the offboarding role (deactivate): one toggl_access task with everyone listed as
    inactive - a PUT per person still active or in a group (inactive and groups [] at once), a
    pending invitation withdrawn in the one removal PATCH; see access_minimum."""
    return access_minimum([{"email": email, "state": "inactive"} for email in emails], members, by_name)


def members_at_start(members: int = MEMBERS) -> dict[str, dict]:
    """The seeded members as the R_min functions take them."""
    names = WORKSPACES
    return {
        email_of(user_id): {
            "workspaces": {names[ws]: {"role": role} for ws, role in member_workspaces(user_id).items()},
            "groups": [GROUPS[group] for group in member_groups(user_id)],
            "owner": user_id == OWNER_ID,
            "admin": user_id == OWNER_ID,
        }
        for user_id in range(1, members + 1)
    }


def members_after_onboarding() -> dict[str, dict]:
    members = members_at_start()
    for index in range(NEWCOMERS):
        person = newcomer(index)
        members[person["email"]] = {
            "workspaces": {ws["name"]: {"role": ws["role"], "rate": ws.get("rate")} for ws in person["workspaces"]},
            "groups": list(person["groups"]),
            "invited": True,
        }
    return members


def members_after_offboarding() -> dict[str, dict]:
    members = members_after_onboarding()
    for user_id in offboarded_ids():
        members[email_of(user_id)] = dict(members[email_of(user_id)], inactive=True, groups=[])
    return members


def phases() -> list[dict]:
    """The phases in order: name, playbook, vars, check mode, R_min, the simulator seed they run
    on (``seed``: the 200-member organization, or ``large``), and which targets apply:
    ``converged`` (a rerun: no write, requests = R_min), ``read_only`` (no write; the audit
    <= 1.2 x R_min, the access review), else a first run that changes things (<= 1.0 x R_min);
    ``max_seconds``: a wall-time target."""
    onboarding = onboarding_vars()
    offboarding = offboarding_vars()
    people = onboarding["toggl_onboarding_people"]
    jml = jml_vars()
    large = large_vars()
    return [
        {
            "name": "onboard",
            "playbook": "playbooks/onboard.yml",
            "vars": onboarding,
            "check": False,
            "minimum": onboarding_minimum(people, members_at_start()),
        },
        {
            "name": "onboard rerun",
            "playbook": "playbooks/onboard.yml",
            "vars": onboarding,
            "check": False,
            "converged": True,
            "minimum": onboarding_minimum(people, members_after_onboarding()),
        },
        {
            "name": "audit (check)",
            "playbook": "playbooks/audit.yml",
            "vars": onboarding,
            "check": True,
            "read_only": True,
            "minimum": audit_minimum(people, members_after_onboarding()),
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
        {
            "name": "joiners-movers-leavers",
            "playbook": "playbooks/access.yml",
            "vars": jml,
            "check": False,
            "minimum": access_minimum(jml["toggl_access_people"], members_after_offboarding(), everyone=True),
        },
        {
            "name": "joiners-movers-leavers rerun",
            "playbook": "playbooks/access.yml",
            "vars": jml,
            "check": False,
            "converged": True,
            "minimum": access_minimum(jml["toggl_access_people"], members_after_jml(), everyone=True),
        },
        {
            "name": "5,000 members: 2 into a workspace and groups",
            "playbook": "playbooks/access.yml",
            "vars": large,
            "check": False,
            "seed": "large",
            "max_requests": 10,
            "minimum": access_minimum(large["toggl_access_people"], members_at_start_large()),
        },
        {
            "name": "5,000 members: rerun",
            "playbook": "playbooks/access.yml",
            "vars": large,
            "check": False,
            "seed": "large",
            "converged": True,
            "max_requests": 5,
            "minimum": access_minimum(large["toggl_access_people"], members_after_large()),
        },
        {
            "name": "5,000 members: access review",
            "playbook": "playbooks/access_review.yml",
            "vars": access_review_vars(),
            "check": False,
            "seed": "large",
            "read_only": True,
            "max_seconds": ACCESS_REVIEW_SECONDS,
            "minimum": access_review_minimum(members_after_large()),
        },
    ]
