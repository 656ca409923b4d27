# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The shared options of every module; the argument spec is toggl_argument_spec().
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - API token of the Toggl Track user the module acts as (Profile settings, API Token).
      - Sent with HTTP Basic authentication as C(<api_token>:api_token).
      - If not set, the value of the E(TOGGL_API_TOKEN) environment variable is used.
      - Required unless O(api_username) and O(api_password) are given.
      - Surrounding whitespace (such as the newline a YAML block scalar ends in) is removed before use.
    type: str
  api_username:
    description:
      - Email of the Toggl Track user, the alternative to O(api_token).
      - If not set, the value of the E(TOGGL_API_USERNAME) environment variable is used.
    type: str
  api_password:
    description:
      - Password of O(api_username).
      - If not set, the value of the E(TOGGL_API_PASSWORD) environment variable is used.
      - Surrounding whitespace is removed before use.
    type: str
  api_url:
    description:
      - Base URL of the Toggl Track API v9.
      - Point it at the simulator shipped in C(tests/simulator) to try playbooks without a real account.
      - A URL that misses the API's base path (such as C(https://api.track.toggl.com) without C(/api/v9)) answers
        HTTP 404 even for C(/me), which every token has; the module then fails naming O(api_url).
      - If not set, the value of the E(TOGGL_API_URL) environment variable is used.
    type: str
    default: https://api.track.toggl.com/api/v9
  focus_api_url:
    description:
      - Base URL of the Toggl Focus API, a separate service with its own keys.
      - If not set, the value of the E(TOGGL_FOCUS_API_URL) environment variable is used.
    type: str
    default: https://focus.toggl.com/api
  focus_api_key:
    description:
      - Toggl Focus API key (C(toggl_sk_...)), sent as a Bearer token to O(focus_api_url).
      - Only features that live in the Focus API need it; Track tokens do not open it.
      - If not set, the value of the E(TOGGL_FOCUS_API_KEY) environment variable is used.
      - Surrounding whitespace (such as the newline a YAML block scalar ends in) is removed before use.
    type: str
  validate_certs:
    description:
      - Verify the API's TLS certificate. Set to V(false) only against a test endpoint.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file (PEM) to verify the API's certificate with, for TLS-intercepting proxies.
      - When set, certificates are verified against it even if O(validate_certs=false).
    type: path
  request_timeout:
    description:
      - Seconds to wait for the API to connect and to answer each request.
      - A V(GET), V(PUT), V(PATCH) or V(DELETE) that gets no answer in time is retried (see O(max_retries)); a
        V(POST) is not, since it may have reached the API. Where the object can be found again, the module looks it
        up and adopts it; otherwise the task fails and a rerun converges.
      - If not set, the value of the E(TOGGL_REQUEST_TIMEOUT) environment variable is used.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried after a rate limit (HTTP 429, honouring C(Retry-After)),
        a server error (HTTP 5xx) or a connection failure, with exponential backoff and jitter.
      - A V(POST) is retried only when it cannot have reached the server (connection refused, HTTP 429), so a retry
        never creates an object twice. Every retry counts in RV(api_requests).
      - A V(DELETE) whose answer was lost is resent; when the resent one finds the object gone, the first one was
        applied and the deletion succeeded.
      - V(0) disables retries.
      - If not set, the value of the E(TOGGL_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
  quota_wait:
    description:
      - Seconds the module may wait, in all, for the hourly Toggl API quota to reset. V(0) never waits.
      - Before its first write, a module that changes state counts the requests its writes need (at least) and
        compares them with the quota its reads left (header C(X-Toggl-Quota-Remaining)). When they do not fit, it
        fails with nothing written, naming the need, what is left and when the window resets; with O(quota_wait)
        at least the reset (header C(X-Toggl-Quota-Resets-In)), it waits for the reset instead and goes on.
      - A request the API refuses with HTTP 402 because the quota is exhausted is sent again after the reset it
        names, while O(quota_wait) still holds that wait; otherwise the task fails naming the reset.
      - The waits never add up to more than O(quota_wait). Each one is a warning, and RV(quota_waited) says
        how many seconds the module waited.
      - In check mode nothing is written, so nothing is refused or waited for; a shortage is a warning.
      - If not set, the value of the E(TOGGL_QUOTA_WAIT) environment variable is used.
    type: int
    default: 0
  validate_only:
    description:
      - V(true) checks the task's input as the module does before its first request - types, bounds, dates, the
        same entry twice - and ends there, sending no request and changing nothing (the result holds no object).
      - For a sequence of tasks (a role) that must fail on bad data before any of them writes, run each task so
        first. Checks that need the API (an unknown name) come with the real run, or with O(validate_names).
    type: bool
    default: false
  validate_names:
    description:
      - V(true) checks the task's input as O(validate_only) does, then resolves every name the task gives (the
        organization, workspaces, users by email, groups, projects, receivers) and ends there. An unknown or
        ambiguous name fails the task; nothing is written. It sends only the reads the names need (an id costs
        nothing), reads nothing else and decides nothing, so the result holds no object and C(changed) is V(false).
      - For a sequence of tasks that must fail on an unknown name before any of them writes; the
        C(trackops.toggl.workspace_policy) role runs its rates, reminders and alerts so before its first write.
      - Implies O(validate_only).
    type: bool
    default: false
notes:
  - Every request counts against the user's hourly Toggl API quota (for example 240 requests per hour on
    Starter; requests to C(/me...) endpoints, used to resolve organization and workspace names, 30 per hour).
    Give ids instead of names where you have them, and see RV(api_requests) for what each task sent; the
    P(trackops.toggl.toggl_requests#callback) callback lists them for every task at the end of the playbook.
  - An HTTP 403 is reported as bad credentials only while nothing has proven them good; once a request with them
    succeeded (a refused first read asks C(GET /me)), or for any write, it is reported as a refusal of what the
    token's user may do.
  - Credentials never appear in the module's output, in no form (with whitespace around them, escaped, or base64 in
    the Basic authorization header). Give them as options or in the controller's environment, not through a
    task's C(environment) keyword, whose values C(ansible-playbook -vvv) prints itself.
  - The module runs on the controller; use O(ignore:delegate_to=localhost) or a C(local) connection, with
    C(ansible_python_interpreter) pointing at a Python that has C(requests), such as C(ansible_playbook_python).
requirements:
  - requests >= 2.25
"""

    # Support attributes shared by every module that changes state.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Predicts the same C(changed) and object as a real run and sends no write request.
  diff_mode:
    support: full
    description: Shows the managed fields of the object before and after.
  platform:
    support: full
    platforms: toggl
    description: Talks to the Toggl API from the controller.
  action_group:
    support: full
    membership:
      - trackops.toggl.toggl
    description: Use C(group/trackops.toggl.toggl) in C(module_defaults) to set the shared options once.
"""

    # Support attributes of the read-only *_info modules.
    INFO_ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
  platform:
    support: full
    platforms: toggl
    description: Talks to the Toggl API from the controller.
  action_group:
    support: full
    membership:
      - trackops.toggl.toggl
    description: Use C(group/trackops.toggl.toggl) in C(module_defaults) to set the shared options once.
"""
