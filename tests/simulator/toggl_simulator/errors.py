"""Error responses shaped like Toggl's: the body is a JSON-encoded string.

Clients match on the exact message text, so handlers raise ApiError with the documented
string and this module turns it into `"message"` with Content-Type application/json.
"""

import json

from flask import Response


class ApiError(Exception):
    """Raised anywhere in a request to answer `status` with a JSON-string body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def payment_required(message: str) -> ApiError:
    return ApiError(402, message)


def forbidden(message: str = "Forbidden") -> ApiError:
    return ApiError(403, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def json_string_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(message), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(error: ApiError) -> Response:
    return json_string_response(error.status, error.message, error.headers)


def unauthorized_response() -> Response:
    """401 as the live API sends it when no credentials are given: no body at all."""
    return Response(b"", status=401)
