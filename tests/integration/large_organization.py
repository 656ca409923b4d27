"""A generated seed of a 1,000-member organization, for the request counts of the audit and the
access review at the size the issue names, and the model of what it holds (to assert on).

Deterministic: member N's status, role, workspaces, groups and rates follow from N, so a test
can say what any member's row must show. A few members carry names that a report must escape
(HTML, a spreadsheet formula, quotes and commas).
"""

ORGANIZATION_ID = 10
ORGANIZATION = "Acme"
OWNER_ID = 1
WORKSPACES = {100: "Acme HQ", 101: "Acme Labs", 102: "Acme Research"}
GROUPS = {70: ("Engineering", [101]), 71: ("Contractors", [102])}
SPECIAL_NAMES = {
    2: "Mallory <img src=x onerror=alert(1)>",
    3: '=HYPERLINK("http://evil.example","open me")',
    4: 'Zoë "Quotes", Comma',
}


def name_of(user_id):
    if user_id == OWNER_ID:
        return "Olive Owner"
    return SPECIAL_NAMES.get(user_id, "Person %04d" % user_id)


def email_of(user_id):
    return "owner@example.com" if user_id == OWNER_ID else "person%04d@example.com" % user_id


def status_of(user_id):
    if user_id == OWNER_ID:
        return "joined"
    if user_id % 50 == 7:
        return "invited"
    if user_id % 37 == 5:
        return "inactive"
    return "joined"


def is_admin(user_id):
    return user_id == OWNER_ID or user_id % 100 == 10


def groups_of(user_id):
    """Group ids the member belongs to."""
    found = []
    if user_id != OWNER_ID and user_id % 4 == 0:
        found.append(70)
    if user_id != OWNER_ID and user_id % 9 == 0:
        found.append(71)
    return found


def direct_workspaces(user_id):
    """{workspace id: (role, rate, labor cost)} of the member's direct memberships."""
    if user_id == OWNER_ID:
        return dict.fromkeys(WORKSPACES, ("admin", None, None))
    rate = 40 + user_id % 7 if user_id % 5 == 0 else None
    labor_cost = 25.5 if user_id % 10 == 0 else None
    found = {100: ("admin" if is_admin(user_id) else "user", rate, labor_cost)}
    if user_id % 3 == 0:
        found[101] = ("projectlead" if user_id % 30 == 0 else "user", None, None)
    if user_id % 11 == 0:
        found[102] = ("user", None, None)
    return found


def workspace_ids_of(user_id):
    """Every workspace the member reaches, directly or through a group."""
    reached = set(direct_workspaces(user_id))
    for group_id in groups_of(user_id):
        reached.update(GROUPS[group_id][1])
    return reached


def large_organization_seed(members=1000):
    users = [
        {"id": user_id, "email": email_of(user_id), "fullname": name_of(user_id), "api_token": "tok-%d" % user_id}
        for user_id in range(1, members + 1)
    ]
    users[0]["api_token"] = "tok-owner"
    org_members = []
    for user_id in range(1, members + 1):
        entry = {"user_id": user_id}
        if is_admin(user_id):
            entry["admin"] = True
        if status_of(user_id) == "invited":
            entry["invited"] = True
        if status_of(user_id) == "inactive":
            entry["inactive"] = True
        org_members.append(entry)
    workspaces = []
    for ws_id, ws_name in WORKSPACES.items():
        rows = []
        for user_id in range(1, members + 1):
            membership = direct_workspaces(user_id).get(ws_id)
            if membership is None:
                continue
            role, rate, labor_cost = membership
            row = {"user_id": user_id, "role": role}
            if rate is not None:
                row["rate"] = rate
            if labor_cost is not None:
                row["labor_cost"] = labor_cost
            rows.append(row)
        workspaces.append({"id": ws_id, "name": ws_name, "users": rows})
    groups = [
        {
            "id": group_id,
            "name": group_name,
            "users": [user_id for user_id in range(1, members + 1) if group_id in groups_of(user_id)],
            "workspaces": ws_ids,
        }
        for group_id, (group_name, ws_ids) in GROUPS.items()
    ]
    organization = {
        "id": ORGANIZATION_ID,
        "name": ORGANIZATION,
        "plan": "starter",
        "owner": OWNER_ID,
        "users": org_members,
        "workspaces": workspaces,
        "groups": groups,
    }
    return {"users": users, "organizations": [organization]}


def onboarding_people(members=1000, user_ids=None):
    """The onboarding role's input that matches the seed: every member (or those of ``user_ids``)
    who is not deactivated, with their organization admin flag, direct workspaces (role and
    rates) and groups."""
    people = []
    for user_id in user_ids or range(1, members + 1):
        if status_of(user_id) == "inactive":
            continue  # offboarded: the onboarding role would reactivate them
        workspaces = []
        for ws_id, (role, rate, labor_cost) in sorted(direct_workspaces(user_id).items()):
            entry = {"name": WORKSPACES[ws_id], "role": role}
            if rate is not None:
                entry["rate"] = rate
            if labor_cost is not None:
                entry["labor_cost"] = labor_cost
            workspaces.append(entry)
        person = {"email": email_of(user_id), "admin": is_admin(user_id), "workspaces": workspaces}
        if groups_of(user_id):
            person["groups"] = [GROUPS[group_id][0] for group_id in groups_of(user_id)]
        people.append(person)
    return people
