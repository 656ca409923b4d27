# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report filters share: the access review's columns and how a value reads as text.

The filters (plugins/filter/) run on the controller. The CSV and the HTML page of an access
review show the same columns in the same order, so both read them from here.
"""

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
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def cell_text(value):
    """A value as a reviewer reads it: lists joined with "; ", yes/no, whole numbers without ".0"."""
    if value is None:
        return ""
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
