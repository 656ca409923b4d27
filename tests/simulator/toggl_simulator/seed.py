"""Builds a State from a seed (the JSON format in SIMULATOR.md, plus the documented extras).

Seeded ids are kept. All of them are reserved before anything is allocated, so every id the
simulator hands out afterwards is larger than every seeded id.
"""

import json
import secrets
from datetime import datetime
from pathlib import Path

from . import catalog, rate_history
from .clock import parse_timestamp
from .state import (
    Alert,
    Group,
    Invitation,
    Organization,
    OrganizationUser,
    Project,
    ProjectGroup,
    ProjectUser,
    Rate,
    State,
    Task,
    TrackReminder,
    User,
    Workspace,
)

DEMO_SEED_PATH = Path(__file__).with_name("demo_seed.json")


class SeedError(ValueError):
    """The seed is not usable; the message says which entry and why."""


def load_demo_seed() -> dict:
    return json.loads(DEMO_SEED_PATH.read_text(encoding="utf-8"))


def build_state(seed: dict | None, now: datetime, lock=None) -> State:
    """A fresh State from `seed` (the built-in demo state when None)."""
    if seed is None:
        seed = load_demo_seed()
    if not isinstance(seed, dict):
        raise SeedError("the seed must be a JSON object with 'users' and 'organizations'")
    try:
        return _SeedLoader(seed, now, lock).load()
    except SeedError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A malformed optional entry (a rate without "level", a bad date...).
        raise SeedError(f"malformed seed entry: {error!r}") from error


class _SeedLoader:
    def __init__(self, seed: dict, now: datetime, lock) -> None:
        self.seed = seed
        self.now = now
        self.state = State(lock)

    def load(self) -> State:
        users = _list(self.seed, "users", "seed")
        organizations = _list(self.seed, "organizations", "seed")
        self._reserve_ids(self.seed)
        for entry in users:
            self._load_user(entry)
        for entry in organizations:
            self._load_organization(entry)
        for user in self.state.users.values():
            if user.default_workspace_id is None:
                user.default_workspace_id = self._first_workspace_of(user.id)
        return self.state

    def _reserve_ids(self, node) -> None:
        """Walks the whole seed and reserves every explicit "id"."""
        if isinstance(node, dict):
            if isinstance(node.get("id"), int):
                self.state.ids.reserve(node["id"])
            for value in node.values():
                self._reserve_ids(value)
        elif isinstance(node, list):
            for item in node:
                self._reserve_ids(item)

    def _load_user(self, entry: dict) -> None:
        user_id = _required_int(entry, "id", "users[]")
        email = _required_str(entry, "email", f"user {user_id}")
        if user_id in self.state.users:
            raise SeedError(f"user id {user_id} appears twice")
        if self.state.user_by_email(email):
            raise SeedError(f"user e-mail {email!r} appears twice")
        self.state.users[user_id] = User(
            id=user_id,
            email=email,
            fullname=entry.get("fullname", ""),
            api_token=entry.get("api_token"),
            password=entry.get("password"),
            focus_api_key=entry.get("focus_api_key"),
            timezone=entry.get("timezone", "UTC"),
            default_workspace_id=entry.get("default_workspace_id"),
            created_at=self.now,
        )

    def _require_user(self, user_id, where: str) -> User:
        if not isinstance(user_id, int) or user_id not in self.state.users:
            raise SeedError(f"{where}: unknown user id {user_id!r}")
        return self.state.users[user_id]

    def _load_organization(self, entry: dict) -> None:
        org_id = _required_int(entry, "id", "organizations[]")
        where = f"organization {org_id}"
        if org_id in self.state.organizations:
            raise SeedError(f"organization id {org_id} appears twice")
        plan = entry.get("plan", "free")
        if plan not in catalog.PLANS:
            raise SeedError(f"{where}: plan must be one of {', '.join(catalog.PLANS)}")
        owner = self._require_user(entry.get("owner"), f"{where} owner")
        org = Organization(
            id=org_id,
            name=_required_str(entry, "name", where),
            plan=plan,
            owner_id=owner.id,
            created_at=self.now,
            at=self.now,
            max_workspaces=entry.get("max_workspaces", catalog.DEFAULT_MAX_WORKSPACES),
            api_quota=entry.get("api_quota"),
        )
        self.state.organizations[org_id] = org

        invited_user_ids = []
        for member in _list(entry, "users", where):
            user = self._require_user(member.get("user_id"), f"{where} users[]")
            if self.state.membership(org_id, user.id):
                raise SeedError(f"{where}: user {user.id} listed twice")
            invited = bool(member.get("invited", False))
            self.state.add_membership(
                OrganizationUser(
                    id=member.get("id") or self.state.ids.next(),
                    organization_id=org_id,
                    user_id=user.id,
                    admin=bool(member.get("admin", False)) or user.id == owner.id,
                    inactive=bool(member.get("inactive", False)),
                    joined=not invited,
                    labour_cost=member.get("labour_cost"),
                    created_at=self.now,
                )
            )
            if invited:
                invited_user_ids.append(user.id)
        if not self.state.membership(org_id, owner.id):
            self.state.add_membership(
                OrganizationUser(
                    id=self.state.ids.next(),
                    organization_id=org_id,
                    user_id=owner.id,
                    admin=True,
                    created_at=self.now,
                )
            )

        for ws_entry in _list(entry, "workspaces", where):
            self._load_workspace(org, ws_entry)
        for group_entry in _list(entry, "groups", where):
            self._load_group(org, group_entry)
        for ws_entry in _list(entry, "workspaces", where):
            self._load_workspace_content(ws_entry)
        for user_id in invited_user_ids:
            self._create_seeded_invitation(org, user_id)
        self.state.sync_group_access(org_id, self.now)

    def _load_workspace(self, org: Organization, entry: dict) -> None:
        ws_id = _required_int(entry, "id", f"organization {org.id} workspaces[]")
        where = f"workspace {ws_id}"
        if ws_id in self.state.workspaces:
            raise SeedError(f"workspace id {ws_id} appears twice")
        settings = dict(catalog.WORKSPACE_SETTING_DEFAULTS)
        for key in settings:
            if key in entry:
                settings[key] = entry[key]
        te_constraints = dict(catalog.TIME_ENTRY_CONSTRAINT_DEFAULTS)
        te_constraints.update(entry.get("time_entry_constraints") or {})
        workspace = Workspace(
            id=ws_id,
            organization_id=org.id,
            name=_required_str(entry, "name", where),
            settings=settings,
            te_constraints=te_constraints,
            created_at=self.now,
            at=self.now,
            working_hours_in_minutes=entry.get("working_hours_in_minutes"),
        )
        self.state.workspaces[ws_id] = workspace
        if entry.get("default_hourly_rate"):
            self._seed_rate(ws_id, "workspace", ws_id, rate_history.BILLABLE, entry["default_hourly_rate"])

        for member in _list(entry, "users", where):
            user = self._require_user(member.get("user_id"), f"{where} users[]")
            if not self.state.membership(org.id, user.id):
                # A workspace member is an organization member; the seed may skip listing it.
                self.state.add_membership(
                    OrganizationUser(
                        id=self.state.ids.next(),
                        organization_id=org.id,
                        user_id=user.id,
                        created_at=self.now,
                    )
                )
            role = member.get("role", "user")
            if role not in catalog.WORKSPACE_ROLE_IDS:
                raise SeedError(f"{where}: role must be one of {', '.join(catalog.WORKSPACE_ROLE_IDS)}")
            row = self.state.add_workspace_user(ws_id, user.id, role, self.now)
            if member.get("id"):
                self.state.workspace_users.pop(row.id)
                row.id = member["id"]
                self.state.insert_workspace_user(row)
            row.inactive = bool(member.get("inactive", False))
            row.working_hours_in_minutes = member.get("working_hours_in_minutes")
            row.view_edit_billable_rates = bool(member.get("view_edit_billable_rates", False))
            row.view_edit_labor_costs = bool(member.get("view_edit_labor_costs", False))
            if member.get("rate") is not None:
                self._seed_rate(ws_id, "workspace_user", row.id, rate_history.BILLABLE, member["rate"])
            if member.get("labor_cost") is not None:
                self._seed_rate(ws_id, "workspace_user", row.id, rate_history.LABOR, member["labor_cost"])

        for project_entry in _list(entry, "projects", where):
            self._load_project(workspace, project_entry)

    def _load_project(self, workspace: Workspace, entry: dict) -> None:
        project_id = _required_int(entry, "id", f"workspace {workspace.id} projects[]")
        where = f"project {project_id}"
        self.state.projects[project_id] = Project(
            id=project_id,
            workspace_id=workspace.id,
            name=_required_str(entry, "name", where),
            billable=bool(entry.get("billable", False)),
            is_private=bool(entry.get("is_private", True)),
            active=bool(entry.get("active", True)),
            color=entry.get("color", "#06aaf5"),
            estimated_hours=entry.get("estimated_hours"),
            # A number is the fixed fee amount (Swagger: a number); true/false as the pages had it.
            fixed_fee=_fixed_fee(entry.get("fixed_fee", False)),
        )
        for task in _list(entry, "tasks", where):
            task_id = _required_int(task, "id", f"{where} tasks[]")
            self.state.tasks[task_id] = Task(
                task_id, workspace.id, project_id, _required_str(task, "name", f"task {task_id}")
            )
        for member in _list(entry, "users", where):
            user = self._require_user(member.get("user_id"), f"{where} users[]")
            link_id = member.get("id") or self.state.ids.next()
            self.state.project_users[link_id] = ProjectUser(link_id, workspace.id, project_id, user.id)

    def _load_group(self, org: Organization, entry: dict) -> None:
        group_id = _required_int(entry, "id", f"organization {org.id} groups[]")
        where = f"group {group_id}"
        for user_id in entry.get("users", []):
            self._require_user(user_id, f"{where} users")
            if not self.state.membership(org.id, user_id):
                raise SeedError(f"{where}: user {user_id} is not in organization {org.id}")
        for ws_id in entry.get("workspaces", []):
            if ws_id not in self.state.workspaces or self.state.workspaces[ws_id].organization_id != org.id:
                raise SeedError(f"{where}: workspace {ws_id} is not in organization {org.id}")
        self.state.groups[group_id] = Group(
            id=group_id,
            organization_id=org.id,
            name=_required_str(entry, "name", where),
            user_ids=sorted(set(entry.get("users", []))),
            workspace_ids=sorted(set(entry.get("workspaces", []))),
            at=self.now,
            emoji=entry.get("emoji"),
            ghosts=[
                {
                    "id": _required_int(ghost, "id", f"{where} ghosts[]"),
                    "name": _required_str(ghost, "name", f"{where} ghosts[]"),
                }
                for ghost in _list(entry, "ghosts", where)
            ],
        )

    def _load_workspace_content(self, entry: dict) -> None:
        """Things that may refer to groups: project groups, reminders, alerts, rates."""
        ws_id = entry["id"]
        where = f"workspace {ws_id}"
        for link in _list(entry, "project_groups", where):
            link_id = link.get("id") or self.state.ids.next()
            self.state.project_groups[link_id] = ProjectGroup(link_id, ws_id, link["project_id"], link["group_id"])
        for reminder in _list(entry, "reminders", where):
            reminder_id = reminder.get("id") or self.state.ids.next()
            self.state.track_reminders[reminder_id] = TrackReminder(
                id=reminder_id,
                workspace_id=ws_id,
                frequency=reminder.get("frequency", 1),
                threshold=reminder.get("threshold", 8),
                user_ids=list(reminder.get("user_ids", [])),
                group_ids=list(reminder.get("group_ids", [])),
                email_reminder_enabled=bool(reminder.get("email_reminder_enabled", True)),
                slack_reminder_enabled=bool(reminder.get("slack_reminder_enabled", False)),
                created_at=self.now,
            )
        for alert in _list(entry, "alerts", where):
            alert_id = alert.get("id") or self.state.ids.next()
            self.state.alerts[alert_id] = Alert(
                id=alert_id,
                workspace_id=ws_id,
                project_id=alert.get("project_id"),
                source_kind=alert.get("source_kind", "project"),
                threshold_type=alert.get("threshold_type", "percentage"),
                thresholds=list(alert.get("thresholds", [100])),
                receiver_roles=list(alert.get("receiver_roles", [])),
                receiver_users=list(alert.get("receiver_users", [])),
                receiver_groups=list(alert.get("receiver_groups", [])),
                created_at=self.now,
            )
        for rate in _list(entry, "rates", where):
            rate_type = rate.get("type", rate_history.BILLABLE)
            if rate_type == "labor_rates":
                rate_type = rate_history.LABOR
            start = parse_timestamp(rate["start"]) if rate.get("start") else self.now
            end = parse_timestamp(rate["end"]) if rate.get("end") else None
            rate_id = rate.get("id") or self.state.ids.next()
            self.state.rates[rate_id] = Rate(
                id=rate_id,
                workspace_id=ws_id,
                level=rate["level"],
                level_id=rate["level_id"],
                type=rate_type,
                amount=rate["amount"],
                start=start,
                end=end,
                created_at=self.now,
                updated_at=self.now,
                creator_id=None,
                rate_change_mode=rate.get("mode", "override-current"),
            )

    def _seed_rate(self, ws_id: int, level: str, level_id: int, rate_type: str, amount) -> None:
        rate_history.record_rate(
            self.state,
            self.now,
            workspace_id=ws_id,
            level=level,
            level_id=level_id,
            rate_type=rate_type,
            amount=amount,
            mode="override-all",
            start=None,
            creator_id=None,
        )

    def _create_seeded_invitation(self, org: Organization, user_id: int) -> None:
        membership = self.state.membership(org.id, user_id)
        invitation = Invitation(
            id=self.state.ids.next(),
            organization_id=org.id,
            email=self.state.users[user_id].email,
            recipient_id=user_id,
            sender_id=org.owner_id,
            code=secrets.token_hex(16),
            workspaces=[
                {"workspace_id": ws.id, "role": self.state.workspace_user(ws.id, user_id).role}
                for ws in self.state.workspaces_of(org.id)
                if self.state.workspace_user(ws.id, user_id)
            ],
            group_ids=[g.id for g in self.state.groups_of(org.id) if user_id in g.user_ids],
            skip_email=True,
            created_at=self.now,
        )
        self.state.invitations[invitation.id] = invitation
        membership.invitation_id = invitation.id

    def _first_workspace_of(self, user_id: int) -> int | None:
        ids = [row.workspace_id for row in self.state.workspace_users.values() if row.user_id == user_id]
        return min(ids, default=None)


def _list(entry: dict, key: str, where: str) -> list:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        if key in ("users", "organizations") and where == "seed":
            raise SeedError(f"seed '{key}' must be a list of objects")
        raise SeedError(f"{where}: '{key}' must be a list of objects")
    return value


def _required_int(entry: dict, key: str, where: str) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise SeedError(f"{where}: '{key}' must be an integer")
    return value


def _required_str(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise SeedError(f"{where}: '{key}' must be a non-empty string")
    return value


def _fixed_fee(value) -> bool | float:
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int | float):
        return float(value)
    raise SeedError(f"project fixed_fee must be a number or a boolean, not {value!r}")
