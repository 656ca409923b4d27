# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import base64
import hashlib
from collections.abc import Mapping
from html import escape

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import (
    ACCESS_REVIEW_COLUMNS,
    REVIEW_COLUMNS,
    STATUSES,
    cell_text,
    is_list,
)

DOCUMENTATION = r"""
name: access_review_html
short_description: Render access review rows as one self-contained, sortable HTML page
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Renders the rows of P(trackops.toggl.access_review_rows#filter) as one HTML page that a
    reviewer opens in a browser, from a file or an attachment - a summary (people by status,
    organization admins, workspaces), a table of who has which access, and, when O(groups) is
    given, a table of the groups with their workspaces and members.
  - Clicking a column heading sorts the table by it (again to reverse); numbers sort as numbers,
    empty cells last. A filter box shows only the rows that contain every word typed.
  - The page is self-contained - its style and its small script are inline, it loads nothing
    (no fonts, images, CDN or network request), and its Content-Security-Policy allows only
    its own style and script, by hash.
  - Every value from Toggl is HTML-escaped, so a name such as C(<script>) is shown as text.
  - The C(currency) column is shown only when some row has a currency.
  - Rows carried forward by P(trackops.toggl.access_review_report#filter) add the columns C(Change),
    C(What changed) (when a previous review was given) and C(Findings), a section of the changes since the
    previous review (added, changed and, from O(removed), removed access) and one of the findings per
    person; O(evidence) adds the review's evidence under the title.
  - The page fits a window 1400 px wide - long values (emails, lists of groups, the SHA-256) wrap inside
    their cells instead of widening the table.
positional: _input
options:
  _input:
    description: The rows, as P(trackops.toggl.access_review_rows#filter) returns them.
    type: list
    elements: dict
    required: true
  organization:
    description: The organization the review is about, shown in the title.
    type: str
  generated_at:
    description: When the data was read, shown under the title (for example C(now(utc=true\).isoformat(\))).
    type: str
  groups:
    description:
      - The organization's groups, RV(trackops.toggl.toggl_organization_info#module:organization.groups), for
        the table of groups. Workspace ids are named from the rows; a workspace no member reaches shows its id.
    type: list
    elements: dict
  evidence:
    description:
      - The evidence of P(trackops.toggl.access_review_report#filter) (when, by which token's user, the
        collection version, the requests and the counts that show the list is complete, the SHA-256 of the rows),
        shown under the title.
    type: dict
  removed:
    description:
      - The rows gone since the previous review (C(change=removed)), for the section of changes. Given (even
        empty), the section is shown.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Write the access review page
  ansible.builtin.copy:
    dest: reports/access-review.html
    content: >-
      {{ acme.organization.users | trackops.toggl.access_review_rows
         | trackops.toggl.access_review_html(organization='Acme', groups=acme.organization.groups,
                                             generated_at=now(utc=true).isoformat()) }}
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The HTML document (UTF-8 text, starting with C(<!DOCTYPE html>)).
  type: str
"""

STYLE = """
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 24px 32px; color: #1f2328; }
h1 { font-size: 22px; margin: 20px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; padding: 0; }
.summary div { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.summary dt { color: var(--muted); font-size: 12px; }
.summary dd { margin: 0; font-size: 20px; font-weight: 600; }
.tools { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.tools input { font: inherit; padding: 4px 8px; width: 320px; border: 1px solid var(--line); border-radius: 6px; }
.count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
/* Long values wrap inside their cell: the table never gets wider than the window (1400 px and less). */
td { overflow-wrap: anywhere; }
thead th { position: sticky; top: 0; background: var(--head); }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: inherit; }
th[aria-sort="descending"] button::after { content: " \\2193"; color: inherit; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; }
.status-joined { color: #1a7f37; }
.status-invited { color: #9a6700; }
.status-inactive { color: #cf222e; }
.empty { color: var(--muted); font-style: italic; }
.evidence { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 16px; margin: 8px 0 12px; }
.evidence dt { color: var(--muted); }
.evidence dd { margin: 0; overflow-wrap: anywhere; }
.evidence code, td code { font-size: 12px; }
.change-added { color: #1a7f37; font-weight: 600; }
.change-removed { color: #cf222e; font-weight: 600; }
.change-changed { color: #9a6700; font-weight: 600; }
td.findings { color: #cf222e; }
@media print { .tools { display: none; } thead th { position: static; } }
"""

SCRIPT = """
"use strict";
(function () {
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});

  function sortValue(cell, numeric) {
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (raw === "") {
      return null;
    }
    return numeric ? Number(raw) : raw;
  }

  function sortBy(table, header, column) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var numeric = header.getAttribute("data-type") === "number";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var entries = Array.prototype.map.call(body.rows, function (row, index) {
      return {row: row, index: index, value: sortValue(row.cells[column], numeric)};
    });
    entries.sort(function (a, b) {
      if (a.value === null || b.value === null) {
        // Empty cells last in both directions; ties keep their order.
        return a.value === b.value ? a.index - b.index : (a.value === null ? 1 : -1);
      }
      var order = numeric ? a.value - b.value : collator.compare(a.value, b.value);
      return (ascending ? order : -order) || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    entries.forEach(function (entry) {
      fragment.appendChild(entry.row);
    });
    body.appendChild(fragment);
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      header.querySelector("button").addEventListener("click", function () {
        sortBy(table, header, column);
      });
    });
  });

  var input = document.getElementById("filter");
  var access = document.getElementById("access");
  var shown = document.getElementById("shown");
  var texts = Array.prototype.map.call(access.tBodies[0].rows, function (row) {
    return Array.prototype.map.call(row.cells, function (cell) {
      return cell.textContent;
    }).join(" ").toLowerCase();
  });
  function applyFilter() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var visible = 0;
    Array.prototype.forEach.call(access.tBodies[0].rows, function (row) {
      var text = texts[row.getAttribute("data-row")];
      var match = words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
      row.hidden = !match;
      visible += match ? 1 : 0;
    });
    shown.textContent = visible + " of " + texts.length + " rows shown";
  }
  input.addEventListener("input", applyFilter);
  applyFilter();
  document.documentElement.setAttribute("data-ready", "true");
})();
"""


# Shown only when some row has a value.
OPTIONAL_COLUMNS = ("currency",)
STATUS_COLUMN = next(column for column in ACCESS_REVIEW_COLUMNS if column.key == "status")
# The review's own columns (the decision is the CSV's, for the reviewer's spreadsheet).
CHANGE_COLUMNS = ("change", "changes")
FINDINGS_COLUMN = "findings"
CHANGE_ORDER = {"added": 0, "changed": 1, "removed": 2}


def _csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# Nothing but the page's own style and script, by hash: even a value that escaped escaping
# could neither run a script nor load anything.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src %s; script-src %s; base-uri 'none'; form-action 'none'" % (
    _csp_hash(STYLE),
    _csp_hash(SCRIPT),
)


def text(value):
    return escape(cell_text(value), quote=True)


def _number_value(value):
    if value is None or isinstance(value, bool):
        return ""
    return cell_text(value)


def _cell(column, value):
    if column.numeric:
        return '<td class="number" data-value="%s">%s</td>' % (escape(_number_value(value)), text(value))
    if column.key in ("status", "workspace_status"):
        # The class comes from a fixed list, never from the data.
        state = value if value in STATUSES else "other"
        return '<td class="status status-%s">%s</td>' % (state, text(value))
    if column.key == "change":
        return _change_cell(value)
    if column.key == FINDINGS_COLUMN:
        return '<td class="findings">%s</td>' % text(value)
    return "<td>%s</td>" % text(value)


def _change_cell(value):
    # The class comes from a fixed list, never from the data.
    kind = value if value in CHANGE_ORDER else "none"
    return '<td class="change change-%s">%s</td>' % (kind, text(value))


def _header(heading, numeric):
    kind = ' data-type="number"' if numeric else ""
    return '<th scope="col"%s><button type="button">%s</button></th>' % (kind, escape(heading))


def _person(row):
    return row.get("user_id") if row.get("user_id") is not None else row.get("email")


def _people(rows):
    people = {}
    for row in rows:
        people.setdefault(_person(row), []).append(row)
    return people


def _person_findings(person_rows):
    """A person's findings once each; those of one workspace name it."""
    found = []
    for row in person_rows:
        for finding in row.get(FINDINGS_COLUMN) or []:
            if "workspace" in finding and row.get("workspace"):
                finding = "%s (%s)" % (finding, row["workspace"])
            if finding not in found:
                found.append(finding)
    return found


def _summary(rows, groups, removed):
    people = _people(rows)
    workspaces = {row.get("workspace_id") for row in rows if row.get("workspace_id") is not None}
    first = [person_rows[0] for person_rows in people.values()]
    figures = [("people", "People", len(people))]
    figures += [
        (status, status.capitalize(), sum(1 for p in first if p.get("status") == status)) for status in STATUSES
    ]
    figures.append(
        ("admins", "Organization admins", sum(1 for p in first if p.get("organization_role") in ("owner", "admin")))
    )
    figures.append(("workspaces", "Workspaces", len(workspaces)))
    if groups is not None:
        figures.append(("groups", "Groups", len(groups)))
    figures.append(("rows", "Access rows", len(rows)))
    if any(FINDINGS_COLUMN in row for row in rows):
        findings = [_person_findings(person_rows) for person_rows in people.values()]
        figures.append(
            (
                "admins-without-2fa",
                "Admins without 2FA",
                sum(1 for found in findings if any("without 2FA" in finding for finding in found)),
            )
        )
        figures.append(
            (
                "long-pending",
                "Invitations pending long",
                sum(1 for found in findings if any(finding.startswith("invitation") for finding in found)),
            )
        )
    if removed is not None:
        figures += [
            ("added", "Added", sum(1 for row in rows if row.get("change") == "added")),
            ("changed", "Changed", sum(1 for row in rows if row.get("change") == "changed")),
            ("removed", "Removed", len(removed)),
        ]
    items = "".join(
        '<div><dt>%s</dt><dd id="count-%s">%d</dd></div>' % (escape(label), key, count) for key, label, count in figures
    )
    return '<dl class="summary">%s</dl>' % items


def _shown_columns(rows, with_changes):
    # The member list carries no currency today (see access_review_rows): no empty column then.
    columns = [
        column
        for column in ACCESS_REVIEW_COLUMNS
        if column.key not in OPTIONAL_COLUMNS or any(row.get(column.key) is not None for row in rows)
    ]
    for column in REVIEW_COLUMNS[len(ACCESS_REVIEW_COLUMNS) :]:
        if column.key in CHANGE_COLUMNS and with_changes:
            columns.append(column)
        elif column.key == FINDINGS_COLUMN and any(FINDINGS_COLUMN in row for row in rows):
            columns.append(column)
    return columns


def _table(table_id, headers, lines, empty):
    table = '<table id="%s" class="sortable">\n<thead><tr>%s</tr></thead>\n<tbody>\n%s\n</tbody>\n</table>' % (
        table_id,
        "".join(_header(heading, numeric) for heading, numeric in headers),
        "\n".join(lines),
    )
    if not lines:
        table += '\n<p class="empty">%s</p>' % escape(empty)
    return table


def _access_table(rows, with_changes):
    columns = _shown_columns(rows, with_changes)
    lines = [
        '<tr data-row="%d">%s</tr>' % (index, "".join(_cell(column, row.get(column.key)) for column in columns))
        for index, row in enumerate(rows)
    ]
    return _table(
        "access", [(column.heading, column.numeric) for column in columns], lines, "The organization has no members."
    )


def _changes_table(rows, removed, previous):
    changed = [row for row in rows if row.get("change") in CHANGE_ORDER] + list(removed)
    changed.sort(
        key=lambda row: (
            CHANGE_ORDER[row["change"]],
            _text_key(row.get("name") or ""),
            _text_key(row.get("email") or ""),
        )
    )
    lines = [
        "<tr>%s<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
        % (
            _change_cell(row["change"]),
            text(row.get("name")),
            text(row.get("email")),
            text(row.get("workspace")),
            text(row.get("changes")),
        )
        for row in changed
    ]
    since = ""
    if previous:
        since = " since the review of %s" % text(previous.get("generated_at"))
    headers = [("Change", False), ("Name", False), ("Email", False), ("Workspace", False), ("What changed", False)]
    return '<p class="meta">Access added, changed and removed%s.</p>\n%s' % (
        since,
        _table("changes", headers, lines, "No access was added, changed or removed."),
    )


def _findings_table(rows):
    lines = []
    for person_rows in _people(rows).values():
        found = _person_findings(person_rows)
        if found:
            row = person_rows[0]
            lines.append(
                '<tr><td>%s</td><td>%s</td><td>%s</td>%s<td class="findings">%s</td></tr>'
                % (
                    text(row.get("name")),
                    text(row.get("email")),
                    text(row.get("organization_role")),
                    _cell(STATUS_COLUMN, row.get("status")),
                    text(found),
                )
            )
    headers = [("Name", False), ("Email", False), ("Organization role", False), ("Status", False), ("Findings", False)]
    return _table("findings", headers, lines, "Nothing to point out.")


def _evidence(evidence):
    completeness = evidence.get("completeness") or {}
    token_user = evidence.get("token_user")
    rights = evidence.get("token_user_rights") or {}
    if token_user:
        who = "%s <%s> (user %s): %s" % (
            token_user.get("name"),
            token_user.get("email"),
            token_user.get("user_id"),
            token_user.get("known_from"),
        )
    else:
        who = "not named by the API's answers read (%s)" % (
            "an organization admin" if rights.get("admin") else "rights unknown"
        )
    collection = evidence.get("collection") or {}
    requests = evidence.get("api_requests") or {}
    user_count = completeness.get("user_count")
    if user_count is None:
        count_line = "%s members read; the organization's user_count was not read" % completeness.get("members_read")
    else:
        count_line = "%s members read: %s joined + %s inactive = %s accepted, user_count %s (%s), %s invited" % (
            completeness.get("members_read"),
            completeness.get("joined"),
            completeness.get("inactive"),
            completeness.get("accepted_members_read"),
            user_count,
            "matches" if completeness.get("user_count_matches") else "DOES NOT MATCH",
            completeness.get("invited"),
        )
    previous = evidence.get("previous")
    items = [
        ("Generated", "%s, %s clock" % (evidence.get("generated_at"), evidence.get("clock"))),
        ("Token's user", who),
        ("Collection", "%s %s" % (collection.get("name"), collection.get("version"))),
        (
            "Requests",
            "%s sent (%s), %s planned: %s"
            % (
                requests.get("total"),
                ", ".join("%s %s" % (method, count) for method, count in requests.items() if method != "total"),
                evidence.get("requests_planned"),
                "; ".join(evidence.get("requests") or []),
            ),
        ),
        (
            "Complete",
            "%s; %s page(s) of %s" % (count_line, completeness.get("member_pages"), completeness.get("per_page")),
        ),
        (
            "Rows SHA-256",
            "%s (%s rows; %s)" % (evidence.get("rows_sha256"), evidence.get("rows"), evidence.get("rows_sha256_of")),
        ),
        (
            "Previous review",
            "none given"
            if not previous
            else "%s, rows SHA-256 %s (verified), %s"
            % (previous.get("generated_at"), previous.get("rows_sha256"), previous.get("source")),
        ),
        ("Pending invitations", "a finding after %s days" % evidence.get("pending_days")),
    ]
    keys = ("generated", "token-user", "collection", "requests", "complete", "sha256", "previous", "pending")
    return '<dl id="evidence" class="evidence">%s</dl>' % "".join(
        '<dt>%s</dt><dd id="evidence-%s">%s</dd>' % (escape(label), key, escape(str(value)))
        for key, (label, value) in zip(keys, items)
    )


def _text_key(value):
    return str(value).casefold()


def _groups_table(groups, rows):
    names = {row.get("workspace_id"): row.get("workspace") for row in rows if row.get("workspace_id") is not None}
    headers = [("Group", False), ("Workspaces", False), ("Members", True), ("Member names", False)]
    lines = []
    for group in sorted(groups, key=lambda g: (_text_key(g.get("name") or ""), str(g.get("group_id")))):
        workspaces = [names.get(ws_id) or "workspace %s" % ws_id for ws_id in group.get("workspaces") or []]
        members = [member.get("name") or "user %s" % member.get("user_id") for member in group.get("users") or []]
        lines.append(
            "<tr><td>%s</td><td>%s</td>%s<td>%s</td></tr>"
            % (
                text(group.get("name")),
                text(sorted(workspaces, key=_text_key)),
                '<td class="number" data-value="%d">%d</td>' % (len(members), len(members)),
                text(sorted(members, key=_text_key)),
            )
        )
    return _table("groups", headers, lines, "The organization has no groups.")


def access_review_html(rows, organization=None, generated_at=None, groups=None, evidence=None, removed=None):
    if not is_list(rows) or not all(isinstance(row, Mapping) for row in rows):
        raise AnsibleFilterError("access_review_html expects the rows of trackops.toggl.access_review_rows")
    if groups is not None and not (is_list(groups) and all(isinstance(group, Mapping) for group in groups)):
        raise AnsibleFilterError("access_review_html: groups must be the groups list of toggl_organization_info")
    if removed is not None and not (is_list(removed) and all(isinstance(row, Mapping) for row in removed)):
        raise AnsibleFilterError("access_review_html: removed must be rows (the rows with change=removed)")
    if evidence is not None and not isinstance(evidence, Mapping):
        raise AnsibleFilterError("access_review_html: evidence must be the evidence of access_review_report")
    title = "Access review" if organization in (None, "") else "Access review: %s" % organization
    meta = "Who has access to which Toggl Track workspace, as the API showed it"
    if generated_at:
        meta += ' on <time datetime="%s">%s</time>' % (escape(str(generated_at)), escape(str(generated_at)))
    with_changes = removed is not None
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="%s">' % escape(CONTENT_SECURITY_POLICY),
        '<meta name="generator" content="trackops.toggl access_review_html">',
        "<title>%s</title>" % escape(title),
        "<style>%s</style>" % STYLE,
        "</head>",
        "<body>",
        "<h1>%s</h1>" % escape(title),
        '<p class="meta">%s. Rates and labor costs are in each workspace\'s currency.</p>' % meta,
    ]
    if evidence is not None:
        parts.append(_evidence(evidence))
    parts.append(_summary(rows, groups, removed))
    if with_changes:
        parts += [
            "<h2>Changes since the previous review</h2>",
            _changes_table(rows, removed, (evidence or {}).get("previous")),
        ]
    if any(FINDINGS_COLUMN in row for row in rows):
        parts += ["<h2>Findings</h2>", _findings_table(rows)]
    parts += [
        "<h2>Who has which access</h2>",
        '<div class="tools"><input id="filter" type="search" aria-label="Filter rows" '
        'placeholder="Filter: name, email, workspace, group, status..."><span id="shown" class="count">'
        "%d rows</span></div>" % len(rows),
        _access_table(rows, with_changes),
    ]
    if groups is not None:
        parts += ["<h2>Groups</h2>", _groups_table(groups, rows)]
    parts += ["<script>%s</script>" % SCRIPT, "</body>", "</html>", ""]
    return "\n".join(parts)


class FilterModule:
    def filters(self):
        return {"access_review_html": access_review_html}
