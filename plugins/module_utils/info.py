# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side of the info modules: what each subset reads, and the shape it returns.

Each subset sends only its own requests (the modules document them), so ``gather_subset``
is what a task costs. The identity (the organization or workspace itself) costs nothing when
given by id; a name is resolved through ``/me/...`` (the 30 requests/hour user quota), and
the object that resolution returns is reused where a subset would read it again.

Focus subsets (``focus_*``) read the Toggl Focus API with its own key. They are gathered only
when named: ``all`` stays what the Track key alone can read, at the Track cost.

Members are reshaped for access reviews (who has which access and in which state): every
member carries ``status`` (``joined``, ``invited``, ``inactive``) from the one derivation in
``references.membership_status``. Other subsets return the API's objects without secrets.

Sources: every Track request here is one the 2026 Swagger lists, with its query names
(``includeIndirect`` on ``/workspaces/{id}/workspace_users``, ``type`` on the rates read,
``page``/``per_page`` on ``/organizations/{id}/users``, ``export`` and the filters on
``/audit_logs/{organization_id}/{from}/{to}``); the Focus requests follow the Focus
pages, the Swagger not covering that API. Lists only admins may read (Swagger: 403 "User is not
authorized to list the organization users") fail naming the right, through the Resolver.
"""

import re
from datetime import datetime, timedelta, timezone

from ansible_collections.trackops.toggl.plugins.module_utils.client import require_focus_key
from ansible_collections.trackops.toggl.plugins.module_utils.engine import scrub
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglPermissionError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id, membership_status

ALL = "all"
EXCLUDE = "!"
# Focus lists are read at this page size: one request per 200 teams or users.
FOCUS_PER_PAGE = 200

# The audit log (``audit_log`` subset). Swagger: GET /audit_logs/{organization_id}/{from}/{to},
# ``from``/``to`` "datetime in RFC3339 format", query ``export`` ("returns all audit logs without
# pagination") and the filters below; 403 "User does not have access to the audit logs". Toggl's
# support article "Audit Log": Premium and Enterprise plans only, organization admins, data kept
# 1 year - so the window is at most 365 days.
AUDIT_LOG_DEFAULT_DAYS = 30
AUDIT_LOG_MAX_DAYS = 365
AUDIT_LOG_INT_FILTERS = ("workspace_id", "entity_id", "user_id")
AUDIT_LOG_TEXT_FILTERS = ("entity_type", "action")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")


def parse_moment(option, value):
    """An RFC 3339 date-time (or a plain date, taken as its midnight UTC) as an aware UTC datetime."""
    text = str(value).strip()
    if _DATE_ONLY.match(text):
        text += "T00:00:00Z"
    if not _RFC3339.match(text):
        raise TogglValidationError(option, "must be an RFC 3339 date-time such as 2026-03-01T00:00:00Z, or a date")
    text = text.replace(" ", "T").replace("t", "T")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    elif re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TogglValidationError(option, "is not a valid date-time: %r" % value) from None
    return moment.astimezone(timezone.utc)


def rfc3339(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit_log_filters(filters):
    """The ``audit_log_filters`` option as the Swagger's query (validated, no request)."""
    query = {}
    for name, value in (filters or {}).items():
        if value is None:
            continue
        if name in AUDIT_LOG_INT_FILTERS:
            if isinstance(value, bool) or not str(value).strip().isdigit():
                raise TogglValidationError("audit_log_filters", "%s must be a numeric id, got %r" % (name, value))
            query[name] = int(str(value).strip())
        elif name in AUDIT_LOG_TEXT_FILTERS:
            if not str(value).strip():
                raise TogglValidationError("audit_log_filters", "%s must not be empty" % name)
            query[name] = str(value).strip()
        else:
            raise TogglValidationError(
                "audit_log_filters",
                "unknown filter %r; choose from %s" % (name, ", ".join(AUDIT_LOG_INT_FILTERS + AUDIT_LOG_TEXT_FILTERS)),
            )
    return query


def select_subsets(requested, valid, option="gather_subset", named_only=()):
    """The subsets to gather, in ``valid`` order, following Ansible's ``gather_subset`` rules.

    ``all`` adds every subset, ``!name`` excludes one and ``!all`` every one; with exclusions
    only, the rest of ``all`` is gathered; a subset named explicitly wins over an exclusion
    (``[!all, users]`` is users alone). Unlike ``setup``, an unknown exclusion fails too: a
    typo must not silently gather (and pay for) everything else, and an empty list fails
    instead of meaning ``all``. Subsets in ``named_only`` are gathered only when named (``all``
    and exclusions-only leave them out).
    """
    if not requested:
        raise TogglValidationError(option, "is empty; name the subsets to gather, %s, or !all for none" % ALL)
    added, excluded, named = set(), set(), set()
    for entry in requested:
        word = (entry or "").strip()
        exclude = word.startswith(EXCLUDE)
        name = word[len(EXCLUDE) :].strip() if exclude else word
        if name == ALL:
            names = set(valid)
        elif name in valid or name in named_only:
            names = {name}
        else:
            only_named = "; named only, not part of %s: %s" % (ALL, ", ".join(named_only)) if named_only else ""
            raise TogglValidationError(
                option,
                "unknown subset %r; choose from %s (prefix one with %s to exclude it)%s"
                % (entry, ", ".join((ALL,) + tuple(valid)), EXCLUDE, only_named),
            )
        if exclude:
            excluded |= names
        else:
            added |= names
            if name != ALL:
                named |= names
    chosen = (added or set(valid)) - (excluded - named)
    return [name for name in tuple(valid) + tuple(named_only) if name in chosen]


# -- shapes shared by both modules ----------------------------------------------------------


def group_names(groups):
    return [group.get("name") for group in groups or []]


def organization_user_view(user):
    """An organization member as an access review reads it (``GET /organizations/{id}/users``)."""
    return {
        "user_id": user.get("user_id"),
        "organization_user_id": user.get("id"),
        "email": user.get("email"),
        "name": user.get("name"),
        "status": membership_status(user.get("joined"), user.get("inactive")),
        "admin": bool(user.get("admin")),
        "owner": bool(user.get("owner")),
        "role_id": user.get("role_id"),
        "two_factor_enabled": user.get("2fa_enabled"),
        "groups": group_names(user.get("groups")),
        "workspaces": [organization_user_workspace_view(user, ws) for ws in user.get("workspaces") or []],
    }


def organization_user_workspace_view(user, workspace):
    # A workspace row is "active" once the person accepted; deactivation can come from the
    # workspace row or the whole organization membership (the API folds both into inactive).
    joined = workspace.get("active", user.get("joined"))
    return {
        "workspace_id": workspace.get("workspace_id"),
        "name": workspace.get("workspace_name"),
        "workspace_user_id": workspace.get("workspace_user_id"),
        "role": workspace.get("role"),
        "role_id": workspace.get("role_id"),
        "status": membership_status(joined, workspace.get("inactive")),
        "rate": workspace.get("rate"),
        "labor_cost": workspace.get("cost"),
        "working_hours": workspace.get("working_hours"),
        "view_edit_billable_rates": workspace.get("view_edit_billable_rates"),
        "view_edit_labor_costs": workspace.get("view_edit_labor_costs"),
        "groups": group_names(workspace.get("groups")),
    }


def workspace_user_view(row):
    """A workspace member (``GET /workspaces/{id}/workspace_users``), direct or through a group."""
    return {
        # The workspace-scoped list names the person in uid; user_id is documented for the
        # organization-scoped list only, so take whichever the answer carries.
        "user_id": row.get("user_id") if row.get("user_id") is not None else row.get("uid"),
        "workspace_user_id": row.get("id"),
        "email": row.get("email"),
        "name": row.get("name"),
        "status": membership_status(row.get("active"), row.get("inactive")),
        "role": row.get("role"),
        "role_id": row.get("role_id"),
        "organization_admin": bool(row.get("organization_admin")),
        "direct": row.get("is_direct"),
        "group_ids": list(row.get("group_ids") or []),
        "rate": row.get("rate"),
        "labor_cost": row.get("labor_cost"),
        "working_hours_in_minutes": row.get("working_hours_in_minutes"),
        "view_edit_billable_rates": row.get("view_edit_billable_rates"),
        "view_edit_labor_costs": row.get("view_edit_labor_costs"),
    }


def group_view(group):
    """A group as the API lists it, each member with ``status``."""
    view = scrub(group)
    view["users"] = [
        dict(member, status=membership_status(member.get("joined"), member.get("inactive")))
        for member in view.get("users") or []
    ]
    return view


# -- the two info descriptions ---------------------------------------------------------------


class Info:
    """Base of a read-only description: validate, resolve the identity, gather the subsets.

    Subclasses set ``kind`` (the result key), ``subsets`` (ordered: a subset may reuse what an
    earlier one read) and implement ``resolve``, ``identity`` and ``gather_<subset>``.
    """

    kind = "object"
    subsets = ()
    named_subsets = ()  # gathered only when named, e.g. those needing another API's key

    def __init__(self, params, client, resolver):
        self.params = params
        self.client = client
        self.resolver = resolver
        self.selected = []

    def validate(self):
        """Local checks only: no request is sent before every option is known to be usable."""
        self.selected = select_subsets(self.params.get("gather_subset"), self.subsets, named_only=self.named_subsets)

    def gather(self):
        """The result keys: the object (identity plus a key per gathered subset) and the subsets."""
        self.resolve()
        gathered = [(name, getattr(self, "gather_" + name)()) for name in self.selected]
        facts = self.identity()
        facts.update(gathered)
        return {self.kind: facts, "gathered_subsets": list(self.selected)}

    def resolve(self):
        raise NotImplementedError

    def identity(self):
        raise NotImplementedError


class OrganizationInfo(Info):
    kind = "organization"
    subsets = ("details", "users", "groups", "workspace_statistics", "roles")
    named_subsets = ("focus_roles", "focus_teams", "focus_users")
    # Gathered only when named too, so that ``all`` keeps its cost and works on every plan; taken
    # out before select_subsets so that its messages stay those of the Track and Focus subsets.
    AUDIT_LOG = "audit_log"
    # The token's own user (GET /me, on the user-level quota): only when named, like audit_log.
    TOKEN_USER = "token_user"

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.id = None
        self.name = None
        self.workspace_ids = None  # from workspace_statistics, when gathered
        self.audit_window = (None, None)  # (from, to) as given; None: worked out when read
        self.audit_days = AUDIT_LOG_DEFAULT_DAYS
        self.audit_query = {}
        self.warnings = []

    def validate(self):
        ref = self.params.get("organization")
        if ref is None or not str(ref).strip():
            raise TogglValidationError("organization", "must be an organization name or id")
        requested = list(self.params.get("gather_subset") or [])
        own = (self.AUDIT_LOG, self.TOKEN_USER)
        wanted = [entry for entry in requested if (entry or "").strip() == self.AUDIT_LOG]
        token_user = any((entry or "").strip() == self.TOKEN_USER for entry in requested)
        # "!audit_log" excludes what is never gathered unless named: nothing to do.
        rest = [entry for entry in requested if (entry or "").strip().lstrip(EXCLUDE).strip() not in own]
        if rest:
            self.selected = select_subsets(rest, self.subsets, named_only=self.named_subsets)
        elif wanted or token_user:
            self.selected = []  # audit_log or token_user alone
        elif requested:
            self.selected = select_subsets([ALL], self.subsets)  # exclusions only: the rest of all
        else:
            self.selected = select_subsets(requested, self.subsets)  # empty: its own message
        if token_user:
            self.selected.append(self.TOKEN_USER)
        if wanted:
            # Last: its window ends at the API's clock, which the answers before it tell.
            self.selected.append(self.AUDIT_LOG)
        focus = [name for name in self.selected if name in self.named_subsets]
        if focus:
            require_focus_key(self.client, "gather_subset %s: read through the Toggl Focus API" % ", ".join(focus))
        workspace = self.params.get("focus_workspace")
        if workspace is not None and not str(workspace).strip():
            raise TogglValidationError("focus_workspace", "must be a workspace name or id")
        if self.AUDIT_LOG in self.selected:
            self.validate_audit_log()

    def validate_audit_log(self):
        days = self.params.get("audit_log_days")
        days = AUDIT_LOG_DEFAULT_DAYS if days is None else days
        if not 1 <= days <= AUDIT_LOG_MAX_DAYS:
            raise TogglValidationError(
                "audit_log_days", "must be from 1 to %d (Toggl keeps the audit log 1 year)" % AUDIT_LOG_MAX_DAYS
            )
        self.audit_days = days
        start, end = self.params.get("audit_log_from"), self.params.get("audit_log_to")
        start = parse_moment("audit_log_from", start) if start not in (None, "") else None
        end = parse_moment("audit_log_to", end) if end not in (None, "") else None
        if start is not None and end is not None and start > end:
            raise TogglValidationError("audit_log_from", "is after audit_log_to")
        self.audit_window = (start, end)
        self.audit_query = audit_log_filters(self.params.get("audit_log_filters"))

    def gather(self):
        facts = super().gather()
        # The API's clock (the Date header of its last answer): when the data was read.
        facts["server_time"] = self.client.server_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.warnings:
            facts["warnings"] = list(self.warnings)
        return facts

    def gather_token_user(self):
        """Swagger: GET /me (models.Me): whose token read this, for evidence (one request on the
        user-level quota of 30 per hour)."""
        me = self.resolver.me()
        return {"id": me.get("id"), "email": me.get("email"), "fullname": me.get("fullname")}

    def resolve(self):
        ref = self.params["organization"]
        if is_id(ref):
            self.id = int(ref)
            return
        found = self.resolver.named_organization(ref)
        self.id, self.name = found["id"], found.get("name")

    def identity(self):
        facts = {"id": self.id}
        if self.name is not None:
            facts["name"] = self.name
        return facts

    def gather_details(self):
        # The Resolver takes it from /me/organizations when the name lookup read them (the same
        # object as GET /organizations/{id}), so by name this costs nothing.
        details = self.resolver.organization(self.id)
        self.name = details.get("name")
        return scrub(details)

    def gather_users(self):
        return [organization_user_view(user) for user in self.resolver.organization_users(self.id)]

    def gather_groups(self):
        return [group_view(group) for group in self.resolver.groups(self.id)]

    def gather_workspace_statistics(self):
        statistics = self.client.get(
            "/organizations/%s/workspaces/statistics" % self.id, what="workspaces of organization %s" % self.id
        )
        self.workspace_ids = sorted(int(ws_id) for ws_id in statistics or {})
        # The API keys the map by workspace id; a list sorted by id loops and filters better.
        return [
            dict(scrub(values), workspace_id=int(ws_id))
            for ws_id, values in sorted((statistics or {}).items(), key=lambda item: int(item[0]))
        ]

    def gather_roles(self):
        return scrub(
            self.client.get_list("/organizations/%s/roles" % self.id, what="roles of organization %s" % self.id)
        )

    def audit_log_window(self):
        """(from, to): the options, else ``to`` the end of the API's current minute (its clock,
        from the newest answer's Date header, else the controller's) and ``from`` that minus
        ``audit_log_days``."""
        start, end = self.audit_window
        if end is None:
            now = self.client.server_now()
            end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        if start is None:
            start = end - timedelta(days=self.audit_days)
        return start, end

    def gather_audit_log(self):
        """Swagger: one GET /audit_logs/{organization_id}/{from}/{to} with ``export=true`` (every
        entry of the window, no pagination), so the subset costs one request however long the
        log. A 403 (Swagger: "User does not have access to the audit logs"; a plan without it,
        or a token whose user is no organization admin) is no failure: the subset says
        ``available: false`` with the API's message, and the task warns."""
        start, end = self.audit_log_window()
        found = {"from": rfc3339(start), "to": rfc3339(end), "filters": dict(self.audit_query)}
        query = dict(self.audit_query, export="true")
        try:
            entries = self.client.get_list(
                "/audit_logs/%s/%s/%s" % (self.id, found["from"], found["to"]),
                params=query,
                what="audit log of organization %s" % self.id,
            )
        except TogglPermissionError as error:
            message = error.api_message or str(error)
            self.warnings.append(
                "audit_log: Toggl refused the audit log of organization %s (%s); it is on the Premium and "
                "Enterprise plans, for organization admins" % (self.id, message)
            )
            return dict(found, available=False, message=message, entries=[])
        return dict(found, available=True, entries=scrub(entries))

    # -- Focus -----------------------------------------------------------------------------

    def focus_workspace_id(self):
        """The workspace Focus checks the teams permission in: ``focus_workspace``, else the
        organization's first workspace (from workspace_statistics when gathered, else /me/workspaces)."""
        ref = self.params.get("focus_workspace")
        if ref is not None:
            return self.resolver.workspace_id(ref, self.id)
        ids = self.workspace_ids
        if not ids:
            ids = sorted(ws.get("id") for ws in self.resolver.my_workspaces() if ws.get("organization_id") == self.id)
        if not ids:
            raise TogglReferenceError(
                "focus_teams: the Focus teams list needs a workspace of organization %s (focus_workspace), "
                "and the token's user sees none" % self.id
            )
        return ids[0]

    def gather_focus_roles(self):
        return scrub(
            self.client.get_list(
                "/organizations/%s/roles" % self.id, what="Focus roles of organization %s" % self.id, service="focus"
            )
        )

    def gather_focus_teams(self):
        return scrub(
            self.client.paginate(
                "/organizations/%s/teams" % self.id,
                params={"workspace_id": self.focus_workspace_id()},
                per_page=FOCUS_PER_PAGE,
                what="Focus teams of organization %s" % self.id,
                service="focus",
            )
        )

    def gather_focus_users(self):
        return scrub(
            self.client.paginate(
                "/organizations/%s/users" % self.id,
                params={"include_rates": "true", "include_working_hours": "true"},
                per_page=FOCUS_PER_PAGE,
                what="Focus users of organization %s" % self.id,
                service="focus",
            )
        )


class WorkspaceInfo(Info):
    kind = "workspace"
    subsets = (
        # settings first: groups needs the organization id, which the workspace object gives.
        "settings",
        "users",
        "groups",
        "reminders",
        "alerts",
        "rates",
        "time_entry_constraints",
        "statistics",
    )
    # Keys of /me/workspaces that GET /workspaces/{id} lacks: dropped, so settings have one
    # shape whichever way the workspace was identified.
    LIST_ONLY_KEYS = ("active_project_count",)
    RATE_TYPES = (("billable", "billable_rates"), ("labor", "labor_costs"))

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.id = None
        self.organization_id = None
        self.workspace = None  # the workspace object, once read

    def validate(self):
        ref = self.params.get("workspace")
        if ref is None or not str(ref).strip():
            raise TogglValidationError("workspace", "must be a workspace name or id")
        super().validate()

    def resolve(self):
        ref = self.params["workspace"]
        organization = self.params.get("organization")
        if is_id(ref):
            self.id = int(ref)
            # With a workspace id only an organization id is taken: it saves the workspace
            # read that organization-scoped subsets need; a name would cost a /me request.
            if organization is not None and is_id(organization):
                self.organization_id = int(organization)
            return
        organization_id = None if organization is None else self.resolver.organization_id(organization)
        # /me/workspaces returns whole workspaces: the one found is the settings subset too.
        self.workspace = self.resolver.named_workspace(ref, organization_id)
        self.id = self.workspace["id"]
        self.organization_id = self.workspace.get("organization_id", organization_id)

    def identity(self):
        facts = {"id": self.id}
        if self.workspace is not None:
            facts["name"] = self.workspace.get("name")
        if self.organization_id is not None:
            facts["organization_id"] = self.organization_id
        return facts

    def read_workspace(self):
        if self.workspace is None:
            self.workspace = self.resolver.workspace(self.id)
            found_in = self.workspace.get("organization_id")
            if self.organization_id is not None and found_in != self.organization_id:
                raise TogglReferenceError(
                    "workspace %s is in organization %s, not in organization %s"
                    % (self.id, found_in, self.organization_id)
                )
            self.organization_id = found_in
        return self.workspace

    def require_organization_id(self):
        if self.organization_id is None:
            self.read_workspace()
        return self.organization_id

    def gather_settings(self):
        settings = scrub(self.read_workspace())
        for key in self.LIST_ONLY_KEYS:
            settings.pop(key, None)
        return settings

    def gather_users(self):
        # The workspace-scoped list (Swagger) rather than the organization-scoped one behind
        # Resolver.workspace_users: it needs no organization id (so no workspace read for a
        # workspace given by id) and documents no paging, where the other one pages optionally.
        rows = self.client.get_list(
            "/workspaces/%s/workspace_users" % self.id,
            params={"includeIndirect": "true"},
            what="users of workspace %s" % self.id,
        )
        return [workspace_user_view(row) for row in rows]

    def gather_groups(self):
        organization_id = self.require_organization_id()
        groups = self.client.get_list(
            "/organizations/%s/workspaces/%s/groups" % (organization_id, self.id),
            what="groups of workspace %s" % self.id,
        )
        return [group_view(group) for group in groups]

    def gather_reminders(self):
        return scrub(
            self.client.get_list("/workspaces/%s/track_reminders" % self.id, what="reminders of workspace %s" % self.id)
        )

    def gather_alerts(self):
        return scrub(self.client.get_list("/workspaces/%s/alerts" % self.id, what="alerts of workspace %s" % self.id))

    def gather_rates(self):
        """Workspace-level rate periods by type, or None where the plan has no rates (Free)."""
        rates = {}
        for label, api_type in self.RATE_TYPES:
            try:
                periods = self.client.get_list(
                    "/workspaces/%s/rates/workspace/%s" % (self.id, self.id),
                    params={"type": api_type},
                    what="rates of workspace %s" % self.id,
                )
            except TogglApiError as error:
                if error.status == 402 and not error.quota_exhausted:
                    # A paid-plan feature: the first refusal answers for every type.
                    return None
                raise
            rates[label] = scrub(periods)
        return rates

    def gather_time_entry_constraints(self):
        return scrub(
            self.client.get(
                "/workspaces/%s/time_entry_constraints" % self.id,
                what="time entry constraints of workspace %s" % self.id,
            )
        )

    def gather_statistics(self):
        return scrub(
            self.client.get("/workspaces/%s/statistics" % self.id, what="statistics of workspace %s" % self.id)
        )
