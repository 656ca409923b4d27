# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import csv
import io
import re
import unicodedata
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import REVIEW_COLUMNS, cell_text, is_list

DOCUMENTATION = r"""
name: access_review_csv
short_description: Render access review rows as CSV with a header row
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Renders the rows of P(trackops.toggl.access_review_rows#filter) as CSV (RFC 4180, quoted
    where needed, CRLF line ends), with a header row of the column keys - C(name), C(email),
    C(user_id), C(organization_role), C(status), C(two_factor), C(groups), C(workspace),
    C(workspace_role), C(workspace_status), C(via_groups), C(rate), C(labor_cost), C(currency),
    then the review's own - C(change) (V(added), V(removed), V(changed), or empty, since the previous
    review; see P(trackops.toggl.access_review_report#filter)), C(changes) (each field that changed,
    with its old and new value), C(findings) (admins without 2FA, inactive members, invitations
    pending for long) and C(decision), always empty, for the reviewer to fill in with C(keep) or C(revoke)
    (P(trackops.toggl.access_review_decisions#filter) reads it back).
  - A row without one of these keys has an empty cell there, so rows of
    P(trackops.toggl.access_review_rows#filter) render as they are.
  - Lists are joined with C(; ), booleans are C(yes) or C(no), a missing value is an empty cell.
  - Every text cell is quoted (numbers are not), so a C(;) in a name does not split the cell in a
    spreadsheet that separates by C(;).
  - A text cell that a spreadsheet could run as a formula is prefixed with C('), so a member's name
    cannot execute anything in the reviewer's spreadsheet. That is text starting with C(=), C(+),
    C(-), C(@), a tab or a carriage return, after leading spaces, in full-width forms too (such as
    U+FF1D, the full-width equals sign), or with such a start after a C(;) or C(,) inside it.
positional: _input
options:
  _input:
    description: The rows, as P(trackops.toggl.access_review_rows#filter) returns them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the access review as CSV
  ansible.builtin.copy:
    dest: reports/access-review.csv
    content: "{{ acme.organization.users | trackops.toggl.access_review_rows | trackops.toggl.access_review_csv }}"
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The CSV text, the header row first.
  type: str
  sample: |
    "name","email","user_id","organization_role","status","two_factor","groups","workspace","workspace_role",...,"decision"
    "Bob Builder","bob@example.com",3,"member","joined","no","","Acme HQ","user","joined","",50,30,"","","","",""
"""

# What spreadsheets read as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ASCII text without any of these characters cannot start a formula anywhere: no need to look closer.
FORMULA_CHARACTERS = re.compile("[=+\\-@\t\r]")


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def formula_like(text):
    """Whether a spreadsheet could run ``text``: it starts like a formula after leading spaces,
    also in full-width forms (NFKC folds U+FF1D into "="; some spreadsheets run both), or a
    piece after a ";" or "," does (a reader set to another separator splits there)."""
    if text.isascii() and not FORMULA_CHARACTERS.search(text):
        return False
    folded = unicodedata.normalize("NFKC", text)
    return any(piece.lstrip(" ").startswith(FORMULA_STARTS) for piece in re.split("[;,]", folded))


def csv_cell(value):
    """A number as a number (a negative one is no formula); text guarded with a leading "'"."""
    if is_number(value):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = cell_text(value)
    return "'" + text if formula_like(text) else text


def unguarded(text):
    """A cell as it was before csv_cell guarded it: without the leading "'" of a formula-like text."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


def access_review_csv(rows):
    if not is_list(rows):
        raise AnsibleFilterError("access_review_csv expects the rows of trackops.toggl.access_review_rows")
    buffer = io.StringIO()
    # Every text cell is quoted, so a ";" in a name cannot split it where ";" is the separator.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([column.key for column in REVIEW_COLUMNS])
    for row in rows:
        if not isinstance(row, Mapping):
            raise AnsibleFilterError("access_review_csv expects rows (dicts), got %r" % (row,))
        writer.writerow([csv_cell(row.get(column.key)) for column in REVIEW_COLUMNS])
    return buffer.getvalue()


class FilterModule:
    def filters(self):
        return {"access_review_csv": access_review_csv}
