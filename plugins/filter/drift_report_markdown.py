# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import drift_summary

DOCUMENTATION = r"""
name: drift_report_markdown
short_description: Render a drift report as a Markdown document
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Renders what P(trackops.toggl.drift_report#filter) returns as Markdown, a heading, a summary
    line and a table with the columns object, field, expected and actual, for a pull request, a
    ticket or an audit file.
  - Without drift the table has one row that says V(no drift), so an empty report is
    unmistakably a result and not a failed run.
  - Strings are shown as they are, other values as JSON (V(true), V(null), V([1, 2])). Every cell is
    escaped, so a name with C(|), C(*), C(<) or a line break cannot break the table or inject
    markup.
  - "When the report has C(who_changed) (P(trackops.toggl.drift_report#filter) given the audit log), a
    second section, Who changed it, says what window was read and what reading it cost, then has a table
    with a row per audit log entry about each drifted object (object, when, who, action, changes), and
    a row saying V(no entry in the audit log) for a drifted object that none is about."
positional: _input
options:
  _input:
    description: The report, as P(trackops.toggl.drift_report#filter) returns it.
    type: dict
    required: true
  organization:
    description: The organization the report is about, shown in the heading.
    type: str
  generated_at:
    description: When the report was made, shown in the summary (for example C(now(utc=true\).isoformat(\))).
    type: str
  title:
    description: The heading.
    type: str
    default: Toggl drift report
"""

EXAMPLES = r"""
- name: Write the drift report as Markdown
  ansible.builtin.copy:
    dest: reports/drift-report.md
    content: "{{ results | trackops.toggl.drift_report | trackops.toggl.drift_report_markdown(organization='Acme') }}"
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The Markdown document, ending with a line break.
  type: str
  sample: |
    # Toggl drift report: Acme

    **Drift: 1 difference in 1 of 3 objects compared.**

    | object | field | expected | actual |
    | --- | --- | --- | --- |
    | workspace 'Acme HQ' (id 100) | rounding | 1 | -1 |
"""

WHO_HEADINGS = ("object", "when", "who", "action", "changes")

HEADINGS = ("object", "field", "expected", "actual")
# Characters Markdown gives a meaning inside a table cell; each is shown literally.
MARKDOWN_SPECIALS = "\\`*_[]|~"
HTML_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def markdown_text(value):
    """One table cell: strings as they are, other values as JSON, with nothing interpreted."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    text = " ".join(text.splitlines())
    for char, entity in HTML_ENTITIES:
        text = text.replace(char, entity)
    text = "".join("\\" + char if char in MARKDOWN_SPECIALS else char for char in text)
    return text if text.strip() else '""'


def drift_report_markdown(report, organization=None, generated_at=None, title="Toggl drift report"):
    if not isinstance(report, Mapping) or "differences" not in report:
        raise AnsibleFilterError("drift_report_markdown expects the dict that trackops.toggl.drift_report returns")
    heading = title if organization in (None, "") else "%s: %s" % (title, organization)
    lines = ["# " + markdown_text(heading), ""]
    differences = report["differences"]
    summary = "**%s**" % markdown_text(
        drift_summary(report.get("compared", 0), report.get("drifted", 0), len(differences))
    )
    if generated_at:
        summary += " Generated %s, in check mode (nothing was changed)." % markdown_text(str(generated_at))
    lines += [summary, ""]
    lines.append("| " + " | ".join(HEADINGS) + " |")
    lines.append("| " + " | ".join("---" for _unused in HEADINGS) + " |")
    if not differences:
        lines.append("| no drift | | | |")
    for row in differences:
        lines.append("| " + " | ".join(markdown_text(row.get(key)) for key in HEADINGS) + " |")
    if isinstance(report.get("who_changed"), Mapping):
        lines += [""] + who_changed_lines(report["who_changed"])
    return "\n".join(lines) + "\n"


def changes_text(changes):
    """An entry's changes as one line: ``field: old -> new; ...`` (other shapes as JSON)."""
    if not isinstance(changes, list):
        return changes
    parts = []
    for change in changes:
        if isinstance(change, Mapping) and "field" in change:
            parts.append(
                "%s: %s -> %s"
                % (
                    change.get("field"),
                    json.dumps(change.get("old"), ensure_ascii=False, default=str),
                    json.dumps(change.get("new"), ensure_ascii=False, default=str),
                )
            )
        else:
            parts.append(json.dumps(change, sort_keys=True, ensure_ascii=False, default=str))
    return "; ".join(parts)


def who_changed_lines(who):
    lines = ["## Who changed it", "", markdown_text(who.get("summary") or ""), ""]
    if not who.get("available", True):
        return lines[:-1]
    lines.append("| " + " | ".join(WHO_HEADINGS) + " |")
    lines.append("| " + " | ".join("---" for _unused in WHO_HEADINGS) + " |")
    objects = who.get("objects") or []
    if not objects:
        lines.append("| no drift | | | | |")
    for item in objects:
        entries = item.get("entries") or []
        if not entries:
            lines.append("| %s | | | no entry in the audit log | |" % markdown_text(item.get("object")))
        for entry in entries:
            cells = [
                item.get("object"),
                entry.get("when"),
                entry.get("who"),
                entry.get("action"),
                changes_text(entry.get("changes")),
            ]
            lines.append("| " + " | ".join(markdown_text(cell) for cell in cells) + " |")
    return lines


class FilterModule:
    def filters(self):
        return {"drift_report_markdown": drift_report_markdown}
