"""trackops.toggl.access_review_report (the review carried forward, with its evidence) and
trackops.toggl.access_review_decisions (the reviewer's decisions as the offboarding role's input)."""

import copy
import csv
import hashlib
import io
import json
from html.parser import HTMLParser

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.access_review_decisions import (
    FilterModule as DecisionFilters,
)
from ansible_collections.trackops.toggl.plugins.filter.access_review_decisions import access_review_decisions
from ansible_collections.trackops.toggl.plugins.filter.access_review_report import FilterModule as ReportFilters
from ansible_collections.trackops.toggl.plugins.filter.access_review_report import access_review_report, plain

FILES = ["access-review.csv", "access-review.html", "access-review.json"]
WEEK_AGO = "2026-11-27T09:00:00Z"
NOW = "2026-12-04T09:00:00Z"


def ws(ws_id, name, role="user", status="joined", rate=None, groups=()):
    return {"workspace_id": ws_id, "name": name, "role": role, "status": status, "rate": rate, "groups": list(groups)}


def member(user_id, name, status="joined", admin=False, owner=False, two_factor=False, groups=(), workspaces=()):
    return {
        "user_id": user_id,
        "name": name,
        "email": "%s@example.com" % name.split()[0].lower(),
        "status": status,
        "admin": admin,
        "owner": owner,
        "two_factor_enabled": two_factor,
        "groups": list(groups),
        "workspaces": list(workspaces),
    }


def members():
    return [
        member(1, "Olive Owner", admin=True, owner=True, workspaces=[ws(100, "Acme HQ", "admin")]),
        member(2, "Alice Admin", admin=True, two_factor=True, workspaces=[ws(100, "Acme HQ", "admin")]),
        member(3, "Bob Builder", workspaces=[ws(100, "Acme HQ", rate=50.0), ws(101, "Acme Labs", "projectlead")]),
        member(4, "Carol Contractor", status="inactive", workspaces=[ws(101, "Acme Labs", status="inactive")]),
        member(5, "Dan Designer", status="invited", workspaces=[ws(100, "Acme HQ", status="invited")]),
        member(6, "Gus Grouped", groups=["Engineering"], workspaces=[ws(100, "Acme HQ", groups=["Engineering"])]),
    ]


def read(users=None, user_count=None, owner=True, requests=3, name="Acme"):
    users = members() if users is None else users
    accepted = sum(1 for user in users if user["status"] != "invited")
    details = {"id": 10, "name": name, "user_count": accepted if user_count is None else user_count}
    details.update(owner=owner, admin=True)
    return {
        "organization": {
            "id": 10,
            "name": name,
            "details": details,
            "users": users,
            "groups": [{"group_id": 70, "name": "Engineering", "workspaces": [100], "users": [{"user_id": 6}]}],
        },
        "api_requests": {"GET": requests, "total": requests},
        "changed": False,
    }


def review(result=None, **options):
    options.setdefault("generated_at", NOW)
    options.setdefault("organization", "10")
    return access_review_report(read() if result is None else result, **options)


def document(report):
    return json.loads(report["files"]["access-review.json"])


def csv_rows(report):
    return list(csv.DictReader(io.StringIO(report["files"]["access-review.csv"], newline="")))


def by_person(rows):
    return {(row["email"], row["workspace"]): row for row in rows}


def test_the_filters_are_registered_under_their_names():
    assert ReportFilters().filters() == {"access_review_report": access_review_report}
    assert DecisionFilters().filters() == {"access_review_decisions": access_review_decisions}


# -- one review: the three files, the evidence, the findings ---------------------------------------


def test_one_pass_gives_the_three_files_with_the_same_rows():
    report = review()
    assert sorted(report["files"]) == FILES
    data = document(report)
    assert data["format"] == "trackops.toggl access review" and data["format_version"] == 1
    assert data["organization"] == {"id": 10, "name": "Acme"}
    rows = csv_rows(report)
    assert [(row["email"], row["workspace"]) for row in rows] == [
        (row["email"], row["workspace"] or "") for row in data["rows"]
    ]
    assert len(rows) == 7 and all(row["decision"] == "" and row["change"] == "" for row in rows)
    assert report["files"]["access-review.html"].startswith("<!DOCTYPE html>")
    # One row per line after the header: reviews compare with diff, line by line.
    lines = report["files"]["access-review.json"].splitlines()
    assert sum(1 for line in lines if line.startswith('    {"change"')) == 7


def test_the_rows_hash_is_the_sha256_of_their_canonical_json():
    data = document(review())
    canonical = json.dumps(data["rows"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data["evidence"]["rows_sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert data["summary"]["rows_sha256"] == data["evidence"]["rows_sha256"]
    # The same rows, the same hash; a row that differs in anything (here: when an invitation was
    # first seen pending), another.
    assert document(review())["evidence"]["rows_sha256"] == data["evidence"]["rows_sha256"]
    assert (
        document(review(generated_at="2026-12-05T00:00:00Z"))["evidence"]["rows_sha256"]
        != (data["evidence"]["rows_sha256"])
    )


def test_the_evidence_says_when_by_whom_with_what_and_that_the_list_is_complete():
    evidence = document(review())["evidence"]
    assert evidence["generated_at"] == NOW and evidence["clock"] == "controller (UTC)"
    assert evidence["token_user"]["email"] == "olive@example.com"
    assert evidence["token_user_rights"] == {"owner": True, "admin": True}
    with open("galaxy.yml", encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    assert evidence["collection"] == {"name": "trackops.toggl", "version": version}
    assert evidence["api_requests"] == {"GET": 3, "total": 3}
    assert evidence["requests"] == [
        "GET /organizations/10 (the organization, its user_count)",
        "GET /organizations/10/users?page=1..1&per_page=200 (1 page(s) of up to 200 members)",
        "GET /organizations/10/groups",
    ]
    assert evidence["requests_planned"] == 3
    assert evidence["completeness"] == {
        "members_read": 6,
        "joined": 4,
        "inactive": 1,
        "invited": 1,
        "accepted_members_read": 5,
        "user_count": 5,
        "user_count_counts": "members who accepted (joined or inactive); pending invitations are not counted",
        "user_count_matches": True,
        "member_pages": 1,
        "per_page": 200,
        "requests_as_planned": True,
    }
    assert evidence["previous"] is None and evidence["pending_days"] == 14
    page = review()["files"]["access-review.html"]
    for text in (NOW, "Olive Owner", evidence["rows_sha256"], "user_count 5 (matches)", "trackops.toggl " + version):
        assert text in page


def test_a_list_that_does_not_match_the_user_count_is_not_shown_complete():
    report = review(read(user_count=9, owner=False, requests=4))
    evidence = document(report)["evidence"]
    assert evidence["completeness"]["user_count_matches"] is False
    assert evidence["completeness"]["requests_as_planned"] is False  # a retry, say
    assert evidence["token_user"] is None  # an admin token: the answers read do not name its user
    assert report["summary"]["complete"] is False
    assert "DOES NOT MATCH" in report["files"]["access-review.html"]


def test_by_name_the_first_request_is_the_organizations_lookup():
    evidence = document(review(organization="Acme"))["evidence"]
    assert evidence["requests"][0] == "GET /me/organizations (the organization, its user_count)"


def test_5001_members_are_26_pages():
    users = [member(user_id, "Person %d" % user_id) for user_id in range(1, 5002)]
    evidence = document(review(read(users, requests=28)))["evidence"]
    assert evidence["completeness"]["member_pages"] == 26
    assert evidence["requests_planned"] == 28 and evidence["completeness"]["requests_as_planned"]


def test_findings_point_out_admins_without_2fa_and_inactive_members():
    report = review()
    rows = by_person(document(report)["rows"])
    assert rows["olive@example.com", "Acme HQ"]["findings"] == ["admin without 2FA"]
    assert rows["alice@example.com", "Acme HQ"]["findings"] == []  # 2FA on
    assert rows["bob@example.com", "Acme Labs"]["findings"] == []
    assert rows["carol@example.com", "Acme Labs"]["findings"] == ["inactive member"]
    # A new invitation is dated by this review: not pending long yet.
    assert rows["dan@example.com", "Acme HQ"]["findings"] == []
    assert rows["dan@example.com", "Acme HQ"]["invited_since"] == NOW
    assert report["summary"]["admins_without_2fa"] == 1 and report["summary"]["inactive_members"] == 1
    assert by_person(csv_rows(report))["olive@example.com", "Acme HQ"]["findings"] == "admin without 2FA"


def test_workspace_admins_and_an_unreported_2fa_are_findings_too():
    users = [
        member(3, "Bob Builder", workspaces=[ws(100, "Acme HQ", "admin"), ws(101, "Acme Labs")]),
        dict(member(2, "Alice Admin", admin=True), two_factor_enabled=None),
    ]
    rows = by_person(document(review(read(users)))["rows"])
    assert rows["bob@example.com", "Acme HQ"]["findings"] == ["workspace admin without 2FA"]
    assert rows["bob@example.com", "Acme Labs"]["findings"] == []
    assert rows["alice@example.com", None]["findings"] == ["admin, 2FA not reported"]


def test_the_page_has_a_findings_section_and_no_changes_without_a_previous_review():
    page = Page(review()["files"]["access-review.html"])
    assert page.body_rows("findings") == [
        ["Carol Contractor", "carol@example.com", "member", "inactive", "inactive member"],
        ["Olive Owner", "olive@example.com", "owner", "joined", "admin without 2FA"],
    ]
    assert "changes" not in page.tables
    assert page.headings("access")[-1] == "Findings" and "Change" not in page.headings("access")
    assert page.figures["count-admins-without-2fa"] == "1"


# -- carried forward --------------------------------------------------------------------------------


def a_week_of_changes():
    users = members()
    users = [user for user in users if user["user_id"] != 6]  # Gus left
    bob = users[2]
    bob["workspaces"][0]["role"] = "admin"  # Bob became an admin of Acme HQ ...
    bob["workspaces"].pop()  # ... and left Acme Labs
    users[1]["admin"] = False  # Alice is no longer an organization admin
    users.append(member(7, "Hal Hire", status="invited", workspaces=[ws(100, "Acme HQ", status="invited")]))
    return users


def test_the_next_review_shows_exactly_what_was_added_removed_and_changed():
    before = document(review(generated_at=WEEK_AGO))
    report = review(read(a_week_of_changes()), previous=before)
    data = document(report)
    changed = {
        (row["change"], row["email"], row["workspace"]): row["changes"] for row in data["rows"] if row["change"] != ""
    }
    assert changed == {
        ("changed", "bob@example.com", "Acme HQ"): ["workspace_role: user -> admin"],
        ("changed", "alice@example.com", "Acme HQ"): ["organization_role: admin -> member"],
        ("added", "hal@example.com", "Acme HQ"): [],
        ("removed", "bob@example.com", "Acme Labs"): [],
        ("removed", "gus@example.com", "Acme HQ"): [],
    }
    # The removed rows come last, with the previous review's values.
    assert [row["change"] for row in data["rows"]][-2:] == ["removed", "removed"]
    assert by_person(data["rows"])["gus@example.com", "Acme HQ"]["via_groups"] == ["Engineering"]
    summary = report["summary"]
    assert (summary["added"], summary["removed"], summary["changed"]) == (1, 2, 2)
    assert (summary["people_added"], summary["people_removed"], summary["previous"]) == (1, 1, WEEK_AGO)
    assert data["evidence"]["previous"] == {
        "source": "given as a value",
        "generated_at": WEEK_AGO,
        "rows_sha256": before["evidence"]["rows_sha256"],
        "rows_sha256_verified": True,
    }
    cells = by_person(csv_rows(report))
    assert (cells["bob@example.com", "Acme HQ"]["change"], cells["bob@example.com", "Acme HQ"]["changes"]) == (
        "changed",
        "workspace_role: user -> admin",
    )
    assert cells["gus@example.com", "Acme HQ"]["change"] == "removed"
    assert cells["olive@example.com", "Acme HQ"]["change"] == ""
    # Bob is now a workspace admin without 2FA.
    assert by_person(data["rows"])["bob@example.com", "Acme HQ"]["findings"] == ["workspace admin without 2FA"]

    page = Page(report["files"]["access-review.html"])
    assert sorted(page.body_rows("changes")) == sorted(
        [
            ["added", "Hal Hire", "hal@example.com", "Acme HQ", ""],
            ["changed", "Alice Admin", "alice@example.com", "Acme HQ", "organization_role: admin -> member"],
            ["changed", "Bob Builder", "bob@example.com", "Acme HQ", "workspace_role: user -> admin"],
            ["removed", "Bob Builder", "bob@example.com", "Acme Labs", ""],
            ["removed", "Gus Grouped", "gus@example.com", "Acme HQ", ""],
        ]
    )
    assert (page.figures["count-added"], page.figures["count-changed"], page.figures["count-removed"]) == (
        "1",
        "2",
        "2",
    )
    assert page.headings("access")[-3:] == ["Change", "What changed", "Findings"]
    assert WEEK_AGO in page.text


def test_an_unchanged_organization_shows_no_change():
    report = review(previous=document(review(generated_at=WEEK_AGO)))
    assert {row["change"] for row in document(report)["rows"]} == {""}
    assert (report["summary"]["added"], report["summary"]["removed"], report["summary"]["changed"]) == (0, 0, 0)
    assert "No access was added, changed or removed." in report["files"]["access-review.html"]


def test_people_are_matched_by_user_id_else_by_email():
    before = document(review(generated_at=WEEK_AGO))
    users = members()
    users[2]["email"] = "robert@example.com"  # same user id: a change of email
    users[3]["user_id"] = 44  # same email, another id (an invitation accepted, say): the same person
    rows = by_person(document(review(read(users), previous=before))["rows"])
    assert rows["robert@example.com", "Acme HQ"]["changes"] == ["email: bob@example.com -> robert@example.com"]
    assert rows["carol@example.com", "Acme Labs"]["change"] == ""


def test_a_member_who_lost_every_workspace_keeps_one_row_and_the_workspaces_show_removed():
    before = document(review(generated_at=WEEK_AGO))
    users = members()
    users[2]["workspaces"] = []
    data = document(review(read(users), previous=before))
    bob = [(row["change"], row["workspace"], row["changes"]) for row in data["rows"] if row["user_id"] == 3]
    assert bob == [("", None, []), ("removed", "Acme HQ", []), ("removed", "Acme Labs", [])]


def test_a_pending_invitation_is_dated_by_the_first_review_that_saw_it():
    first = document(review(generated_at="2026-11-01T09:00:00Z"))
    second = document(review(generated_at="2026-11-10T09:00:00Z", previous=first))
    assert by_person(second["rows"])["dan@example.com", "Acme HQ"]["invited_since"] == "2026-11-01T09:00:00Z"
    third = review(generated_at="2026-11-16T09:00:01Z", previous=second)
    dan = by_person(document(third)["rows"])["dan@example.com", "Acme HQ"]
    assert dan["findings"] == ["invitation pending at least 15 days (since 2026-11-01)"]
    assert third["summary"]["long_pending_invitations"] == 1
    # The threshold is a variable; exactly N days is not longer than N.
    assert (
        by_person(document(review(generated_at="2026-11-15T09:00:00Z", previous=second))["rows"])[
            "dan@example.com", "Acme HQ"
        ]["findings"]
        == []
    )
    lenient = review(generated_at="2026-11-16T09:00:01Z", previous=second, pending_days=30)
    assert lenient["summary"]["long_pending_invitations"] == 0
    # Accepted: no longer pending, no date.
    users = members()
    users[4]["status"] = "joined"
    accepted = by_person(document(review(read(users), previous=second))["rows"])["dan@example.com", "Acme HQ"]
    assert (accepted["invited_since"], accepted["changes"]) == (None, ["status: invited -> joined"])


def test_the_previous_review_is_read_from_its_path(tmp_path):
    path = tmp_path / "access-review.json"
    path.write_text(review(generated_at=WEEK_AGO)["files"]["access-review.json"], encoding="utf-8")
    data = document(review(read(a_week_of_changes()), previous=str(path)))
    assert data["evidence"]["previous"]["source"] == str(path)
    assert data["summary"]["removed"] == 2


def test_a_changed_previous_review_is_refused_naming_the_file(tmp_path):
    before = document(review(generated_at=WEEK_AGO))
    edited = copy.deepcopy(before)
    edited["rows"][0]["organization_role"] = "member"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    with pytest.raises(AnsibleFilterError, match="previous review .*edited.json: its rows do not match the SHA-256"):
        review(previous=str(path))
    other = dict(before, organization={"id": 20, "name": "Freebie"})
    with pytest.raises(AnsibleFilterError, match="is a review of organization 20, not of organization 10"):
        review(previous=other)
    with pytest.raises(AnsibleFilterError, match="is not an access-review.json"):
        review(previous={"rows": []})
    with pytest.raises(AnsibleFilterError, match="cannot be read"):
        review(previous=str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(AnsibleFilterError, match="is not JSON"):
        review(previous=str(tmp_path / "bad.json"))


@pytest.mark.parametrize(
    ("result", "options", "message"),
    [
        ("text", {}, "expects the registered result"),
        ({"organization": {"id": 10}}, {}, "has no users"),
        (None, {"pending_days": "two"}, "pending_days must be a whole number"),
        (None, {"pending_days": -1}, "pending_days must be 0 or more"),
        (None, {"generated_at": "yesterday"}, "generated_at 'yesterday' is not an ISO 8601 timestamp"),
    ],
)
def test_bad_input_is_refused(result, options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        review(result, **options)


def test_lazy_containers_are_read_without_their_wrappers():
    class Lazy(dict):
        def _non_lazy_copy(self):
            return {"plain": True}

    assert plain(Lazy()) == {"plain": True}
    assert plain([1]) == [1]


# -- decisions --------------------------------------------------------------------------------------


def decided(report, decisions, separator=","):
    """The review's CSV with the reviewer's decisions, {(email, workspace): value}, as a spreadsheet saves it."""
    rows = csv_rows(report)
    for row in rows:
        row["decision"] = decisions.get((row["email"], row["workspace"]), "")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=separator, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_revoke_on_a_row_offboards_the_person_and_the_file_is_the_roles_input():
    report = review(read(a_week_of_changes()), previous=document(review(generated_at=WEEK_AGO)))
    text = decided(
        report,
        {
            ("bob@example.com", "Acme HQ"): "Revoke ",
            ("carol@example.com", "Acme Labs"): "revoke",
            ("alice@example.com", "Acme HQ"): "keep",
            ("gus@example.com", "Acme HQ"): "keep",  # already removed: keeping it changes nothing
        },
    )
    result = access_review_decisions(text, review=document(report), source="reports/access-review.csv")
    assert result["toggl_offboarding_people"] == ["bob@example.com", "carol@example.com"]
    assert result["toggl_organization"] == 10 and result["toggl_offboarding_mode"] == "deactivate"
    assert result["counts"] == {
        "keep": 2,
        "revoke": 2,
        "undecided": 4,
        "people_revoked": 2,
        "people_kept": 1,
    }
    # Exactly the offboarding role's documented variables.
    assert yaml.safe_load(result["file"]) == {
        "toggl_organization": 10,
        "toggl_offboarding_people": ["bob@example.com", "carol@example.com"],
        "toggl_offboarding_mode": "deactivate",
    }
    assert "reports/access-review.csv" in result["file"]
    assert document(report)["evidence"]["rows_sha256"] in result["file"]


def test_nothing_to_revoke_is_an_empty_list():
    report = review()
    result = access_review_decisions(decided(report, {}), review=document(report), mode="remove")
    assert yaml.safe_load(result["file"]) == {
        "toggl_organization": 10,
        "toggl_offboarding_people": [],
        "toggl_offboarding_mode": "remove",
    }


def test_a_spreadsheets_semicolons_byte_order_mark_and_guarded_cells_are_read():
    users = members()
    users[2]["email"] = "=bob@example.com"
    report = review(read(users))
    text = "\ufeff" + decided(report, {("'=bob@example.com", "Acme HQ"): "revoke"}, separator=";")
    result = access_review_decisions(text, review=document(report))
    assert result["toggl_offboarding_people"] == ["=bob@example.com"]


def test_unknown_decisions_are_refused_with_the_row_and_the_value():
    report = review()
    text = decided(report, {("bob@example.com", "Acme Labs"): "maybe", ("dan@example.com", "Acme HQ"): "yes"})
    with pytest.raises(AnsibleFilterError) as failure:
        access_review_decisions(text, review=document(report), source="access-review.csv")
    message = str(failure.value)
    assert "access-review.csv: 2 decision(s) refused, nothing was written" in message
    assert "row 4 (bob@example.com, Acme Labs): decision 'maybe' is not keep or revoke" in message
    assert "row 6 (dan@example.com, Acme HQ): decision 'yes' is not keep or revoke" in message


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        (
            {("bob@example.com", "Acme HQ"): "keep", ("bob@example.com", "Acme Labs"): "revoke"},
            "bob@example.com: row(s) 3 say keep, row(s) 4 say revoke; offboarding takes a person out of every",
        ),
        ({("olive@example.com", "Acme HQ"): "revoke"}, "row 8 (olive@example.com, Acme HQ): olive@example.com owns"),
    ],
)
def test_contradictions_and_the_owner_are_refused(decisions, message):
    report = review()
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        access_review_decisions(decided(report, decisions), review=document(report))


def test_revoking_access_already_gone_or_someone_not_reviewed_is_refused():
    report = review(read(a_week_of_changes()), previous=document(review(generated_at=WEEK_AGO)))
    text = decided(report, {("gus@example.com", "Acme HQ"): "revoke"})
    with pytest.raises(AnsibleFilterError, match=r"gus@example.com, Acme HQ\): revoke on access that was already gone"):
        access_review_decisions(text, review=document(report))
    text = decided(review(), {("bob@example.com", "Acme HQ"): "revoke"}).replace("bob@", "bobby@")
    with pytest.raises(AnsibleFilterError, match=r"bobby@example.com is not in the review of 2026-12-04T09:00:00Z"):
        access_review_decisions(text, review=document(report))


def test_the_csv_must_be_a_review_and_the_review_must_be_given(tmp_path):
    report = review()
    with pytest.raises(AnsibleFilterError, match="the header row has no decision column"):
        access_review_decisions("name,email\nA,a@example.com\n", review=document(report))
    with pytest.raises(AnsibleFilterError, match="review: give the access-review.json"):
        access_review_decisions(decided(report, {}))
    with pytest.raises(AnsibleFilterError, match="mode must be deactivate or remove"):
        access_review_decisions(decided(report, {}), review=document(report), mode="delete")
    edited = document(report)
    edited["rows"].pop()
    with pytest.raises(AnsibleFilterError, match="its rows do not match the SHA-256"):
        access_review_decisions(decided(report, {}), review=edited)


# -- the page's parts -------------------------------------------------------------------------------


class Page(HTMLParser):
    """The text of each table's cells by table id, the summary figures, and the whole text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tables, self.figures, self._table, self._cell, self._figure, self.parts = {}, {}, None, None, None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._table[-1].append("")
            self._cell = True
        elif tag == "dd" and attrs.get("id", "").startswith("count-"):
            self._figure = attrs["id"]

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "dd":
            self._figure = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._cell:
            self._table[-1][-1] += data
        if self._figure:
            self.figures[self._figure] = data

    @property
    def text(self):
        return "".join(self.parts)

    def body_rows(self, table):
        return self.tables[table][1:]

    def headings(self, table):
        return self.tables[table][0]
