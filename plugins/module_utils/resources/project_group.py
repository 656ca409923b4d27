# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl project group: an organization group given access to a workspace's project.

The link is found with ``GET /workspaces/{id}/project_groups?project_ids=<project>`` (the
parameter is required), one read whatever the identity. It has no fields of its own: present
adds it (``POST``), absent removes it by its id (``DELETE``).
"""

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglValidationError
from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Resource


class ProjectGroup(Resource):
    kind = "project_group"
    fields = {}

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.workspace_id = None
        self.project_id = None
        self.group_id = None

    def validate(self):
        super().validate()
        for option in ("workspace", "project", "group"):
            value = self.params.get(option)
            if value is None or not str(value).strip():
                raise TogglValidationError(option, "is required")
        if not self.params.get("organization"):
            for option in ("workspace", "group"):
                if not is_id(self.params[option]):
                    raise TogglValidationError(
                        "organization", "is required when %s is given by name (%r)" % (option, self.params[option])
                    )

    def find(self):
        organization = self.params.get("organization")
        self.workspace_id = self.resolver.workspace_id(self.params["workspace"], organization)
        group = self.params["group"]
        if is_id(group):
            self.group_id = int(group)
        else:
            self.group_id = self.resolver.group_id(self.resolver.organization_id(organization), group)
        self.project_id = self.resolver.project_id(self.workspace_id, self.params["project"])
        links = self.client.get_list(
            "/workspaces/%s/project_groups" % self.workspace_id,
            params={"project_ids": str(self.project_id)},
            what="project groups of workspace %s" % self.workspace_id,
        )
        matches = [
            link for link in links if link.get("pid") == self.project_id and link.get("group_id") == self.group_id
        ]
        # The API refuses a second link of the same group and project, so there is at most one.
        return matches[0] if matches else None

    def state_of(self, obj):
        if obj is None:
            return None
        return {"workspace": obj.get("wid"), "project": obj.get("pid"), "group": obj.get("group_id")}

    def label(self, obj):
        return "group %s on project %s (workspace %s)" % (
            _named(self.params.get("group"), self.group_id),
            _named(self.params.get("project"), self.project_id),
            self.workspace_id,
        )

    def predict_create(self, desired):
        return {"id": None, "wid": self.workspace_id, "pid": self.project_id, "group_id": self.group_id}

    def create(self, desired):
        created = self.client.post(
            "/workspaces/%s/project_groups" % self.workspace_id,
            body={"group_id": self.group_id, "project_id": self.project_id},
            what="workspace %s" % self.workspace_id,
        )
        # The Swagger documents a bare "Successful operation." answer; take the link when sent.
        return created if isinstance(created, dict) else None

    def delete(self, current):
        self.client.delete(
            "/workspaces/%s/project_groups/%s" % (self.workspace_id, current["id"]), what=self.label(current)
        )


def _named(ref, ident):
    """``'Website' (id 1000)`` for a name, ``1000`` for an id."""
    if ref is not None and not is_id(ref):
        return "%r (id %s)" % (ref, ident)
    return str(ident)
