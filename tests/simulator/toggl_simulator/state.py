"""The simulator's state store, laid out like the API's resources.

One `State` holds every entity in dicts keyed by id, plus the few indexes that the API's
lookups need (organization user by (organization, user), workspace user by (workspace,
user)). Mutations that must keep several entities consistent (removing a member, group
access to workspaces) are methods here, so the route modules cannot forget half of them.

Thread safety: the whole state is guarded by `State.lock`; the app takes it around each API
request (see middleware.py), so handlers never see a half-applied change.
"""

import dataclasses
import threading
from dataclasses import dataclass, field
from datetime import datetime

from .clock import isoformat


@dataclass
class User:
    id: int
    email: str
    fullname: str
    api_token: str | None
    password: str | None = None
    focus_api_key: str | None = None
    timezone: str = "UTC"
    default_workspace_id: int | None = None
    created_at: datetime | None = None
    # True for accounts the simulator created for an invited, unknown e-mail; they cannot
    # log in until the invitation is accepted (POST /_sim/invitations/accept).
    pending: bool = False

    @property
    def display_name(self) -> str:
        return self.fullname or self.email


@dataclass
class Organization:
    id: int
    name: str
    plan: str
    owner_id: int
    created_at: datetime
    at: datetime
    max_workspaces: int
    api_quota: int | None = None  # per-user hourly budget override; None = the plan's


@dataclass
class OrganizationUser:
    """A user's membership of an organization; `id` is the organization_user id."""

    id: int
    organization_id: int
    user_id: int
    admin: bool = False
    inactive: bool = False
    joined: bool = True
    invitation_id: int | None = None
    labour_cost: float | None = None
    created_at: datetime | None = None

    @property
    def active_status(self) -> str:
        if not self.joined:
            return "invited"
        return "inactive" if self.inactive else "active"


@dataclass
class Invitation:
    id: int
    organization_id: int
    email: str
    recipient_id: int
    sender_id: int
    code: str
    workspaces: list[dict]
    group_ids: list[int]
    skip_email: bool
    created_at: datetime
    status: str = "pending"  # pending | accepted
    sent_count: int = 1


@dataclass
class Workspace:
    id: int
    organization_id: int
    name: str
    settings: dict
    te_constraints: dict
    created_at: datetime
    at: datetime
    working_hours_in_minutes: int | None = None


@dataclass
class WorkspaceUser:
    """A user's membership of a workspace; `id` is the workspace_user id.

    `direct` is False for rows that exist only because a group assigned to the workspace
    contains the user (the API's is_direct flag).
    """

    id: int
    workspace_id: int
    user_id: int
    role: str = "user"
    inactive: bool = False
    direct: bool = True
    working_hours_in_minutes: int | None = None
    view_edit_billable_rates: bool = False
    view_edit_labor_costs: bool = False
    created_at: datetime | None = None
    at: datetime | None = None


@dataclass
class Group:
    id: int
    organization_id: int
    name: str
    user_ids: list[int]
    workspace_ids: list[int]
    at: datetime
    emoji: str | None = None  # Focus-only: the Track API neither shows nor takes it
    ghosts: list[dict] = field(default_factory=list)  # Focus placeholder members: [{"id", "name"}]


@dataclass
class Project:
    id: int
    workspace_id: int
    name: str
    billable: bool = False
    is_private: bool = True
    active: bool = True
    color: str = "#06aaf5"
    estimated_hours: int | None = None
    fixed_fee: bool | float = False  # a number: the fixed fee amount; False: none


@dataclass
class Task:
    id: int
    workspace_id: int
    project_id: int
    name: str


@dataclass
class ProjectUser:
    id: int
    workspace_id: int
    project_id: int
    user_id: int


@dataclass
class ProjectGroup:
    id: int
    workspace_id: int
    project_id: int
    group_id: int


@dataclass
class Rate:
    id: int
    workspace_id: int
    level: str  # workspace | workspace_user | project | project_user | task
    level_id: int
    type: str  # billable_rates | labor_costs
    amount: float
    start: datetime
    end: datetime | None
    created_at: datetime
    updated_at: datetime
    creator_id: int | None
    rate_change_mode: str
    deleted_at: datetime | None = None


@dataclass
class TrackReminder:
    id: int
    workspace_id: int
    frequency: int
    threshold: float
    user_ids: list[int]
    group_ids: list[int]
    email_reminder_enabled: bool
    slack_reminder_enabled: bool
    created_at: datetime


@dataclass
class Alert:
    id: int
    workspace_id: int
    project_id: int | None
    source_kind: str
    threshold_type: str
    thresholds: list[int]
    receiver_roles: list[str]
    receiver_users: list[int]
    receiver_groups: list[int]
    created_at: datetime


class IdAllocator:
    """Hands out ids larger than every id seen so far (seeded ids are reserved first)."""

    def __init__(self) -> None:
        self._last = 0

    def reserve(self, entity_id: int) -> int:
        self._last = max(self._last, entity_id)
        return entity_id

    def next(self) -> int:
        self._last += 1
        return self._last


class State:
    def __init__(self, lock: "threading.RLock | None" = None) -> None:
        # The simulator passes its own lock so that it survives POST /_sim/reset.
        self.lock = lock or threading.RLock()
        self.ids = IdAllocator()
        self.users: dict[int, User] = {}
        self.organizations: dict[int, Organization] = {}
        self.organization_users: dict[int, OrganizationUser] = {}
        self.invitations: dict[int, Invitation] = {}
        self.workspaces: dict[int, Workspace] = {}
        self.workspace_users: dict[int, WorkspaceUser] = {}
        self.groups: dict[int, Group] = {}
        self.projects: dict[int, Project] = {}
        self.tasks: dict[int, Task] = {}
        self.project_users: dict[int, ProjectUser] = {}
        self.project_groups: dict[int, ProjectGroup] = {}
        self.rates: dict[int, Rate] = {}
        self.track_reminders: dict[int, TrackReminder] = {}
        self.alerts: dict[int, Alert] = {}
        # The organizations' audit log, oldest first (audit_log.py records it; not an API
        # object of its own, so not in to_dict(): GET /_sim/state shows it as "_audit_logs").
        self.audit_logs: list[dict] = []
        self._org_user_index: dict[tuple[int, int], OrganizationUser] = {}
        self._workspace_user_index: dict[tuple[int, int], WorkspaceUser] = {}

    # ----- users -------------------------------------------------------------------------

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def user_by_token(self, token: str) -> User | None:
        return next((u for u in self.users.values() if u.api_token and u.api_token == token), None)

    def user_by_focus_key(self, key: str) -> User | None:
        return next((u for u in self.users.values() if u.focus_api_key and u.focus_api_key == key), None)

    # ----- organizations and their members -----------------------------------------------

    def membership(self, organization_id: int, user_id: int) -> OrganizationUser | None:
        return self._org_user_index.get((organization_id, user_id))

    def members_of(self, organization_id: int) -> list[OrganizationUser]:
        return [m for m in self.organization_users.values() if m.organization_id == organization_id]

    def organizations_of(self, user_id: int, joined_only: bool = True) -> list[Organization]:
        orgs = []
        for (org_id, member_id), membership in self._org_user_index.items():
            if member_id == user_id and (membership.joined or not joined_only):
                orgs.append(self.organizations[org_id])
        return sorted(orgs, key=lambda o: o.id)

    def add_membership(self, membership: OrganizationUser) -> OrganizationUser:
        self.organization_users[membership.id] = membership
        self._org_user_index[(membership.organization_id, membership.user_id)] = membership
        return membership

    def is_org_admin(self, organization_id: int, user_id: int) -> bool:
        membership = self.membership(organization_id, user_id)
        return bool(membership and membership.joined and membership.admin)

    def remove_membership(self, membership: OrganizationUser) -> None:
        """Takes a user out of an organization and out of everything inside it."""
        org_id, user_id = membership.organization_id, membership.user_id
        for group in self.groups_of(org_id):
            if user_id in group.user_ids:
                group.user_ids.remove(user_id)
        for workspace in self.workspaces_of(org_id):
            row = self.workspace_user(workspace.id, user_id)
            if row:
                self._delete_workspace_user_row(row)
            for reminder in self.reminders_of(workspace.id):
                if user_id in reminder.user_ids:
                    reminder.user_ids.remove(user_id)
            for alert in self.alerts_of(workspace.id):
                if user_id in alert.receiver_users:
                    alert.receiver_users.remove(user_id)
        for invitation in self.invitations.values():
            if invitation.organization_id == org_id and invitation.recipient_id == user_id:
                invitation.status = "revoked" if invitation.status == "pending" else invitation.status
        del self.organization_users[membership.id]
        del self._org_user_index[(org_id, user_id)]

    # ----- workspaces and their members --------------------------------------------------

    def workspaces_of(self, organization_id: int) -> list[Workspace]:
        return sorted(
            (w for w in self.workspaces.values() if w.organization_id == organization_id),
            key=lambda w: w.id,
        )

    def workspace_user(self, workspace_id: int, user_id: int) -> WorkspaceUser | None:
        return self._workspace_user_index.get((workspace_id, user_id))

    def users_of_workspace(self, workspace_id: int) -> list[WorkspaceUser]:
        return sorted(
            (row for (ws_id, _user_id), row in self._workspace_user_index.items() if ws_id == workspace_id),
            key=lambda row: row.id,
        )

    def add_workspace_user(
        self, workspace_id: int, user_id: int, role: str, now: datetime, direct: bool = True
    ) -> WorkspaceUser:
        """Adds a user to a workspace, or marks an existing (group-only) row as direct."""
        row = self.workspace_user(workspace_id, user_id)
        if row:
            row.direct = row.direct or direct
            return row
        row = WorkspaceUser(
            id=self.ids.next(),
            workspace_id=workspace_id,
            user_id=user_id,
            role=role,
            direct=direct,
            created_at=now,
            at=now,
        )
        self.insert_workspace_user(row)
        return row

    def insert_workspace_user(self, row: WorkspaceUser) -> None:
        self.workspace_users[row.id] = row
        self._workspace_user_index[(row.workspace_id, row.user_id)] = row

    def remove_workspace_user(self, row: WorkspaceUser) -> None:
        """Removes a direct membership; a user still reached through a group stays, indirect."""
        row.direct = False
        if row.workspace_id not in self.group_workspace_ids_for_user(row.user_id):
            self._delete_workspace_user_row(row)

    def _delete_workspace_user_row(self, row: WorkspaceUser) -> None:
        del self.workspace_users[row.id]
        del self._workspace_user_index[(row.workspace_id, row.user_id)]

    def is_workspace_admin(self, workspace_id: int, user_id: int) -> bool:
        row = self.workspace_user(workspace_id, user_id)
        return bool(row and row.role == "admin" and not row.inactive)

    # ----- groups --------------------------------------------------------------------------

    def groups_of(self, organization_id: int) -> list[Group]:
        return [g for g in self.groups.values() if g.organization_id == organization_id]

    def group_ids_of_user_in_workspace(self, workspace_id: int, user_id: int) -> list[int]:
        return sorted(g.id for g in self.groups.values() if workspace_id in g.workspace_ids and user_id in g.user_ids)

    def group_workspace_ids_for_user(self, user_id: int) -> set[int]:
        return {ws_id for g in self.groups.values() if user_id in g.user_ids for ws_id in g.workspace_ids}

    def sync_group_access(self, organization_id: int, now: datetime) -> None:
        """Makes workspace memberships match the organization's groups.

        A user in a group assigned to a workspace is a member of it (an indirect row when
        not added directly); an indirect row whose group access has gone is removed.
        """
        granted: set[tuple[int, int]] = set()
        for group in self.groups_of(organization_id):
            for ws_id in group.workspace_ids:
                for user_id in group.user_ids:
                    granted.add((ws_id, user_id))
        for ws_id, user_id in sorted(granted):
            if not self.workspace_user(ws_id, user_id):
                self.add_workspace_user(ws_id, user_id, "user", now, direct=False)
        for workspace in self.workspaces_of(organization_id):
            for row in self.users_of_workspace(workspace.id):
                if not row.direct and (row.workspace_id, row.user_id) not in granted:
                    self._delete_workspace_user_row(row)

    def delete_group(self, group: Group, now: datetime) -> None:
        del self.groups[group.id]
        for link in [pg for pg in self.project_groups.values() if pg.group_id == group.id]:
            del self.project_groups[link.id]
        for reminder in self.track_reminders.values():
            if group.id in reminder.group_ids:
                reminder.group_ids.remove(group.id)
        for alert in self.alerts.values():
            if group.id in alert.receiver_groups:
                alert.receiver_groups.remove(group.id)
        self.sync_group_access(group.organization_id, now)

    # ----- workspace content ---------------------------------------------------------------

    def projects_of(self, workspace_id: int) -> list[Project]:
        return [p for p in self.projects.values() if p.workspace_id == workspace_id]

    def reminders_of(self, workspace_id: int) -> list[TrackReminder]:
        return sorted(
            (r for r in self.track_reminders.values() if r.workspace_id == workspace_id),
            key=lambda r: r.id,
        )

    def alerts_of(self, workspace_id: int) -> list[Alert]:
        return sorted((a for a in self.alerts.values() if a.workspace_id == workspace_id), key=lambda a: a.id)

    # ----- dump ----------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The whole state as JSON-ready data (GET /_sim/state)."""
        collections = {
            "users": self.users,
            "organizations": self.organizations,
            "organization_users": self.organization_users,
            "invitations": self.invitations,
            "workspaces": self.workspaces,
            "workspace_users": self.workspace_users,
            "groups": self.groups,
            "projects": self.projects,
            "tasks": self.tasks,
            "project_users": self.project_users,
            "project_groups": self.project_groups,
            "rates": self.rates,
            "track_reminders": self.track_reminders,
            "alerts": self.alerts,
        }
        return {
            name: [_jsonable(dataclasses.asdict(item)) for _item_id, item in sorted(items.items())]
            for name, items in collections.items()
        }


def _jsonable(value):
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value
