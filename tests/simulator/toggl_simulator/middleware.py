"""What happens around every API request, before and after its route handler.

Two layers, because some of it cannot happen inside Flask:

- ApiGateway wraps the WSGI app. It logs every API request, injects faults (a "reset"
  must drop the socket without any HTTP answer, which only works outside Flask's error
  handling), holds the state lock while Flask runs, and adds --latency-ms before the
  response leaves (outside the lock, so slow responses still overlap).
- install_request_hooks adds Flask hooks for API paths: authentication, the leaky-bucket
  rate limit and the hourly quota, and the quota headers on the way out.

Control endpoints (/_sim/...) pass through both untouched: no auth, no latency, no log.
"""

import http
import io
import json
import socket
import struct
import time
from urllib.parse import parse_qsl

from flask import Flask, g, request

from . import auth, quota
from .errors import ApiError
from .runtime import Simulator

TRACK_PREFIX = "/api/"
FOCUS_PREFIX = "/focus/api/"
FOCUS_SERVER_ERROR = "Server error"


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
            with self.simulator.lock:
                return self.wsgi_app(environ, start_response)

        body = _read_body(environ)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        entry = self.simulator.request_log.start(
            method, path, _first_values(environ.get("QUERY_STRING", "")), body,
            auth.credential_label(environ.get("HTTP_AUTHORIZATION")),
        )

        rule = self.simulator.faults.take(method, path)
        if rule is not None:
            self.simulator.request_log.finish(entry, rule.status)
            return self._answer_with_fault(rule, environ, start_response)

        statuses = []

        def recording_start_response(status, headers, exc_info=None):
            statuses.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        with self.simulator.lock:
            chunks = self.wsgi_app(environ, recording_start_response)
            try:
                payload = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        self.simulator.request_log.finish(entry, statuses[-1] if statuses else None)
        self._delay()
        return [payload]

    def _delay(self) -> None:
        if self.simulator.settings.latency_ms > 0:
            time.sleep(self.simulator.settings.latency_ms / 1000)

    def _answer_with_fault(self, rule, environ, start_response):
        if rule.status == "reset":
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
        start_response(f"{status} {http.HTTPStatus(status).phrase}", headers)
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

    @app.after_request
    def add_quota_headers(response):
        status = g.get("quota_status")
        if status is not None:
            for name, value in quota.headers_for(status).items():
                response.headers[name] = value
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
