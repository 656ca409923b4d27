"""The /_sim control endpoints: inspect and steer the simulator (no auth, not logged).

| call                          | effect                                                    |
| GET/DELETE /_sim/requests     | the API request log, oldest first / clear it              |
| POST /_sim/reset              | replace all state with a seed (empty body: demo state)    |
| GET /_sim/state               | the whole state as JSON                                   |
| POST/GET/DELETE /_sim/faults  | add fault rules / list them / remove them all             |
| POST /_sim/invitations/accept | {"email"}: the invited person accepts                     |
| POST/GET /_sim/clock          | {"advance_seconds": N}: move the clock / read it          |
"""

import json

from flask import Blueprint, Response, request

from .api import access
from .api.invitations import accept_invitations
from .clock import isoformat
from .errors import json_string_response
from .faults import parse_rule
from .seed import SeedError

blueprint = Blueprint("control", __name__, url_prefix="/_sim")


def _body():
    """The request's JSON body, None when empty; raises ValueError when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    return json.loads(raw)


def _bad_request(message: str) -> Response:
    return json_string_response(400, message)


@blueprint.get("/requests")
def list_requests():
    return access.ok(access.simulator().request_log.entries())


@blueprint.delete("/requests")
def clear_requests():
    access.simulator().request_log.clear()
    return Response(status=204)


@blueprint.post("/reset")
def reset():
    try:
        seed = _body()
    except ValueError:
        return _bad_request("the seed is not valid JSON")
    try:
        access.simulator().reset(seed)
    except SeedError as error:
        return _bad_request(f"invalid seed: {error}")
    return access.ok({"reset": True, "demo": seed is None})


@blueprint.get("/state")
def dump_state():
    simulator = access.simulator()
    dump = simulator.state.to_dict()
    # Bookkeeping rather than an API object (a leading underscore, like _simulator).
    dump["_audit_logs"] = simulator.state.audit_logs
    dump["_simulator"] = {
        "now": isoformat(simulator.clock.now()),
        "clock_offset_seconds": simulator.clock.offset_seconds,
        "faults": simulator.faults.describe(),
        "settings": {
            "latency_ms": simulator.settings.latency_ms,
            "rate_limit": simulator.settings.rate_limit,
            "quota": simulator.settings.quota,
        },
    }
    return access.ok(dump)


@blueprint.post("/faults")
def add_faults():
    """Adds rules (a list, or one rule object) after any already present."""
    try:
        body = _body()
    except ValueError:
        return _bad_request("the fault rules are not valid JSON")
    entries = body if isinstance(body, list) else [body]
    try:
        rules = [parse_rule(entry) for entry in entries]
    except ValueError as error:
        return _bad_request(str(error))
    access.simulator().faults.add(rules)
    return access.ok(access.simulator().faults.describe())


@blueprint.get("/faults")
def list_faults():
    return access.ok(access.simulator().faults.describe())


@blueprint.delete("/faults")
def clear_faults():
    access.simulator().faults.clear()
    return Response(status=204)


@blueprint.post("/invitations/accept")
def accept_invitation():
    try:
        body = _body()
    except ValueError:
        return _bad_request("the body is not valid JSON")
    if not isinstance(body, dict) or not isinstance(body.get("email"), str):
        return _bad_request('body must be {"email": "..."} (optionally "organization_id")')
    result = accept_invitations(body["email"], body.get("organization_id"))
    if result is None:
        return json_string_response(404, f"no pending invitation for {body['email']}")
    return access.ok(result)


@blueprint.post("/clock")
def advance_clock():
    try:
        body = _body()
    except ValueError:
        return _bad_request("the body is not valid JSON")
    seconds = body.get("advance_seconds") if isinstance(body, dict) else None
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        return _bad_request('body must be {"advance_seconds": N} with N >= 0')
    clock = access.simulator().clock
    clock.advance(seconds)
    return access.ok({"now": isoformat(clock.now()), "offset_seconds": clock.offset_seconds})


@blueprint.get("/clock")
def read_clock():
    clock = access.simulator().clock
    return access.ok({"now": isoformat(clock.now()), "offset_seconds": clock.offset_seconds})
