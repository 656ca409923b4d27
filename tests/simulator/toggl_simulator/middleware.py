"""What happens around every API request, before and after its route handler.

Two layers, because some of it cannot happen inside Flask:

- ApiGateway wraps the WSGI app. It logs every API request, injects faults (a "reset" or
  "lost" must drop the socket without any HTTP answer, which only works outside Flask's
  error handling; "interleave" serves another request first), holds the state lock while
  Flask runs (serving reads from the lagging view under --read-lag-ms), stamps every answer
  with a Date header from the simulator clock, and adds --latency-ms before the response
  leaves (outside the lock, so slow responses still overlap).
- install_request_hooks adds Flask hooks for API paths: authentication, the leaky-bucket
  rate limit and the hourly quota, and the quota headers on the way out; and the audit log:
  the state's fingerprint before a write, an entry per changed object after a 2xx one
  (audit_log.py).

Control endpoints (/_sim/...) pass through both untouched: no auth, no latency, no log.
"""

import base64
import http
import io
import json
import socket
import struct
import time
from email.utils import format_datetime
from urllib.parse import parse_qsl

from flask import Flask, g, request
from werkzeug.exceptions import NotFound
from werkzeug.test import EnvironBuilder

from . import audit_log, auth, profiles, quota
from .consistency import READ_METHODS
from .errors import ApiError
from .request_log import _parse_json
from .runtime import Simulator

TRACK_PREFIX = "/api/"
FOCUS_PREFIX = "/focus/api/"
FOCUS_SERVER_ERROR = "Server error"
# Fault kinds that still serve the request ("lost" after it, "interleave" another one before).
SERVED_FAULTS = ("lost", "interleave")


def is_api_path(path: str) -> bool:
    return path.startswith((TRACK_PREFIX, FOCUS_PREFIX))


class SimulatedConnectionReset(ConnectionResetError):
    """Raised to make werkzeug drop the connection quietly (it treats it as a client drop)."""


class ApiGateway:
    def __init__(self, wsgi_app, simulator: Simulator) -> None:
        self.wsgi_app = wsgi_app
        self.simulator = simulator

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not is_api_path(path):

            def dated_start_response(status, headers, exc_info=None):
                return start_response(status, self._with_date(headers), exc_info)

            with self.simulator.lock:
                return self.wsgi_app(environ, dated_start_response)

        body = _read_body(environ)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        entry = self.simulator.request_log.start(
            method,
            path,
            _first_values(environ.get("QUERY_STRING", "")),
            body,
            auth.credential_label(environ.get("HTTP_AUTHORIZATION")),
        )

        rule = self.simulator.faults.take(method, path)
        if rule is not None and rule.status not in SERVED_FAULTS:
            self.simulator.request_log.finish(entry, rule.status)
            return self._answer_with_fault(rule, environ, start_response)
        if rule is not None and rule.status == "interleave":
            rule.interleaved.append(self._serve_interleaved(rule.request))

        status, headers, payload = self._serve(environ, method)
        if rule is not None and rule.status == "lost":
            # Served (the state changed), then the answer is lost on the way back.
            self.simulator.request_log.finish(entry, "lost")
            self._drop_connection(environ)
        self.simulator.request_log.finish(entry, int(status.split(" ", 1)[0]))
        self._delay()
        start_response(status, headers)
        return [payload]

    def _serve(self, environ, method: str) -> tuple[str, list, bytes]:
        """Runs the Flask app under the state lock; returns (status line, headers, body).

        With --read-lag-ms, a read runs against the lagging view of the state and a write
        against the true state, queuing the state before it (see consistency.py).
        """
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return captured.setdefault("written", []).append

        simulator = self.simulator
        with simulator.lock:
            truth = simulator.state
            reading = method in READ_METHODS
            before = None
            if reading:
                simulator.state = simulator.read_lag.view(truth)
            else:
                before = simulator.read_lag.before_write(truth)
            try:
                chunks = self.wsgi_app(environ, capture)
                try:
                    payload = b"".join([*captured.get("written", []), *chunks])
                finally:
                    if hasattr(chunks, "close"):
                        chunks.close()
            finally:
                if reading:
                    simulator.state = truth
            code = int(captured["status"].split(" ", 1)[0])
            if not reading:
                simulator.read_lag.after_write(before, 200 <= code < 300)
        return captured["status"], self._with_date(captured["headers"]), payload

    def _serve_interleaved(self, other: dict) -> dict:
        """Serves the interleave rule's own request (not logged); returns what it got."""
        path, _sep, query = other["path"].partition("?")
        credentials = base64.b64encode(f"{other['token']}:api_token".encode()).decode()
        builder = EnvironBuilder(
            path=path,
            query_string=query or None,
            method=other["method"],
            json=other["body"] if other["body"] is not None else None,
            headers={"Authorization": f"Basic {credentials}"},
        )
        try:
            status, _headers, payload = self._serve(builder.get_environ(), other["method"])
        finally:
            builder.close()
        return {"status": int(status.split(" ", 1)[0]), "body": _parse_json(payload)}

    def _with_date(self, headers: list) -> list:
        """Every API answer carries a Date header from the simulator's clock."""
        kept = [(name, value) for name, value in headers if name.lower() != "date"]
        kept.append(("Date", format_datetime(self.simulator.clock.now(), usegmt=True)))
        return kept

    def _drop_connection(self, environ):
        connection = environ.get("werkzeug.socket")
        if connection is not None:
            # Linger 0 makes the close send RST; shutting down both directions ends the
            # keep-alive loop that would otherwise wait on this socket for a next request.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise SimulatedConnectionReset("simulated connection reset")

    def _delay(self) -> None:
        if self.simulator.settings.latency_ms > 0:
            time.sleep(self.simulator.settings.latency_ms / 1000)

    def _answer_with_fault(self, rule, environ, start_response):
        if rule.status == "reset":
            self._drop_connection(environ)
        if rule.status == "timeout":
            time.sleep(self.simulator.settings.timeout_seconds)
            status = 504
        else:
            status = rule.status
        headers = [("Content-Type", "application/json")]
        if status in (429, 503):
            headers.append(("Retry-After", str(rule.retry_after)))
        text = http.HTTPStatus(status).phrase
        if status == 500 and environ.get("PATH_INFO", "").startswith(FOCUS_PREFIX):
            text = FOCUS_SERVER_ERROR  # the Focus reference's own text for 500
        body = json.dumps(text).encode()
        headers.append(("Content-Length", str(len(body))))
        self._delay()
        start_response(f"{status} {http.HTTPStatus(status).phrase}", self._with_date(headers))
        return [body]


def install_request_hooks(app: Flask, simulator: Simulator) -> None:
    @app.before_request
    def authenticate_and_limit():
        path = request.path
        if path.startswith(FOCUS_PREFIX):
            g.caller = auth.authenticate_focus(simulator.state, request.headers.get("Authorization"))
            return None
        if not path.startswith(TRACK_PREFIX):
            return None
        g.caller = auth.authenticate_track(simulator.state, request.headers.get("Authorization"))
        if not profiles.served(request.endpoint):
            # After authentication, as for any unknown route (Swagger profile: pages-only path).
            raise NotFound()
        user_id = g.caller.user.id
        organization_id = quota.organization_for_path(simulator.state, path)
        limit = quota.hourly_limit(simulator.state, organization_id)

        retry_after = simulator.rate_limiter.admit(g.caller.credential)
        if retry_after is not None:
            if simulator.settings.quota:
                g.quota_status = simulator.quota.status(user_id, organization_id, limit)
            raise ApiError(429, "Too Many Requests", {"Retry-After": str(retry_after)})

        if simulator.settings.quota:
            admitted, status = simulator.quota.consume(user_id, organization_id, limit)
            g.quota_status = status
            if not admitted:
                raise ApiError(402, quota.exceeded_message(organization_id, status))
        else:
            simulator.quota.consume(user_id, organization_id, limit)
        return None

    @app.before_request
    def fingerprint_before_write():
        # Runs after authenticate_and_limit, so only for writes that passed auth, rate limit
        # and quota (a refused request changes nothing and is in no audit log).
        if is_api_path(request.path) and request.method not in READ_METHODS and g.get("caller") is not None:
            g.audit_before = audit_log.fingerprint(simulator.state)

    @app.after_request
    def add_quota_headers(response):
        status = g.get("quota_status")
        if status is not None:
            for name, value in quota.headers_for(status).items():
                response.headers[name] = value
        return response

    @app.after_request
    def record_audit_log(response):
        before = g.pop("audit_before", None)
        if before is not None and 200 <= response.status_code < 300:
            audit_log.record(simulator.state, before, g.caller.user, simulator.clock.now())
        return response


def _read_body(environ) -> bytes:
    """Reads the request body once and puts it back for Flask to read again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None:
        body = b""
    elif environ.get("wsgi.input_terminated"):  # chunked upload: read to the end
        body = stream.read()
    else:
        body = stream.read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _first_values(query_string: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        values.setdefault(name, value)
    return values
