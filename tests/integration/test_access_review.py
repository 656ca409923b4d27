"""playbooks/access_review.yml against the simulator: what it costs and what the reports say.

The 1,000-member organization (large_organization.py) is the size the issue names: the review
must cost one request per 200 members plus one for the groups, and its CSV must show every
member's access exactly as the seed gave it.
"""

import csv
import io
import os
import stat
from html.parser import HTMLParser
from pathlib import Path

import large_organization as big
from helpers import run_logged, seed

PLAYBOOK = "playbooks/access_review.yml"
READ_TASK = "Read every member and group (one request per 200 members, one for the groups)"
SUMMARY_TASK = "Show where the review is and what it cost"
ORG_PATH = "/api/v9/organizations/10"
ORG_ROLES = {True: "admin", False: "member"}


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
        elif tag == "dd":
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
    for path in (csv_path, html_path):
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


def test_a_1000_member_review_costs_six_requests_and_shows_every_access(simulator, run_playbook, tmp_path):
    simulator.reset(big.large_organization_seed(1000))
    reports = tmp_path / "reports"
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars={"toggl_organization": big.ORGANIZATION_ID, "toggl_report_dir": str(reports)},
    )
    assert run.rc == 0, run

    # One page per 200 members, then the groups; nothing else, no write.
    assert [(entry["method"], entry["path"], entry["query"]) for entry in log] == [
        ("GET", ORG_PATH + "/users", {"page": str(page), "per_page": "200"}) for page in range(1, 6)
    ] + [("GET", ORG_PATH + "/groups", {})]
    assert run.task(READ_TASK)["result"]["api_requests"] == {"GET": 6, "total": 6}
    summary = "access review of organization 10: 1000 people (953 joined, 20 invited, 27 inactive), 2 groups"
    assert run.task(SUMMARY_TASK)["result"]["msg"] == [
        summary + ", 6 API request(s)",
        str(reports / "access-review.csv"),
        str(reports / "access-review.html"),
    ]
    # Writing the reports is the run's output, not a change; the counts are AWX job artifacts.
    assert [task["task"] for task in run.tasks if task["status"] == "changed"] == []
    stats = run.task("Hand the result to AWX as job artifacts")["result"]["ansible_stats"]
    assert stats["per_host"] is False
    assert stats["data"]["toggl_access_review"] == {
        "organization": "organization 10",
        "people": 1000,
        "joined": 953,
        "invited": 20,
        "inactive": 27,
        "groups": 2,
        "api_requests": 6,
        "reports": [str(reports / "access-review.csv"), str(reports / "access-review.html")],
    }

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
    assert [(entry["method"], entry["path"]) for entry in log] == [
        ("GET", "/api/v9/me/organizations"),
        ("GET", ORG_PATH + "/users"),
        ("GET", ORG_PATH + "/groups"),
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
    assert sorted(path.name for path in (tmp_path / "reports").iterdir()) == ["access-review.csv", "access-review.html"]
    assert beside_playbooks.exists() == existed
    elsewhere = tmp_path / "awx-artifacts"
    run = run_playbook(PLAYBOOK, extra_vars={"toggl_organization": 10}, env={"TOGGL_REPORT_DIR": str(elsewhere)})
    assert run.rc == 0, run
    assert sorted(path.name for path in elsewhere.iterdir()) == ["access-review.csv", "access-review.html"]
