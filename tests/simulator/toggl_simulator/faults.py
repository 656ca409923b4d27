"""Injected faults (POST /_sim/faults): answer a matching request with an error instead.

A rule matches on method (optional) and a regex searched in the request path. The first
`skip` matching requests pass through untouched, the next `times` get the fault. Rules are
checked in the order they were added; the first rule that fires wins.
"""

import re
import threading
from dataclasses import dataclass, field

SPECIAL_FAULTS = ("reset", "timeout")
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

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.pattern.search(path))

    @property
    def exhausted(self) -> bool:
        return self.fired >= self.times

    def describe(self) -> dict:
        return {
            "method": self.method, "path": self.path, "status": self.status, "times": self.times,
            "skip": self.skip, "retry_after": self.retry_after,
            "skipped": self.skipped, "fired": self.fired,
        }


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
        raise ValueError("fault rule 'status' must be an HTTP error status (e.g. 500, 502, 429), 'reset' or 'timeout'")
    method = entry.get("method")
    if method is not None and not isinstance(method, str):
        raise ValueError("fault rule 'method' must be a string")
    numbers = {}
    for name, default, minimum in (("times", 1, 1), ("skip", 0, 0), ("retry_after", 1, 0)):
        value = entry.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"fault rule '{name}' must be an integer >= {minimum}")
        numbers[name] = value
    return FaultRule(
        method=method.upper() if method else None, path=path, status=status, pattern=pattern,
        **numbers,
    )


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
