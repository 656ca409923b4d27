"""toggl_project_group against the simulator: attach by names, detach by ids, failures.

Seed groups.json: workspace Acme HQ (100) has the projects Website (1000), Web (1001),
Legacy (1002, archived) and two named Twin Project (1003, 1004); Contractors (201) is
attached to Website (project group 5000).
"""

import pytest
import yaml
from helpers import api_get, converge_cycle, run_logged, seed, task_playbook, writes_in

API = "/api/v9"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("groups"))


def links_of(simulator, project_id):
    return api_get(simulator, "/workspaces/100/project_groups?project_ids=%s" % project_id)


@pytest.mark.converge
def test_attach_by_names(simulator, run_playbook):
    # "Web" is also part of "Website": the project is matched by its exact name
    playbook = task_playbook(
        "toggl_project_group",
        {"organization": "Acme", "workspace": "Acme HQ", "project": "Web", "group": "Engineering"},
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["before"] == {}
    assert cycle["first"]["diff"]["after"] == {"workspace": 100, "project": 1001, "group": 200}
    assert cycle["check"]["project_group"] == {"id": None, "wid": 100, "pid": 1001, "group_id": 200}
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("POST", API + "/workspaces/100/project_groups", {"group_id": 200, "project_id": 1001})
    ]
    link = cycle["first"]["project_group"]
    assert link["id"] is not None, "Swagger: the POST answers a string; the link is read back for its id"
    assert links_of(simulator, 1001) == [link]
    # every name costs its read, once: organization, workspace, group, project, then the link
    assert [(e["path"], e["query"]) for e in cycle["second_log"]] == [
        (API + "/me/organizations", {}),
        (API + "/me/workspaces", {}),
        (API + "/organizations/10/groups", {}),
        (API + "/workspaces/100/projects", {"active": "both", "name": "Web", "page": "1", "per_page": "200"}),
        (API + "/workspaces/100/project_groups", {"project_ids": "1001"}),
    ]


@pytest.mark.converge
def test_detach_by_ids_costs_the_project_lookup_and_one_read(simulator, run_playbook):
    """A project of digits may be a project's name ("4711"): one filtered read tells."""
    playbook = task_playbook(
        "toggl_project_group", {"workspace": 100, "project": 1000, "group": 201, "state": "absent"}
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["before"] == {"workspace": 100, "project": 1000, "group": 201}
    assert cycle["first"]["project_group"] is None
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [
        ("DELETE", API + "/workspaces/100/project_groups/5000")
    ]
    assert cycle["first"]["api_requests"] == {"GET": 2, "DELETE": 1, "total": 3}
    assert cycle["second"]["api_requests"] == {"GET": 2, "total": 2}
    assert links_of(simulator, 1000) == []


def test_references_that_do_not_resolve_fail_naming_them(simulator, run_playbook):
    cases = [
        (
            "unknown project",
            {"organization": 10, "workspace": 100, "project": "Nope", "group": 200},
            "project 'Nope' not found in workspace 100",
            2,  # the group "200" may be a name: the group list, then the project
        ),
        (
            "ambiguous project",
            {"workspace": 100, "project": "Twin Project", "group": 200},
            "project: expected 1 project named 'Twin Project', found 2",
            1,
        ),
        (
            "unknown group",
            {"organization": 10, "workspace": 100, "project": 1000, "group": "Nobody"},
            "group 'Nobody' not found in organization 10",
            1,
        ),
        ("archived project by name", {"workspace": 100, "project": "Legacy", "group": 200}, None, 2),
    ]
    play = {
        "name": "integration",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {"name": name, "trackops.toggl.toggl_project_group": args, "ignore_errors": True}
            for name, args, _message, _reads in cases
        ],
    }
    run, log = run_logged(simulator, run_playbook, yaml.safe_dump([play], sort_keys=False))
    for name, _args, message, reads in cases:
        result = run.task(name)["result"]
        if message is None:
            assert run.task(name)["status"] == "changed", result
            # Swagger: the POST answers a string: the link is read back until it shows (pages: none)
            assert result["api_requests"]["POST"] == 1
            assert reads <= result["api_requests"]["GET"] <= reads + 3, result["api_requests"]
            continue
        assert run.task(name)["status"] == "failed", (name, result)
        assert result["msg"] == message
        assert result["api_requests"] == ({"GET": reads, "total": reads} if reads else {"total": 0}), name
    assert [(e["method"], e["body"]) for e in writes_in(log)] == [("POST", {"group_id": 200, "project_id": 1002})]
