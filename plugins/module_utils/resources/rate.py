# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl rate: the billable rate or labor cost of a workspace, workspace user, project,
project user or task.

A rate has no name, no "current" flag and no delete: the API keeps a history of periods
(``start``, ``end``, ``deleted_at``) per level, target and type, and a new rate is one more
``POST /workspaces/{ws}/rates`` whose ``mode`` or ``start`` says how it closes the earlier
periods. So the object this description manages is "the rate in effect": one read of
``GET /workspaces/{ws}/rates/{level}/{id}?type=`` finds the period whose ``deleted_at`` is null
and which covers the moment that matters (now, or the requested ``start``). When its amount
already is the desired one nothing is sent; otherwise one POST adds the new period.

The reference pages name the same things differently on the two endpoints; each endpoint
gets its own page's word (READ_LEVEL, READ_TYPE, WRITE_TYPE), and a unit test pins them.

"Now" is the API's: the moment a period must cover is the server's clock (the ``Date`` header
of the answer that listed the periods, ``client.server_now()``), never the controller's, so a
clock that differs by hours does not make every run post a new rate. The Swagger answers the
POST with 201 and no body: the new period is then read back (with backoff, for an API that
lists it late), and a POST whose answer was lost is followed by the same read, which adopts
the period it created.
"""

import math
import re
from datetime import datetime, timedelta, timezone

from ansible_collections.trackops.toggl.plugins.module_utils.engine import settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import check_workspace_reference, is_id
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource

LEVELS = ("workspace", "workspace_user", "project", "project_user", "task")
TYPES = ("billable", "labor")
MODES = ("override-all", "override-current", "start-today")

# GET's page: "Rates level: workspace, project, task or user"; POST's: "'workspace',
# 'workspace_user', 'project', 'project_user', 'task'". GET's own error text ("it should be
# workspace, workspace_user, project or project_user") is the only word GET has for a project user.
READ_LEVEL = {
    "workspace": "workspace",
    "workspace_user": "user",
    "project": "project",
    "project_user": "project_user",
    "task": "task",
}
# GET's query: "billable_rates or labor_costs" (also the Swagger's RateType); POST's body:
# "'billable_rates', 'labor_rates'".
READ_TYPE = {"billable": "billable_rates", "labor": "labor_costs"}
WRITE_TYPE = {"billable": "billable_rates", "labor": "labor_rates"}

# The options that name a level's target; the workspace level's target is the workspace.
TARGET_OPTIONS = ("user", "project", "task_id", "level_id")
TARGETS = {
    "workspace": (),
    "workspace_user": ("user", "level_id"),
    "project": ("project", "level_id"),
    "project_user": ("level_id",),
    "task": ("task_id", "level_id"),
}

# The Swagger's RateChangeMode names override-current the DefaultRateChangeMode.
DEFAULT_MODE = "override-current"

_FRACTION = re.compile(r"\.\d+")


def parse_time(text):
    """An RFC 3339 timestamp or a plain date (midnight UTC) as an aware UTC datetime.

    Raises ValueError. Written for Python 3.8, whose fromisoformat knows neither "Z" nor
    fractions of other than 3 or 6 digits.
    """
    value = str(text).strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = datetime.fromisoformat(_FRACTION.sub("", value, count=1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment):
    """How the API writes timestamps: RFC 3339, UTC, whole seconds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def same_amount(current, desired):
    if current is None or desired is None:
        return current is desired
    return math.isclose(float(current), float(desired), rel_tol=0, abs_tol=1e-9)


def active_period(periods, moment):
    """The period in effect at ``moment``: not deleted, started, and not yet ended.

    The API marks no period "current"; its pages say a null ``deleted_at`` means active and
    ``end`` closes a period. A period that starts later (scheduled with ``start``) is not in
    effect yet. Should periods overlap, the one that started last wins.
    """
    covering = []
    for period in periods or []:
        if period.get("deleted_at"):
            continue
        start = parse_time(period["start"]) if period.get("start") else None
        end = parse_time(period["end"]) if period.get("end") else None
        if (start is None or start <= moment) and (end is None or end > moment):
            covering.append((start or datetime.min.replace(tzinfo=timezone.utc), period.get("id") or 0, period))
    if not covering:
        return None
    return max(covering, key=lambda item: item[:2])[2]


# The Date header has whole seconds (RFC 7231): the server's time is within the second after it,
# and a period may start at a fraction of that second.
DATE_RESOLUTION = timedelta(seconds=1)


def server_now(client):
    """The API's clock after its latest answer (``client.server_now()``, from the Date header)."""
    return client.server_now() + DATE_RESOLUTION


class Rate(Resource):
    kind = "rate"
    entries_option = "rates"
    references = {"workspace_id": ("workspace", "workspace"), "project_id": ("project", "project")}
    # Swagger: POST /workspaces/{ws}/rates answers 403 "User cannot access billable rate(s)."
    admin_needed_for = "set rates"
    admin_scope = "workspace"
    fields = {"amount": Field(compare=same_amount)}

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.read_level = None
        self.read_id = None
        self.write_level = None
        self.write_id = None
        self.user_ref = None  # a workspace user's user id, while its workspace user id is unknown
        self.known_ids = set()  # the periods listed before this task's write

    # -- local checks -----------------------------------------------------------------

    def validate(self):
        super().validate()
        p = self.params
        check_workspace_reference(p)
        if p.get("amount") is None:
            raise TogglValidationError("amount", "is required")
        if not p["amount"] > 0:
            raise TogglValidationError("amount", "must be greater than 0, got %s" % p["amount"])
        level = p.get("level")
        if level not in LEVELS:
            raise TogglValidationError("level", "must be one of %s, got %r" % (", ".join(LEVELS), level))
        if self.rate_type not in TYPES:
            raise TogglValidationError("type", "must be billable or labor, got %r" % self.rate_type)
        allowed = TARGETS[level]
        given = [option for option in TARGET_OPTIONS if p.get(option) is not None]
        foreign = [option for option in given if option not in allowed]
        if foreign:
            takes = " or ".join(allowed) if allowed else "no target (its target is the workspace)"
            raise TogglValidationError(foreign[0], "level %s takes %s" % (level, takes))
        if allowed and len(given) != 1:
            reason = "give only one of" if given else "level %s needs one of" % level
            raise TogglValidationError("/".join(allowed), "%s %s" % (reason, ", ".join(allowed)))
        if p.get("mode") is not None and p.get("start") is not None:
            raise TogglValidationError("mode", "give mode or start, not both")
        if p.get("mode") is not None and p["mode"] not in MODES:
            raise TogglValidationError("mode", "must be one of %s, got %r" % (", ".join(MODES), p["mode"]))
        if p.get("start") is not None:
            try:
                parse_time(p["start"])
            except ValueError:
                raise TogglValidationError(
                    "start", "must be a date (2026-07-01) or an RFC 3339 date and time, got %r" % p["start"]
                ) from None

    @property
    def rate_type(self):
        return self.params.get("type") or "billable"

    @property
    def start(self):
        """The requested start, normalized, or None when a mode decides it."""
        return format_time(parse_time(self.params["start"])) if self.params.get("start") else None

    def effective_moment(self):
        """When the desired amount must be in effect: at the requested start, else now by the
        API's clock (call it after a read, so the client has seen the server's Date)."""
        return parse_time(self.start) if self.start else server_now(self.client)

    # -- reading ------------------------------------------------------------------------

    def resolve_references(self):
        """The workspace, then the rate's target: a project by name or a workspace user by email
        (or by workspace user id) costs its read; the other targets are ids."""
        super().resolve_references()
        if self.read_level is None:
            self._resolve_target()

    def find(self):
        self.resolve_references()  # a no-op after the engine's step; find may run on its own
        self._claim()
        periods = self.read_periods()
        self.known_ids = {period.get("id") for period in periods}
        return active_period(periods, self.effective_moment())

    def read_periods(self):
        return self.client.get_list(
            "/workspaces/%s/rates/%s/%s" % (self.workspace_id, self.read_level, self.read_id),
            params={"type": READ_TYPE[self.rate_type]},
            what=self.label(None),
        )

    def _resolve_target(self):
        """The target's id for each endpoint: GET reads a workspace user by user id, POST
        writes it by workspace user id; every other level uses one id for both."""
        p = self.params
        level = p["level"]
        self.write_level = level
        self.read_level = READ_LEVEL[level]
        if level == "workspace":
            target = self.workspace_id
        elif level == "workspace_user":
            self._resolve_workspace_user()
            return
        elif level == "project":
            target = p["level_id"] if p.get("level_id") is not None else self.project_id
        elif level == "task":
            target = p["task_id"] if p.get("task_id") is not None else p["level_id"]
        else:
            target = p["level_id"]
        self.read_id = self.write_id = int(target)

    def _resolve_workspace_user(self):
        p = self.params
        if p.get("user") is not None and is_id(p["user"]):
            # An id costs nothing: GET takes the user id; the workspace user id POST needs is
            # looked up only when a write is decided (vet).
            self.read_id = self.user_ref = int(p["user"])
            return
        if p.get("user") is not None:
            row = self.resolver.workspace_user(self._workspace_organization_id(), self.workspace_id, p["user"])
        else:
            rows = self.resolver.workspace_users(self._workspace_organization_id(), self.workspace_id)
            matches = [row for row in rows if row.get("id") == int(p["level_id"])]
            if not matches:
                raise TogglReferenceError(
                    "workspace user %s not found in workspace %s" % (p["level_id"], self.workspace_id)
                )
            row = matches[0]
        self.read_id = row["user_id"]
        self.write_id = row["id"]

    def _claim(self):
        """Two entries of one task for the same rate would undo each other: refuse them."""
        claims = self.resolver.memo(("claimed", self.kind), dict)
        key = (self.workspace_id, self.read_level, self.read_id, self.rate_type)
        if key in claims and claims[key] is not self:
            raise TogglValidationError("rates", "two entries set the %s" % self.label(None))
        claims[key] = self

    def vet(self, decision):
        if decision.writes and self.write_id is None:
            row = self.resolver.workspace_user(self._workspace_organization_id(), self.workspace_id, self.user_ref)
            self.write_id = row["id"]

    # -- writing ------------------------------------------------------------------------

    def create(self, desired):
        return self._post(desired["amount"])

    def update(self, current, changes):
        # A rate is never edited in place: a new period replaces the one in effect.
        return self._post(changes["amount"])

    def body(self, amount):
        body = {
            "level": self.write_level,
            "level_id": self.write_id,
            "type": WRITE_TYPE[self.rate_type],
            "amount": amount,
        }
        if self.start:
            body["start"] = self.start
        else:
            body["mode"] = self.params.get("mode") or DEFAULT_MODE
        return body

    def _post(self, amount):
        """POST the new period and return it as the API lists it.

        Swagger: 201 with no body (the pages' API answers the period). Without it, the history
        is read back until a period this task did not see before is in effect with the amount;
        the same read follows a POST whose answer was lost, adopting the period it made."""
        path = "/workspaces/%s/rates" % self.workspace_id
        lost = None
        try:
            answer = self.client.post(path, body=self.body(amount), what=self.label(None))
        except TogglAnswerLostError as error:
            lost = error
        if lost is None and isinstance(answer, dict) and answer.get("id"):
            return answer
        what = "%s: the API %s but does not list a new period of %s in effect" % (
            self.label(None),
            "lost its answer to the POST" if lost else "accepted the new rate",
            amount,
        )
        try:
            periods = settle(self.read_periods, lambda periods: self._new_period(periods, amount) is not None, what)
        except TogglStateError as missing:
            if lost is None:
                raise
            raise TogglStateError("%s; it was probably not created: run the task again" % missing) from None
        return self._new_period(periods, amount)

    def _new_period(self, periods, amount):
        period = active_period(periods, self.effective_moment())
        if period is None or period.get("id") in self.known_ids or not same_amount(period.get("amount"), amount):
            return None
        return period

    # -- predictions and names ----------------------------------------------------------------

    def predict_create(self, desired):
        """The new period as GET would show it; what the server decides (id, a mode's start) is null."""
        return {
            "id": None,
            "amount": desired["amount"],
            "type": READ_TYPE[self.rate_type],
            "start": self.start,
            "end": None,
            "deleted_at": None,
            "rate_change_mode": "" if self.start else (self.params.get("mode") or DEFAULT_MODE),
            "workspace_id": self.workspace_id,
            "workspace_user_id": self.write_id if self.write_level == "workspace_user" else None,
            "project_id": self.write_id if self.write_level == "project" else None,
            "project_user_id": self.write_id if self.write_level == "project_user" else None,
            "planned_task_id": self.write_id if self.write_level == "task" else None,
        }

    def predict_update(self, current, changes):
        return self.predict_create(changes)

    def label(self, obj):
        level = self.params.get("level")
        if level == "workspace":
            target = "workspace %s" % (self.workspace_id or self.params.get("workspace"))
        else:
            ref = self.read_id if self.read_id is not None else self._target_ref()
            target = "%s %s" % (level.replace("_", " ") if level else "level", ref)
            if level == "workspace_user" and self.read_id is not None:
                target = "workspace user (user id %s)" % self.read_id
            target += " in workspace %s" % (self.workspace_id or self.params.get("workspace"))
        return "%s rate of %s" % (self.rate_type, target)

    def _target_ref(self):
        for option in TARGET_OPTIONS:
            if self.params.get(option) is not None:
                return self.params[option]
        return None


def rate_entries(raw_entries, entries):
    """Per-entry params of the list form (``entries``: TogglModule.entries' merge of
    ``raw_entries`` with the top-level options): a ``mode`` or ``start`` an entry sets replaces
    the other one given at the top level, since the two exclude each other."""
    merged = []
    for raw, params in zip(raw_entries, entries):
        params = dict(params)
        if raw.get("start") is not None and raw.get("mode") is None:
            params["mode"] = None
        if raw.get("mode") is not None and raw.get("start") is None:
            params["start"] = None
        merged.append(params)
    return merged
