"""Helpers for the simulator's unit tests: an /api/v9 test client and a small seed."""

import base64
import sys
from pathlib import Path

SIMULATOR_DIR = Path(__file__).resolve().parents[2] / "simulator"
if str(SIMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(SIMULATOR_DIR))

from toggl_simulator.app import simulator_of  # noqa: E402

OWNER = "tok-owner"


def basic(username: str, password: str = "api_token") -> dict:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


class Api:
    """A test client that speaks to /api/v9 as a given token (the owner by default)."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.simulator = simulator_of(app)

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = OWNER,
        json=None,
        data=None,
        headers: dict | None = None,
        query: dict | None = None,
    ):
        all_headers = dict(basic(token) if token else {})
        all_headers.update(headers or {})
        url = path if path.startswith(("/_sim", "/focus")) else f"/api/v9{path}"
        return self.client.open(url, method=method, json=json, data=data, headers=all_headers, query_string=query)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


BASE_SEED = {
    "users": [
        {
            "id": 1,
            "email": "owner@example.com",
            "fullname": "Olive Owner",
            "api_token": "tok-owner",
            "password": "secret",
            "focus_api_key": "toggl_sk_owner",
        },
        {"id": 2, "email": "alice@example.com", "fullname": "Alice Admin", "api_token": "tok-alice"},
        {"id": 3, "email": "bob@example.com", "fullname": "Bob Builder", "api_token": "tok-bob"},
        {"id": 4, "email": "carol@example.com", "fullname": "Carol Free", "api_token": "tok-carol"},
        {"id": 5, "email": "outsider@example.com", "fullname": "Otto Outsider", "api_token": "tok-out"},
    ],
    "organizations": [
        {
            "id": 10,
            "name": "Acme",
            "plan": "starter",
            "owner": 1,
            "users": [{"user_id": 1, "admin": True}, {"user_id": 2, "admin": True}, {"user_id": 3}],
            "workspaces": [
                {
                    "id": 100,
                    "name": "Acme HQ",
                    "users": [
                        {"user_id": 1, "role": "admin"},
                        {"user_id": 2, "role": "admin"},
                        {"user_id": 3, "role": "user"},
                    ],
                    "projects": [
                        {
                            "id": 1000,
                            "name": "Website",
                            "tasks": [{"id": 1100, "name": "Design"}],
                            "users": [{"id": 1200, "user_id": 3}],
                        }
                    ],
                },
                {"id": 101, "name": "Acme Labs", "users": [{"user_id": 1, "role": "admin"}]},
            ],
            "groups": [{"id": 200, "name": "Engineering", "users": [2], "workspaces": [100]}],
        },
        {
            "id": 20,
            "name": "Freebies",
            "plan": "free",
            "owner": 1,
            "users": [{"user_id": 1, "admin": True}, {"user_id": 4}],
            "workspaces": [
                {
                    "id": 300,
                    "name": "Free Space",
                    "users": [{"user_id": 1, "role": "admin"}, {"user_id": 4, "role": "user"}],
                }
            ],
        },
    ],
}
