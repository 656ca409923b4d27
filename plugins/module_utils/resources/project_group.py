# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl project group: an organization group given access to a workspace's project.

The link is found with ``GET /workspaces/{id}/project_groups?project_ids=<project>`` (the
Swagger marks the parameter required), one read whatever the identity. It has no fields of its
own: present adds it (``POST``), absent removes it by its id (``DELETE``).

Swagger: ``POST /workspaces/{id}/project_groups`` (``group.ProjectGroupPayload``: group_id,
project_id) answers a plain string, not the link, so after it the link is read back until it
shows (``engine.settle``: reads lag behind writes); a POST whose answer was lost is looked up
the same way and adopted. The pair (group, project) is the link's identity: when a race of
creates left two links of one pair, the lowest id is kept and the others are deleted
(``removed_duplicates`` in the result), as they grant nothing the kept one does not.

References: a group or project given as a string of digits is the group/project of that name
when one exists, else the one with that id (``Resolver.find_group`` / ``project_id``); an int
is always an id.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import own_or_adopted


class ProjectGroup(Resource):
    kind = "project_group"
    fields = {}
    references = {"workspace_id": ("workspace", "workspace"), "project_id": ("project", "project")}
    # No organization right is asked for: a workspace admin may link groups to the workspace's
    # projects (Swagger: 403 "User does not have access to this resource" otherwise, which the
    # client reports as a permission refusal).

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.group_id = None

    def validate(self):
        super().validate()
        for option in ("workspace", "project", "group"):
            value = self.params.get(option)
            if value is None or not str(value).strip():
                raise TogglValidationError(option, "is required")

    def resolve_references(self):
        """The group, then the declared references (the workspace, the project). A group name
        needs the organization's groups, in the workspace's organization when none is given
        (one GET /workspaces/{id}, shared with the rights check); without an organization a
        group of digits is an id, taken as is (no read)."""
        if self.group_id is None:
            organization = self.params.get("organization")
            group = self.params["group"]
            if organization or not is_id(group):
                organization_id = self.resolver.organization_of_workspace(self.workspace_id, organization or None)
                self.group_id = self.resolver.group_id(organization_id, group)
            else:
                self.group_id = int(str(group).strip())
        super().resolve_references()

    def find(self):
        self.resolve_references()  # a no-op after the engine's step; find may run on its own
        matches = sorted(self._links(), key=lambda link: link.get("id") or 0)
        if not matches:
            return None
        current = dict(matches[0])
        if len(matches) > 1:
            current["duplicates"] = [link["id"] for link in matches[1:]]
        return current

    def _links(self):
        links = self.client.get_list(
            "/workspaces/%s/project_groups" % self.workspace_id,
            params={"project_ids": str(self.project_id)},
            what="project groups of workspace %s" % self.workspace_id,
        )
        return [link for link in links if link.get("pid") == self.project_id and link.get("group_id") == self.group_id]

    def state_of(self, obj):
        if obj is None:
            return None
        state = {"workspace": obj.get("wid"), "project": obj.get("pid"), "group": obj.get("group_id")}
        if obj.get("duplicates") or "removed_duplicates" in obj:
            # The diff shows the duplicates before and none after.
            state["duplicates"] = sorted(obj.get("duplicates") or [])
        return state

    def changes(self, current_state, desired):
        return {"duplicates": []} if current_state.get("duplicates") else {}

    def label(self, obj):
        return "group %s on project %s (workspace %s)" % (
            _named(self.params.get("group"), self.group_id),
            _named(self.params.get("project"), self.project_id),
            self.workspace_id,
        )

    def predict_create(self, desired):
        return {"id": None, "wid": self.workspace_id, "pid": self.project_id, "group_id": self.group_id}

    def predict_update(self, current, changes):
        predicted = {key: value for key, value in current.items() if key != "duplicates"}
        predicted["removed_duplicates"] = list(current.get("duplicates") or [])
        return predicted

    def create(self, desired):
        try:
            created = self.client.post(
                "/workspaces/%s/project_groups" % self.workspace_id,
                body={"group_id": self.group_id, "project_id": self.project_id},
                what="workspace %s" % self.workspace_id,
            )
        except TogglAnswerLostError:
            # The POST may have been applied: the link, once it shows, is this task's.
            return own_or_adopted(self, self._settled(), desired, "the answer to the create was lost")
        except TogglApiError as error:
            # Another run linked the pair since this task's read (pages/simulator message).
            if error.status == 400 and "already assigned" in (error.api_message or ""):
                raise ObjectExists(self._settled(), "the group is already assigned to the project") from None
            raise
        if isinstance(created, dict) and created.get("id") is not None:
            return created  # pages: the link itself
        # Swagger: the answer is a string ("Successful operation."): read the link back.
        return self._settled()

    def _settled(self):
        links = settle(
            self._links,
            bool,
            "%s: the API accepted it but does not list it" % self.label(None),
        )
        return min(links, key=lambda link: link.get("id") or 0)

    def update(self, current, changes):
        """The only update: deleting the duplicates of the link."""
        for link_id in current.get("duplicates") or []:
            self._delete(link_id)
        return self.predict_update(current, changes)

    def delete(self, current):
        for link_id in [current["id"]] + list(current.get("duplicates") or []):
            self._delete(link_id)

    def _delete(self, link_id):
        self.client.delete(
            "/workspaces/%s/project_groups/%s" % (self.workspace_id, link_id), what=self.label({"id": link_id})
        )


def _named(ref, ident):
    """``'Website' (id 1000)`` for a name, ``1000`` for an id."""
    if ref is not None and str(ref).strip() != str(ident):
        return "%r (id %s)" % (ref, ident)
    return str(ident)
