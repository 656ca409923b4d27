"""toggl_access against the simulator: joiners, movers and leavers in one declaration, the
converge cycle (check mode predicts, the first run changes, the rerun does not), the diff in
emails and names, authoritative lists and their guards, expiry by the API's clock, the choice
between filtered lookups and every page, and bad input refused before any write."""

import datetime

import pytest
from helpers import (
    api_get,
    calls,
    converge_cycle_many,
    failure_of,
    result_of,
    run_logged,
    seed,
    squashed,
    task_playbook,
    writes_in,
)

ORG = "/api/v9/organizations/10"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("people"))


def access_playbook(**args):
    return task_playbook("toggl_access", dict({"organization": "Acme"}, **args))


def members(simulator):
    return {m["email"]: m for m in api_get(simulator, "/organizations/10/users?per_page=200")}


def workspaces_of(member):
    return {ws["workspace_name"]: ws for ws in member["workspaces"]}


@pytest.mark.converge
def test_joiner_mover_and_settings_converge_with_a_diff_in_names(simulator, run_playbook):
    playbook = access_playbook(
        people=[
            # a joiner with a rate (needs a PUT after the invitation) and a group
            {
                "email": "Frank@Example.com",
                "workspaces": [{"name": "Acme HQ", "role": "user", "rate": 70}, {"workspace": "Acme Labs"}],
                "groups": ["Contractors"],
            },
            # a mover: from Acme HQ and Acme Labs to Acme Labs only, into Contractors, admin
            {
                "email": "bob@example.com",
                "admin": True,
                "memberships": "exact",
                "workspaces": [{"name": "Acme Labs", "role": "admin"}],
                "groups": ["Contractors"],
            },
            # settings only
            {"email": "carol@example.com", "workspaces": [{"name": "Acme HQ", "working_hours_in_minutes": 420}]},
        ],
        skip_email=True,
    )
    cycle = converge_cycle_many(simulator, run_playbook, playbook)
    first = cycle["first"]
    people = {person["email"].lower(): person for person in first["people"]}
    assert people["frank@example.com"]["action"] == "invited"
    assert people["bob@example.com"]["action"] == "updated"
    assert people["carol@example.com"]["action"] == "updated"
    # the diff names workspaces and groups, never bare ids
    bob = next(d for d in first["diff"] if d["before_header"] == "person bob@example.com")
    assert set(bob["before"]["workspaces"]) == {"Acme HQ", "Acme Labs"}
    assert set(bob["after"]["workspaces"]) == {"Acme Labs"}
    assert bob["after"]["groups"] == ["Contractors"]
    assert bob["after"]["admin"] is True
    # one invitation, one PUT per person who changes (Frank's rate after the invitation)
    writes = calls(writes_in(cycle["first_log"]))
    assert writes.count(("POST", ORG + "/invitations")) == 1
    assert sorted(w for w in writes if w[0] == "PUT") == sorted(
        [
            ("PUT", ORG + "/users/1003"),
            ("PUT", ORG + "/users/1004"),
            ("PUT", ORG + "/users/%s" % members(simulator)["frank@example.com"]["id"]),
        ]
    )
    now = members(simulator)
    assert set(workspaces_of(now["bob@example.com"])) == {"Acme Labs"}
    assert workspaces_of(now["bob@example.com"])["Acme Labs"]["role"] == "admin"
    assert now["bob@example.com"]["admin"] is True
    assert workspaces_of(now["frank@example.com"])["Acme HQ"]["rate"] == 70
    assert workspaces_of(now["carol@example.com"])["Acme HQ"]["working_hours"] == 420
    # the converged rerun only reads
    assert writes_in(cycle["second_log"]) == []


def test_exclusive_list_deactivates_leavers_but_never_owner_caller_or_kept(simulator, run_playbook):
    playbook = access_playbook(
        people=[{"email": "alice@example.com"}, {"email": "carol@example.com"}],
        exclusive=True,
        keep=["b*@example.com"],
    )
    run, log = run_logged(simulator, run_playbook, playbook, diff=True)
    result = result_of(run)
    leavers = {leaver["email"]: leaver["action"] for leaver in result["leavers"]}
    # bob kept by pattern, owner and token user (owner) untouched, eve already inactive,
    # dan's pending invitation withdrawn
    assert leavers == {"dan@example.com": "invitation withdrawn"}
    assert calls(writes_in(log)) == [("PATCH", ORG + "/users")]
    assert "dan@example.com" not in members(simulator)


def test_exclusive_refuses_more_leavers_than_max_leavers_before_any_write(simulator, run_playbook):
    playbook = access_playbook(people=[{"email": "alice@example.com"}], exclusive=True, max_leavers=1)
    run, log = run_logged(simulator, run_playbook, playbook)
    message = failure_of(run, "under test")
    assert "max_leavers" in message and "3 people" in message and "nothing was written" in message
    assert writes_in(log) == []


def test_report_leavers_writes_nothing_and_lists_them(simulator, run_playbook):
    playbook = access_playbook(people=[{"email": "alice@example.com"}], exclusive=True, leavers="report")
    run, log = run_logged(simulator, run_playbook, playbook)
    result = result_of(run)
    assert result["changed"] is False
    assert {leaver["email"] for leaver in result["leavers"]} == {
        "bob@example.com",
        "carol@example.com",
        "dan@example.com",
        "eve@example.com",
    }
    assert writes_in(log) == []


def test_expired_person_is_a_leaver_by_the_api_clock_and_soon_expiring_is_listed(simulator, run_playbook):
    today = datetime.date.today()
    playbook = access_playbook(
        people=[
            {"email": "carol@example.com", "expires": (today - datetime.timedelta(days=1)).isoformat()},
            {
                "email": "bob@example.com",
                "workspaces": [{"name": "Acme Labs", "expires": (today + datetime.timedelta(days=3)).isoformat()}],
            },
        ]
    )
    run, _log = run_logged(simulator, run_playbook, playbook, check=True, allow_warnings=True)
    result = result_of(run)
    assert {p["email"]: p["action"] for p in result["people"]}["carol@example.com"] == "deactivated"
    assert result["expiring"] == [
        {
            "email": "bob@example.com",
            "workspace": "Acme Labs",
            "expires": (today + datetime.timedelta(days=3)).isoformat(),
        }
    ]
    assert any("expires on" in warning for warning in run.warnings)


def test_bad_input_fails_naming_the_field_with_nothing_written(simulator, run_playbook):
    cases = [
        (
            {"people": [{"email": "a@example.com", "workspaces": [{"name": "Acme HQ", "rate": -5}]}]},
            "people[1].workspaces[1].rate",
        ),
        ({"people": [{"email": "a@example.com"}, {"email": "A@example.com"}]}, "entries 1 and 2"),
        (
            {"people": [{"email": "a@example.com", "workspaces": [{"name": "Acme HQ"}, {"name": "acme hq"}]}]},
            "list each workspace once",
        ),
        ({"people": [{"email": "a@example.com", "workspaces": [{"name": "Nowhere"}]}]}, "Nowhere"),
        ({"people": [{"email": "a@example.com", "workspaces": [{"name": "Acme HQ"}], "groups": ["Nobody"]}]}, "Nobody"),
        ({"people": [{"email": "a@example.com", "expires": "next year"}]}, "people[1].expires"),
        ({"people": [], "exclusive": True}, "exclusive"),
        ({"people": [{"email": "owner@example.com", "state": "inactive"}]}, "owner"),
    ]
    for args, expected in cases:
        run, log = run_logged(simulator, run_playbook, access_playbook(**args))
        assert expected in failure_of(run, "under test"), (args, failure_of(run, "under test"))
        assert writes_in(log) == [], args


def test_paid_settings_on_free_plan_refused_before_any_write(simulator, run_playbook):
    playbook = task_playbook(
        "toggl_access",
        {
            "organization": "Freebie",
            "people": [{"email": "new@example.com", "workspaces": [{"name": "Free Space", "rate": 10}]}],
        },
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    assert "paid Toggl plan" in failure_of(run, "under test")
    assert writes_in(log) == []


def test_few_people_are_looked_up_by_filter_and_many_by_pages(simulator, run_playbook):
    playbook = access_playbook(people=[{"email": "carol@example.com", "workspaces": [{"name": "Acme HQ"}]}])
    run, log = run_logged(simulator, run_playbook, playbook)
    result = result_of(run)
    # 6 members: one page; one person costs one lookup either way, so every page (ties go to pages)
    assert result["member_lookup"] == "all"
    assert squashed(log)[0] == ("GET", "/api/v9/me/organizations")


CHAINED_PLAYBOOK = """
- name: A new workspace, and people into it
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Create the workspace
      trackops.toggl.toggl_workspace:
        organization: Acme
        name: Brand New
      register: brand_new

    - name: Give people access to it, by the registered result
      trackops.toggl.toggl_access:
        organization: Acme
        people:
          - email: carol@example.com
            workspaces: [{name: "{{ brand_new }}", role: projectlead}]
          - email: newbie@example.com
            workspaces: [{name: "{{ brand_new }}"}]
      register: granted

    - name: Invite one more through toggl_organization_user, by the registered result too
      trackops.toggl.toggl_organization_user:
        organization: Acme
        user: later@example.com
        workspaces: [{workspace: "{{ brand_new }}"}]

    - name: Make a member its admin through toggl_workspace_user, by the registered result
      trackops.toggl.toggl_workspace_user:
        organization: Acme
        workspace: "{{ brand_new }}"
        user: bob@example.com
        role: admin

    - name: Give it a group through toggl_group, by the registered result
      trackops.toggl.toggl_group:
        organization: Acme
        name: Brand New Team
        users: [dan@example.com]
        workspaces: ["{{ brand_new }}"]
"""

WORKSPACE_USER_TASK = "Make a member its admin through toggl_workspace_user, by the registered result"
GROUP_TASK = "Give it a group through toggl_group, by the registered result"


def test_check_mode_completes_when_a_later_task_uses_what_an_earlier_one_would_create(simulator, run_playbook):
    """Issue 12, item 5: a first audit of a new setup. In check mode the workspace has no id yet;
    the later tasks predict against "does not exist yet" and name it in their diff."""
    check, check_log = run_logged(simulator, run_playbook, CHAINED_PLAYBOOK, check=True, diff=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert writes_in(check_log) == []
    granted = check.task("Give people access to it, by the registered result")["result"]
    assert granted["changed"] is True
    people = {person["email"].lower(): person for person in granted["people"]}
    assert people["carol@example.com"]["workspaces"]["Brand New"]["role"] == "projectlead"
    assert people["newbie@example.com"]["action"] == "invited"
    assert "Brand New" in people["newbie@example.com"]["workspaces"]
    assert check.task("Invite one more through toggl_organization_user, by the registered result too")["result"][
        "changed"
    ]
    # A workspace to be created has no members yet: bob is predicted to join it; the message and
    # the diff name it, and its id is not known (null).
    joined = check.task(WORKSPACE_USER_TASK)["result"]
    assert joined["changed"] is True and joined["workspace_user"]["workspace_id"] is None
    assert not joined["diff"]["before"] and joined["diff"]["after"]["email"] == "bob@example.com"
    team = check.task(GROUP_TASK)["result"]
    assert team["changed"] is True and team["diff"]["after"]["users"] == ["dan@example.com"]
    # The real run writes what check mode predicted; the rerun writes nothing.
    real, _log = run_logged(simulator, run_playbook, CHAINED_PLAYBOOK, diff=True)
    assert real.rc == 0, real.stdout + real.stderr
    after = real.task("Give people access to it, by the registered result")["result"]
    assert [d["after"] for d in after["diff"]][0]["workspaces"]["Brand New"]["role"] == "projectlead"
    assert real.task(WORKSPACE_USER_TASK)["result"]["changed"] and real.task(GROUP_TASK)["result"]["changed"]
    rerun, rerun_log = run_logged(simulator, run_playbook, CHAINED_PLAYBOOK)
    assert rerun.rc == 0 and writes_in(rerun_log) == [], rerun.stdout
    assert workspaces_of(members(simulator)["carol@example.com"])["Brand New"]["role"] == "projectlead"
    assert workspaces_of(members(simulator)["bob@example.com"])["Brand New"]["role"] == "admin"
    new_id = real.task("Create the workspace")["result"]["workspace"]["id"]
    assert real.task(GROUP_TASK)["result"]["group"]["workspaces"] == [new_id]
