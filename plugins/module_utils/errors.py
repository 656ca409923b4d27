# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exceptions a module turns into a clean ``fail_json``; nothing else is caught."""


class TogglError(Exception):
    """Base class: its ``str`` is the message the user sees."""


class TogglConfigError(TogglError):
    """The module's options cannot work (missing credentials, a feature without its key)."""


class TogglValidationError(TogglError):
    """Bad input found before any request was sent; names the field and the reason."""

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__("%s: %s" % (field, reason))


class TogglReferenceError(TogglError):
    """A name, email or id that does not resolve to exactly one object."""


class TogglStateError(TogglError):
    """The API answered a write, but the object does not show the requested change."""


class TogglApiError(TogglError):
    """A request that failed: carries method, path, status and the API's own message."""

    def __init__(self, method, path, status, api_message, summary=None, quota_exhausted=False):
        self.method = method
        self.path = path
        self.status = status
        self.api_message = api_message
        self.summary = summary
        self.quota_exhausted = quota_exhausted
        super().__init__(self._render())

    def _render(self):
        where = "%s %s" % (self.method, self.path)
        if self.status is None:
            return "%s failed: %s" % (where, self.api_message)
        detail = "HTTP %s from %s" % (self.status, where)
        if self.api_message and (not self.summary or self.api_message not in self.summary):
            detail += ": %s" % self.api_message
        if self.summary:
            return "%s (%s)" % (self.summary, detail)
        return "Toggl API error, %s" % detail


class TogglPermissionError(TogglApiError):
    """HTTP 403 once the token was accepted: the user may not do this (not bad credentials)."""


class TogglAnswerLostError(TogglApiError):
    """A non-idempotent write was sent but its answer never came back: the server may have
    applied it. Carries the ``body`` sent, so a description can look the object up and adopt it."""

    def __init__(self, method, path, api_message, body=None):
        self.body = body
        super().__init__(method, path, None, api_message)


class TogglAccessError(TogglError):
    """The token's user lacks the organization rights a task needs; raised before any write."""


class TogglQuotaError(TogglError):
    """The hourly API quota left cannot carry the task's writes; raised before the first write
    (engine.plan_quota), so nothing was written."""
