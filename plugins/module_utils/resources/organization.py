# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization: found by id, or by name among the token's organizations.

The API has no delete for organizations. Creating one also creates its first workspace.

Swagger: ``POST /organizations`` takes ``models.PostPayload`` (name, workspace_name) and answers
``organization.PostOrganizationReply`` (id, name, workspace_id, workspace_name); ``PUT
/organizations/{id}`` takes ``models.PutPayload`` (name) and answers the string "OK", so after a
rename the organization is read back (``GET /organizations/{id}``) until it shows the new name
(``engine.settle``: reads lag behind writes). Changing an organization needs its admin right,
checked before the write (``admin_needed_for``); anyone may create one.

Organization names are not unique in Toggl (different owners may pick one name), so two of one
name among the token's fail naming them (give ``id``); the API deletes none. A create whose
answer was lost reads ``/me/organizations`` again until the organization of the name shows.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglAnswerLostError
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import own_or_adopted

NAME_MAX_LENGTH = 140


class Organization(Resource):
    kind = "organization"
    fields = {
        "name": Field(max_length=NAME_MAX_LENGTH, not_blank=True, kind="str"),
        # Written once, on create; afterwards the workspace is toggl_workspace's business.
        "workspace_name": Field(compare=None, max_length=NAME_MAX_LENGTH, not_blank=True, kind="str"),
    }
    admin_needed_for = "change the organization"
    organization_id = None

    def admin_need(self, decision):
        # A new organization needs no right in another; a change needs this one's admin right.
        return self.admin_needed_for if decision.action == "update" else None

    def find(self):
        if self.params.get("id"):
            org_id = self.params["id"]
            found = self.client.get("/organizations/%s" % org_id, what="organization %s" % org_id)
        else:
            found = self.resolver.find_organization_by_name(self.params["name"])
        self.organization_id = found.get("id") if isinstance(found, dict) else None
        return found

    def create(self, desired):
        body = dict(desired)
        body.setdefault("workspace_name", desired["name"])
        try:
            return self.client.post("/organizations", body=body)
        except TogglAnswerLostError:

            def read():
                self.resolver.forget("organizations")
                return self.resolver.find_organization_by_name(desired["name"])

            found = settle(
                read,
                lambda org: org is not None,
                "organization %r: the answer to its create was lost and /me/organizations does not list it"
                % desired["name"],
            )
            return own_or_adopted(self, found, desired, "the answer to the create was lost")

    def update(self, current, changes):
        # Swagger: the PUT answers "OK", not the organization: read it back until it shows.
        self.client.put("/organizations/%s" % current["id"], body=self.payload(changes), what=self.label(current))
        return settle(
            lambda: self.client.get("/organizations/%s" % current["id"], what=self.label(current)),
            lambda org: isinstance(org, dict) and all(org.get(key) == value for key, value in changes.items()),
            "%s: the API accepted the change but does not show it" % self.label(current),
        )

    def predict_create(self, desired):
        predicted = super().predict_create(desired)
        predicted.setdefault("workspace_name", desired["name"])
        predicted["workspace_id"] = None
        return predicted
