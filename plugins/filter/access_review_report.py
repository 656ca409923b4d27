# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import json
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.access_review_csv import access_review_csv
from ansible_collections.trackops.toggl.plugins.filter.access_review_html import access_review_html
from ansible_collections.trackops.toggl.plugins.filter.access_review_rows import access_review_rows
from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import (
    REVIEW_FORMAT,
    REVIEW_FORMAT_VERSION,
    STATUSES,
    cell_text,
    collection_version,
    is_list,
    rows_sha256,
)

DOCUMENTATION = r"""
name: access_review_report
short_description: The whole access review at once - CSV, HTML page and JSON, carried forward from the previous one
version_added: 0.2.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Turns one registered result of M(trackops.toggl.toggl_organization_info) (with
    O(trackops.toggl.toggl_organization_info#module:gather_subset=[details, users, groups])) into the
    three files of an access review, in one pass over the member list - which is what makes a review
    of thousands of members fast in Ansible (the registered result is templated once).
  - The rows are those of P(trackops.toggl.access_review_rows#filter), one per person and workspace.
  - B(Carried forward.) Given O(previous), the review before this one (its C(access-review.json)), every row
    says what happened since then - C(change) is V(added) (a new person, or a workspace the person did not
    have), V(changed) (C(changes) lists each field that differs, with its old and new value) or empty;
    what is gone is listed as rows with C(change=removed) (the previous review's values), after the
    current ones. People are matched by user id, else by email. The previous file must be a review of
    the same organization whose rows still match its SHA-256; anything else fails, naming the file.
  - B(Findings) on each row of the person they concern - C(admin without 2FA) (organization owner or
    admin, or an admin of that workspace, whose C(2fa_enabled) is false; C(admin, 2FA not reported) when
    the API does not say), C(inactive member) (or C(inactive in this workspace)), and
    C(invitation pending at least N days) beyond O(pending_days).
  - B(How long an invitation is pending.) The member list carries no invitation date (neither the
    Swagger's C(models.OrgUser) nor the reference pages name one), so a pending invitation is dated by the
    reviews - C(invited_since) is the time of the first review that saw it pending, carried from
    review to review; the age shown is a lower bound.
  - B(Evidence) in the JSON and at the top of the page - when (O(generated_at), UTC), the token's user
    as far as the member list and the details tell it (the owner, when the details say the token's user
    owns the organization; else only its rights), the collection's name and version, the requests
    (the task's C(api_requests) against the requests its reads consist of), the counts that show the
    member list is complete (members read, by status, against the organization's C(user_count), which
    counts those who accepted; the pages of 200) and the SHA-256 of the rows (of their canonical JSON -
    keys sorted, no spaces, UTF-8; see the example for checking it).
positional: _input
options:
  _input:
    description:
      - The registered result of M(trackops.toggl.toggl_organization_info) with the V(users) subset, and
        V(details) for the completeness check and V(groups) for the table of groups.
    type: dict
    required: true
  previous:
    description:
      - The previous review, as the path of its C(access-review.json) (read here, on the controller) or as
        its parsed content. Empty or omitted - a review without a delta.
    type: raw
  generated_at:
    description:
      - When the data was read, an ISO 8601 UTC timestamp such as V(2026-12-04T09:30:00Z)
        (C(now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ'))). Omitted - the controller's clock now.
    type: str
  clock:
    description: Whose clock O(generated_at) is, recorded in the evidence.
    type: str
    default: controller (UTC)
  pending_days:
    description: An invitation pending longer than this many days is a finding.
    type: int
    default: 14
  organization:
    description:
      - The organization as the task named it (name or id); by name the first request was
        C(GET /me/organizations), by id C(GET /organizations/{id}). The title uses the organization's name.
    type: str
"""

EXAMPLES = r"""
- name: Read every member and group, and the organization's user count
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [details, users, groups]
  register: acme

- name: Build the review, carried forward from last quarter's
  ansible.builtin.set_fact:
    review: >-
      {{ acme | trackops.toggl.access_review_report(previous='reports/2026-q3/access-review.json',
                                                    generated_at=now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ')) }}

- name: Write the three files
  ansible.builtin.copy:
    dest: "reports/{{ item.key }}"
    content: "{{ item.value }}"
    mode: "0600"
  loop: "{{ review.files | dict2items }}"
  loop_control:
    label: "{{ item.key }}"

# Checking the SHA-256 of a review's rows, with nothing but Python:
#   python3 -c 'import hashlib, json, sys; rows = json.load(open(sys.argv[1]))["rows"];
#     print(hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":"),
#     ensure_ascii=False).encode()).hexdigest())' access-review.json
"""

RETURN = r"""
_value:
  description: The files and a summary.
  type: dict
  contains:
    files:
      description:
        - File name to content - C(access-review.csv), C(access-review.html), C(access-review.json).
      type: dict
    summary:
      description:
        - The counts - C(organization), C(organization_id), C(people), C(joined), C(invited), C(inactive),
          C(groups), C(rows) (current access rows), C(api_requests), C(complete), C(admins_without_2fa),
          C(inactive_members), C(long_pending_invitations), C(added), C(removed), C(changed) (rows),
          C(people_added), C(people_removed), C(previous) (when the previous review was taken, or V(null))
          and C(rows_sha256).
      type: dict
"""

PER_PAGE = 200
DAY = timedelta(days=1)
# Compared between two reviews: a difference in any of them makes a row "changed".
COMPARED = (
    "name",
    "email",
    "organization_role",
    "status",
    "two_factor",
    "groups",
    "workspace",
    "workspace_role",
    "workspace_status",
    "via_groups",
    "rate",
    "labor_cost",
    "currency",
)
LIST_FIELDS = ("groups", "via_groups")


def plain(value):
    """The registered result without ansible-core's lazy templating wrappers (2.19 and later).

    A module's result is never templated (its strings are not trusted as templates), so reading it
    through the wrappers only costs time: about 1 s for 5,000 members. ``_non_lazy_copy`` unwraps
    one level and leaves what is below it as it was stored; without it (ansible-core 2.18) the value
    is plain already.
    """
    unwrap = getattr(value, "_non_lazy_copy", None)
    return unwrap() if callable(unwrap) else value


def parse_time(text, what):
    if text in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise AnsibleFilterError("access_review_report: %s %r is not an ISO 8601 timestamp" % (what, text)) from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def timestamp(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def person_key(row):
    return ("id", row["user_id"]) if row.get("user_id") is not None else ("email", (row.get("email") or "").casefold())


def comparable(field, value):
    if field in LIST_FIELDS:
        return sorted(cell_text(item) for item in value or [])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def difference(field, old, new):
    return "%s: %s -> %s" % (field, cell_text(old) or "(none)", cell_text(new) or "(none)")


# -- the previous review ---------------------------------------------------------------------------


def load_review(review, what="previous review"):
    """A review (access-review.json) as a dict: read from a path, or given parsed; checked to be
    one, with rows that still match their SHA-256. None when ``review`` is empty."""
    if review in (None, ""):
        return None
    source = "given as a value"
    if isinstance(review, str):
        source = review
        try:
            with open(review, encoding="utf-8") as handle:
                review = json.load(handle)
        except OSError as error:
            raise AnsibleFilterError("%s %s: cannot be read (%s)" % (what, source, error.strerror or error)) from None
        except ValueError as error:
            raise AnsibleFilterError("%s %s: is not JSON (%s)" % (what, source, error)) from None
    review = plain(review)
    if not isinstance(review, Mapping) or review.get("format") != REVIEW_FORMAT or not is_list(review.get("rows")):
        raise AnsibleFilterError(
            "%s %s: is not an access-review.json of playbooks/access_review.yml (no %r format with rows)"
            % (what, source, REVIEW_FORMAT)
        )
    evidence = review.get("evidence") or {}
    rows = [dict(row) for row in review["rows"]]
    found = rows_sha256(rows)
    if found != evidence.get("rows_sha256"):
        raise AnsibleFilterError(
            "%s %s: its rows do not match the SHA-256 it records (%s, the rows give %s): the file was changed "
            "after the review wrote it; give the review as it was written"
            % (what, source, evidence.get("rows_sha256"), found)
        )
    return dict(review, rows=rows, source=source)


# -- carrying the review forward ------------------------------------------------------------------


def carry_forward(rows, previous, now, pending_days):
    """Annotate ``rows`` (in place) with change, changes, findings and invited_since. Returns the
    previous review's rows that are gone (change "removed") and the number of people new since
    then and gone since then."""
    before = {}
    for row in (previous or {}).get("rows", []):
        if row.get("change") != "removed":
            before.setdefault(person_key(row), []).append(row)
    by_email = {(person_rows[0].get("email") or "").casefold(): key for key, person_rows in before.items()}
    previous_time = parse_time(((previous or {}).get("evidence") or {}).get("generated_at"), "previous generated_at")

    people = {}
    for row in rows:
        people.setdefault(person_key(row), []).append(row)
    matched = {}  # the previous review's person key -> the current one
    for key, person_rows in people.items():
        old_key = key if key in before else by_email.get((person_rows[0].get("email") or "").casefold())
        if old_key in matched:
            old_key = None
        if old_key is not None:
            matched[old_key] = key
        old_rows = before.get(old_key, [])
        invited_since = None
        if person_rows[0].get("status") == "invited":
            # The member list has no invitation date: pending since the first review that saw it.
            old_invited = [row for row in old_rows if row.get("status") == "invited"]
            invited_since = old_invited[0].get("invited_since") if old_invited else None
            if invited_since is None:
                invited_since = timestamp(previous_time if old_invited and previous_time else now)
        old_by_workspace = {row.get("workspace_id"): row for row in old_rows}
        for row in person_rows:
            row["invited_since"] = invited_since
            row["change"], row["changes"] = change_of(row, previous, old_key, old_rows, old_by_workspace)
            row["findings"] = findings(row, now, pending_days)
    removed = []
    for old_key, old_rows in before.items():
        if old_key in matched:
            # The same person now: the workspaces they no longer have (a row without a workspace
            # only says that the person had none, which their rows now tell).
            workspaces = {row.get("workspace_id") for row in people[matched[old_key]]}
            gone = [row for row in old_rows if row.get("workspace_id") not in workspaces | {None}]
        else:
            gone = old_rows
        removed.extend(dict(row, change="removed", changes=[], findings=[], invited_since=None) for row in gone)
    if previous is None:
        return removed, 0, 0
    return removed, len(people) - len(matched), len(before) - len(matched)


def change_of(row, previous, old_key, old_rows, old_by_workspace):
    """(change, changes) of a current row against the previous review's rows of the same person."""
    if previous is None:
        return None, []
    if old_key is None:
        return "added", []
    old = old_by_workspace.get(row.get("workspace_id"))
    if old is None and row.get("workspace_id") is None:
        # A member who lost every workspace: the rows gone say which; this row is the person.
        old = dict(old_rows[0], workspace=None, workspace_role=None, workspace_status=None)
        old.update(via_groups=[], rate=None, labor_cost=None, currency=None)
    if old is None:
        return "added", []
    changes = [
        difference(field, old.get(field), row.get(field))
        for field in COMPARED
        if comparable(field, old.get(field)) != comparable(field, row.get(field))
    ]
    return ("changed" if changes else ""), changes


def findings(row, now, pending_days):
    found = []
    admin = row.get("organization_role") in ("owner", "admin")
    if admin or row.get("workspace_role") == "admin":
        who = "admin" if admin else "workspace admin"
        if row.get("two_factor") is False:
            found.append("%s without 2FA" % who)
        elif row.get("two_factor") is None:
            found.append("%s, 2FA not reported" % who)
    if row.get("status") == "inactive":
        found.append("inactive member")
    elif row.get("workspace_status") == "inactive":
        found.append("inactive in this workspace")
    if row.get("status") == "invited" and row.get("invited_since"):
        since = parse_time(row["invited_since"], "invited_since")
        if now - since > pending_days * DAY:
            found.append("invitation pending at least %d days (since %s)" % ((now - since) // DAY, since.date()))
    return found


# -- evidence -----------------------------------------------------------------------------------------


def evidence_of(organization, read, rows, previous, generated_at, clock, pending_days, named_by):
    users = organization.get("users") or []
    details = organization.get("details") or {}
    org_id = organization.get("id")
    by_status = {status: sum(1 for user in users if user.get("status") == status) for status in STATUSES}
    accepted = by_status["joined"] + by_status["inactive"]
    user_count = details.get("user_count")
    pages = max(1, math.ceil(len(users) / PER_PAGE))
    by_name = named_by not in (None, "") and not str(named_by).strip().isdigit()
    lookup = "GET /me/organizations" if by_name else "GET /organizations/%s" % org_id
    planned = [lookup + " (the organization%s)" % (", its user_count" if details else "")]
    planned.append(
        "GET /organizations/%s/users?page=1..%d&per_page=%d (%d page(s) of up to %d members)"
        % (org_id, pages, PER_PAGE, pages, PER_PAGE)
    )
    if "groups" in organization:
        planned.append("GET /organizations/%s/groups" % org_id)
    planned_total = len(planned) + pages - 1
    sent = dict(read.get("api_requests") or {})
    owner = [user for user in users if user.get("owner")]
    me = organization.get("token_user")
    if isinstance(me, Mapping) and me.get("id") is not None:
        planned.append("GET /me (the token's user)")
        planned_total += 1
        token_user = {
            "user_id": me.get("id"),
            "email": me.get("email"),
            "name": me.get("fullname"),
            "known_from": "GET /me",
        }
    elif details.get("owner") and len(owner) == 1:
        token_user = {
            "user_id": owner[0].get("user_id"),
            "email": owner[0].get("email"),
            "name": owner[0].get("name"),
            "known_from": "the details say the token's user owns the organization; the member list names its owner",
        }
    else:
        token_user = None
    name, version = collection_version()
    return {
        "generated_at": generated_at,
        "clock": clock,
        "token_user": token_user,
        "token_user_rights": {"owner": details.get("owner"), "admin": details.get("admin")},
        "collection": {"name": name, "version": version},
        "api_requests": sent,
        "requests": planned,
        "requests_planned": planned_total,
        "completeness": {
            "members_read": len(users),
            "joined": by_status["joined"],
            "inactive": by_status["inactive"],
            "invited": by_status["invited"],
            "accepted_members_read": accepted,
            "user_count": user_count,
            "user_count_counts": "members who accepted (joined or inactive); pending invitations are not counted",
            "user_count_matches": None if user_count is None else accepted == user_count,
            "member_pages": pages,
            "per_page": PER_PAGE,
            "requests_as_planned": sent.get("total") == planned_total,
        },
        "rows": len(rows),
        "rows_sha256": rows_sha256(rows),
        "rows_sha256_of": "the rows as canonical JSON: json.dumps(rows, sort_keys=True, separators=(',', ':'), "
        "ensure_ascii=False), UTF-8",
        "previous": None
        if previous is None
        else {
            "source": previous.get("source"),
            "generated_at": (previous.get("evidence") or {}).get("generated_at"),
            "rows_sha256": (previous.get("evidence") or {}).get("rows_sha256"),
            "rows_sha256_verified": True,
        },
        "pending_days": pending_days,
    }


def review_json(document):
    """The review as JSON: the header indented, then one row per line (diffable, and a third of the
    size of indenting every row)."""
    head = json.dumps({key: value for key, value in document.items() if key != "rows"}, indent=2, ensure_ascii=False)
    lines = ",\n".join("    " + json.dumps(row, sort_keys=True, ensure_ascii=False) for row in document["rows"])
    return head[: -len("\n}")] + ',\n  "rows": [\n' + lines + ("\n" if lines else "") + "  ]\n}\n"


def access_review_report(
    read, previous=None, generated_at=None, clock="controller (UTC)", pending_days=14, organization=None
):
    read = plain(read)
    if not isinstance(read, Mapping) or not isinstance(read.get("organization"), Mapping):
        raise AnsibleFilterError(
            "access_review_report expects the registered result of trackops.toggl.toggl_organization_info"
        )
    found = plain(read["organization"])
    if not is_list(found.get("users")):
        raise AnsibleFilterError(
            "access_review_report: the toggl_organization_info result has no users (gather_subset: users)"
        )
    try:
        pending_days = int(pending_days)
    except (TypeError, ValueError):
        raise AnsibleFilterError(
            "access_review_report: pending_days must be a whole number of days, got %r" % (pending_days,)
        ) from None
    if pending_days < 0:
        raise AnsibleFilterError("access_review_report: pending_days must be 0 or more, got %d" % pending_days)
    now = parse_time(generated_at, "generated_at") or datetime.now(timezone.utc).replace(microsecond=0)
    generated_at = timestamp(now)
    previous = load_review(previous)
    org_id = found.get("id")
    if previous is not None and (previous.get("organization") or {}).get("id") != org_id:
        raise AnsibleFilterError(
            "previous review %s: is a review of organization %s, not of organization %s"
            % (previous["source"], (previous.get("organization") or {}).get("id"), org_id)
        )
    groups = found.get("groups")
    name = found.get("name") or (found.get("details") or {}).get("name")

    rows = access_review_rows(found["users"])
    removed, people_added, people_removed = carry_forward(rows, previous, now, pending_days)
    all_rows = rows + removed
    evidence = evidence_of(found, read, all_rows, previous, generated_at, clock, pending_days, organization)

    people = {}
    for row in rows:
        people.setdefault(person_key(row), row)
    flagged = {kind: set() for kind in ("2fa", "inactive", "pending")}
    for row in rows:
        for finding in row["findings"]:
            kind = "2fa" if "2FA" in finding else "pending" if finding.startswith("invitation") else "inactive"
            if kind != "inactive" or finding == "inactive member":
                flagged[kind].add(person_key(row))
    summary = {
        "organization": name or "organization %s" % (organization or org_id),
        "organization_id": org_id,
        "people": len(people),
        "joined": evidence["completeness"]["joined"],
        "invited": evidence["completeness"]["invited"],
        "inactive": evidence["completeness"]["inactive"],
        "groups": None if groups is None else len(groups),
        "rows": len(rows),
        "api_requests": (read.get("api_requests") or {}).get("total"),
        "complete": bool(evidence["completeness"]["user_count_matches"]),
        "admins_without_2fa": len(flagged["2fa"]),
        "inactive_members": len(flagged["inactive"]),
        "long_pending_invitations": len(flagged["pending"]),
        "previous": None if previous is None else evidence["previous"]["generated_at"],
        "added": sum(1 for row in rows if row["change"] == "added"),
        "removed": len(removed),
        "changed": sum(1 for row in rows if row["change"] == "changed"),
        "people_added": people_added,
        "people_removed": people_removed,
        "rows_sha256": evidence["rows_sha256"],
    }
    document = {
        "format": REVIEW_FORMAT,
        "format_version": REVIEW_FORMAT_VERSION,
        "organization": {"id": org_id, "name": name},
        "evidence": evidence,
        "summary": summary,
        "rows": all_rows,
    }
    page = access_review_html(
        rows,
        organization=name or organization,
        generated_at=generated_at,
        groups=groups,
        evidence=evidence,
        removed=None if previous is None else removed,
    )
    return {
        "summary": summary,
        "files": {
            "access-review.csv": access_review_csv(all_rows),
            "access-review.html": page,
            "access-review.json": review_json(document),
        },
    }


class FilterModule:
    def filters(self):
        return {"access_review_report": access_review_report}
