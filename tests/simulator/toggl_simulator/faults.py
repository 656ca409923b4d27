"""Injected faults (POST /_sim/faults): answer a matching request with an error instead.

Kinds: an HTTP error status (the request is not served), "reset" (the connection is closed
without an answer, the request not served), "timeout" (answered after 60 s, not served),
"lost" (the request IS served, its state change made, and then the connection is closed
without an answer: a lost answer), and "interleave" (just before the matching request is
served, the rule's own `request` is served as its `token`: another administrator writing
between this client's read and its write; then the matching request is served normally).

A rule matches on method (optional) and a regex searched in the request path. The first
`skip` matching requests pass through untouched, the next `times` get the fault. Rules are
checked in the order they were added; the first rule that fires wins.
"""

import re
import threading
from dataclasses import dataclass, field

SPECIAL_FAULTS = ("reset", "timeout", "lost", "interleave")
INTERLEAVE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
TIMEOUT_SECONDS = 60


@dataclass
class FaultRule:
    method: str | None
    path: str
    status: int | str
    times: int = 1
    skip: int = 0
    retry_after: int = 1
    skipped: int = 0
    fired: int = 0
    pattern: re.Pattern = field(default=None, repr=False)
    # "interleave": the other request ({"method", "path", "body", "token"}) and what it got.
    request: dict | None = None
    interleaved: list[dict] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.pattern.search(path))

    @property
    def exhausted(self) -> bool:
        return self.fired >= self.times

    def describe(self) -> dict:
        described = {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "times": self.times,
            "skip": self.skip,
            "retry_after": self.retry_after,
            "skipped": self.skipped,
            "fired": self.fired,
        }
        if self.request is not None:
            described["request"] = dict(self.request)
            described["interleaved"] = [dict(result) for result in self.interleaved]
        return described


def parse_rule(entry) -> FaultRule:
    """Validates one rule from the control API; raises ValueError with the reason."""
    if not isinstance(entry, dict):
        raise ValueError("each fault rule must be an object")
    path = entry.get("path")
    if not isinstance(path, str) or not path:
        raise ValueError("fault rule needs 'path' (a regex)")
    try:
        pattern = re.compile(path)
    except re.error as error:
        raise ValueError(f"fault rule 'path' is not a valid regex: {error}") from error
    status = entry.get("status")
    valid_status = status in SPECIAL_FAULTS or (
        isinstance(status, int) and not isinstance(status, bool) and 400 <= status <= 599
    )
    if not valid_status:
        raise ValueError(
            "fault rule 'status' must be an HTTP error status (e.g. 500, 502, 429), "
            "'reset', 'timeout', 'lost' or 'interleave'"
        )
    method = entry.get("method")
    if method is not None and not isinstance(method, str):
        raise ValueError("fault rule 'method' must be a string")
    numbers = {}
    for name, default, minimum in (("times", 1, 1), ("skip", 0, 0), ("retry_after", 1, 0)):
        value = entry.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"fault rule '{name}' must be an integer >= {minimum}")
        numbers[name] = value
    other = _parse_interleaved_request(entry.get("request")) if status == "interleave" else None
    return FaultRule(
        method=method.upper() if method else None,
        path=path,
        status=status,
        pattern=pattern,
        request=other,
        **numbers,
    )


def _parse_interleaved_request(other) -> dict:
    if not isinstance(other, dict):
        raise ValueError('an \'interleave\' fault rule needs \'request\': {"method", "path", "body", "token"}')
    method = other.get("method")
    if not isinstance(method, str) or method.upper() not in INTERLEAVE_METHODS:
        raise ValueError(f"interleaved 'request.method' must be one of {', '.join(INTERLEAVE_METHODS)}")
    path = other.get("path")
    if not isinstance(path, str) or not path.startswith("/api/"):
        raise ValueError("interleaved 'request.path' must be an API path such as /api/v9/organizations/10")
    token = other.get("token")
    if not isinstance(token, str) or not token:
        raise ValueError("interleaved 'request.token' must be the API token to send it as")
    return {"method": method.upper(), "path": path, "body": other.get("body"), "token": token}


class FaultInjector:
    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def describe(self) -> list[dict]:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, if any (counting skips and firings)."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(method, path):
                    continue
                if rule.skipped < rule.skip:
                    rule.skipped += 1
                    continue
                rule.fired += 1
                return rule
            return None
