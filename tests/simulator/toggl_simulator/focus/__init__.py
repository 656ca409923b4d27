"""Focus API routes (http://HOST:PORT/focus/api/...), one module per resource.

Focus is a separate Toggl service with its own keys (Bearer toggl_sk_...); a Track token is
refused there. It shares the simulator's state: Focus groups are the organization's groups.
Only what the reference pages show is modelled (organization groups, roles, teams, users).
"""

from . import groups, roles, teams, users

BLUEPRINTS = [groups.blueprint, roles.blueprint, teams.blueprint, users.blueprint]
