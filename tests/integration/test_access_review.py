"""playbooks/access_review.yml against the simulator: what it costs and what the reports say.

The 1,000-member organization (large_organization.py) is the size the issue names: the review
must cost one request per 200 members plus one for the groups, and its CSV must show every
member's access exactly as the seed gave it.
"""

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import large_organization as big
import yaml
from helpers import on, result_of, run_logged, seed

from ansible_collections.trackops.toggl.plugins.filter.access_review_report import access_review_report

PLAYBOOK = "playbooks/access_review.yml"
READ_TASK = "Read the organization, every member and group (one request, one per 200 members, one for the groups)"
SUMMARY_TASK = "Show where the review is and what it cost"
ORG_PATH = "/api/v9/organizations/10"
ORG_ROLES = {True: "admin", False: "member"}
REPORTS = ["access-review.csv", "access-review.html", "access-review.json"]


class AccessPage(HTMLParser):
    """The cell texts of the page's tables by table id, and the summary figures by id."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tables, self.figures, self.tags = {}, {}, []
        self._table = self._cell = self._figure = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._table[-1].append("")
            self._cell = True
        elif tag == "dd" and attrs["id"].startswith("count-"):
            self._figure = attrs["id"]

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "dd":
            self._figure = None

    def handle_data(self, data):
        if self._cell:
            self._table[-1][-1] += data
        if self._figure:
            self.figures[self._figure] = int(data)


def read_reports(directory):
    csv_path, html_path = directory / "access-review.csv", directory / "access-review.html"
    for path in (csv_path, html_path, directory / "access-review.json"):
        # Personal data: readable by the owner only.
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"), newline="")))
    return rows, AccessPage(html_path.read_text(encoding="utf-8"))


def expected_access(user_id):
    """(workspace, workspace role or None for group-only, via groups, rate, labor cost) per workspace."""
    direct = big.direct_workspaces(user_id)
    found = {}
    for ws_id in sorted(big.workspace_ids_of(user_id), key=lambda ws: big.WORKSPACES[ws]):
        role, rate, labor_cost = direct.get(ws_id, (None, None, None))
        via = sorted(big.GROUPS[g][0] for g in big.groups_of(user_id) if ws_id in big.GROUPS[g][1])
        found[big.WORKSPACES[ws_id]] = (
            role,
            "; ".join(via),
            "" if rate is None else str(rate),
            "" if labor_cost is None else str(labor_cost),
        )
    return found


def test_a_1000_member_review_costs_eight_requests_and_shows_every_access(simulator, run_playbook, tmp_path):
    simulator.reset(big.large_organization_seed(1000))
    reports = tmp_path / "reports"
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars={"toggl_organization": big.ORGANIZATION_ID, "toggl_report_dir": str(reports)},
    )
    assert run.rc == 0, run

    # The organization (its user count, for the evidence), one page per 200 members, the groups,
    # then the token's user (GET /me, for the evidence); nothing else, no write.
    assert [(entry["method"], entry["path"], entry["query"]) for entry in log] == [("GET", ORG_PATH, {})] + [
        ("GET", ORG_PATH + "/users", {"page": str(page), "per_page": "200"}) for page in range(1, 6)
    ] + [("GET", ORG_PATH + "/groups", {}), ("GET", "/api/v9/me", {})]
    assert run.task(READ_TASK)["result"]["api_requests"] == {"GET": 8, "total": 8}
    summary = "access review of Acme: 1000 people (953 joined, 20 invited, 27 inactive), 2 groups"
    assert run.task(SUMMARY_TASK)["result"]["msg"] == [
        summary + ", 8 API request(s)",
        "no previous review given",
        "to look at: 11 admin(s) without 2FA, 27 inactive, 0 invitation(s) pending over 14 days; member list complete",
        str(reports / "access-review.csv"),
        str(reports / "access-review.html"),
        str(reports / "access-review.json"),
    ]
    # Writing the reports is the run's output, not a change; the counts are AWX job artifacts.
    assert [task["task"] for task in run.tasks if task["status"] == "changed"] == []
    stats = run.task("Hand the result to AWX as job artifacts")["result"]["ansible_stats"]
    assert stats["per_host"] is False
    artifacts = stats["data"]["toggl_access_review"]
    assert len(artifacts.pop("rows_sha256")) == 64
    assert artifacts == {
        "organization": "Acme",
        "organization_id": 10,
        "people": 1000,
        "joined": 953,
        "invited": 20,
        "inactive": 27,
        "groups": 2,
        "rows": 1693,
        "api_requests": 8,
        "complete": True,
        "admins_without_2fa": 11,
        "inactive_members": 27,
        "long_pending_invitations": 0,
        "previous": None,
        "added": 0,
        "removed": 0,
        "changed": 0,
        "people_added": 0,
        "people_removed": 0,
        "reports": [str(reports / name) for name in REPORTS],
    }
    evidence = json.loads((reports / "access-review.json").read_text(encoding="utf-8"))["evidence"]
    assert evidence["completeness"]["user_count"] == 980 and evidence["completeness"]["member_pages"] == 5
    assert evidence["token_user"]["email"] == "owner@example.com"
    assert evidence["token_user"]["known_from"] == "GET /me"
    # When: the API's clock (the Date header), not the controller's.
    assert evidence["clock"] == "the API (Date header of its answers)"

    rows, page = read_reports(reports)
    # Every member, every workspace they reach (directly or through a group), nothing more.
    by_user = {}
    for row in rows:
        by_user.setdefault(int(row["user_id"]), []).append(row)
    assert sorted(by_user) == list(range(1, 1001))
    for user_id, person_rows in by_user.items():
        expected = expected_access(user_id)
        assert [row["workspace"] for row in person_rows] == list(expected), user_id
        groups = "; ".join(sorted(big.GROUPS[g][0] for g in big.groups_of(user_id)))
        for row in person_rows:
            role, via, rate, labor_cost = expected[row["workspace"]]
            status = big.status_of(user_id)
            org_role = "owner" if user_id == big.OWNER_ID else ORG_ROLES[big.is_admin(user_id)]
            assert (row["email"], row["organization_role"], row["status"], row["groups"]) == (
                big.email_of(user_id),
                org_role,
                status,
                groups,
            ), row
            assert (row["workspace_status"], row["via_groups"], row["rate"], row["labor_cost"]) == (
                status,
                via,
                rate,
                labor_cost,
            ), row
            if role is not None:
                assert row["workspace_role"] == role, row
            else:
                assert via, row  # group-only access always names its group
    assert len(rows) == sum(len(expected_access(user_id)) for user_id in range(1, 1001)) == 1693
    # The names a spreadsheet or a browser would interpret arrive as text.
    assert by_user[2][0]["name"] == big.SPECIAL_NAMES[2]
    assert by_user[3][0]["name"] == "'" + big.SPECIAL_NAMES[3]
    assert by_user[4][0]["name"] == big.SPECIAL_NAMES[4]

    access = page.tables["access"]
    assert len(access) == 1 + 1693
    assert [cells[0] for cells in access[1:] if cells[1] == "person0002@example.com"] == [big.SPECIAL_NAMES[2]]
    assert "img" not in page.tags
    assert page.figures == {
        "count-people": 1000,
        "count-joined": 953,
        "count-invited": 20,
        "count-inactive": 27,
        "count-admins": 11,
        "count-workspaces": 3,
        "count-groups": 2,
        "count-rows": 1693,
        "count-admins-without-2fa": 11,
        "count-long-pending": 0,
    }
    engineering = sum(1 for user_id in range(1, 1001) if 70 in big.groups_of(user_id))
    contractors = sum(1 for user_id in range(1, 1001) if 71 in big.groups_of(user_id))
    assert [cells[:3] for cells in page.tables["groups"][1:]] == [
        ["Contractors", "Acme Research", str(contractors)],
        ["Engineering", "Acme Labs", str(engineering)],
    ]


def test_by_name_in_check_mode_it_still_writes_the_review(simulator, run_playbook, tmp_path):
    simulator.reset(seed("info"))
    reports = tmp_path / "nested" / "reports"
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars={"toggl_organization": "Acme", "toggl_report_dir": str(reports)},
        check=True,
        diff=True,
    )
    assert run.rc == 0, run
    # By name, the organization comes with the name lookup: its user count costs nothing more.
    assert [(entry["method"], entry["path"]) for entry in log] == [
        ("GET", "/api/v9/me/organizations"),
        ("GET", ORG_PATH + "/users"),
        ("GET", ORG_PATH + "/groups"),
        ("GET", "/api/v9/me"),
    ]
    rows, page = read_reports(reports)
    assert [(row["name"], row["workspace"], row["workspace_status"]) for row in rows] == [
        ("Alice Admin", "Acme HQ", "joined"),
        ("Bob Builder", "Acme HQ", "joined"),
        ("Bob Builder", "Acme Labs", "joined"),
        ("Carol Contractor", "Acme HQ", "inactive"),
        ("Carol Contractor", "Acme Labs", "inactive"),
        ("Dan Designer", "Acme HQ", "invited"),
        ("Gus Grouped", "Acme HQ", "joined"),
        ("Olive Owner", "Acme HQ", "joined"),
        ("Olive Owner", "Acme Labs", "joined"),
    ]
    bob_hq = rows[1]
    assert (bob_hq["workspace_role"], bob_hq["rate"], bob_hq["labor_cost"]) == ("user", "50", "30")
    assert page.figures["count-people"] == 6
    assert page.tables["access"][0][0] == "Name"
    # A diff of the report files would flood the output of a --diff run: there is none.
    assert "<!DOCTYPE html>" not in run.stdout and "organization_role,status" not in run.stdout


def test_without_an_organization_it_stops_before_any_request(simulator, run_playbook, tmp_path):
    simulator.reset(seed("info"))
    reports = tmp_path / "reports"
    run, log = run_logged(simulator, run_playbook, PLAYBOOK, extra_vars={"toggl_report_dir": str(reports)})
    assert run.rc != 0
    failed = run.task("Check that the organization is given")
    assert failed["status"] == "failed"
    assert failed["result"]["msg"] == (
        "toggl_organization: set it to the organization's name or id, e.g. -e toggl_organization=Acme"
    )
    assert log == []
    assert not reports.exists()


def test_reports_go_to_the_working_directory_or_toggl_report_dir_never_beside_the_playbooks(
    simulator, run_playbook, tmp_path
):
    """From an installed collection or an execution environment, beside playbooks/ is the
    collection's own directory: the default is reports/ where ansible-playbook runs (the tests
    run it in tmp_path), and TOGGL_REPORT_DIR (an AWX job's environment) overrides it."""
    simulator.reset(seed("info"))
    beside_playbooks = Path(__file__).resolve().parents[2] / "reports"
    existed = beside_playbooks.exists()
    run = run_playbook(PLAYBOOK, extra_vars={"toggl_organization": 10})
    assert run.rc == 0, run
    assert sorted(path.name for path in (tmp_path / "reports").iterdir()) == REPORTS
    assert beside_playbooks.exists() == existed
    elsewhere = tmp_path / "awx-artifacts"
    run = run_playbook(PLAYBOOK, extra_vars={"toggl_organization": 10}, env={"TOGGL_REPORT_DIR": str(elsewhere)})
    assert run.rc == 0, run
    assert sorted(path.name for path in elsewhere.iterdir()) == REPORTS


# -- carried forward over a week, and the reviewer's decisions turned into one offboarding run -------

DECISIONS_PLAYBOOK = "playbooks/access_review_decisions.yml"
A_WEEK = 7 * 24 * 3600
# The week's changes, through the collection's own modules (a playbook of plain module tasks runs
# in this process, see in_process.py).
A_WEEK_OF_CHANGES = """
- name: A week in Acme
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Hal is invited into Acme HQ
      trackops.toggl.toggl_organization_user:
        organization: 10
        user: hal@example.com
        workspaces: [{workspace: 100, role: user}]
        skip_email: true
    - name: Gus leaves
      trackops.toggl.toggl_organization_user:
        organization: 10
        user: gus@example.com
        state: absent
    - name: Alice is no longer an organization admin
      trackops.toggl.toggl_organization_user:
        organization: 10
        user: alice@example.com
        admin: false
    - name: Bob becomes an admin of Acme HQ
      trackops.toggl.toggl_workspace_user:
        organization: 10
        workspace: 100
        user: bob@example.com
        role: admin
"""


READ_ALL = """
- name: The organization a week ago
  hosts: localhost
  gather_facts: false
  tasks:
    - name: under test
      trackops.toggl.toggl_organization_info:
        organization: 10
        gather_subset: [details, users, groups]
"""


def review_a_week_ago(run_playbook, path):
    """Last week's review of the organization as it is now: the playbook's read (in this process)
    and its filter, dated a week back (the member list has no invitation date, so this is how a
    week passes for the review, whose clock is the API's)."""
    run = run_playbook(READ_ALL)
    assert run.rc == 0, run
    week_ago = (datetime.now(UTC) - timedelta(seconds=A_WEEK)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = access_review_report(result_of(run), generated_at=week_ago, organization="10")
    path.write_text(report["files"]["access-review.json"], encoding="utf-8")
    return week_ago


def test_a_week_later_the_review_shows_exactly_the_delta_and_the_decisions_offboard_in_one_run(
    start_simulator, run_playbook, tmp_path
):
    # A simulator of its own: the week of changes stays out of the other tests of this process.
    simulator = start_simulator(seed("info"), [])
    run_playbook = on(simulator, run_playbook)
    second = tmp_path / "week-2"
    previous = tmp_path / "last-week.json"
    week_ago = review_a_week_ago(run_playbook, previous)
    changes = run_playbook(A_WEEK_OF_CHANGES)
    assert changes.rc == 0 and [task["status"] for task in changes.tasks] == ["changed"] * 4, changes

    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars={
            "toggl_organization": 10,
            "toggl_report_dir": str(second),
            "toggl_access_review_previous": str(previous),
            "toggl_access_review_pending_days": 5,
        },
    )
    assert run.rc == 0, run
    assert [(entry["method"], entry["path"]) for entry in log] == [
        ("GET", ORG_PATH),
        ("GET", ORG_PATH + "/users"),
        ("GET", ORG_PATH + "/groups"),
        ("GET", "/api/v9/me"),
    ]
    assert run.task(SUMMARY_TASK)["result"]["msg"][1:3] == [
        f"since the review of {week_ago}: 1 added, 1 removed, 2 changed",
        # Olive (the owner), and Alice and Bob, admins of Acme HQ: no 2FA.
        "to look at: 3 admin(s) without 2FA, 1 inactive, 1 invitation(s) pending over 5 days; member list complete",
    ]

    # Exactly the week's changes: in the CSV (the change column) ...
    rows, page = read_reports(second)
    delta = sorted((row["change"], row["email"], row["workspace"], row["changes"]) for row in rows if row["change"])
    assert delta == [
        ("added", "hal@example.com", "Acme HQ", ""),
        ("changed", "alice@example.com", "Acme HQ", "organization_role: admin -> member"),
        ("changed", "bob@example.com", "Acme HQ", "workspace_role: user -> admin"),
        ("removed", "gus@example.com", "Acme HQ", ""),
    ]
    # ... in the JSON, with the evidence that the previous review was the one written a week ago ...
    review = json.loads((second / "access-review.json").read_text(encoding="utf-8"))
    assert review["evidence"]["previous"]["source"] == str(previous)
    assert review["evidence"]["previous"]["rows_sha256_verified"] is True
    assert sorted((row["change"], row["email"]) for row in review["rows"] if row["change"]) == sorted(
        (change, email) for change, email, _workspace, _changes in delta
    )
    # ... and on the page.
    assert sorted(tuple(cells[:4]) for cells in page.tables["changes"][1:]) == sorted(
        (change, name, email, workspace)
        for change, name, email, workspace in (
            ("added", "hal@example.com", "hal@example.com", "Acme HQ"),
            ("changed", "Alice Admin", "alice@example.com", "Acme HQ"),
            ("changed", "Bob Builder", "bob@example.com", "Acme HQ"),
            ("removed", "Gus Grouped", "gus@example.com", "Acme HQ"),
        )
    )
    hal_id = next(int(row["user_id"]) for row in rows if row["email"] == "hal@example.com")
    dan = [row for row in rows if row["email"] == "dan@example.com"]
    assert [row["findings"] for row in dan] == [f"invitation pending at least 7 days (since {week_ago[:10]})"]

    # The reviewer revokes Bob (on one of his rows; the other stays empty) and keeps Alice.
    with (second / "access-review.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    for row in table:
        row["decision"] = {("bob@example.com", "Acme HQ"): "revoke", ("alice@example.com", "Acme HQ"): "Keep"}.get(
            (row["email"], row["workspace"]), ""
        )
    decided = second / "decided.csv"
    with decided.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    run, log = run_logged(
        simulator,
        run_playbook,
        DECISIONS_PLAYBOOK,
        extra_vars={"toggl_access_review_decisions": str(decided), "toggl_report_dir": str(second)},
    )
    assert run.rc == 0, run
    assert log == []  # it reads the files only
    offboarding = second / "access-review-offboarding.yml"
    assert stat.S_IMODE(os.stat(offboarding).st_mode) == 0o600
    assert yaml.safe_load(offboarding.read_text(encoding="utf-8")) == {
        "toggl_organization": 10,
        "toggl_offboarding_people": ["bob@example.com"],
        "toggl_offboarding_mode": "deactivate",
    }

    # Revoking is one run of the offboarding playbook with that file's variables (run_playbook hands
    # them over as -e @file too).
    run = run_playbook("playbooks/offboard.yml", extra_vars=yaml.safe_load(offboarding.read_text(encoding="utf-8")))
    assert run.rc == 0, run
    memberships = {
        user["user_id"]: user["inactive"]
        for user in simulator.state()["organization_users"]
        if user["organization_id"] == 10
    }
    assert memberships == {1: False, 2: False, 3: True, 4: True, 5: False, hal_id: False}
