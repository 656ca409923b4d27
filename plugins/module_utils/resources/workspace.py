# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl workspace: found by id, or by name within its organization.

Found by name through ``GET /me/workspaces``, which returns the whole workspace, so one
read both finds the object and gives every setting to compare. The API has no delete.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglValidationError
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource

NAME_MAX_LENGTH = 140

# The documented settings of POST /organizations/{id}/workspaces and PUT /workspaces/{id}.
SETTINGS = (
    "default_currency",
    "default_hourly_rate",
    "rounding",
    "rounding_minutes",
    "only_admins_may_create_projects",
    "only_admins_may_create_tags",
    "only_admins_see_team_dashboard",
    "projects_billable_by_default",
    "projects_enforce_billable",
    "projects_private_by_default",
    "limit_public_project_data",
    "reports_collapse",
)


class Workspace(Resource):
    kind = "workspace"
    fields = dict(
        [("name", Field(max_length=NAME_MAX_LENGTH, not_blank=True))] + [(setting, Field()) for setting in SETTINGS]
    )
    fields["default_hourly_rate"] = Field(minimum=0)
    fields["rounding_minutes"] = Field(minimum=0)
    # Not a setting the API returns: the mode of a default_hourly_rate change, sent with it.
    fields["rate_change_mode"] = Field(compare=None)

    def validate(self):
        super().validate()
        if not self.params.get("id") and not self.params.get("organization"):
            raise TogglValidationError("organization", "is required when the workspace is given by name")
        currency = self.params.get("default_currency")
        if currency is not None and not (len(currency) == 3 and currency.isalpha()):
            raise TogglValidationError("default_currency", "must be a three-letter ISO 4217 code, got %r" % currency)

    def find(self):
        if self.params.get("id"):
            ws_id = self.params["id"]
            return self.client.get("/workspaces/%s" % ws_id, what="workspace %s" % ws_id)
        org_id = self.resolver.organization_id(self.params["organization"])
        self.organization_id = org_id
        return self.resolver.find_workspace_by_name(self.params["name"], org_id)

    def create(self, desired):
        # Settings go with the create: a premium setting on a Free plan is refused (402)
        # before the workspace exists, so nothing is left half-made.
        return self.client.post("/organizations/%s/workspaces" % self.organization_id, body=self.payload(desired))

    def update(self, current, changes):
        body = self.payload(changes)
        if "default_hourly_rate" in changes and self.params.get("rate_change_mode"):
            body["rate_change_mode"] = self.params["rate_change_mode"]
        return self.client.put("/workspaces/%s" % current["id"], body=body, what=self.label(current))

    def predict_create(self, desired):
        predicted = super().predict_create(desired)
        predicted["organization_id"] = self.organization_id
        return predicted
