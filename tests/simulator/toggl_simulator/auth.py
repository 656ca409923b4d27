"""Who is calling: HTTP Basic for the Track API, Bearer keys for the Focus API.

Track accepts `<api_token>:api_token` or `<email>:<password>`. No Authorization header is a
401 with an empty body; credentials that match nobody are a 403. Accounts created for an
invitation have neither token nor password, so they cannot log in until they accept.
"""

import base64
import binascii
from dataclasses import dataclass

from .errors import ApiError
from .state import State, User

INCORRECT_CREDENTIALS = "Incorrect username and/or password"


class MissingCredentials(Exception):
    """No Authorization header: the caller answers 401 with an empty body."""


@dataclass(frozen=True)
class Caller:
    user: User
    credential: str  # the token, e-mail or Focus key that was presented (log, rate limit)


def parse_basic(header: str) -> tuple[str, str] | None:
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, separator, password = decoded.partition(":")
    if not separator:
        return None
    return username, password


def parse_bearer(header: str) -> str | None:
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def credential_label(header: str | None) -> str | None:
    """What the request log shows as "token": the token, e-mail or key presented."""
    if not header:
        return None
    basic = parse_basic(header)
    if basic:
        return basic[0]
    return parse_bearer(header)


def authenticate_track(state: State, header: str | None) -> Caller:
    if not header:
        raise MissingCredentials()
    credentials = parse_basic(header)
    if credentials is None:
        raise ApiError(403, INCORRECT_CREDENTIALS)
    username, password = credentials
    if password == "api_token":
        user = state.user_by_token(username)
    else:
        user = state.user_by_email(username)
        if user and (not user.password or user.password != password):
            user = None
    if user is None or user.pending:
        raise ApiError(403, INCORRECT_CREDENTIALS)
    return Caller(user=user, credential=username)


FOCUS_NO_ACCESS = "User does not have access"


def authenticate_focus(state: State, header: str | None) -> Caller:
    """Focus takes only its own Bearer keys. The reference documents no 401 for Focus, only
    403 "User does not have access": an unknown key or a Track credential gets that."""
    if not header:
        raise MissingCredentials()
    key = parse_bearer(header)
    user = state.user_by_focus_key(key) if key else None
    if user is None:
        raise ApiError(403, FOCUS_NO_ACCESS)
    return Caller(user=user, credential=key)
