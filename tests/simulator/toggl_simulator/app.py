"""The Flask application factory of the Toggl simulator.

Why Flask: it is small and well kept, its blueprints map one-to-one onto the API's
resources (one routes module per resource under api/), its test client lets the unit tests
drive the app without a network, and werkzeug, which it is built on, provides the threaded
HTTP server that serve.py runs.
"""

import sys
import traceback

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from . import control, focus
from .api import BLUEPRINTS
from .auth import MissingCredentials
from .errors import ApiError, error_response, json_string_response, unauthorized_response
from .faults import TIMEOUT_SECONDS
from .middleware import FOCUS_PREFIX, FOCUS_SERVER_ERROR, ApiGateway, install_request_hooks
from .profiles import PROFILES
from .runtime import Settings, Simulator

EXTENSION_KEY = "toggl_simulator"


def create_app(
    seed: dict | None = None,
    *,
    latency_ms: int = 0,
    rate_limit: float = 0.0,
    quota: bool = False,
    timeout_seconds: float | None = None,
    profile: str = "swagger",
    read_lag_ms: int = 0,
) -> Flask:
    """A simulator app with `seed` as its state (None: the built-in demo state).

    timeout_seconds shortens the 60 s that a "timeout" fault holds a request (tests only).
    profile is "swagger" (default) or "pages" (see profiles.py); read_lag_ms delays the
    visibility of writes to reads (see consistency.py).

    Raises seed.SeedError when the seed is unusable.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})")
    if read_lag_ms < 0:
        raise ValueError("read_lag_ms must not be negative")
    settings = Settings(
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        quota=quota,
        timeout_seconds=TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds,
        profile=profile,
        read_lag_ms=read_lag_ms,
    )
    simulator = Simulator(seed, settings)

    app = Flask(__name__)
    app.json.sort_keys = False
    app.json.compact = True
    app.url_map.strict_slashes = False
    app.extensions[EXTENSION_KEY] = simulator

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for blueprint in focus.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(control.blueprint)

    install_request_hooks(app, simulator)
    _install_error_handlers(app)
    app.wsgi_app = ApiGateway(app.wsgi_app, simulator)
    return app


def simulator_of(app: Flask) -> Simulator:
    return app.extensions[EXTENSION_KEY]


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error)

    @app.errorhandler(MissingCredentials)
    def missing_credentials(_error):
        return unauthorized_response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Unknown routes and methods answer like the rest: a JSON string.
        return json_string_response(error.code or 500, error.name)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        traceback.print_exception(error, file=sys.stderr)
        if request.path.startswith(FOCUS_PREFIX):
            return json_string_response(500, FOCUS_SERVER_ERROR)
        return json_string_response(500, "Internal Server Error")
