# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report filters share: the access review's columns and how a value reads as text.

The filters (plugins/filter/) run on the controller. The CSV and the HTML page of an access
review show the same columns in the same order, so both read them from here.
"""

import hashlib
import json
import os
from collections.abc import Mapping, Sequence


class Column:
    """A column of the access review: row key, heading, and whether it sorts as a number."""

    def __init__(self, key, heading, numeric=False):
        self.key = key
        self.heading = heading
        self.numeric = numeric


ACCESS_REVIEW_COLUMNS = (
    Column("name", "Name"),
    Column("email", "Email"),
    Column("user_id", "User id", numeric=True),
    Column("organization_role", "Organization role"),
    Column("status", "Status"),
    Column("two_factor", "2FA"),
    Column("groups", "Groups"),
    Column("workspace", "Workspace"),
    Column("workspace_role", "Workspace role"),
    Column("workspace_status", "Workspace status"),
    Column("via_groups", "Through groups"),
    Column("rate", "Rate", numeric=True),
    Column("labor_cost", "Labor cost", numeric=True),
    Column("currency", "Currency"),
)

# The membership states of toggl_organization_info (references.membership_status).
STATUSES = ("joined", "invited", "inactive")


def is_list(value):
    if type(value) in (list, tuple):  # the common case first: ABC checks are slow on thousands of cells
        return True
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def cell_text(value):
    """A value as a reviewer reads it: lists joined with "; ", yes/no, whole numbers without ".0"."""
    if value is None:
        return ""
    # The common cases first, by exact type (a report has hundreds of thousands of cells).
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if kind is list:
        return "; ".join(cell_text(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return "; ".join("%s=%s" % (key, cell_text(item)) for key, item in value.items())
    if is_list(value):
        return "; ".join(cell_text(item) for item in value)
    return str(value)


def plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def drift_summary(compared, drifted, differences):
    """The one line that says what an audit found (the playbook's output, the JSON and the Markdown)."""
    if not differences:
        return "No drift in %s compared." % plural(compared, "object")
    return "Drift: %s in %d of %s compared." % (plural(differences, "difference"), drifted, plural(compared, "object"))


# -- the access review carried forward ------------------------------------------------------------

# After the access: what changed since the previous review, what the reviewer should look at, and
# the reviewer's decision (the CSV's last column, empty; keep or revoke).
REVIEW_COLUMNS = ACCESS_REVIEW_COLUMNS + (
    Column("change", "Change"),
    Column("changes", "What changed"),
    Column("findings", "Findings"),
    Column("decision", "Decision"),
)

# What a reviewer may write in the decision column (case and surrounding spaces do not matter);
# an empty cell is a row not decided yet.
DECISIONS = ("keep", "revoke")

# access-review.json: what it is, so that a previous review is recognised as one.
REVIEW_FORMAT = "trackops.toggl access review"
REVIEW_FORMAT_VERSION = 1


def canonical_json(value):
    """The one text of a JSON value that its SHA-256 is taken of: keys sorted, no spaces, UTF-8
    characters as they are (not escaped), no NaN. The same in any Python: ``json.dumps(value,
    sort_keys=True, separators=(",", ":"), ensure_ascii=False)``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def rows_sha256(rows):
    """The SHA-256 (hex) of the rows of a review: of their canonical JSON (a list), UTF-8 encoded."""
    return hashlib.sha256(canonical_json(list(rows)).encode("utf-8")).hexdigest()


COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collection_version(root=COLLECTION_ROOT):
    """(name, version) of the collection these plugins belong to: MANIFEST.json of a built or
    installed collection, else galaxy.yml of a source checkout; (None, None) when neither says."""
    manifest = os.path.join(root, "MANIFEST.json")
    try:
        with open(manifest, encoding="utf-8") as handle:
            info = json.load(handle).get("collection_info") or {}
        return "%s.%s" % (info.get("namespace"), info.get("name")), info.get("version")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import yaml  # ansible-core's own dependency, on every controller
    except ImportError:
        return None, None
    try:
        with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
            info = yaml.safe_load(handle) or {}
        return "%s.%s" % (info.get("namespace"), info.get("name")), info.get("version")
    except (OSError, AttributeError, yaml.YAMLError):
        return None, None
