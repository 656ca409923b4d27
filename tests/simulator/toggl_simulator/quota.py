"""The hourly API quota: a sliding 60-minute window per user per organization.

A request counts against the organization its path names (an organization id, or a
workspace id mapped to its organization); anything else (/me…, POST /organizations, ids
that do not exist) counts against the user-level budget of 30 per hour. Counting happens
always, so GET /me/quota is truthful; refusing (402) and the headers only with --quota.
"""

import math
import re
import threading
from collections import deque
from dataclasses import dataclass

from . import catalog
from .clock import SimClock
from .state import State

REMAINING_HEADER = "X-Toggl-Quota-Remaining"
RESETS_IN_HEADER = "X-Toggl-Quota-Resets-In"

_ORG_PATH = re.compile(r"^/api/v9/organizations/(\d+)(?:/|$)")
_WORKSPACE_PATH = re.compile(r"^/api/v9/workspaces/(\d+)(?:/|$)")
# GET /audit_logs/{organization_id}/{from}/{to}: organization-scoped, so the organization's budget.
_AUDIT_LOG_PATH = re.compile(r"^/api/v9/audit_logs/(\d+)(?:/|$)")


@dataclass(frozen=True)
class QuotaStatus:
    total: int
    remaining: int
    resets_in_secs: int


def organization_for_path(state: State, path: str) -> int | None:
    match = _ORG_PATH.match(path) or _AUDIT_LOG_PATH.match(path)
    if match and int(match.group(1)) in state.organizations:
        return int(match.group(1))
    match = _WORKSPACE_PATH.match(path)
    if match and int(match.group(1)) in state.workspaces:
        return state.workspaces[int(match.group(1))].organization_id
    return None


def hourly_limit(state: State, organization_id: int | None) -> int:
    if organization_id is None:
        return catalog.USER_LEVEL_QUOTA
    org = state.organizations[organization_id]
    return org.api_quota or catalog.PLANS[org.plan].hourly_quota


class QuotaTracker:
    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._windows: dict[tuple[int, int | None], deque[float]] = {}
        self._lock = threading.Lock()

    def _window(self, key: tuple[int, int | None], now: float) -> deque[float]:
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - catalog.QUOTA_WINDOW_SECONDS:
            window.popleft()
        return window

    def _status(self, window: deque[float], limit: int, now: float) -> QuotaStatus:
        resets_in = math.ceil(window[0] + catalog.QUOTA_WINDOW_SECONDS - now) if window else 0
        return QuotaStatus(total=limit, remaining=max(0, limit - len(window)), resets_in_secs=resets_in)

    def consume(self, user_id: int, organization_id: int | None, limit: int) -> tuple[bool, QuotaStatus]:
        """Counts one request if the budget allows; says whether it did and what is left."""
        now = self.clock.time()
        with self._lock:
            window = self._window((user_id, organization_id), now)
            if len(window) >= limit:
                return False, self._status(window, limit, now)
            window.append(now)
            return True, self._status(window, limit, now)

    def status(self, user_id: int, organization_id: int | None, limit: int) -> QuotaStatus:
        now = self.clock.time()
        with self._lock:
            return self._status(self._window((user_id, organization_id), now), limit, now)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


def exceeded_message(organization_id: int | None, status: QuotaStatus) -> str:
    scope = "user-level" if organization_id is None else f"organization {organization_id}"
    return (
        f"You have hit your API quota of {status.total} requests per hour ({scope}). "
        f"It resets in {status.resets_in_secs} seconds."
    )


def headers_for(status: QuotaStatus) -> dict[str, str]:
    return {REMAINING_HEADER: str(status.remaining), RESETS_IN_HEADER: str(status.resets_in_secs)}
