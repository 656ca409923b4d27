# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names, emails and ids of referenced objects -> ids, at the fewest requests.

An id costs nothing. A name costs one read of the collection it lives in, once per module
run (memoised), and organization/workspace names go through ``/me/...`` endpoints, which
draw on the 30 requests/hour user-level quota, so nothing is resolved that the task does
not need. A name that matches no object or more than one fails with its name.

Names of digits only: a reference that is an int is an id. A reference that is a string of
digits only (templating turns ids into strings, so it may be either) is a NAME when an object
of that name exists in the collection searched, otherwise an id; give an int to force an id
(see ``pick_by_name_or_id``). This holds for groups and projects, whose collections a lookup
reads anyway. Organization and workspace references of digits stay ids (``is_id``): their
names live behind ``/me`` endpoints (30 requests/hour), read only when a name is given.
Options that are names by definition (a group's own ``name``) are never taken as ids.

Rights: ``require_admin`` names the missing right ("the token's user is not an admin of
organization NAME (ID) (needed to ...)") from the ``admin`` flag of ``/me/organizations``
(Swagger: models.MeOrganization.admin), and a list the API refuses with 403 (Swagger:
GET /organizations/{id}/users "User is not authorized to list the organization users") ends
in the same message. Workspace-level objects (alerts, track reminders, rates) need only the
workspace's admin right, which Toggl gives organization admins and workspace admins alike:
``require_workspace_admin`` reads it from the workspace's ``admin`` flag (Swagger:
models.Workspace.admin, "current user is workspace admin"), one read of GET /workspaces/{id}
shared with the lookup of the workspace's organization.
"""

import difflib
from collections.abc import Mapping

from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAccessError,
    TogglPermissionError,
    TogglReferenceError,
    TogglValidationError,
)


def is_id(ref):
    """Ints, and strings of digits (templating turns ids into strings), are ids.

    For options that are ids by definition, or whose names are not looked up (see the module
    docstring); a reference that may be a name of digits goes through ``pick_by_name_or_id``."""
    if isinstance(ref, bool):
        return False
    if isinstance(ref, int):
        return True
    return isinstance(ref, str) and ref.strip().isdigit()


class Pending:
    """An object an earlier task of the play would create, handed over as that task's registered
    result in check mode: it has a name and no id yet, so this task predicts against "does not
    exist yet" (nothing of it can be read) instead of failing on a missing id."""

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name

    def __eq__(self, other):
        return isinstance(other, Pending) and (self.kind, self.name) == (other.kind, other.name)

    def __hash__(self):
        return hash((self.kind, self.name))

    def __lt__(self, other):  # sorted() among ids: pending objects after the real ones
        return False

    def __gt__(self, other):
        return True

    def __repr__(self):
        return "%s %r (to be created)" % (self.kind, self.name)


# The key of the object in a trackops.toggl module's result, and of its id, per kind.
REGISTERED_OBJECTS = {
    "workspace": ("workspace", "id"),
    "group": ("group", "group_id"),
    "organization": ("organization", "id"),
}


def registered_object(kind, ref):
    """The object a registered result of a trackops.toggl task manages (``{"changed": ...,
    "<kind>": {...}}``), or the object itself when ``ref`` is one; None when ``ref`` is not a
    mapping."""
    if not isinstance(ref, Mapping):
        return None
    key, _id_key = REGISTERED_OBJECTS[kind]
    found = ref.get(key)
    if isinstance(found, Mapping):
        return found
    if "changed" in ref or "api_requests" in ref:
        raise TogglReferenceError("%s: the registered result given holds no %s" % (kind, key))
    return ref


def registered_id(kind, ref, check_mode):
    """The id of the object of a registered result; in check mode, a ``Pending`` for one the
    earlier task would create (its predicted object has no id yet)."""
    obj = registered_object(kind, ref)
    ident = obj.get(REGISTERED_OBJECTS[kind][1])
    if ident is not None:
        return int(ident)
    if check_mode:
        return Pending(kind, obj.get("name"))
    raise TogglReferenceError(
        "%s %r: the registered result given has no id (an earlier task in check mode predicted it)"
        % (kind, obj.get("name"))
    )


def reference_label(kind, ref):
    """How a reference is named in messages: a registered result by its object's name (or id)."""
    obj = registered_object(kind, ref)
    if obj is None:
        return ref
    return obj.get("name") or obj.get(REGISTERED_OBJECTS[kind][1])


def check_workspace_reference(params):
    """Local check, before any request: a workspace is given. By name it may come without its
    organization: Resolver.workspace_id then finds it among all the token's workspaces."""
    if params.get("workspace") is None or not str(params["workspace"]).strip():
        raise TogglValidationError("workspace", "is required")


def pick_one(kind, wanted, candidates, described_by="named"):
    """The single candidate, or a failure that says how many there were."""
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    raise TogglReferenceError("expected 1 %s %s %r, found %d" % (kind, described_by, wanted, len(candidates)))


def is_digits(ref):
    """A string of digits only (after stripping): a name or an id, decided by the collection."""
    return isinstance(ref, str) and ref.strip().isdigit()


def pick_by_name_or_id(kind, ref, objects, id_key="id", name_key="name"):
    """The one object ``ref`` names among ``objects``, or None (several fail, naming them).

    An int is an id. A string of digits is a name when an object has that name, otherwise an
    id. Any other string is a name."""
    if isinstance(ref, bool):
        raise TogglReferenceError("%s reference %r is neither a name nor an id" % (kind, ref))
    if isinstance(ref, int):
        return pick_one(kind, ref, [o for o in objects if o.get(id_key) == ref], "with id")
    named = [o for o in objects if o.get(name_key) == ref]
    if named or not is_digits(ref):
        return pick_one(kind, ref, named)
    wanted = int(ref.strip())
    return pick_one(kind, ref, [o for o in objects if o.get(id_key) == wanted], "with id")


def require(kind, wanted, found, where="", candidates=()):
    """``found``, or a failure naming ``wanted``; ``candidates`` (the names or emails the lookup
    searched, already read) give a "did you mean" for a near miss, at no request."""
    if found is None:
        raise TogglReferenceError("%s %r not found%s%s" % (kind, wanted, where, did_you_mean(wanted, candidates)))
    return found


def did_you_mean(wanted, candidates):
    """ "; did you mean 'X'?" for names that differ from ``wanted`` only in case or a few letters."""
    names = sorted({str(name) for name in candidates if name})
    text = str(wanted).strip()
    close = [name for name in names if name.casefold() == text.casefold() and name != text]
    if not close:
        # Emails compare by the part before "@": a shared domain makes any two look alike.
        def key(name):
            return name.casefold().partition("@")[0] if "@" in text else name.casefold()

        by_key = {}
        for name in names:
            by_key.setdefault(key(name), []).append(name)
        matches = difflib.get_close_matches(key(text), list(by_key), n=3, cutoff=0.75)
        close = [name for match in matches for name in by_key[match]][:3]
    if not close:
        return ""
    return "; did you mean %s?" % " or ".join(repr(name) for name in close)


def membership_status(joined, inactive):
    """``joined``, ``invited`` or ``inactive``: the one derivation every module reports.

    It reads the two flags the API gives members everywhere: organization users and group
    members (``joined``, ``inactive``), workspace users (``active`` = accepted, ``inactive``).
    A pending invitation is ``invited`` even if deactivated, as the API's ``active_status``
    filter counts it.
    """
    if not joined:
        return "invited"
    return "inactive" if inactive else "joined"


class Resolver:
    """Resolves references for one module run; every collection is read at most once."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self._memo = {}
        # In check mode a reference may be an object an earlier task would create (Pending).
        self.check_mode = check_mode

    def _once(self, key, load):
        if key not in self._memo:
            self._memo[key] = load()
        return self._memo[key]

    def forget(self, key):
        """Drop a memoised collection after a write changed it."""
        self._memo.pop(key, None)

    def memo(self, key, load):
        """Memoise what a description reads (or keeps) once per module run, e.g. its own
        collection, shared by every entry of a bulk list. Keys are tuples starting with a name."""
        return self._once(key, load)

    # -- organizations ------------------------------------------------------------------

    def my_organizations(self):
        return self._once("organizations", lambda: self.client.get_list("/me/organizations"))

    def require_admin(self, organization_id, needed_for):
        """Fail unless the token's user is an admin of the organization (before any write).

        Reads /me/organizations once per run (memoised, shared with name lookups); its ``admin``
        flag (Swagger: models.MeOrganization) is the right every write of an organization needs."""
        org = self._my_organization(organization_id)
        if org is None or not (org.get("admin") or org.get("owner")):
            raise self.not_admin(organization_id, needed_for, org)
        return org

    def require_workspace_admin(self, workspace_id, needed_for):
        """Fail unless the token's user is an admin of the workspace (organization admins are)."""
        workspace = self.workspace(workspace_id)
        if not workspace.get("admin"):
            raise TogglAccessError(
                "the token's user is not an admin of workspace %s (%s) (needed to %s)"
                % (workspace.get("name"), workspace.get("id"), needed_for)
            )
        return workspace

    def _my_organization(self, organization_id):
        wanted = int(organization_id)
        return next((o for o in self.my_organizations() if o.get("id") == wanted), None)

    def not_admin(self, organization_id, needed_for, org=None):
        """The TogglAccessError naming the organization and what needed the admin right."""
        if org is None:
            org = self._my_organization(organization_id)
        if org is None:
            return TogglAccessError(
                "the token's user is not a member of organization %s (needed to %s)" % (organization_id, needed_for)
            )
        return TogglAccessError(
            "the token's user is not an admin of organization %s (%s) (needed to %s)"
            % (org.get("name"), org.get("id"), needed_for)
        )

    def _admin_list(self, organization_id, needed_for, load):
        """A list only admins may read: a 403 becomes the not-an-admin message."""
        try:
            return load()
        except TogglPermissionError:
            failure = self.not_admin(organization_id, needed_for)
        raise failure

    def find_organization_by_name(self, name):
        matches = [org for org in self.my_organizations() if org.get("name") == name]
        return pick_one("organization", name, matches)

    def organization_id(self, ref):
        if isinstance(ref, Mapping):
            return registered_id("organization", ref, self.check_mode)
        if is_id(ref):
            return int(ref)
        return self.named_organization(ref)["id"]

    def named_organization(self, name):
        """The token's one organization of that name, or a failure (with a "did you mean")."""
        return require(
            "organization",
            name,
            self.find_organization_by_name(name),
            " among the token's organizations",
            [org.get("name") for org in self.my_organizations()],
        )

    def organization(self, organization_id):
        """The organization's own object (name, pricing plan): taken from /me/organizations when
        the task already read it, else one GET /organizations/{id}."""
        if "organizations" in self._memo:
            for org in self._memo["organizations"]:
                if org.get("id") == int(organization_id):
                    return org
        return self._once(
            ("organization", int(organization_id)),
            lambda: self.client.get("/organizations/%s" % organization_id, what="organization %s" % organization_id),
        )

    # -- workspaces -----------------------------------------------------------------------

    def my_workspaces(self):
        return self._once("workspaces", lambda: self.client.get_list("/me/workspaces"))

    def find_workspace_by_name(self, name, organization_id=None):
        """The token's workspace of that name in the organization, or in any of the token's
        organizations when ``organization_id`` is None (one name in two organizations then fails
        asking for the organization); None when there is none."""
        matches = [
            ws
            for ws in self.my_workspaces()
            if ws.get("name") == name and organization_id in (None, ws.get("organization_id"))
        ]
        organizations = sorted({ws.get("organization_id") for ws in matches}, key=str)
        if organization_id is None and len(organizations) > 1:
            raise TogglReferenceError(
                "workspace %r is in %d of the token's organizations (%s): give organization"
                % (name, len(organizations), ", ".join(str(org) for org in organizations))
            )
        return pick_one("workspace", name, matches)

    def workspace_id(self, ref, organization_ref=None):
        """An id, or the id of the workspace of that name (in ``organization_ref`` when given, else
        among all the token's workspaces: the same one /me/workspaces read either way). A
        registered result of a task that manages the workspace gives its id (``Pending`` in check
        mode when that task would create it)."""
        if isinstance(ref, Mapping):
            return registered_id("workspace", ref, self.check_mode)
        if is_id(ref):
            return int(ref)
        organization_id = None if organization_ref is None else self.organization_id(organization_ref)
        return self.named_workspace(ref, organization_id)["id"]

    def named_workspace(self, name, organization_id=None):
        """The one workspace of that name the token sees (in the organization, when given), or a failure."""
        return require(
            "workspace",
            name,
            self.find_workspace_by_name(name, organization_id),
            " among the token's workspaces" if organization_id is None else " in organization %s" % organization_id,
            [ws.get("name") for ws in self.my_workspaces() if organization_id in (None, ws.get("organization_id"))],
        )

    # -- people -----------------------------------------------------------------------------

    def me(self):
        """The token's own user (one /me request, only when a task must protect it)."""
        return self._once("me", lambda: self.client.get("/me"))

    def organization_users(self, organization_id):
        """Every user of the organization, pending invitations included (paginated)."""
        # Swagger: GET /organizations/{id}/users answers 403 to non-admins.
        return self._once(
            ("organization_users", organization_id),
            lambda: self._admin_list(
                organization_id,
                "list the members of organization %s" % organization_id,
                lambda: self.client.paginate(
                    "/organizations/%s/users" % organization_id, what="users of organization %s" % organization_id
                ),
            ),
        )

    def find_organization_user(self, organization_id, ref):
        """An organization user by email (case-insensitive) or user id, or None."""
        users = self.organization_users(organization_id)
        if is_id(ref):
            return pick_one("user", ref, [u for u in users if u.get("user_id") == int(ref)], "with id")
        wanted = ref.strip().casefold()
        return pick_one("user", ref, [u for u in users if (u.get("email") or "").casefold() == wanted], "with email")

    def user_id(self, organization_id, ref):
        """A user id for an email (must be in the organization) or an id (taken as is)."""
        if is_id(ref):
            return int(ref)
        return self.organization_user(organization_id, ref)["user_id"]

    def organization_user(self, organization_id, ref):
        """The member ``ref`` (email or user id) names, or a failure (with a "did you mean")."""
        return require(
            "user",
            ref,
            self.find_organization_user(organization_id, ref),
            " in organization %s" % organization_id,
            [member.get("email") for member in self.organization_users(organization_id)],
        )

    # -- groups -----------------------------------------------------------------------------

    def groups(self, organization_id):
        return self._once(
            ("groups", organization_id),
            lambda: self._admin_list(
                organization_id,
                "list the groups of organization %s" % organization_id,
                lambda: self.client.get_list(
                    "/organizations/%s/groups" % organization_id, what="groups of organization %s" % organization_id
                ),
            ),
        )

    def find_group(self, organization_id, ref):
        """A group by name or id (a name of digits wins over an id, see pick_by_name_or_id)."""
        return pick_by_name_or_id("group", ref, self.groups(organization_id), id_key="group_id")

    def group_id(self, organization_id, ref):
        """An int is taken as is; a string of digits costs the group list (it may be a name)."""
        if isinstance(ref, Mapping):
            return registered_id("group", ref, self.check_mode)
        if isinstance(ref, int) and not isinstance(ref, bool):
            return ref
        group = require(
            "group",
            ref,
            self.find_group(organization_id, ref),
            " in organization %s" % organization_id,
            [group.get("name") for group in self.groups(organization_id)],
        )
        return group["group_id"]

    # -- projects ---------------------------------------------------------------------------

    # GET /workspaces/{id}/projects pages with page/per_page (at most 200) and documents no
    # paging headers, so a page shorter than per_page is the last one.
    PROJECTS_PER_PAGE = 200

    def projects(self, workspace_id, name=None):
        """Projects of a workspace, active and archived; with ``name``, the API's matches for it.

        The name filter keeps the read to one request however large the workspace; how the
        API matches it is undocumented, so callers compare names themselves.
        """

        def load():
            found = []
            page = 1
            while True:
                query = {"active": "both", "page": page, "per_page": self.PROJECTS_PER_PAGE}
                if name is not None:
                    query["name"] = name
                batch = self.client.get_list(
                    "/workspaces/%s/projects" % workspace_id,
                    params=query,
                    what="projects of workspace %s" % workspace_id,
                )
                found.extend(batch)
                if len(batch) < self.PROJECTS_PER_PAGE:
                    return found
                page += 1

        return self._once(("projects", workspace_id, name), load)

    def find_project(self, workspace_id, ref):
        """A project by id or exact name, or None; a name shared by several projects fails.

        A string of digits is first looked up as a name (one filtered read), then as an id."""
        if isinstance(ref, str) and not is_digits(ref):
            return pick_one("project", ref, [p for p in self.projects(workspace_id, name=ref) if p.get("name") == ref])
        if is_digits(ref):
            named = [p for p in self.projects(workspace_id, name=ref) if p.get("name") == ref]
            if named:
                return pick_one("project", ref, named)
        return pick_by_name_or_id("project", int(ref), self.projects(workspace_id))

    def project_id(self, workspace_id, ref):
        """An int is taken as is; a string of digits costs one filtered read (it may be a name)."""
        if isinstance(ref, int) and not isinstance(ref, bool):
            return ref
        if is_digits(ref):
            named = [p for p in self.projects(workspace_id, name=ref) if p.get("name") == ref]
            return pick_one("project", ref, named)["id"] if named else int(ref.strip())
        project = require(
            "project",
            ref,
            self.find_project(workspace_id, ref),
            " in workspace %s" % workspace_id,
            # The API's answer to the name filter (its matching is its own: a near miss may be there).
            [project.get("name") for project in self.projects(workspace_id, name=ref)],
        )
        return project["id"]

    # -- a workspace by id, and its users ------------------------------------------------------

    def workspace(self, workspace_id):
        """One workspace by id (GET /workspaces/{id}), e.g. for its organization_id."""
        return self._once(
            ("workspace", int(workspace_id)),
            lambda: self.client.get("/workspaces/%s" % workspace_id, what="workspace %s" % workspace_id),
        )

    def organization_of_workspace(self, workspace_id, organization_ref=None):
        """The organization id of a workspace: ``organization_ref`` when the task gives it (an id
        costs nothing), else one read of the workspace."""
        if organization_ref is not None:
            return self.organization_id(organization_ref)
        return self.workspace(workspace_id)["organization_id"]

    def workspace_users(self, organization_id, workspace_id):
        """Every user of a workspace, direct or through a group, with email, user_id and the
        workspace user id (``id``). Asked without page/per_page, which the reference marks optional."""
        if isinstance(workspace_id, Pending):
            # A workspace an earlier task would create (check mode): nothing of it can be read,
            # and it has no members yet but its creator.
            return []
        # Swagger: 403 for a token whose user may not list them.
        return self._once(
            ("workspace_users", organization_id, workspace_id),
            lambda: self._admin_list(
                organization_id,
                "list the users of workspace %s" % workspace_id,
                lambda: self.client.get_list(
                    "/organizations/%s/workspaces/%s/workspace_users" % (organization_id, workspace_id),
                    what="users of workspace %s" % workspace_id,
                ),
            ),
        )

    def workspace_user(self, organization_id, workspace_id, ref):
        """The workspace user ``ref`` (email or user id) names, or a failure (with a "did you mean")."""
        return require(
            "user",
            ref,
            self.find_workspace_user(organization_id, workspace_id, ref),
            " in workspace %s" % workspace_id,
            [row.get("email") for row in self.workspace_users(organization_id, workspace_id)],
        )

    def find_workspace_user(self, organization_id, workspace_id, ref):
        """A workspace user by email (case-insensitive) or user id, or None."""
        users = self.workspace_users(organization_id, workspace_id)
        if is_id(ref):
            return pick_one("user", ref, [u for u in users if u.get("user_id") == int(ref)], "with id")
        wanted = ref.strip().casefold()
        return pick_one("user", ref, [u for u in users if (u.get("email") or "").casefold() == wanted], "with email")
