# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport to the Toggl APIs: one requests Session per module run.

Everything HTTP lives here: authentication, TLS, retries (urllib3's Retry, not a
hand-rolled loop), error bodies turned into one exception type, pagination, the server's
clock (its ``Date`` headers), the request and quota counters every module reports back, and
the redaction of credentials from every message the transport builds.
"""

import base64
import json
import math
import time
import traceback
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglConfigError,
    TogglPermissionError,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ProtocolError, ReadTimeoutError
    from urllib3.util.retry import Retry

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # reported by the module base class through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
    ProtocolError = ReadTimeoutError = None

DEFAULT_API_URL = "https://api.track.toggl.com/api/v9"
DEFAULT_FOCUS_API_URL = "https://focus.toggl.com/api"
FOCUS_KEY_OPTION = "focus_api_key (env TOGGL_FOCUS_API_KEY)"
USER_AGENT = "trackops.toggl-ansible-collection"

# Methods whose repetition cannot create a second object; only these are retried on 5xx
# or on a failure after the request may have reached the server. PATCH is one here: the
# collection's PATCH bodies add or remove ids of a set, or delete listed ids, so sending one
# twice ends in the same state. A POST is never resent after it may have reached the API.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"])
RETRY_STATUSES = (429, 500, 502, 503, 504)
QUOTA_REMAINING_HEADER = "X-Toggl-Quota-Remaining"
QUOTA_RESETS_HEADER = "X-Toggl-Quota-Resets-In"
# The two quotas a Track request draws on (README facts), see quota_scope.
USER_QUOTA = "user"
ORGANIZATION_QUOTA = "organization"
# What replaces a credential in a message (the mask Ansible itself uses for no_log values).
REDACTED = "********"
SECRET_OPTIONS = ("api_token", "api_password", "focus_api_key")


class TogglRetry(Retry):
    """Retry policy of the Toggl APIs.

    A 429 is retried for every method: the rate limiter refuses the request before any
    handler runs, so even a POST cannot have been applied. A 5xx is retried only for
    idempotent methods (PATCH included, see IDEMPOTENT_METHODS), since a POST that failed
    with 500 may still have created its object. Connection failures before the request was
    sent (connect errors) are retried for every method by urllib3 itself; read errors (the
    answer was lost or late) only for idempotent methods.
    """

    on_attempt = None  # set per client: counts each retry as a request sent

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429 and self.total:
            return True
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, *args, **kwargs):
        new_retry = super().increment(method, url, *args, **kwargs)
        if self.on_attempt is not None:
            self.on_attempt(method)
        return new_retry


def build_retry(max_retries, on_attempt=None):
    retry_class = type("CountingTogglRetry", (TogglRetry,), {"on_attempt": staticmethod(on_attempt)})
    options = dict(
        total=max_retries,
        connect=max_retries,
        read=max_retries,
        status=max_retries,
        other=0,
        redirect=0,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.5,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    try:
        return retry_class(backoff_jitter=0.3, **options)
    except TypeError:  # urllib3 < 2 has no jitter; the backoff alone still spreads retries
        return retry_class(**options)


class RequestCounter:
    """Requests sent in this module run, by method; retries count as requests."""

    def __init__(self):
        self.by_method = {}

    def add(self, method):
        method = (method or "GET").upper()
        self.by_method[method] = self.by_method.get(method, 0) + 1

    @property
    def total(self):
        return sum(self.by_method.values())

    @property
    def writes(self):
        return sum(n for method, n in self.by_method.items() if method != "GET")

    def as_result(self):
        result = dict(self.by_method)
        result["total"] = self.total
        return result


class Service:
    """One API behind a base URL with its own authentication (Track or Focus)."""

    def __init__(self, name, base_url, auth=None, headers=None, credential_hint=""):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.headers = headers or {}
        self.credential_hint = credential_hint


class TogglClient:
    def __init__(
        self,
        api_url=DEFAULT_API_URL,
        api_token=None,
        api_username=None,
        api_password=None,
        focus_api_url=DEFAULT_FOCUS_API_URL,
        focus_api_key=None,
        validate_certs=True,
        ca_path=None,
        request_timeout=30,
        max_retries=5,
        quota_wait=0,
        sleep=time.sleep,
    ):
        # Every form the credentials could take in a message, as given (whitespace and all),
        # redacted from whatever this client raises.
        self._secret_forms = secret_forms(
            dict(api_token=api_token, api_username=api_username, api_password=api_password, focus_api_key=focus_api_key)
        )
        # Surrounding whitespace is no part of a key: a value from a YAML block scalar or a file
        # ends in a newline, which requests would refuse (quoting the header in its message).
        api_token, api_password, focus_api_key = (clean_secret(v) for v in (api_token, api_password, focus_api_key))
        api_username = clean_secret(api_username)
        # Credentials go out UTF-8 encoded: requests would encode text as Latin-1 and fail on
        # anything beyond it.
        if api_token:
            track_auth = (_utf8(api_token), b"api_token")
            track_hint = "check api_token (env TOGGL_API_TOKEN)"
        elif api_username and api_password:
            track_auth = (_utf8(api_username), _utf8(api_password))
            track_hint = "check api_username and api_password (env TOGGL_API_USERNAME, TOGGL_API_PASSWORD)"
        else:
            raise TogglConfigError(
                "no Toggl credentials: set api_token (env TOGGL_API_TOKEN), "
                "or api_username and api_password (env TOGGL_API_USERNAME, TOGGL_API_PASSWORD)"
            )
        self.services = {
            "track": Service("track", api_url or DEFAULT_API_URL, auth=track_auth, credential_hint=track_hint),
            "focus": Service(
                "focus",
                focus_api_url or DEFAULT_FOCUS_API_URL,
                headers={"Authorization": b"Bearer " + _utf8(focus_api_key)} if focus_api_key else None,
                credential_hint="check " + FOCUS_KEY_OPTION,
            ),
        }
        self.has_focus_key = bool(focus_api_key)
        self.timeout = request_timeout
        self.max_retries = max_retries
        self.requests = RequestCounter()
        self.quota_remaining = None
        self.quota_resets_in = None
        # The newest (remaining, resets_in, time.monotonic()) of each quota (see quota_left).
        self._quota_by_scope = {}
        # Seconds this run may wait for the quota in all (wait_for_quota), waited so far, and
        # one message per wait (the module's warnings). ``sleep`` is injectable for tests.
        self.quota_wait = quota_wait or 0
        self.quota_waited = 0
        self.quota_waits = []
        self._sleep = sleep
        # Services whose credential an answer has proven good (see _error's 403).
        self._accepted = set()
        # The newest Date header: (aware UTC datetime, time.monotonic() when it arrived).
        self._server_date = None

        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # ca_path wins over validate_certs: a private CA bundle implies verification.
        self.session.verify = ca_path if ca_path else bool(validate_certs)
        adapter = HTTPAdapter(max_retries=build_retry(max_retries, on_attempt=self.requests.add))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    # -- public verbs -------------------------------------------------------------------

    def get(self, path, params=None, what=None, service="track"):
        return self.request("GET", path, params=params, what=what, service=service)

    def get_list(self, path, params=None, what=None, service="track"):
        """A collection: the Swagger documents bare arrays, the reference pages ``{"items": [...]}``."""
        return items_of(self.get(path, params=params, what=what, service=service))

    def post(self, path, body=None, what=None, service="track"):
        """Raises TogglAnswerLostError when the POST went out but its answer never came back."""
        return self.request("POST", path, body=body, what=what, service=service)

    def put(self, path, body=None, what=None, service="track"):
        return self.request("PUT", path, body=body, what=what, service=service)

    def patch(self, path, body=None, what=None, service="track"):
        return self.request("PATCH", path, body=body, what=what, service=service)

    def delete(self, path, body=None, what=None, service="track", gone=(404,)):
        """Delete; None when the object is gone.

        A DELETE whose answer was lost (the connection broke, or no answer in time, after it
        went out) is resent; when the resent one answers a status in ``gone`` the first one was
        applied, and the delete is a success. ``gone`` is 404 by default; a description whose
        API answers a missing object otherwise says so (for example 403 for alerts).
        """
        return self.request("DELETE", path, body=body, what=what, service=service, gone=gone)

    def request(self, method, path, params=None, body=None, what=None, service="track", gone=()):
        return self._send(method, path, params=params, body=body, what=what, service=service, gone=gone)[0]

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        """All items of a list paginated with page/per_page.

        Track says where the end is in the X-Pages header (none: one page). Focus lists have no
        such header: teams answer ``{"data", "page", "rows", "total"}``, so the total ends them;
        users answer only their items, so a page shorter than ``per_page`` is the last one (a
        list that fills its last page exactly costs one more, empty, page).
        """
        items = []
        page = 1
        while True:
            query = dict(params or {}, page=page, per_page=per_page)
            body, response = self._send("GET", path, params=query, what=what, service=service)
            batch = page_items(body)
            items.extend(batch)
            if not batch or _last_page(body, response, page, per_page, len(batch), service):
                return items
            page += 1

    def server_now(self):
        """The API's clock: an aware UTC datetime.

        Taken from the ``Date`` header of the newest answer this client received (error answers
        included), plus the time elapsed locally since it arrived; it sends no request. The
        header has whole seconds, so this is the server's time to within about a second. Before
        any answer was received it falls back to the local clock (UTC) - callers that decide by
        "now" read something from the API first, so in practice the header is there.
        """
        if self._server_date is None:
            return datetime.now(timezone.utc)
        date, received = self._server_date
        return date + _seconds(time.monotonic() - received)

    def redact(self, text):
        """``text`` with every form of this client's credentials masked."""
        return redact(text, self._secret_forms)

    # -- internals ----------------------------------------------------------------------

    def _send(self, method, path, params=None, body=None, what=None, service="track", gone=()):
        target = self.services[service]
        if service == "focus":
            require_focus_key(self, "%s needs the Toggl Focus API" % (what or path))
        while True:
            response = self._transmit(method, path, params, body, target)
            self._note_quota(response, path, service)
            self._note_date(response)
            # README facts: the quota refuses a request (402) before the API handles it, so even
            # a POST that met it was not applied and may be sent again once the window allows.
            if not (response.status_code == 402 and self._waited_out_quota(method, path, response)):
                break
        if response.status_code >= 400:
            if response.status_code in gone and _sent_before(response):
                # Swagger/pages agree a deleted object answers 404 (alerts: 403); the earlier
                # attempt, whose answer was lost, removed it.
                return None, response
            raise self._error(method, path, response, what, target)
        self._accepted.add(target.name)
        return _parse_body(response), response

    def _transmit(self, method, path, params, body, target):
        """One request (urllib3 retries it as TogglRetry allows); the answer, whatever its status."""
        self.requests.add(method)
        try:
            response = self.session.request(
                method,
                target.base_url + path,
                params=params,
                json=body,
                auth=target.auth,
                headers=target.headers,
                timeout=self.timeout,
            )
        except requests.exceptions.SSLError as exc:
            message = "TLS verification failed (%s); set ca_path to your CA bundle" % self._reason(exc)
            raise TogglApiError(method, path, None, message) from None
        except requests.exceptions.ConnectTimeout as exc:
            message = "cannot reach %s: no connection within %ss" % (target.base_url, self.timeout)
            raise TogglApiError(method, path, None, "%s (%s)" % (message, self._reason(exc))) from None
        except requests.exceptions.InvalidHeader as exc:
            # Nothing was sent: a credential with a control character inside cannot be a header.
            message = "cannot send the credentials (%s): %s" % (self._reason(exc), target.credential_hint)
            raise TogglApiError(method, path, None, message) from None
        except requests.exceptions.RequestException as exc:
            if not _answer_lost(exc):
                message = "cannot reach %s: %s" % (target.base_url, self._reason(exc))
                raise TogglApiError(method, path, None, message) from None
            # The request went out, so "cannot reach" would be wrong: a write may have been
            # applied. Idempotent requests get here only once their retries are spent.
            if _timed_out(exc):
                message = "no answer within %ss (%s)" % (self.timeout, self._reason(exc))
            else:
                message = "the connection was closed before an answer (%s)" % self._reason(exc)
            raise self._lost(method, path, body, message) from None
        return response

    def _lost(self, method, path, body, message):
        """A request that went out without an answer: for a POST the object may exist now."""
        message = self.redact(message)
        if method == "POST":
            return TogglAnswerLostError(method, path, message, body=body)
        return TogglApiError(method, path, None, message)

    def _reason(self, exc):
        return self.redact(_reason(exc))

    def _token_accepted(self, service):
        """Whether ``GET /me`` succeeds with this service's credentials (one request, counted)."""
        status = self._probe_me(service)
        return status is not None and status < 400

    def _probe_me(self, service):
        """The status ``GET /me`` answers with this service's credentials (one request, counted),
        or None when no answer came."""
        self.requests.add("GET")
        try:
            response = self.session.request(
                "GET", service.base_url + "/me", auth=service.auth, headers=service.headers, timeout=self.timeout
            )
        except requests.exceptions.RequestException:
            return None
        self._note_quota(response, "/me", service.name)
        self._note_date(response)
        if response.status_code < 400:
            self._accepted.add(service.name)
        return response.status_code

    def _note_quota(self, response, path, service):
        remaining = _int_header(response, QUOTA_REMAINING_HEADER)
        if remaining is None:
            return
        resets_in = _int_header(response, QUOTA_RESETS_HEADER)
        self.quota_remaining = remaining
        self.quota_resets_in = resets_in
        if service == "track":
            self._quota_by_scope[quota_scope(path)] = (remaining, resets_in, time.monotonic())

    def quota_left(self):
        """``(remaining, resets_in)`` of the organization-level quota, as the newest Track answer
        outside ``/me...`` told it (the reset counted down since), or ``(None, None)`` before any.

        README facts: the quota is counted per user per organization, ``/me...`` against a
        user-level budget of its own; the collection's writes go to organization and workspace
        paths, so a task's writes draw on the organization-level one its reads last showed."""
        noted = self._quota_by_scope.get(ORGANIZATION_QUOTA)
        if noted is None:
            return None, None
        remaining, resets_in, received = noted
        if resets_in is not None:
            resets_in = max(0, int(math.ceil(resets_in - (time.monotonic() - received))))
        return remaining, resets_in

    def wait_for_quota(self, seconds, reason):
        """Sleep ``seconds`` (whole, at least 1) when what is left of the ``quota_wait`` budget
        holds them, and note the wait (``quota_waited``, ``quota_waits``); False, without
        sleeping, when it does not or the reset is unknown. So the waits of one module run never
        add up to more than ``quota_wait``."""
        if seconds is None:
            return False
        seconds = max(1, int(math.ceil(seconds)))
        if seconds > self.quota_wait - self.quota_waited:
            return False
        self._sleep(seconds)
        self.quota_waited += seconds
        self.quota_waits.append(
            "waited %d s for the Toggl API quota (%s); %d s of quota_wait %d s left"
            % (seconds, reason, self.quota_wait - self.quota_waited, self.quota_wait)
        )
        return True

    def _waited_out_quota(self, method, path, response):
        """A 402 of the exhausted quota (remaining 0, README facts; a paid-plan refusal has no
        such header) that ``quota_wait`` covers: waited for the window it names, to send again."""
        if _int_header(response, QUOTA_REMAINING_HEADER) != 0:
            return False
        resets = _int_header(response, QUOTA_RESETS_HEADER)
        reason = "%s %s answered 402: quota exhausted, resets in %s s" % (method, path, resets)
        return self.wait_for_quota(resets, reason)

    def _note_date(self, response):
        value = response.headers.get("Date")
        if not value:
            return
        try:
            date = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return  # a malformed header tells nothing about the server's clock
        if date is None:
            return
        if date.tzinfo is None:  # "-0000": UTC without a stated zone
            date = date.replace(tzinfo=timezone.utc)
        self._server_date = (date.astimezone(timezone.utc), time.monotonic())

    def _error(self, method, path, response, what, service):
        status = response.status_code
        api_message = self.redact(_error_message(response))
        if status == 401:
            return TogglApiError(
                method, path, status, api_message, summary="authentication failed: " + service.credential_hint
            )
        if status == 403:
            return self._refusal(method, path, api_message, service, after_lost_answer=_sent_before(response))
        if status == 402:
            if _int_header(response, QUOTA_REMAINING_HEADER) == 0:
                resets = _int_header(response, QUOTA_RESETS_HEADER)
                summary = "Toggl API quota exhausted, resets in %s s" % (resets if resets is not None else "?")
                if self.quota_waited:
                    summary += " (waited %d s of quota_wait %d s already)" % (self.quota_waited, self.quota_wait)
                else:
                    summary += " (set quota_wait, env TOGGL_QUOTA_WAIT, to wait for it)"
                return TogglApiError(method, path, status, api_message, summary=summary, quota_exhausted=True)
            return TogglApiError(method, path, status, api_message, summary="needs a paid Toggl plan: " + api_message)
        if status == 404:
            summary = "%s not found" % (what or path)
            if service.name == "track" and self._base_path_missing(method, path, response, service):
                summary = "%s not found: check api_url (%s), it should end in /api/v9" % (
                    what or path,
                    service.base_url,
                )
            return TogglApiError(method, path, status, api_message, summary=summary)
        if status == 429:
            return TogglApiError(
                method,
                path,
                status,
                api_message,
                summary="rate limited by the Toggl API after %d retries" % self.max_retries,
            )
        return TogglApiError(method, path, status, api_message)

    def _base_path_missing(self, method, path, response, service):
        """Whether a Track 404 says that ``api_url`` misses the API's base path (``/api/v9``)
        rather than that the object is missing. Every token has a ``/me``, so a 404 there means
        the URL is wrong; so does a 404 whose body is not JSON (the API's error bodies are a
        JSON-encoded string, README facts), such as a web server's HTML page. A read answered
        404 before any Track answer succeeded costs one more request, ``GET /me``: a 404 there
        too tells. A write never does: every module reads before it writes (see _refusal)."""
        if path == "/me" or path.startswith("/me/"):
            return True
        if response.content and not _is_json(response):
            return True
        if service.name in self._accepted or method != "GET":
            return False
        return self._probe_me(service) == 404

    def _refusal(self, method, path, api_message, service, after_lost_answer=False):
        """A 403: bad credentials only while nothing has proven them good.

        Toggl answers 403 both to a wrong token and to a valid one without the rights (live API
        facts; the Swagger documents 403 for refusals of that kind). Once an answer of this
        service succeeded, or for any Track write (every module reads before it writes, so the
        token was already used), it is a permission refusal. A Track read refused before that
        costs one more request, ``GET /me``, which every valid token may send: its answer tells
        the two apart. A Focus key is proven only by a Focus answer: a first Focus request
        refused, even a write, still names the key.
        """
        accepted = service.name in self._accepted or (service.name == "track" and method != "GET")
        if not accepted and service.name == "track" and path != "/me":
            accepted = self._token_accepted(service)
        if not accepted:
            summary = "authentication failed: %s, or give its user access to this" % service.credential_hint
            return TogglApiError(method, path, 403, api_message, summary=summary)
        error = TogglPermissionError(method, path, 403, api_message)
        message = "Toggl refused %s %s: the token's user may not do this (HTTP 403%s)" % (
            method,
            path,
            ": " + api_message if api_message else "",
        )
        if after_lost_answer:
            message += "; the first attempt's answer was lost, so it may have been applied"
        error.args = (message,)
        return error


def has_focus_key(client):
    """Whether the client was given a Focus key (test doubles say so by the same attribute)."""
    return bool(getattr(client, "has_focus_key", False))


def require_focus_key(client, subject):
    """Refuse ``subject``, before any request, when it needs the Focus API and no key was given."""
    if not has_focus_key(client):
        raise TogglConfigError("%s: set %s" % (subject, FOCUS_KEY_OPTION))


def _utf8(text):
    return text.encode("utf-8") if isinstance(text, str) else text


def items_of(body):
    if isinstance(body, dict):
        return body.get("items") or []
    return body or []


def page_items(body):
    """The items of one page: a bare array, ``{"items": [...]}``, or Focus teams' ``{"data": [...]}``."""
    if isinstance(body, dict) and "data" in body and "items" not in body:
        return body.get("data") or []
    return items_of(body)


def _last_page(body, response, page, per_page, count, service):
    pages = _int_header(response, "X-Pages")
    if pages is not None:
        return page >= pages
    if service != "focus":
        return True
    if isinstance(body, dict) and isinstance(body.get("total"), int):
        return page * per_page >= body["total"]
    return count < per_page


def _int_header(response, name):
    value = response.headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def quota_scope(path):
    """Which quota a Track request draws on (README facts): ``/me...`` the user-level one."""
    return USER_QUOTA if path == "/me" or path.startswith("/me/") else ORGANIZATION_QUOTA


def _is_json(response):
    try:
        response.json()
    except ValueError:
        return False
    return True


def _parse_body(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _error_message(response):
    """Toggl error bodies are a JSON-encoded string, sometimes plain text."""
    text = response.text.strip() if response.content else ""
    try:
        parsed = response.json() if text else None
    except ValueError:
        return text or response.reason or ""
    if isinstance(parsed, str):
        return parsed
    if isinstance(parsed, dict):
        for key in ("message", "error", "error_message"):
            if isinstance(parsed.get(key), str):
                return parsed[key]
    return text or response.reason or ""


def _causes(exc):
    """``exc`` and the causes requests and urllib3 wrap it in (``reason``, first argument)."""
    seen = set()
    while exc is not None and not isinstance(exc, str) and id(exc) not in seen:
        yield exc
        seen.add(id(exc))
        exc = getattr(exc, "reason", None) or (exc.args[0] if getattr(exc, "args", None) else None)


def _answer_lost(exc):
    """Whether the request went out and its answer never came: the connection broke after
    it was sent (urllib3's ProtocolError) or no answer came in time (ReadTimeoutError)."""
    lost = tuple(kind for kind in (ProtocolError, ReadTimeoutError) if kind is not None)
    return any(isinstance(cause, lost) for cause in _causes(exc))


def _timed_out(exc):
    return any(isinstance(cause, ReadTimeoutError) for cause in _causes(exc))


def _sent_before(response):
    """Whether an earlier attempt of this request went out and lost its answer (urllib3
    records every retried attempt in the response's Retry history)."""
    retries = getattr(getattr(response, "raw", None), "retries", None)
    for attempt in getattr(retries, "history", None) or ():
        if attempt.error is not None and _answer_lost(attempt.error):
            return True
    return False


def _seconds(seconds):
    return timedelta(seconds=max(0.0, seconds))


def clean_secret(value):
    """A credential without surrounding whitespace; None when nothing is left."""
    if isinstance(value, (str, bytes)):
        value = value.strip()
    return value or None


def secret_forms(credentials):
    """Every text a credential can take in a message, longest first.

    ``credentials`` maps option names to values (``api_username`` is not secret, but pairs with
    the password). For each secret, as given and stripped: the text itself; its escaped forms
    in a ``repr`` of text and of UTF-8 bytes (``b'Bearer toggl_sk_...\\n'``), in JSON, and
    percent-encoded; and the base64 of the HTTP Basic pair it travels in (``token:api_token``,
    ``username:password``), padded and not.
    """
    forms = set()
    username = clean_secret(credentials.get("api_username"))
    for option in SECRET_OPTIONS:
        value = credentials.get(option)
        if not isinstance(value, str) or not value.strip():
            continue
        for text in dict.fromkeys((value, value.strip())):
            forms.update(_escaped(text))
        stripped = value.strip()
        pairs = []
        if option == "api_token":
            pairs = [stripped + ":api_token", value + ":api_token"]
        elif option == "api_password" and isinstance(username, str):
            pairs = [username + ":" + stripped, username + ":" + value]
        for pair in pairs:
            encoded = base64.b64encode(pair.encode("utf-8")).decode("ascii")
            forms.update((encoded, encoded.rstrip("=")))
    return sorted((form for form in forms if form), key=len, reverse=True)


def _escaped(text):
    encoded = text.encode("utf-8")
    return {
        text,
        repr(text)[1:-1],
        repr(encoded)[2:-1],
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        quote(text, safe=""),
    }


def redact(text, forms):
    """``text`` with each of ``forms`` (see secret_forms) replaced by the no_log mask."""
    if not isinstance(text, str):
        return text
    for form in forms:
        text = text.replace(form, REDACTED)
    return text


def _reason(exc):
    """The innermost cause of a requests/urllib3 failure, without the retry wrapper noise."""
    reason = exc
    while True:
        inner = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None) else None)
        if inner is None or inner is reason or isinstance(inner, str):
            break
        reason = inner
    return str(reason)
