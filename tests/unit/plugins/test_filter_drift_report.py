"""trackops.toggl.drift_report and drift_report_markdown: module results in, drift rows and Markdown out."""

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.drift_report import FilterModule as DriftFilters
from ansible_collections.trackops.toggl.plugins.filter.drift_report import drift_report
from ansible_collections.trackops.toggl.plugins.filter.drift_report_markdown import FilterModule as MarkdownFilters
from ansible_collections.trackops.toggl.plugins.filter.drift_report_markdown import drift_report_markdown

HQ = "workspace 'Acme HQ' (id 100)"


def diff(before, after, header):
    return {"before": before, "after": after, "before_header": header, "after_header": header}


def row(obj, field, expected, actual):
    return {"object": obj, "field": field, "expected": expected, "actual": actual}


def test_the_filters_are_registered_under_their_names():
    assert DriftFilters().filters() == {"drift_report": drift_report}
    assert MarkdownFilters().filters() == {"drift_report_markdown": drift_report_markdown}


def test_an_update_lists_only_the_fields_that_differ():
    result = {
        "changed": True,
        "diff": diff(
            {"name": "Acme HQ", "rounding": -1, "rounding_minutes": 0},
            {"name": "Acme HQ", "rounding": 1, "rounding_minutes": 15},
            HQ,
        ),
    }
    assert drift_report([result]) == {
        "summary": "Drift: 2 differences in 1 of 1 object compared.",
        "compared": 1,
        "drifted": 1,
        "differences": [row(HQ, "rounding", 1, -1), row(HQ, "rounding_minutes", 15, 0)],
    }


def test_an_unchanged_result_is_no_drift_whatever_its_diff_shows():
    # The module decided: a field it shows but does not compare is not drift.
    result = {"changed": False, "diff": diff({"email": "a@example.com"}, {"email": "A@example.com"}, "person a")}
    assert drift_report([result]) == {
        "summary": "No drift in 1 object compared.",
        "compared": 1,
        "drifted": 0,
        "differences": [],
    }


def test_a_bulk_result_is_read_entry_by_entry():
    created = "workspace_user new@example.com in workspace Acme HQ"
    updated = "workspace_user bob@example.com in workspace Acme HQ (id 7001)"
    deleted = "workspace_user old@example.com in workspace Acme HQ (id 7002)"
    same = "workspace_user alice@example.com in workspace Acme HQ (id 7003)"
    result = {
        "changed": True,
        "diff": [
            diff({}, {"email": "new@example.com", "is_direct": True, "role": "user", "rate": None}, created),
            diff({"email": "bob@example.com", "role": "user"}, {"email": "bob@example.com", "role": "admin"}, updated),
            diff({"email": "old@example.com", "role": "user"}, {}, deleted),
            diff(
                {"email": "alice@example.com", "role": "admin"}, {"email": "alice@example.com", "role": "admin"}, same
            ),
        ],
    }
    report = drift_report([result])
    assert (report["compared"], report["drifted"]) == (4, 3)
    assert report["differences"] == [
        # A missing object: its state, then what it would be created with (nulls left out).
        row(created, "state", "present", "absent"),
        row(created, "email", "new@example.com", None),
        row(created, "is_direct", True, None),
        row(created, "role", "user", None),
        row(updated, "role", "admin", "user"),
        # An object that should not exist: only its state.
        row(deleted, "state", "absent", "present"),
    ]


def test_loops_are_opened_and_skipped_items_left_out():
    looped = {
        "changed": True,
        "results": [
            {"changed": False, "diff": diff({"rounding": 1}, {"rounding": 1}, HQ), "item": {"name": "Acme HQ"}},
            {"skipped": True, "item": {"name": "Acme Labs"}},
            {"changed": True, "diff": diff({"rounding": 0}, {"rounding": 1}, "labs"), "item": {"name": "Acme Labs"}},
        ],
    }
    skipped_task = {"skipped": True, "changed": False}
    assert drift_report([looped, skipped_task]) == {
        "summary": "Drift: 1 difference in 1 of 2 objects compared.",
        "compared": 2,
        "drifted": 1,
        "differences": [row("labs", "rounding", 1, 0)],
    }


def test_one_registered_result_is_taken_as_a_list_of_one():
    result = {"changed": True, "diff": diff({"rounding": 0}, {"rounding": 1}, HQ)}
    assert drift_report(result) == drift_report([result])


def test_lists_in_another_order_are_the_same_and_other_lists_differ():
    group = "group 'Engineering' (id 70)"
    result = {
        "changed": True,
        "diff": diff(
            {"users": ["b@example.com", "a@example.com"], "workspaces": [100]},
            {"users": ["a@example.com", "b@example.com"], "workspaces": [100, 101]},
            group,
        ),
    }
    assert drift_report([result])["differences"] == [row(group, "workspaces", [100, 101], [100])]


def test_a_change_without_a_diff_is_still_reported():
    no_diff_mode = {"changed": True, "item": {"name": "Acme Labs"}}
    unnamed = {"changed": True, "item": "bob@example.com"}
    hidden = {"changed": True, "diff": diff({"rounding": 1}, {"rounding": 1}, HQ)}
    report = drift_report([no_diff_mode, unnamed, {"changed": True}, hidden, {"changed": False}])
    assert report == {
        "summary": "Drift: 4 differences in 4 of 4 objects compared.",
        "compared": 4,
        "drifted": 4,
        "differences": [
            row("item Acme Labs", "changed", False, True),
            row("item bob@example.com", "changed", False, True),
            row("result 3", "changed", False, True),
            row(HQ, "changed", False, True),
        ],
    }


def test_a_text_diff_compares_the_whole_content():
    result = {"changed": True, "diff": {"before": "a\n", "after": "b\n", "after_header": "file"}}
    assert drift_report([result])["differences"] == [row("file", "content", "b\n", "a\n")]


def test_nothing_to_compare_is_an_empty_report():
    empty = {
        "summary": "No drift in 0 objects compared.",
        "compared": 0,
        "drifted": 0,
        "differences": [],
    }
    assert drift_report([]) == drift_report(None) == empty


def test_a_failed_result_fails_the_report():
    failed = {"failed": True, "msg": "expected 1 workspace named 'HQ', found 0"}
    with pytest.raises(AnsibleFilterError, match="could not be compared: expected 1 workspace named 'HQ', found 0"):
        drift_report([{"changed": False}, failed])


@pytest.mark.parametrize(
    "results, message",
    [
        ("text", "expects a list of registered results, got str"),
        ([1], "expects registered results"),
        ([{"changed": True, "diff": ["not a mapping"]}], "not a before/after mapping"),
    ],
)
def test_wrong_input_fails_with_a_message(results, message):
    with pytest.raises(AnsibleFilterError, match=message):
        drift_report(results)


# -- Markdown ---------------------------------------------------------------------------------

CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def table_rows(markdown):
    """The cells of each table line, split on the unescaped pipes only."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in CELL_SEPARATOR.split(line)[1:-1]] for line in lines]


def test_no_drift_is_a_report_with_a_table_that_says_so():
    text = drift_report_markdown({"compared": 12, "drifted": 0, "differences": []}, organization="Acme")
    assert text.startswith("# Toggl drift report: Acme\n")
    assert "**No drift in 12 objects compared.**" in text
    assert table_rows(text) == [["object", "field", "expected", "actual"], ["---"] * 4, ["no drift", "", "", ""]]
    assert text.endswith("\n")


def test_rows_show_strings_as_they_are_and_other_values_as_json():
    report = drift_report(
        [
            {
                "changed": True,
                "diff": diff(
                    {"rounding": -1, "users": [], "note": None, "admin": False},
                    {"rounding": 1, "users": [2, 3], "note": "", "admin": True},
                    HQ,
                ),
            }
        ]
    )
    text = drift_report_markdown(report, generated_at="2026-01-01T00:00:00Z")
    assert text.startswith("# Toggl drift report\n")
    assert "**Drift: 4 differences in 1 of 1 object compared.** Generated 2026-01-01T00:00:00Z, in check mode" in text
    assert table_rows(text)[2:] == [
        [HQ, "rounding", "1", "-1"],
        [HQ, "users", "\\[2, 3\\]", "\\[\\]"],
        [HQ, "note", '""', "null"],
        [HQ, "admin", "true", "false"],
    ]


def test_every_cell_is_escaped():
    hostile = "Eve | <script>alert(1)</script> *bold* [link](http://x) `code`\nnext line"
    report = {"compared": 1, "drifted": 1, "differences": [row(hostile, "name", hostile, "a_b")]}
    text = drift_report_markdown(report, organization="A|B")
    assert text.startswith("# Toggl drift report: A\\|B\n")
    cells = table_rows(text)[2]
    assert len(cells) == 4  # the pipe inside the value did not open a column
    assert "<script>" not in text
    assert cells[0] == (
        "Eve \\| &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[link\\](http://x) \\`code\\` next line"
    )
    assert cells[3] == "a\\_b"


def test_the_markdown_filter_refuses_what_is_not_a_report():
    with pytest.raises(AnsibleFilterError, match="expects the dict that trackops.toggl.drift_report returns"):
        drift_report_markdown([row(HQ, "rounding", 1, 0)])


# -- who changed it: the audit log matched to the drifted objects ----------------------------

ADA = {"user_id": 90, "user_name": "Ada Second-Admin", "user_email": "admin2@example.com"}


def log_entry(entry_id, entity_type, entity_id, name, changes, workspace_id=100, action="update", when=None):
    return dict(
        ADA,
        id=entry_id,
        organization_id=10,
        workspace_id=workspace_id,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_name=name,
        action=action,
        created_at=when or "2026-03-27T16:0%d:00Z" % entry_id,
        changes=changes,
    )


BOB_ROW = "workspace_user bob@example.com in workspace Acme HQ (id 1010)"
NEWBIE = "organization_user newbie@example.com"
REMINDER = "track reminder 500"
RATE = "labor rate of workspace 100"
LOG = {
    "from": "2026-02-26T10:16:00Z",
    "to": "2026-03-28T10:16:00Z",
    "filters": {},
    "available": True,
    "entries": [
        log_entry(
            6, "rate", 601, "labor_costs of workspace 100", [{"field": "type", "old": None, "new": "labor_costs"}]
        ),
        log_entry(5, "organization_user", 5009, "newbie@example.com", [], workspace_id=None, action="delete"),
        log_entry(4, "workspace", 101, "Acme Labs", [{"field": "rounding", "old": 1, "new": 0}], workspace_id=101),
        log_entry(3, "workspace_user", 1010, "bob@example.com", [{"field": "role", "old": "admin", "new": "user"}]),
        log_entry(2, "track_reminder", 500, None, [{"field": "frequency", "old": 1, "new": 7}]),
        log_entry(1, "workspace", 100, "Acme HQ", [{"field": "rounding", "old": 1, "new": -1}]),
    ],
}


def drifting_results():
    return [
        {"changed": True, "diff": diff({"rounding": -1}, {"rounding": 1}, HQ)},
        {"changed": True, "diff": diff({"role": "user"}, {"role": "admin"}, BOB_ROW)},
        {"changed": True, "diff": diff({}, {"email": "newbie@example.com"}, NEWBIE)},
        {"changed": True, "diff": diff({"frequency": 7}, {"frequency": 1}, REMINDER)},
        {"changed": True, "diff": diff({"amount": 30}, {"amount": 40}, RATE)},
        {"changed": True, "diff": diff({"name": "x"}, {"name": "y"}, "group on project 5 (workspace 100)")},
    ]


def test_without_the_audit_log_the_report_has_no_who_changed():
    assert "who_changed" not in drift_report(drifting_results())


def test_each_drifted_object_lists_the_entries_about_it():
    report = drift_report(drifting_results(), audit_log=LOG, audit_log_requests=1)
    who = report["who_changed"]
    assert {key: who[key] for key in ("from", "to", "available", "message", "entries_read", "requests")} == {
        "from": LOG["from"],
        "to": LOG["to"],
        "available": True,
        "message": None,
        "entries_read": 6,
        "requests": 1,
    }
    by_object = {item["object"]: [entry["entity"] for entry in item["entries"]] for item in who["objects"]}
    assert by_object == {
        HQ: ["workspace 100"],  # by id: Acme Labs (101) is not about it
        BOB_ROW: ["workspace_user 1010"],  # by id, the workspace given by name
        NEWBIE: ["organization_user 5009"],  # no id yet: by e-mail
        REMINDER: ["track_reminder 500"],
        RATE: ["rate 601"],  # by type and workspace
        "group on project 5 (workspace 100)": [],  # a kind the audit log is not matched for
    }
    assert [item["object"] for item in who["objects"]][:5] == [HQ, BOB_ROW, NEWBIE, REMINDER, RATE]
    assert who["objects"][0]["entries"] == [
        {
            "when": "2026-03-27T16:01:00Z",
            "who": "Ada Second-Admin <admin2@example.com>",
            "user_id": 90,
            "action": "update",
            "entity": "workspace 100",
            "changes": [{"field": "rounding", "old": 1, "new": -1}],
        }
    ]
    assert who["summary"] == (
        "Who changed it: 5 audit log entries about 5 of 6 drifted objects, 2026-02-26T10:16:00Z to "
        "2026-03-28T10:16:00Z; reading the audit log cost 1 request."
    )
    # The drift itself is as without the audit log.
    assert {k: v for k, v in report.items() if k != "who_changed"} == drift_report(drifting_results())


@pytest.mark.parametrize(
    "label, key",
    [
        (HQ, {"entity_type": "workspace", "id": 100, "name": "Acme HQ", "workspace": None}),
        ('workspace "O\'Brien" (id 7)', {"entity_type": "workspace", "id": 7, "name": "O'Brien", "workspace": None}),
        ("workspace 'Acme New'", {"entity_type": "workspace", "id": None, "name": "Acme New", "workspace": None}),
        ("group 'Ops' (id 5)", {"entity_type": "group", "id": 5, "name": "Ops", "workspace": None}),
        (
            "workspace_user new@example.com in workspace 100",
            {"entity_type": "workspace_user", "id": None, "name": "new@example.com", "workspace": "100"},
        ),
        (
            "organization_user bob@example.com (id 5001)",
            {"entity_type": "organization_user", "id": 5001, "name": "bob@example.com", "workspace": None},
        ),
        ("alert 550", {"entity_type": "alert", "id": 550, "name": None, "workspace": None}),
        ("person bob@example.com", {"entity_type": "person", "id": None, "name": "bob@example.com", "workspace": None}),
        (
            "billable rate of workspace user (user id 3) in workspace 100",
            {"entity_type": "rate", "rate": "billable", "workspace": "100"},
        ),
        ("item something", None),
    ],
)
def test_object_names_are_read_as_audit_log_keys(label, key):
    from ansible_collections.trackops.toggl.plugins.filter.drift_report import object_key

    assert object_key(label) == key


def test_a_refused_audit_log_says_so_and_what_it_cost():
    refused = {"from": "a", "to": "b", "available": False, "message": "User does not have access to the audit logs"}
    report = drift_report(drifting_results()[:1], audit_log=dict(refused, entries=[]), audit_log_requests=2)
    who = report["who_changed"]
    assert who["available"] is False and who["objects"] == [{"object": HQ, "entries": []}]
    assert who["summary"] == (
        "Who changed it: Toggl did not serve the audit log (User does not have access to the audit logs); "
        "reading it cost 2 requests."
    )
    markdown = drift_report_markdown(report)
    assert markdown.endswith("## Who changed it\n\n" + who["summary"] + "\n")


def test_a_person_is_matched_by_the_email_of_their_memberships():
    person = {"changed": True, "diff": diff({"admin": False}, {"admin": True}, "person bob@example.com")}
    report = drift_report([person], audit_log=LOG)
    assert [e["entity"] for e in report["who_changed"]["objects"][0]["entries"]] == ["workspace_user 1010"]


def test_a_plain_list_of_entries_is_taken_too_and_bad_input_fails():
    report = drift_report(drifting_results()[:1], audit_log=LOG["entries"])
    assert report["who_changed"]["objects"][0]["entries"][0]["entity"] == "workspace 100"
    assert report["who_changed"]["requests"] is None and "not counted" in report["who_changed"]["summary"]
    with pytest.raises(AnsibleFilterError, match="audit_log must be"):
        drift_report(drifting_results()[:1], audit_log="nope")


def test_markdown_has_a_who_changed_it_table():
    report = drift_report(drifting_results()[:2] + drifting_results()[5:], audit_log=LOG, audit_log_requests=1)
    markdown = drift_report_markdown(report, organization="Acme")
    section = markdown.split("## Who changed it\n\n", 1)[1]
    lines = section.splitlines()
    assert lines[0] == re.sub(r"([_*])", r"\\\1", report["who_changed"]["summary"])
    assert lines[2:] == [
        "| object | when | who | action | changes |",
        "| --- | --- | --- | --- | --- |",
        (
            "| workspace 'Acme HQ' (id 100) | 2026-03-27T16:01:00Z | Ada Second-Admin &lt;admin2@example.com&gt; "
            "| update | rounding: 1 -&gt; -1 |"
        ),
        (
            "| workspace\\_user bob@example.com in workspace Acme HQ (id 1010) | 2026-03-27T16:03:00Z "
            '| Ada Second-Admin &lt;admin2@example.com&gt; | update | role: "admin" -&gt; "user" |'
        ),
        "| group on project 5 (workspace 100) | | | no entry in the audit log | |",
    ]
    # Without who_changed the document ends with the drift table, as before.
    assert "Who changed it" not in drift_report_markdown(drift_report(drifting_results()))
