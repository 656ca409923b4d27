"""Track API v9 routes, one module (and Flask blueprint) per API resource."""

from . import (
    alerts,
    audit_logs,
    groups,
    invitations,
    me,
    organization_users,
    organizations,
    project_groups,
    projects,
    rates,
    roles,
    track_reminders,
    workspace_users,
    workspaces,
)

BLUEPRINTS = [
    me.blueprint,
    organizations.blueprint,
    organization_users.blueprint,
    invitations.blueprint,
    workspaces.blueprint,
    workspace_users.blueprint,
    groups.blueprint,
    project_groups.blueprint,
    projects.blueprint,
    rates.blueprint,
    track_reminders.blueprint,
    alerts.blueprint,
    roles.blueprint,
    audit_logs.blueprint,
]
