"""Fixed facts the simulator models: plans, quotas, roles and accepted enum values.

Everything here is a modelling decision. Values the Toggl reference documents are used as
documented; values it does not document (plan ids, role ids, the alert enums) are invented
and listed in tests/simulator/README.md so nobody mistakes them for the live API's.
"""

from dataclasses import dataclass

ORGANIZATION_NAME_MAX = 140
WORKSPACE_NAME_MAX = 140
GROUP_NAME_MAX = 200

# GET /organizations/{id}/users: the reference gives the default page size (50) but no
# maximum; the simulator caps per_page at this value instead of refusing larger ones.
ORG_USERS_DEFAULT_PER_PAGE = 50
ORG_USERS_MAX_PER_PAGE = 200

# Group PATCH limits, from the Swagger's description of the endpoint.
GROUP_PATCH_MAX_OPERATIONS = 100
GROUP_PATCH_MAX_VALUES = 100

# Quota windows are a sliding hour.
QUOTA_WINDOW_SECONDS = 3600
USER_LEVEL_QUOTA = 30

# Default cap on workspaces per organization (the API has a per-organization maximum; the
# seed may set "max_workspaces" to exercise the limit).
DEFAULT_MAX_WORKSPACES = 100

# The free plan refuses more active (non-deactivated) members than this.
FREE_PLAN_ACTIVE_USER_LIMIT = 5


@dataclass(frozen=True)
class Plan:
    handle: str
    pricing_plan_id: int
    display_name: str
    hourly_quota: int
    paid: bool
    enterprise: bool = False


# Enterprise quota is "custom" on the live API; the simulator uses a large fixed budget
# (overridable per organization in the seed with "api_quota").
PLANS = {
    "free": Plan("free", 0, "Free", 30, paid=False),
    "starter": Plan("starter", 1, "Starter", 240, paid=True),
    "premium": Plan("premium", 2, "Premium", 600, paid=True),
    "enterprise": Plan("enterprise", 3, "Enterprise", 100_000, paid=True, enterprise=True),
}

# Workspace settings that need a paid plan, with the 402 text each one answers on free.
# only_admins_may_create_tags is special: only turning it on is refused.
PREMIUM_WORKSPACE_FIELDS = {
    "default_hourly_rate": "Must be a premium user to use default_hourly_rate",
    "default_currency": "Must be a premium user to use default_currency",
    "rounding_minutes": "Must be a premium user to use rounding_minutes",
    "projects_billable_by_default": "Must be a premium user to use projects_billable_by_default",
    "rounding": "Must be a premium user to use rounding",
}
TAG_RESTRICTION_NEEDS_PREMIUM = "restricting tag management to administrators requires a premium subscription"
BILLABLE_RATES_NEED_STARTER = "Billable rates are available for Starter and higher plans."
# Not documented: labor costs and working hours are paid features too; the texts are
# modelled on the documented billable-rates one.
LABOR_COSTS_NEED_STARTER = "Labor costs are available for Starter and higher plans."
WORKING_HOURS_NEED_STARTER = "Working hours are available for Starter and higher plans."

RATE_CHANGE_MODES = ("override-all", "override-current", "start-today")

# Role ids are invented; names and the admin/user/projectlead/teamlead set are documented.
ORGANIZATION_OWNER_ROLE_ID = 1
ORGANIZATION_ADMIN_ROLE_ID = 2
ORGANIZATION_MEMBER_ROLE_ID = 3
WORKSPACE_ROLE_IDS = {"admin": 10, "projectlead": 11, "teamlead": 12, "user": 13}
WORKSPACE_ROLE_BY_ID = {role_id: name for name, role_id in WORKSPACE_ROLE_IDS.items()}


@dataclass(frozen=True)
class Role:
    role_id: int
    code: str
    name: str
    entity: str
    type: str
    privilege_level: int
    description: str


ROLES = (
    Role(
        ORGANIZATION_OWNER_ROLE_ID,
        "org_owner",
        "Organization owner",
        "organization",
        "owner",
        100,
        "Owns the organization and its subscription",
    ),
    Role(
        ORGANIZATION_ADMIN_ROLE_ID,
        "org_admin",
        "Organization admin",
        "organization",
        "admin",
        90,
        "Manages the organization, its users and workspaces",
    ),
    Role(
        ORGANIZATION_MEMBER_ROLE_ID,
        "org_member",
        "Organization member",
        "organization",
        "guest",
        10,
        "Belongs to the organization",
    ),
    Role(WORKSPACE_ROLE_IDS["admin"], "ws_admin", "Workspace admin", "workspace", "admin", 80, "Manages the workspace"),
    Role(
        WORKSPACE_ROLE_IDS["projectlead"],
        "ws_projectlead",
        "Project lead",
        "workspace",
        "manager",
        60,
        "Manages the projects they lead",
    ),
    Role(
        WORKSPACE_ROLE_IDS["teamlead"],
        "ws_teamlead",
        "Team lead",
        "workspace",
        "manager",
        50,
        "Manages the teams they lead",
    ),
    Role(WORKSPACE_ROLE_IDS["user"], "ws_user", "User", "workspace", "guest", 20, "Tracks time in the workspace"),
)
ROLES_BY_ID = {role.role_id: role for role in ROLES}

# Alerts: the reference lists the 400 texts ("source kind out of range", ...) but not the
# accepted values; the simulator accepts this small set and refuses anything else.
ALERT_SOURCE_KINDS = ("project", "workspace")
ALERT_SOURCE_KINDS_NEEDING_PROJECT = ("project",)
ALERT_THRESHOLD_TYPES = ("percentage", "hours")
ALERT_RECEIVER_ROLES = ("admin", "projectlead", "teamlead", "user")
ALERT_THRESHOLD_RANGE = (1, 1000)

TRACK_REMINDER_FREQUENCIES = (1, 7)

# Workspace settings as a new workspace has them (the reference's "will be ... initially").
# default_hourly_rate is not here: it is the workspace-level billable rate (rate_history.py).
WORKSPACE_SETTING_DEFAULTS = {
    "default_currency": "USD",
    "rounding": 1,
    "rounding_minutes": 0,
    "only_admins_may_create_projects": False,
    "only_admins_may_create_tags": False,
    "only_admins_see_team_dashboard": False,
    "projects_billable_by_default": True,
    "projects_enforce_billable": False,
    "projects_private_by_default": True,
    "limit_public_project_data": False,
    "reports_collapse": True,
    "hide_start_end_times": False,
    "disable_approvals": False,
    "disable_expenses": False,
    "disable_timesheet_view": False,
    "ical_enabled": False,
    # Accepted by the API and used as the mode of default_hourly_rate changes; the API's
    # workspace object does not return it.
    "rate_change_mode": "override-current",
}

TIME_ENTRY_CONSTRAINT_DEFAULTS = {
    "description_present": False,
    "project_present": False,
    "tag_present": False,
    "task_present": False,
    "time_entry_constraints_enabled": False,
}
