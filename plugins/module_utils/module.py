# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of every trackops.toggl module.

It owns the shared options (documented once in the ``trackops.toggl.toggl`` doc fragment),
builds the client, runs the engine, and turns every expected failure into a clean
``fail_json`` that still reports the requests sent. Modules only declare their options and
name their resource description.
"""

import threading
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.trackops.toggl.plugins.module_utils.client import (
    DEFAULT_API_URL,
    DEFAULT_FOCUS_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    SECRET_OPTIONS,
    TogglClient,
    clean_secret,
    redact,
    secret_forms,
)
from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglError
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver


def toggl_argument_spec():
    """The shared options; keep in sync with plugins/doc_fragments/toggl.py."""
    return dict(
        api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["TOGGL_API_TOKEN"])),
        api_username=dict(type="str", fallback=(env_fallback, ["TOGGL_API_USERNAME"])),
        api_password=dict(type="str", no_log=True, fallback=(env_fallback, ["TOGGL_API_PASSWORD"])),
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["TOGGL_API_URL"])),
        focus_api_url=dict(type="str", default=DEFAULT_FOCUS_API_URL, fallback=(env_fallback, ["TOGGL_FOCUS_API_URL"])),
        focus_api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["TOGGL_FOCUS_API_KEY"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        request_timeout=dict(type="float", default=30, fallback=(env_fallback, ["TOGGL_REQUEST_TIMEOUT"])),
        max_retries=dict(type="int", default=5, fallback=(env_fallback, ["TOGGL_MAX_RETRIES"])),
        quota_wait=dict(type="int", default=0, fallback=(env_fallback, ["TOGGL_QUOTA_WAIT"])),
        validate_only=dict(type="bool", default=False),
        validate_names=dict(type="bool", default=False),
    )


def guard_secrets(module):
    """Mask every form of the credentials in whatever the module returns, then strip them.

    Ansible masks the values of ``no_log`` options as given; a message can carry them in other
    forms (the value without its trailing newline, escaped in a ``repr`` of bytes, base64 in a
    Basic authorization header). All of them join ``no_log_values``, which ``exit_json`` and
    ``fail_json`` mask in every returned string. Returns the forms.
    """
    forms = secret_forms(module.params)
    module.no_log_values.update(forms)
    for option in SECRET_OPTIONS + ("api_username",):
        if module.params.get(option) is not None:
            module.params[option] = clean_secret(module.params[option])
    return forms


class TogglModule(AnsibleModule):
    def __init__(self, argument_spec=None, **kwargs):
        spec = toggl_argument_spec()
        spec.update(argument_spec or {})
        kwargs.setdefault("supports_check_mode", True)
        kwargs.setdefault("required_together", []).append(("api_username", "api_password"))
        super().__init__(argument_spec=spec, **kwargs)
        self._secret_forms = guard_secrets(self)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        self._check_shared_options()

    def _check_shared_options(self):
        timeout = self.params["request_timeout"]
        # NaN fails every comparison; a socket cannot wait longer than TIMEOUT_MAX seconds.
        if not 0 < timeout <= threading.TIMEOUT_MAX:
            self.fail_json(
                msg="request_timeout: must be greater than 0 and at most %d seconds, got %s"
                % (threading.TIMEOUT_MAX, timeout)
            )
        if self.params["max_retries"] < 0:
            self.fail_json(msg="max_retries: must be 0 or more, got %s" % self.params["max_retries"])
        if self.params["quota_wait"] < 0:
            self.fail_json(msg="quota_wait: must be 0 or more seconds, got %s" % self.params["quota_wait"])
        if not self.params["validate_certs"]:
            # The user chose not to verify; urllib3's per-request warning would only repeat it.
            try:
                import urllib3

                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            except ImportError:
                pass

    @property
    def client(self):
        if self._client is None:
            p = self.params
            self._client = TogglClient(
                api_url=p["api_url"],
                api_token=p["api_token"],
                api_username=p["api_username"],
                api_password=p["api_password"],
                focus_api_url=p["focus_api_url"],
                focus_api_key=p["focus_api_key"],
                validate_certs=p["validate_certs"],
                ca_path=p["ca_path"],
                request_timeout=p["request_timeout"],
                max_retries=p["max_retries"],
                quota_wait=p["quota_wait"],
            )
        return self._client

    def request_summary(self):
        """``api_requests``; when the API sent it, ``quota_remaining``; when the run waited for
        the quota (``quota_wait``), ``quota_waited`` and a warning per wait. Every exit, success
        or failure, goes through here."""
        if self._client is None:
            return {"api_requests": {"total": 0}}
        summary = {"api_requests": self._client.requests.as_result()}
        # The organization's quota, which the task's writes draw on (client.quota_left), when a
        # request outside /me... told it; else the user-level one of /me... (README facts).
        remaining = self._client.quota_left()[0]
        if remaining is None:
            remaining = self._client.quota_remaining
        if remaining is not None:
            summary["quota_remaining"] = remaining
        if self._client.quota_waited:
            summary["quota_waited"] = self._client.quota_waited
            while self._client.quota_waits:
                self.warn(self._client.quota_waits.pop(0))
        return summary

    def fail(self, error):
        self.fail_json(msg=self.redact(str(error)), **self.request_summary())

    def redact(self, text):
        return redact(text, self._secret_forms)

    def fail_unexpected(self, error):
        """A bug, not an expected failure: its traceback too is masked (Ansible would print an
        uncaught one unmasked), and it still reports the requests sent."""
        self.fail_json(
            msg=self.redact("unexpected error: %s: %s" % (type(error).__name__, error)),
            exception=self.redact(traceback.format_exc()),
            **self.request_summary(),
        )

    def run_info(self, info_class):
        """Read-only modules: validate, gather, and exit unchanged with the request summary.

        ``info_class(params, client, resolver)`` has ``validate()`` (no request) and
        ``gather()`` (the result keys). It runs the same in check mode: it only reads.
        """
        failure = None
        try:
            info = info_class(self.params, self.client, Resolver(self.client))
            info.validate()
            if self.params["validate_names"]:
                info.resolve()  # the organization or workspace named, and nothing gathered
            if self.params["validate_only"] or self.params["validate_names"]:
                self.exit_json(changed=False, **self.request_summary())
            facts = info.gather()
        except TogglError as error:
            failure = error
        except Exception as error:  # pylint: disable=broad-except
            self.fail_unexpected(error)
        if failure is not None:
            # Failing outside the except block: an expected failure carries no traceback.
            self.fail(failure)
        self.exit_json(changed=False, **dict(facts, **self.request_summary()))

    def run(self, resource_class, state=None):
        """Validate, reconcile one object, and exit with its result under ``kind``."""
        outcomes, resources = self._reconcile(resource_class, [self.params], state)
        self._exit(resources, outcomes, resource_class.kind, single=True)

    def run_many(self, resource_class, entries, state=None, extra=None):
        """The bulk form: reconcile every entry (each a full params dict), exit with the list.

        The entries share one Resolver, so each collection is read once whatever their number,
        and every entry is validated and decided before the first write.
        """
        outcomes, resources = self._reconcile(resource_class, entries, state, extra)
        self._exit(resources, outcomes, resource_class.kind + "s", single=False, summary=resource_class.summary)

    def entries(self, list_option, entry_options):
        """Params for each entry of a bulk list: the top-level options are the defaults."""
        merged = []
        for entry in self.params[list_option]:
            params = dict(self.params)
            params.pop(list_option)
            params.update((key, value) for key, value in entry.items() if key in entry_options and value is not None)
            merged.append(params)
        return merged

    def _reconcile(self, resource_class, entries, state, extra=None):
        """``extra``: a callable(resolver, resources) adding resources (e.g. exclusive removals)."""
        failure = None
        resources = []
        try:
            resolver = Resolver(self.client, check_mode=self.check_mode)
            resources = [resource_class(params, self.client, resolver) for params in entries]
            for resource in resources:
                resource.validate()
            resource_class.validate_many(resources, self.params)
            validate_names = self.params["validate_names"]
            if self.params["validate_only"] and not validate_names:
                # Local checks only (validate_only): no request, no change.
                self.exit_json(changed=False, **self.request_summary())
            if extra is not None:
                resources.extend(extra(resolver, resources))
            if validate_names:
                # Every name resolved, nothing read or decided beyond what the names need.
                for resource in resources:
                    resource.resolve_names()
                self.exit_json(changed=False, **self.request_summary())
            outcomes = Reconciler(check_mode=self.check_mode).ensure_all(resources, state)
        except TogglError as error:
            failure = error
        except Exception as error:  # pylint: disable=broad-except
            self.fail_unexpected(error)
        if failure is not None:
            # Failing outside the except block: an expected failure carries no traceback.
            self.fail(failure)
        return outcomes, resources

    def _exit(self, resources, outcomes, key, single, summary=None):
        for resource in resources:
            for warning in resource.warnings:
                self.warn(warning)
        result = dict(changed=any(outcome.changed for outcome in outcomes), **self.request_summary())
        if single:
            result[key] = outcomes[0].obj
        elif summary is not None:
            # A description that reports its bulk result in its own words (resource.summary).
            result.update(summary(resources, outcomes) or {key: [outcome.obj for outcome in outcomes]})
        else:
            result[key] = [outcome.obj for outcome in outcomes]
        if self._diff:
            result["diff"] = outcomes[0].diff if single else [outcome.diff for outcome in outcomes]
        self.exit_json(**result)
