# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import base64
import hashlib
from collections.abc import Mapping
from html import escape

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import (
    ACCESS_REVIEW_COLUMNS,
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
thead th { position: sticky; top: 0; background: var(--head); white-space: nowrap; }
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
    return "<td>%s</td>" % text(value)


def _header(heading, numeric):
    kind = ' data-type="number"' if numeric else ""
    return '<th scope="col"%s><button type="button">%s</button></th>' % (kind, escape(heading))


def _summary(rows, groups):
    people = {}
    for row in rows:
        people.setdefault(row.get("user_id") if row.get("user_id") is not None else row.get("email"), row)
    workspaces = {row.get("workspace_id") for row in rows if row.get("workspace_id") is not None}
    figures = [("people", "People", len(people))]
    figures += [
        (status, status.capitalize(), sum(1 for p in people.values() if p.get("status") == status))
        for status in STATUSES
    ]
    figures.append(
        (
            "admins",
            "Organization admins",
            sum(1 for p in people.values() if p.get("organization_role") in ("owner", "admin")),
        )
    )
    figures.append(("workspaces", "Workspaces", len(workspaces)))
    if groups is not None:
        figures.append(("groups", "Groups", len(groups)))
    figures.append(("rows", "Access rows", len(rows)))
    items = "".join(
        '<div><dt>%s</dt><dd id="count-%s">%d</dd></div>' % (escape(label), key, count) for key, label, count in figures
    )
    return '<dl class="summary">%s</dl>' % items


def _shown_columns(rows):
    # The member list carries no currency today (see access_review_rows): no empty column then.
    return [
        column
        for column in ACCESS_REVIEW_COLUMNS
        if column.key not in OPTIONAL_COLUMNS or any(row.get(column.key) is not None for row in rows)
    ]


def _access_table(rows):
    columns = _shown_columns(rows)
    headers = "".join(_header(column.heading, column.numeric) for column in columns)
    body = "\n".join(
        '<tr data-row="%d">%s</tr>' % (index, "".join(_cell(column, row.get(column.key)) for column in columns))
        for index, row in enumerate(rows)
    )
    table = '<table id="access" class="sortable">\n<thead><tr>%s</tr></thead>\n<tbody>\n%s\n</tbody>\n</table>' % (
        headers,
        body,
    )
    if not rows:
        table += '\n<p class="empty">The organization has no members.</p>'
    return table


def _text_key(value):
    return str(value).casefold()


def _groups_table(groups, rows):
    names = {row.get("workspace_id"): row.get("workspace") for row in rows if row.get("workspace_id") is not None}
    headers = "".join(
        _header(heading, numeric)
        for heading, numeric in (("Group", False), ("Workspaces", False), ("Members", True), ("Member names", False))
    )
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
    table = '<table id="groups" class="sortable">\n<thead><tr>%s</tr></thead>\n<tbody>\n%s\n</tbody>\n</table>' % (
        headers,
        "\n".join(lines),
    )
    if not groups:
        table += '\n<p class="empty">The organization has no groups.</p>'
    return table


def access_review_html(rows, organization=None, generated_at=None, groups=None):
    if not is_list(rows) or not all(isinstance(row, Mapping) for row in rows):
        raise AnsibleFilterError("access_review_html expects the rows of trackops.toggl.access_review_rows")
    if groups is not None and not (is_list(groups) and all(isinstance(group, Mapping) for group in groups)):
        raise AnsibleFilterError("access_review_html: groups must be the groups list of toggl_organization_info")
    title = "Access review" if organization in (None, "") else "Access review: %s" % organization
    meta = "Who has access to which Toggl Track workspace, as the API showed it"
    if generated_at:
        meta += ' on <time datetime="%s">%s</time>' % (escape(str(generated_at)), escape(str(generated_at)))
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
        _summary(rows, groups),
        "<h2>Who has which access</h2>",
        '<div class="tools"><input id="filter" type="search" aria-label="Filter rows" '
        'placeholder="Filter: name, email, workspace, group, status..."><span id="shown" class="count">'
        "%d rows</span></div>" % len(rows),
        _access_table(rows),
    ]
    if groups is not None:
        parts += ["<h2>Groups</h2>", _groups_table(groups, rows)]
    parts += ["<script>%s</script>" % SCRIPT, "</body>", "</html>", ""]
    return "\n".join(parts)


class FilterModule:
    def filters(self):
        return {"access_review_html": access_review_html}
