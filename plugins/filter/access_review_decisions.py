# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import csv
import io
import json

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.access_review_csv import unguarded
from ansible_collections.trackops.toggl.plugins.filter.access_review_report import load_review
from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import DECISIONS

DOCUMENTATION = r"""
name: access_review_decisions
short_description: Turn a reviewer's keep / revoke decisions in an access review CSV into the offboarding role's input
version_added: 0.2.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the C(access-review.csv) of P(trackops.toggl.access_review_report#filter) after a reviewer filled in
    its C(decision) column - V(keep), V(revoke) (any case, spaces around ignored) or empty (not decided yet) -
    and returns the input of the C(trackops.toggl.offboarding) role - C(toggl_organization),
    C(toggl_offboarding_people) (the people to revoke) and C(toggl_offboarding_mode) - as a vars file, so that
    revoking is one reviewed run of C(playbooks/offboard.yml) with C(-e @file).
  - The offboarding role takes a person out of the organization (every workspace), so the decision is a
    person's - V(revoke) on any of their rows revokes them, and V(keep) on another of their rows is a
    contradiction that is refused, naming both rows.
  - Refused, every problem listed with its spreadsheet row (the header is row 1), the person and the workspace -
    a decision other than V(keep), V(revoke) or empty (naming the value), V(revoke) on a row of access that
    was already gone (C(change=removed)), V(revoke) of the organization owner (the role never offboards the
    owner), and, with O(review), a person or a row the review does not have.
  - The CSV may come back from a spreadsheet with C(;) or a tab as the separator, a byte order mark or the
    columns in another order - they are found by their header. Cells the review guarded with a leading C(')
    are read without it.
positional: _input
options:
  _input:
    description: The CSV text (for example C(lookup('ansible.builtin.file', 'reports/access-review.csv'))).
    type: str
    required: true
  review:
    description:
      - The review the CSV belongs to - the path of its C(access-review.json) (read here, on the controller) or
        its parsed content. It gives the organization (by id) and lets each decided row be checked against
        the review's rows; its rows must still match its SHA-256.
    type: raw
    required: true
  mode:
    description: The offboarding role's C(toggl_offboarding_mode) to write, V(deactivate) or V(remove).
    type: str
    default: deactivate
  source:
    description: The name of the CSV in messages and in the file's header (for example its path).
    type: str
    default: access-review.csv
  dest:
    description: Where the file will be written, for the commands in its header.
    type: str
    default: THIS_FILE
"""

EXAMPLES = r"""
- name: The revocations of a filled-in review, as the offboarding role's input
  ansible.builtin.set_fact:
    offboarding: >-
      {{ lookup('ansible.builtin.file', 'reports/access-review.csv')
         | trackops.toggl.access_review_decisions(review='reports/access-review.json') }}

- name: Write it for playbooks/offboard.yml -e @reports/access-review-offboarding.yml
  ansible.builtin.copy:
    dest: reports/access-review-offboarding.yml
    content: "{{ offboarding.file }}"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The offboarding input and what the decisions were.
  type: dict
  contains:
    toggl_organization:
      description: The organization's id, from the review.
      type: int
    toggl_offboarding_people:
      description: The emails of the people to revoke, in the order of the CSV.
      type: list
      elements: str
    toggl_offboarding_mode:
      description: O(mode).
      type: str
    file:
      description: The same as a YAML vars file, with a header saying which review and CSV it comes from.
      type: str
    counts:
      description: Rows by decision (C(keep), C(revoke), C(undecided)) and C(people_kept), C(people_revoked).
      type: dict
"""

MODES = ("deactivate", "remove")
SEPARATORS = (",", ";", "\t")
REQUIRED = ("email", "decision")
MAX_PROBLEMS = 20


def _table(text, source):
    if not isinstance(text, str):
        raise AnsibleFilterError("access_review_decisions expects the CSV text of an access review, %s" % source)
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=header.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    if not records:
        raise AnsibleFilterError("%s: is empty; expected the access review CSV with its header row" % source)
    columns = [name.strip().lstrip("\ufeff") for name in records[0]]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise AnsibleFilterError(
            "%s: the header row has no %s column; expected the CSV that playbooks/access_review.yml wrote"
            % (source, " and no ".join(missing))
        )
    return [
        (number, {name: unguarded(value) for name, value in zip(columns, record)})
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]


def _yaml_string(value):
    # A JSON string is a YAML double-quoted scalar: any email is written safely.
    return json.dumps(value, ensure_ascii=False)


def access_review_decisions(text, review=None, mode="deactivate", source="access-review.csv", dest="THIS_FILE"):
    if mode not in MODES:
        raise AnsibleFilterError("access_review_decisions: mode must be deactivate or remove, got %r" % (mode,))
    if review in (None, ""):
        raise AnsibleFilterError("access_review_decisions: review: give the access-review.json the CSV belongs to")
    review = load_review(review, what="review")
    organization = review.get("organization") or {}
    current = {}
    for row in review["rows"]:
        if row.get("change") != "removed":
            current.setdefault((row.get("email") or "").casefold(), []).append(row)
    removed = {
        ((row.get("email") or "").casefold(), row.get("workspace") or "")
        for row in review["rows"]
        if row.get("change") == "removed"
    }

    problems, people = [], {}
    counts = {"keep": 0, "revoke": 0, "undecided": 0}
    for number, row in _table(text, source):
        email = (row.get("email") or "").strip()
        workspace = (row.get("workspace") or "").strip()
        where = "row %d (%s%s)" % (number, email or "no email", ", " + workspace if workspace else "")
        value = (row.get("decision") or "").strip()
        decision = value.casefold()
        if decision and decision not in DECISIONS:
            problems.append("%s: decision %r is not keep or revoke (leave it empty while undecided)" % (where, value))
            continue
        counts[decision or "undecided"] += 1
        if not decision:
            continue
        key = email.casefold()
        if (row.get("change") or "").strip() == "removed" or ((key, workspace) in removed and key not in current):
            if decision == "revoke":
                problems.append(
                    "%s: revoke on access that was already gone at the review (change: removed); "
                    "revoke the person on one of their current rows" % where
                )
            continue
        if key not in current:
            problems.append(
                "%s: %s is not in the review of %s" % (where, email or "a row without email", _when(review))
            )
            continue
        if decision == "revoke" and any(r.get("organization_role") == "owner" for r in current[key]):
            problems.append(
                "%s: %s owns the organization; the offboarding role never offboards the owner" % (where, email)
            )
            continue
        people.setdefault(key, {"email": current[key][0].get("email"), "rows": {}})["rows"].setdefault(
            decision, []
        ).append(number)
    for person in people.values():
        if len(person["rows"]) > 1:
            problems.append(
                "%s: row(s) %s say keep, row(s) %s say revoke; offboarding takes a person out of every workspace, "
                "so decide once per person (revoke on each of their rows, or keep)"
                % (
                    person["email"],
                    ", ".join(map(str, person["rows"]["keep"])),
                    ", ".join(map(str, person["rows"]["revoke"])),
                )
            )
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append("... and %d more" % (len(problems) - MAX_PROBLEMS))
        raise AnsibleFilterError(
            "%s: %d decision(s) refused, nothing was written:\n  %s" % (source, len(problems), "\n  ".join(shown))
        )
    revoke = [person["email"] for person in people.values() if "revoke" in person["rows"]]
    counts["people_revoked"] = len(revoke)
    counts["people_kept"] = sum(1 for person in people.values() if "keep" in person["rows"])
    evidence = review.get("evidence") or {}
    lines = [
        "---",
        "# Input of playbooks/offboard.yml (the trackops.toggl.offboarding role), from the decisions in",
        "#   %s" % source,
        "# on the access review of %s (organization %s) taken %s,"
        % (
            organization.get("name") or "the organization",
            organization.get("id"),
            _when(review),
        ),
        "#   rows SHA-256 %s." % evidence.get("rows_sha256"),
        "# Decisions: %d row(s) keep, %d revoke, %d undecided; %d person(s) to offboard."
        % (
            counts["keep"],
            counts["revoke"],
            counts["undecided"],
            len(revoke),
        ),
        "# Look at what it would do, then run it:",
        "#   ansible-playbook -i playbooks/inventory.yml playbooks/offboard.yml -e @%s --check --diff" % dest,
        "#   ansible-playbook -i playbooks/inventory.yml playbooks/offboard.yml -e @%s" % dest,
        "toggl_organization: %s" % _yaml_string(organization.get("id")),
        "toggl_offboarding_people:%s" % ("" if revoke else " []"),
    ]
    lines += ["  - %s" % _yaml_string(email) for email in revoke]
    lines.append("toggl_offboarding_mode: %s" % mode)
    return {
        "toggl_organization": organization.get("id"),
        "toggl_offboarding_people": revoke,
        "toggl_offboarding_mode": mode,
        "file": "\n".join(lines) + "\n",
        "counts": counts,
    }


def _when(review):
    return (review.get("evidence") or {}).get("generated_at") or "an unknown time"


class FilterModule:
    def filters(self):
        return {"access_review_decisions": access_review_decisions}
