"""Reading request bodies the way the API's JSON decoding does.

The live API decodes bodies into typed structs: a body that is not JSON, or a field of the
wrong type, fails the whole request with the endpoint's "invalid JSON" message (its wording
differs per endpoint, so callers pass it in). Unknown fields are ignored; null means "not
given". Handlers validate everything they need before changing any state.
"""

from flask import request

from ..errors import ApiError

BOOL = "bool"
INT = "int"
NUMBER = "number"
STRING = "string"
INT_LIST = "int_list"
STRING_LIST = "string_list"
OBJECT_LIST = "object_list"
OBJECT = "object"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_CHECKS = {
    BOOL: lambda v: isinstance(v, bool),
    INT: _is_int,
    NUMBER: lambda v: (isinstance(v, int | float)) and not isinstance(v, bool),
    STRING: lambda v: isinstance(v, str),
    INT_LIST: lambda v: isinstance(v, list) and all(_is_int(i) for i in v),
    STRING_LIST: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    OBJECT_LIST: lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
    OBJECT: lambda v: isinstance(v, dict),
}


def json_body(invalid_message: str, *, allow_empty: bool = False):
    """The parsed body; an empty body is None when allowed, else invalid."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return None
        raise ApiError(400, invalid_message)
    try:
        return request.get_json(force=True, silent=False)
    except Exception as error:  # werkzeug raises BadRequest subclasses on bad JSON
        raise ApiError(400, invalid_message) from error


def json_object(invalid_message: str, fields: dict[str, str] | None = None, *, allow_empty: bool = False) -> dict:
    """The body as an object whose known fields have their declared types."""
    body = json_body(invalid_message, allow_empty=allow_empty)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, invalid_message)
    check_types(body, fields or {}, invalid_message)
    return body


def check_types(body: dict, fields: dict[str, str], invalid_message: str) -> None:
    for name, kind in fields.items():
        value = body.get(name)
        if value is not None and not _CHECKS[kind](value):
            raise ApiError(400, invalid_message)


def given(body: dict, name: str) -> bool:
    """True when the field is present and not null."""
    return body.get(name) is not None


def int_list_query(name: str, message: str) -> list[int] | None:
    """A comma-separated list of ids from the query string (None when absent)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip() != ""]
    except ValueError as error:
        raise ApiError(400, message) from error


def bool_query(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    return raw.lower() in ("true", "1", "yes")
