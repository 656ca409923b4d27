# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl workspace: found by id, or by name within its organization.

Found by name through ``GET /me/workspaces``, which returns the whole workspace, so one
read both finds the object and gives every setting to compare. The API has no delete.

Swagger: ``POST /organizations/{id}/workspaces`` and ``PUT /workspaces/{id}`` take
``workspace.Payload`` (the settings below, all of its keys) and answer the workspace, so no
re-read follows a write. The workspace's own ``name`` is a name also when it is all digits
("1234"); only ``id`` is an id. Only organization admins create or change workspaces: the
engine checks the right (``admin_needed_for``) before any write and in check mode, so a token
that cannot see a workspace fails naming the right instead of predicting a create.

Two workspaces of one name cannot be told apart by name and the API deletes none, so that
fails naming them (give ``id``). A create whose answer was lost, or that Toggl refuses with
"another workspace with same name exists in organization", reads ``/me/workspaces`` again until
the workspace of the name shows, and adopts it.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import own_or_adopted
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import CHANGE_MODES

NAME_TAKEN = "another workspace with same name exists"

NAME_MAX_LENGTH = 140


class Workspace(Resource):
    kind = "workspace"
    admin_needed_for = "create or change workspaces"
    # The documented settings of POST /organizations/{id}/workspaces and PUT /workspaces/{id},
    # declared once: the module's options (argument_spec), the comparison and the local checks.
    fields = {
        "name": Field(max_length=NAME_MAX_LENGTH, not_blank=True, kind="str"),
        "default_currency": Field(kind="str"),
        "default_hourly_rate": Field(minimum=0, kind="float"),
        "rounding": Field(kind="int", choices=(-1, 0, 1)),
        "rounding_minutes": Field(minimum=0, kind="int"),
        "only_admins_may_create_projects": Field(kind="bool"),
        "only_admins_may_create_tags": Field(kind="bool"),
        "only_admins_see_team_dashboard": Field(kind="bool"),
        "projects_billable_by_default": Field(kind="bool"),
        "projects_enforce_billable": Field(kind="bool"),
        "projects_private_by_default": Field(kind="bool"),
        "limit_public_project_data": Field(kind="bool"),
        "reports_collapse": Field(kind="bool"),
        # Not a setting the API returns: the mode of a default_hourly_rate change, sent with it.
        "rate_change_mode": Field(compare=None, kind="str", choices=CHANGE_MODES),
    }

    def validate(self):
        super().validate()
        currency = self.params.get("default_currency")
        if currency is not None and not (len(currency) == 3 and currency.isalpha()):
            raise TogglValidationError("default_currency", "must be a three-letter ISO 4217 code, got %r" % currency)

    @property
    def organization_id(self):
        """The workspace's organization: the task's when it names one (and no id; a name costs one
        /me/organizations), else the workspace's as read - by id, or found by name among all the
        token's workspaces. None for a workspace to create without an organization (vet refuses it)."""
        if self.params.get("organization") is not None and not self.params.get("id"):
            return self.resolver.organization_id(self.params["organization"])
        found = self.find()
        return found.get("organization_id") if isinstance(found, dict) else None

    def resolve_references(self):
        """The organization the task names (by id or name), before the engine decides."""
        if self.params.get("organization") is not None and not self.params.get("id"):
            self.resolver.organization_id(self.params["organization"])

    def find(self):
        """The workspace by id (one read, kept by the Resolver), else by name (``_named``)."""
        if self.params.get("id"):
            return self.resolver.workspace(self.params["id"])
        return self._named(self.params["name"])

    def _named(self, name):
        """The workspace of that exact name (a name, also when all digits) in the task's organization,
        or among all the token's workspaces when it names none (Resolver.find_workspace_by_name)."""
        organization = self.params.get("organization")
        organization_id = None if organization is None else self.resolver.organization_id(organization)
        return self.resolver.find_workspace_by_name(name, organization_id)

    def vet(self, decision):
        if decision.action == "create" and self.organization_id is None:
            raise TogglValidationError(
                "organization",
                "is required to create workspace %r (the token sees no workspace of that name)" % self.params["name"],
            )

    def create(self, desired):
        # Settings go with the create: a premium setting on a Free plan is refused (402)
        # before the workspace exists, so nothing is left half-made.
        try:
            return self.client.post("/organizations/%s/workspaces" % self.organization_id, body=self.payload(desired))
        except TogglAnswerLostError:
            return own_or_adopted(self, self._settled(), desired, "the answer to the create was lost")
        except TogglApiError as error:
            if error.status == 400 and NAME_TAKEN in (error.api_message or ""):
                raise ObjectExists(self._settled(), error.api_message) from None
            raise

    def _settled(self):
        """The workspace of the name once ``/me/workspaces`` lists it (reads lag behind writes)."""

        def read():
            self.resolver.forget("workspaces")
            return self._named(self.params["name"])

        return settle(
            read,
            lambda found: found is not None,
            "workspace %r in organization %s: not listed by GET /me/workspaces"
            % (self.params["name"], self.organization_id),
        )

    def update(self, current, changes):
        body = self.payload(changes)
        if "default_hourly_rate" in changes and self.params.get("rate_change_mode"):
            body["rate_change_mode"] = self.params["rate_change_mode"]
        return self.client.put("/workspaces/%s" % current["id"], body=body, what=self.label(current))

    def state_of(self, obj):
        """The name and the settings the task sets: an unset setting is neither compared nor shown, so
        check mode predicts a create (which knows only those) as the real create shows it."""
        state = super().state_of(obj)
        if state is None:
            return None
        shown = set(self.desired()) | {"name"}
        return {option: value for option, value in state.items() if option in shown}

    def predict_create(self, desired):
        predicted = super().predict_create(desired)
        predicted["organization_id"] = self.organization_id
        return predicted


# The settings (every field but the name and the mode sent with a rate change), from the fields.
SETTINGS = tuple(option for option in Workspace.fields if option not in ("name", "rate_change_mode"))
