"""The two API profiles the simulator serves (--profile swagger|pages).

- "swagger" (the default) follows the official 2026 Swagger file
  (toggl-track-api-v9.swagger.json): its endpoints, body and answer shapes, authorization and
  status codes, plus what the live API is known to serve beyond it (GET /workspaces, the /me
  fields live clients read). An endpoint that only the older reference pages document answers
  404 there, as an unknown route does.
- "pages" keeps the behaviour the older reference pages describe (the endpoints only they
  document, their answer shapes, the `admin` field of the organization user payload).

Route handlers ask `is_pages()` where the two differ and say in a comment which source each
branch follows.
"""

from flask import current_app

SWAGGER = "swagger"
PAGES = "pages"
PROFILES = (SWAGGER, PAGES)

# Flask endpoints (blueprint.function) that only the older reference pages document.
PAGES_ONLY_ENDPOINTS = frozenset(
    {
        # pages: PUT /organizations/{o}/workspaces/{w}/assignments; the Swagger has no such path
        # (it puts members into workspaces with PUT /organizations/{o}/users/{id} `workspaces`).
        "workspace_users.change_assignments",
    }
)


def current() -> str:
    return current_app.extensions["toggl_simulator"].settings.profile


def is_pages() -> bool:
    return current() == PAGES


def is_swagger() -> bool:
    return current() == SWAGGER


def served(endpoint: str | None) -> bool:
    """False for a pages-only endpoint under the swagger profile."""
    return not (endpoint in PAGES_ONLY_ENDPOINTS and is_swagger())
