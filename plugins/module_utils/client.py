# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport to the Toggl APIs: one requests Session per module run.

Everything HTTP lives here: authentication, TLS, retries (urllib3's Retry, not a
hand-rolled loop), error bodies turned into one exception type, pagination, and the
request and quota counters every module reports back.
"""

import traceback

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglApiError, TogglConfigError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ProtocolError
    from urllib3.util.retry import Retry

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # reported by the module base class through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
    ProtocolError = None

DEFAULT_API_URL = "https://api.track.toggl.com/api/v9"
DEFAULT_FOCUS_API_URL = "https://focus.toggl.com/api"
FOCUS_KEY_OPTION = "focus_api_key (env TOGGL_FOCUS_API_KEY)"
USER_AGENT = "trackops.toggl-ansible-collection"

# Methods whose repetition cannot create a second object; only these are retried on 5xx
# or on a failure after the request may have reached the server.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
RETRY_STATUSES = (429, 500, 502, 503, 504)
QUOTA_REMAINING_HEADER = "X-Toggl-Quota-Remaining"
QUOTA_RESETS_HEADER = "X-Toggl-Quota-Resets-In"


class TogglRetry(Retry):
    """Retry policy of the Toggl APIs.

    A 429 is retried for every method: the rate limiter refuses the request before any
    handler runs, so even a POST cannot have been applied. A 5xx is retried only for
    idempotent methods, since a POST that failed with 500 may still have created its object.
    Connection failures before the request was sent (connect errors) are retried for every
    method by urllib3 itself; read errors only for idempotent methods.
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
    ):
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
        return self.request("POST", path, body=body, what=what, service=service)

    def put(self, path, body=None, what=None, service="track"):
        return self.request("PUT", path, body=body, what=what, service=service)

    def patch(self, path, body=None, what=None, service="track"):
        return self.request("PATCH", path, body=body, what=what, service=service)

    def delete(self, path, body=None, what=None, service="track"):
        return self.request("DELETE", path, body=body, what=what, service=service)

    def request(self, method, path, params=None, body=None, what=None, service="track"):
        return self._send(method, path, params=params, body=body, what=what, service=service)[0]

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

    # -- internals ----------------------------------------------------------------------

    def _send(self, method, path, params=None, body=None, what=None, service="track"):
        target = self.services[service]
        if service == "focus":
            require_focus_key(self, "%s needs the Toggl Focus API" % (what or path))
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
            raise TogglApiError(
                method, path, None, "TLS verification failed (%s); set ca_path to your CA bundle" % _reason(exc)
            ) from None
        except requests.exceptions.Timeout as exc:
            message = "no answer within %ss (%s)" % (self.timeout, _reason(exc))
            raise TogglApiError(method, path, None, message) from None
        except requests.exceptions.RequestException as exc:
            if _answer_lost(exc):
                # The request went out, so "cannot reach" would be wrong: a write may have been applied.
                message = "the connection was closed before an answer (%s)" % _reason(exc)
            else:
                message = "cannot reach %s: %s" % (target.base_url, _reason(exc))
            raise TogglApiError(method, path, None, message) from None
        self._note_quota(response)
        if response.status_code >= 400:
            raise self._error(method, path, response, what, target)
        return _parse_body(response), response

    def _note_quota(self, response):
        remaining = _int_header(response, QUOTA_REMAINING_HEADER)
        if remaining is not None:
            self.quota_remaining = remaining
            self.quota_resets_in = _int_header(response, QUOTA_RESETS_HEADER)

    def _error(self, method, path, response, what, service):
        status = response.status_code
        api_message = _error_message(response)
        if status == 401:
            return TogglApiError(
                method, path, status, api_message, summary="authentication failed: " + service.credential_hint
            )
        if status == 403:
            # Toggl answers 403 both to a wrong token and to a valid one without the rights.
            summary = "authentication failed: %s, or give its user access to this" % service.credential_hint
            return TogglApiError(method, path, status, api_message, summary=summary)
        if status == 402:
            if _int_header(response, QUOTA_REMAINING_HEADER) == 0:
                resets = _int_header(response, QUOTA_RESETS_HEADER)
                return TogglApiError(
                    method,
                    path,
                    status,
                    api_message,
                    summary="Toggl API quota exhausted, resets in %s s" % (resets if resets is not None else "?"),
                    quota_exhausted=True,
                )
            return TogglApiError(method, path, status, api_message, summary="needs a paid Toggl plan: " + api_message)
        if status == 404:
            return TogglApiError(method, path, status, api_message, summary="%s not found" % (what or path))
        if status == 429:
            return TogglApiError(
                method,
                path,
                status,
                api_message,
                summary="rate limited by the Toggl API after %d retries" % self.max_retries,
            )
        return TogglApiError(method, path, status, api_message)


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


def _answer_lost(exc):
    """Whether the connection broke after the request was sent (urllib3's ProtocolError)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ProtocolError):
            return True
        seen.add(id(exc))
        exc = getattr(exc, "reason", None) or (exc.args[0] if getattr(exc, "args", None) else None)
        if isinstance(exc, str):
            return False
    return False


def _reason(exc):
    """The innermost cause of a requests/urllib3 failure, without the retry wrapper noise."""
    reason = exc
    while True:
        inner = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None) else None)
        if inner is None or inner is reason or isinstance(inner, str):
            break
        reason = inner
    return str(reason)
