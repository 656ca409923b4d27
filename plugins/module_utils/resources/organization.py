# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization: found by id, or by name among the token's organizations.

The API has no delete for organizations. Creating one also creates its first workspace.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource

NAME_MAX_LENGTH = 140


class Organization(Resource):
    kind = "organization"
    fields = {
        "name": Field(max_length=NAME_MAX_LENGTH, not_blank=True),
        # Written once, on create; afterwards the workspace is toggl_workspace's business.
        "workspace_name": Field(compare=None, max_length=NAME_MAX_LENGTH, not_blank=True),
    }

    def find(self):
        if self.params.get("id"):
            org_id = self.params["id"]
            return self.client.get("/organizations/%s" % org_id, what="organization %s" % org_id)
        return self.resolver.find_organization_by_name(self.params["name"])

    def create(self, desired):
        body = dict(desired)
        body.setdefault("workspace_name", desired["name"])
        return self.client.post("/organizations", body=body)

    def update(self, current, changes):
        # The API answers "OK", not the organization: the engine then keeps its prediction.
        return self.client.put(
            "/organizations/%s" % current["id"], body=self.payload(changes), what=self.label(current)
        )

    def predict_create(self, desired):
        predicted = super().predict_create(desired)
        predicted.setdefault("workspace_name", desired["name"])
        predicted["workspace_id"] = None
        return predicted
